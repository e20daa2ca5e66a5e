/**
 * The gateway's own request limits, per account (connection id) and per provider (provider id, shared by all its
 * accounts): requests per minute, a minimum gap between starts, a maximum in flight. A request needs a slot under
 * every limit that names its account or its provider; when one is spent it waits in a FIFO queue (bounded, with a
 * timeout) and is admitted as soon as every limit it needs has room, or refused with the time until the next slot.
 *
 * - RPM is a sliding 60 s window over start times (a ring of the last `rpm` starts): never more than `rpm` starts
 *   in any 60 s, which is what providers count; no burst allowance beyond it.
 * - Nothing configured for either key: `acquire` returns one shared, already-resolved promise (no allocation).
 * - The only timer is one for the whole limiter, armed while someone waits (the next moment a waiter may be
 *   admitted or times out), unref'd. The clock and timer are injectable.
 */

export interface RateLimit {
  /** Starts per sliding 60 s window. */
  rpm?: number;
  /** Least time between two starts. */
  minGapMs?: number;
  /** Most requests in flight at once (from start to `release()`). */
  maxConcurrent?: number;
  /** Most requests waiting for a slot; more are refused at once. 0: no waiting. */
  queueMax?: number;
  /** Longest wait for a slot before giving up. 0: no waiting. */
  queueTimeoutMs?: number;
}

/** Keyed by a connection id (that account) or a provider id (all its accounts together). */
export type RateLimits = Readonly<Record<string, RateLimit>>;

export const DEFAULT_QUEUE_MAX = 100;
export const DEFAULT_QUEUE_TIMEOUT_MS = 10_000;
const WINDOW_MS = 60_000;
/** What a refusal suggests when only the concurrency limit is in the way (its end is unknown). */
const CONCURRENCY_RETRY_MS = 1_000;

export interface Slot {
  ok: true;
  /** The request is over; frees its concurrency slot. Calling it twice is harmless. */
  release(): void;
}

export type RefusalReason = "queue-full" | "queue-timeout" | "aborted";

export interface Refusal {
  ok: false;
  /** When a slot should be free again, from now (≥ 0). */
  retryAfterMs: number;
  reason: RefusalReason;
  /** The key (connection or provider id) of a limit in the way. */
  limit: string;
}

export type SlotResult = Slot | Refusal;

export interface RateLimiterClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const SYSTEM_CLOCK: RateLimiterClock = {
  now: Date.now,
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms);
    timer.unref?.();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface RateLimitSnapshot {
  key: string;
  rpm: number | null;
  minGapMs: number | null;
  maxConcurrent: number | null;
  queueMax: number;
  queueTimeoutMs: number;
  inflight: number;
  queued: number;
  /** Starts in the last 60 s (counted only when `rpm` is set). */
  windowCount: number | null;
  /** Until the next start is allowed by rpm / gap; null when only the concurrency limit is in the way. */
  nextSlotInMs: number | null;
  admitted: number;
  refused: number;
}

export interface RateLimiterSnapshot {
  limits: RateLimitSnapshot[];
  waiting: number;
}

const UNLIMITED: Slot = Object.freeze({ ok: true as const, release() {} });
const UNLIMITED_RESULT: Promise<SlotResult> = Promise.resolve(UNLIMITED);

class Limit {
  rpm = 0;
  minGapMs = 0;
  maxConcurrent = Number.POSITIVE_INFINITY;
  queueMax = DEFAULT_QUEUE_MAX;
  queueTimeoutMs = DEFAULT_QUEUE_TIMEOUT_MS;
  /** Ring of the last `rpm` start times; `head` is the oldest. */
  starts: Float64Array | null = null;
  head = 0;
  count = 0;
  lastStart = Number.NEGATIVE_INFINITY;
  inflight = 0;
  queued = 0;
  admitted = 0;
  refused = 0;
  /** Set when a reconfiguration dropped it (in-flight slots then release into nothing). */
  removed = false;

  constructor(
    readonly key: string,
    config: RateLimit,
  ) {
    this.configure(config);
  }

  configure(config: RateLimit): void {
    this.minGapMs = config.minGapMs ?? 0;
    this.maxConcurrent = config.maxConcurrent ?? Number.POSITIVE_INFINITY;
    this.queueMax = config.queueMax ?? DEFAULT_QUEUE_MAX;
    this.queueTimeoutMs = config.queueTimeoutMs ?? DEFAULT_QUEUE_TIMEOUT_MS;
    const rpm = config.rpm ?? 0;
    if (rpm === this.rpm) return;
    // Keep the newest starts that fit the new window size.
    const kept: number[] = [];
    for (let i = Math.max(0, this.count - rpm); i < this.count; i++) kept.push(this.starts![(this.head + i) % this.rpm]!);
    this.rpm = rpm;
    this.starts = rpm > 0 ? new Float64Array(rpm) : null;
    this.head = 0;
    this.count = rpm > 0 ? kept.length : 0;
    if (this.starts) this.starts.set(kept);
  }

