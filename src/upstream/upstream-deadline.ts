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

/**
 * One timer per upstream call enforcing connect, first-byte and idle limits. Activity only stamps a number,
 * so per-chunk cost is a clock read; the timer re-arms itself for the remaining time when it fires early.
 */
export class UpstreamDeadline {
  readonly controller = new AbortController();
  phase: DeadlinePhase = "first-byte";
  #phaseStart = performance.now();
  #lastActivity = this.#phaseStart;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly limits: { connectMs: number; firstByteMs: number; idleMs: number }) {
    this.#arm(limits.firstByteMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The fetch's connect phase failed to complete in time (see connect-probe). */
  failConnect(): void {
    this.#abort(new UpstreamTimeoutError("connect", this.limits.connectMs));
  }

  /** First body byte arrived: from now on only silence counts. */
  firstByte(): void {
    this.phase = "idle";
    this.#lastActivity = performance.now();
    clearTimeout(this.#timer);
    this.#arm(this.limits.idleMs);
  }

  activity(): void {
    this.#lastActivity = performance.now();
  }

  finish(): void {
    this.phase = "done";
    clearTimeout(this.#timer);
  }

  abort(reason: unknown): void {
    this.finish();
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  #abort(error: UpstreamTimeoutError): void {
    this.abort(error);
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#check(), ms);
  }

  #check(): void {
    const now = performance.now();
    if (this.phase === "first-byte") {
      const left = this.limits.firstByteMs - (now - this.#phaseStart);
      if (left <= 0) this.#abort(new UpstreamTimeoutError("first-byte", this.limits.firstByteMs));
      else this.#arm(left);
    } else if (this.phase === "idle") {
      const left = this.limits.idleMs - (now - this.#lastActivity);
      if (left <= 0) this.#abort(new UpstreamTimeoutError("idle", this.limits.idleMs));
      else this.#arm(left);
    }
  }
}
