/**
 * Requests per client address in a fixed window (settings.security.ipRateLimit): each address's window opens with
 * its first request and lasts `windowSeconds`; at most `requests` are let through in it.
 *
 * Memory is bounded: entries are kept in the order their windows opened (a new window moves its entry to the end),
 * so stale ones are dropped from the front in passing, and past `maxAddresses` the oldest window is forgotten.
 */
export interface IpRateLimitOptions {
  requests: number;
  windowSeconds: number;
  /** Most addresses tracked at once (a flood of distinct addresses cannot grow the map past this). */
  maxAddresses?: number;
  /** Milliseconds clock, for tests. */
  now?: () => number;
}

interface Window {
  startedAt: number;
  count: number;
}

export const DEFAULT_MAX_TRACKED_ADDRESSES = 100_000;

export class IpRateLimiter {
  readonly requests: number;
  readonly windowSeconds: number;
  readonly #windowMs: number;
  readonly #maxAddresses: number;
  readonly #now: () => number;
  readonly #windows = new Map<string, Window>();
  /** When the oldest tracked window ends: until then nothing is stale and the sweep is skipped. */
  #sweepAt = Number.POSITIVE_INFINITY;

  constructor(options: IpRateLimitOptions) {
    this.requests = options.requests;
    this.windowSeconds = options.windowSeconds;
    this.#windowMs = options.windowSeconds * 1000;
    this.#maxAddresses = Math.max(1, options.maxAddresses ?? DEFAULT_MAX_TRACKED_ADDRESSES);
    this.#now = options.now ?? Date.now;
  }

  /** Addresses currently tracked. */
  get size(): number {
    return this.#windows.size;
  }

  /**
   * Counts one request from `address`. Returns 0 when it may proceed, else the whole seconds until its window ends
   * (for Retry-After; at least 1). Refused requests are not counted.
   */
  hit(address: string): number {
    const now = this.#now();
    if (now >= this.#sweepAt) this.#sweep(now);
    const window = this.#windows.get(address);
    if (window === undefined) {
      if (this.#windows.size >= this.#maxAddresses) this.#evictOldest();
      this.#windows.set(address, { startedAt: now, count: 1 });
      if (this.#windows.size === 1) this.#sweepAt = now + this.#windowMs;
      return 0;
    }
    if (now - window.startedAt >= this.#windowMs) {
      // A new window: move the entry to the end so the map stays ordered by window start.
      this.#windows.delete(address);
      window.startedAt = now;
      window.count = 1;
      this.#windows.set(address, window);
      return 0;
    }
    if (window.count >= this.requests) return Math.max(1, Math.ceil((window.startedAt + this.#windowMs - now) / 1000));
    window.count++;
    return 0;
  }

  /** Forgets every address (settings changed, tests). */
  clear(): void {
    this.#windows.clear();
    this.#sweepAt = Number.POSITIVE_INFINITY;
  }

  /** Drops the windows that have ended, oldest first, stopping at the first live one. */
  #sweep(now: number): void {
    for (const [address, window] of this.#windows) {
      if (now - window.startedAt < this.#windowMs) {
        this.#sweepAt = window.startedAt + this.#windowMs;
        return;
      }
      this.#windows.delete(address);
    }
    this.#sweepAt = Number.POSITIVE_INFINITY;
  }

  #evictOldest(): void {
    const oldest = this.#windows.keys().next();
    if (!oldest.done) this.#windows.delete(oldest.value);
  }
}