  /** Until rpm and gap allow a start (0: now), ignoring concurrency. */
  timeWait(now: number): number {
    let wait = this.lastStart + this.minGapMs - now;
    if (this.starts && this.count >= this.rpm) wait = Math.max(wait, this.starts[this.head]! + WINDOW_MS - now);
    return wait > 0 ? wait : 0;
  }

  canStart(now: number): boolean {
    return this.inflight < this.maxConcurrent && this.timeWait(now) === 0;
  }

  take(now: number): void {
    this.inflight++;
    this.admitted++;
    this.lastStart = now;
    const starts = this.starts;
    if (!starts) return;
    if (this.count < this.rpm) starts[(this.head + this.count++) % this.rpm] = now;
    else {
      starts[this.head] = now;
      this.head = (this.head + 1) % this.rpm;
    }
  }

  windowCount(now: number): number {
    let n = 0;
    for (let i = 0; i < this.count; i++) if (this.starts![(this.head + i) % this.rpm]! > now - WINDOW_MS) n++;
    return n;
  }
}

interface Waiter {
  limits: Limit[];
  deadline: number;
  resolve: (result: SlotResult) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | null;
}

export class RateLimiter {
  readonly #clock: RateLimiterClock;
  #limits = new Map<string, Limit>();
  /** Everyone waiting, in arrival order (admission goes in this order). */
  readonly #waiters: Waiter[] = [];
  #timer: unknown = null;
  #timerAt = Number.POSITIVE_INFINITY;

  constructor(limits: RateLimits = {}, clock: RateLimiterClock = SYSTEM_CLOCK) {
    this.#clock = clock;
    this.configure(limits);
  }

  /** Whether any limit is configured at all. */
  get active(): boolean {
    return this.#limits.size > 0;
  }

