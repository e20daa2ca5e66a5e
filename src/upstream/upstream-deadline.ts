export type DeadlinePhase = "connect" | "first-byte" | "idle" | "done";

export class UpstreamTimeoutError extends Error {
  override name = "UpstreamTimeoutError";
  constructor(readonly phase: Exclude<DeadlinePhase, "done">, readonly limitMs: number) {
    super(
      phase === "connect"
        ? `could not connect within ${limitMs} ms`
        : phase === "first-byte"
          ? `sent no response within ${limitMs} ms`
          : `went silent for ${limitMs} ms mid-response`,
    );
  }
}

/** How often active deadlines are checked; limits are enforced to within this much. */
export const DEADLINE_SWEEP_MS = 100;

const active = new Set<UpstreamDeadline>();
let sweeper: ReturnType<typeof setInterval> | undefined;

// One shared timer checks every running upstream call, instead of a setTimeout/clearTimeout pair per request.
// It runs only while calls are in flight, so an idle gateway has no wake-ups.
function sweep(): void {
  const now = performance.now();
  for (const deadline of active) deadline.check(now);
  if (active.size === 0 && sweeper) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

function track(deadline: UpstreamDeadline): void {
  active.add(deadline);
  if (!sweeper) {
    sweeper = setInterval(sweep, DEADLINE_SWEEP_MS);
    sweeper.unref?.();
  }
}

/**
 * Connect, first-byte and idle limits for one upstream call. Activity only stamps a number, so per-chunk
 * cost is a clock read.
 */
export class UpstreamDeadline {
  readonly controller = new AbortController();
  phase: DeadlinePhase = "first-byte";
  #phaseStart = performance.now();
  #lastActivity = this.#phaseStart;

  constructor(private readonly limits: { connectMs: number; firstByteMs: number; idleMs: number }) {
    track(this);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The fetch's connect phase failed to complete in time (see connect-probe). */
  failConnect(): void {
    this.abort(new UpstreamTimeoutError("connect", this.limits.connectMs));
  }

  /** First body byte arrived: from now on only silence counts. */
  firstByte(): void {
    this.phase = "idle";
    this.#lastActivity = performance.now();
  }

  activity(): void {
    this.#lastActivity = performance.now();
  }

  finish(): void {
    this.phase = "done";
    active.delete(this);
  }

  abort(reason: unknown): void {
    this.finish();
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  /** Called by the sweeper. */
  check(now: number): void {
    if (this.phase === "first-byte" && now - this.#phaseStart >= this.limits.firstByteMs) {
      this.abort(new UpstreamTimeoutError("first-byte", this.limits.firstByteMs));
    } else if (this.phase === "idle" && now - this.#lastActivity >= this.limits.idleMs) {
      this.abort(new UpstreamTimeoutError("idle", this.limits.idleMs));
    }
  }
}
