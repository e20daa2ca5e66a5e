/**
 * A circuit breaker: closed (calls pass) → open (calls refused for a cool-down) → half-open (one probe at a time)
 * → closed on the probe's success, open again (cool-down doubled) on its failure.
 * Pure and synchronous: time comes from the injected clock, open → half-open is computed when asked.
 */

export type BreakerState = "closed" | "open" | "half-open";

export interface FailureRateWindow {
  /** Length of the sliding window. */
  ms: number;
  /** Fewer calls than this in the window never open the breaker by rate. */
  minCalls: number;
  /** Failure share (0..1] at or above which the breaker opens. */
  failureRate: number;
}

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** First open period; doubles on each re-open from half-open. */
  cooldownMs: number;
  maxCooldownMs: number;
  /** Optional: also open when the failure share over a sliding window is too high. */
  window: FailureRateWindow | null;
  /**
   * Opening needs failures from at least this many distinct sources (e.g. accounts of one provider) since the
   * last success, so one broken account cannot open its provider's breaker. 1 = sources are not counted;
   * above 1, `recordFailure` must name its source.
   */
  minSources: number;
  /** A probe that has not reported after this long is presumed lost, and another one may go. */
  probeTimeoutMs: number;
}

export const DEFAULT_BREAKER_OPTIONS: Readonly<CircuitBreakerOptions> = Object.freeze({
  failureThreshold: 5,
  cooldownMs: 30_000,
  maxCooldownMs: 600_000,
  window: null,
  minSources: 1,
  // Just over the default first-byte deadline (300 s): a probe still waiting for its first byte is not lost.
  probeTimeoutMs: 360_000,
});

/** Permission for one call. `probe`: it holds the half-open probe slot; `ticket` identifies that probe. */
export interface BreakerPermit {
  readonly probe: boolean;
  readonly ticket: number;
}

export interface BreakerStats {
  state: BreakerState;
  /** Totals since creation. */
  failures: number;
  successes: number;
  opens: number;
  consecutiveFailures: number;
  /** When the state last changed (ms), or null if it never did. */
  lastChange: number | null;
  /** While open: when it turns half-open. */
  openUntil: number | null;
  /** The open period the next opening will use (grows on re-open, back to the base on close). */
  cooldownMs: number;
  probeInFlight: boolean;
}

const PASS: BreakerPermit = Object.freeze({ probe: false, ticket: 0 });
const WINDOW_BUCKETS = 10;

export class CircuitBreaker {
  #options: CircuitBreakerOptions;
  readonly #now: () => number;
  #state: BreakerState = "closed";
  #lastChange: number | null = null;
  #openUntil = 0;
  #cooldownMs: number;
  #consecutive = 0;
  #failures = 0;
  #successes = 0;
  #opens = 0;
  #sources = new Set<string>();
  #probeTicket = 0;
  #probeSince: number | null = null;
  // Sliding window: ring of buckets, each counting calls and failures over ms / WINDOW_BUCKETS.
  #bucketStart: number[] = new Array<number>(WINDOW_BUCKETS).fill(Number.NEGATIVE_INFINITY);
  #bucketCalls: number[] = new Array<number>(WINDOW_BUCKETS).fill(0);
  #bucketFailures: number[] = new Array<number>(WINDOW_BUCKETS).fill(0);

  constructor(options: Partial<CircuitBreakerOptions> = {}, now: () => number = Date.now) {
    this.#options = { ...DEFAULT_BREAKER_OPTIONS, ...options };
    this.#now = now;
    this.#cooldownMs = this.#options.cooldownMs;
  }