  /**
   * A slot for one attempt on the account, under its own limit and its provider's. Resolves at once when there is
   * room (or no limit), after waiting in the queue otherwise; refused when the queue is full, the wait times out
   * or the client goes away. Call `release()` on the slot when the attempt is over.
   */
  acquire(connectionId: string, providerId: string, signal?: AbortSignal): Promise<SlotResult> {
    if (this.#limits.size === 0) return UNLIMITED_RESULT;
    const own = this.#limits.get(connectionId);
    const shared = providerId === connectionId ? undefined : this.#limits.get(providerId);
    if (!own && !shared) return UNLIMITED_RESULT;
    const limits = own && shared ? [own, shared] : [(own ?? shared)!];
    const now = this.#clock.now();
    if (limits.every((l) => l.canStart(now))) {
      // Earlier arrivals first: a waiter whose time came a moment ago (its timer not yet run) goes before this one.
      if (limits.some((l) => l.queued > 0)) this.#pump();
      if (limits.every((l) => l.canStart(now))) return Promise.resolve(this.#admit(limits, now));
    }
    if (signal?.aborted) return Promise.resolve(this.#refuse(limits, now, "aborted"));
    let timeoutMs = Number.POSITIVE_INFINITY;
    for (const limit of limits) {
      if (limit.queued >= limit.queueMax) return Promise.resolve(this.#refuse(limits, now, "queue-full", limit));
      timeoutMs = Math.min(timeoutMs, limit.queueTimeoutMs);
    }
    if (timeoutMs <= 0) return Promise.resolve(this.#refuse(limits, now, "queue-timeout"));
    return new Promise<SlotResult>((resolve) => {
      const waiter: Waiter = { limits, deadline: now + timeoutMs, resolve, signal, onAbort: null };
      for (const limit of limits) limit.queued++;
      this.#waiters.push(waiter);
      if (signal) {
        waiter.onAbort = () => {
          if (this.#remove(waiter)) waiter.resolve(this.#refuse(waiter.limits, this.#clock.now(), "aborted"));
          this.#pump();
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
      }
      this.#pump(); // arms the timer for its deadline or its slot
    });
  }

  /** New limits apply at once; a key's counts survive a change of its values. Waiters of a removed limit stop waiting on it. */
  configure(limits: RateLimits): void {
    const next = new Map<string, Limit>();
    for (const [key, config] of Object.entries(limits)) {
      if (config.rpm === undefined && config.minGapMs === undefined && config.maxConcurrent === undefined) continue;
      const existing = this.#limits.get(key);
      if (existing) existing.configure(config);
      next.set(key, existing ?? new Limit(key, config));
    }
    for (const [key, limit] of this.#limits) if (next.get(key) !== limit) limit.removed = true;
    this.#limits = next;
    for (const waiter of this.#waiters) if (waiter.limits.some((l) => l.removed)) waiter.limits = waiter.limits.filter((l) => !l.removed);
    this.#pump();
  }

  /** Every limit's state, for /api/health/routing. */
  snapshot(): RateLimiterSnapshot {
    const now = this.#clock.now();
    const limits: RateLimitSnapshot[] = [];
    for (const limit of this.#limits.values()) {
      limits.push({
        key: limit.key,
        rpm: limit.rpm > 0 ? limit.rpm : null,
        minGapMs: limit.minGapMs > 0 ? limit.minGapMs : null,
        maxConcurrent: Number.isFinite(limit.maxConcurrent) ? limit.maxConcurrent : null,
        queueMax: limit.queueMax,
        queueTimeoutMs: limit.queueTimeoutMs,
        inflight: limit.inflight,
        queued: limit.queued,
        windowCount: limit.starts ? limit.windowCount(now) : null,
        nextSlotInMs: limit.inflight < limit.maxConcurrent ? limit.timeWait(now) : null,
        admitted: limit.admitted,
        refused: limit.refused,
      });
    }
    return { limits, waiting: this.#waiters.length };
  }

  #admit(limits: Limit[], now: number): Slot {
    for (const limit of limits) limit.take(now);
    let released = false;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        let freed = false;
        for (const limit of limits) {
          if (limit.inflight > 0) limit.inflight--;
          if (Number.isFinite(limit.maxConcurrent) && !limit.removed) freed = true;
        }
        if (freed && this.#waiters.length > 0) this.#pump();
      },
    };
  }

  /** A refusal naming `blocker` (else the limit the longest way from a slot), with the time until that slot. */
  #refuse(limits: readonly Limit[], now: number, reason: RefusalReason, blocker?: Limit): Refusal {
    let retryAfterMs = 0;
    let worst = blocker ?? limits[0]!;
    for (const limit of limits) {
      limit.refused++;
      const wait = Math.max(limit.timeWait(now), limit.inflight >= limit.maxConcurrent ? CONCURRENCY_RETRY_MS : 0);
      if (wait > retryAfterMs) {
        retryAfterMs = wait;
        if (!blocker) worst = limit;
      }
    }
    return { ok: false, retryAfterMs: reason === "aborted" ? 0 : retryAfterMs, reason, limit: worst.key };
  }

  #remove(waiter: Waiter): boolean {
    const index = this.#waiters.indexOf(waiter);
    if (index < 0) return false;
    this.#waiters.splice(index, 1);
    for (const limit of waiter.limits) limit.queued--;
    if (waiter.onAbort) waiter.signal!.removeEventListener("abort", waiter.onAbort);
    return true;
  }

  /** Admits waiters in arrival order while there is room, times out the overdue, and arms the timer for the next event. */
  #pump(): void {
    const now = this.#clock.now();
    let next = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.#waiters.length; ) {
      const waiter = this.#waiters[i]!;
      if (waiter.limits.every((l) => l.canStart(now))) {
        this.#remove(waiter);
        waiter.resolve(this.#admit(waiter.limits, now));
        continue;
      }
      if (waiter.deadline <= now) {
        this.#remove(waiter);
        waiter.resolve(this.#refuse(waiter.limits, now, "queue-timeout"));
        continue;
      }
      // Waiting on time alone (not on a release): wake when its last time limit allows.
      let wake = waiter.deadline;
      if (waiter.limits.every((l) => l.inflight < l.maxConcurrent)) {
        let timeWait = 0;
        for (const limit of waiter.limits) timeWait = Math.max(timeWait, limit.timeWait(now));
        wake = Math.min(wake, now + timeWait);
      }
      if (wake < next) next = wake;
      i++;
    }
    this.#arm(next, now);
  }

  #arm(at: number, now: number): void {
    if (at === this.#timerAt) return;
    if (this.#timer !== null) this.#clock.clearTimeout(this.#timer);
    this.#timer = null;
    this.#timerAt = at;
    if (at === Number.POSITIVE_INFINITY) return;
    this.#timer = this.#clock.setTimeout(
      () => {
        this.#timer = null;
        this.#timerAt = Number.POSITIVE_INFINITY;
        this.#pump();
      },
      Math.max(1, at - now),
    );
  }
}