  /** New options apply from now on; a grown cool-down is capped by a lower maximum. */
  configure(options: Partial<CircuitBreakerOptions>): void {
    const windowChanged = options.window !== undefined && options.window !== this.#options.window;
    this.#options = { ...this.#options, ...options };
    if (this.#state === "closed") this.#cooldownMs = this.#options.cooldownMs;
    this.#cooldownMs = Math.min(Math.max(this.#cooldownMs, this.#options.cooldownMs), this.#options.maxCooldownMs);
    if (windowChanged) this.#resetWindow();
  }

  get state(): BreakerState {
    this.#advance();
    return this.#state;
  }

  /** Whether a call could start now (does not take the probe slot). */
  canRequest(): boolean {
    this.#advance();
    if (this.#state === "closed") return true;
    if (this.#state === "open") return false;
    return !this.#probeBusy();
  }

  /** Takes permission for one call: always while closed, never while open, once per probe while half-open. */
  acquire(): BreakerPermit | null {
    this.#advance();
    if (this.#state === "closed") return PASS;
    if (this.#state === "open" || this.#probeBusy()) return null;
    this.#probeSince = this.#now();
    return { probe: true, ticket: ++this.#probeTicket };
  }

  /** `acquire()` as a yes/no. While half-open, true exactly once until that probe reports (or is released). */
  tryAcquire(): boolean {
    return this.acquire() !== null;
  }

  /** A call that ends without a verdict (client left, request refused as invalid) gives its probe slot back. */
  release(permit: BreakerPermit): void {
    if (permit.probe && permit.ticket === this.#probeTicket && this.#state === "half-open") this.#probeSince = null;
  }

  /**
   * A call succeeded. While half-open this closes the breaker (whoever reports: a success is evidence). While
   * open it is counted only: a call that started before the breaker opened says nothing about now.
   */
  recordSuccess(): void {
    this.#advance();
    this.#successes++;
    if (this.#state === "open") return;
    this.#consecutive = 0;
    this.#sources.clear();
    if (this.#state === "half-open") {
      this.#change("closed");
      this.#cooldownMs = this.#options.cooldownMs;
      this.#resetWindow();
      return;
    }
    this.#countWindow(false);
  }

  /** A call failed in a way that says the upstream is unhealthy. `source`: who failed, for `minSources`. */
  recordFailure(source?: string): void {
    this.#advance();
    this.#failures++;
    if (this.#state === "open") return;
    if (this.#state === "half-open") {
      this.#cooldownMs = Math.min(this.#cooldownMs * 2, this.#options.maxCooldownMs);
      this.#open();
      return;
    }
    this.#consecutive++;
    if (source !== undefined && this.#options.minSources > 1) this.#sources.add(source);
    this.#countWindow(true);
    if (this.#options.minSources > 1 && this.#sources.size < this.#options.minSources) return;
    if (this.#consecutive >= this.#options.failureThreshold || this.#rateTooHigh()) this.#open();
  }

  /** Drops a source from the distinct-failure count (e.g. a forgotten account). */
  forgetSource(source: string): void {
    this.#sources.delete(source);
  }

  /** While open, when it turns half-open; otherwise null. */
  openUntil(): number | null {
    this.#advance();
    return this.#state === "open" ? this.#openUntil : null;
  }

  /** Back to a fresh closed breaker (counters kept). */
  reset(): void {
    if (this.#state !== "closed") this.#change("closed");
    this.#consecutive = 0;
    this.#sources.clear();
    this.#cooldownMs = this.#options.cooldownMs;
    this.#probeSince = null;
    this.#resetWindow();
  }

  stats(): BreakerStats {
    this.#advance();
    return {
      state: this.#state,
      failures: this.#failures,
      successes: this.#successes,
      opens: this.#opens,
      consecutiveFailures: this.#consecutive,
      lastChange: this.#lastChange,
      openUntil: this.#state === "open" ? this.#openUntil : null,
      cooldownMs: this.#cooldownMs,
      probeInFlight: this.#state === "half-open" && this.#probeBusy(),
    };
  }

  #advance(): void {
    if (this.#state === "open" && this.#now() >= this.#openUntil) {
      this.#state = "half-open";
      // It became half-open when the cool-down ended, not when someone looked.
      this.#lastChange = this.#openUntil;
      this.#probeSince = null;
    }
  }

  #probeBusy(): boolean {
    return this.#probeSince !== null && this.#now() - this.#probeSince < this.#options.probeTimeoutMs;
  }

  #open(): void {
    this.#change("open");
    this.#opens++;
    this.#openUntil = this.#now() + this.#cooldownMs;
    this.#probeSince = null;
    this.#sources.clear();
  }

  #change(state: BreakerState): void {
    this.#state = state;
    this.#lastChange = this.#now();
    if (state !== "half-open") this.#probeSince = null;
  }

  #countWindow(failed: boolean): void {
    const window = this.#options.window;
    if (!window) return;
    const width = Math.max(1, window.ms / WINDOW_BUCKETS);
    const start = Math.floor(this.#now() / width) * width;
    const slot = Math.floor(start / width) % WINDOW_BUCKETS;
    if (this.#bucketStart[slot] !== start) {
      this.#bucketStart[slot] = start;
      this.#bucketCalls[slot] = 0;
      this.#bucketFailures[slot] = 0;
    }
    this.#bucketCalls[slot] = this.#bucketCalls[slot]! + 1;
    if (failed) this.#bucketFailures[slot] = this.#bucketFailures[slot]! + 1;
  }

  #rateTooHigh(): boolean {
    const window = this.#options.window;
    if (!window) return false;
    const oldest = this.#now() - window.ms;
    let calls = 0;
    let failures = 0;
    for (let slot = 0; slot < WINDOW_BUCKETS; slot++) {
      if (this.#bucketStart[slot]! <= oldest) continue;
      calls += this.#bucketCalls[slot]!;
      failures += this.#bucketFailures[slot]!;
    }
    return calls >= window.minCalls && calls > 0 && failures / calls >= window.failureRate;
  }

  #resetWindow(): void {
    this.#bucketStart.fill(Number.NEGATIVE_INFINITY);
    this.#bucketCalls.fill(0);
    this.#bucketFailures.fill(0);
  }
}
