import { currentSpan, type UsageWindow } from "../usage/usage-window";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A rolling window keeps at most this many buckets, whatever its length. */
const ROLLING_BUCKETS = 512;

/** What a counter reports at a moment: the sum in its current span and when that span started / resets. */
export interface SpendReading {
  spentUsd: number;
  start: number;
  /** Calendar: when the count starts afresh. Rolling: when the oldest counted spend ages out (`now` if none). */
  resetAt: number;
}

/**
 * Dollars spent in one budget's window. A calendar window keeps one running sum and starts afresh when its span
 * ends. A rolling window keeps spend in time buckets (1/512 of its length, a minute at least) so memory stays
 * bounded whatever the traffic, and spend ages out bucket by bucket — up to one bucket late.
 */
export class SpendCounter {
  readonly #window: UsageWindow;
  // Calendar windows.
  #start = 0;
  #resetAt = 0;
  #spent = 0;
  // Rolling windows: bucket indexes (time / bucketMs) in increasing order, with their sums.
  readonly #lengthMs: number;
  readonly #bucketMs: number;
  #bucketIds: number[] = [];
  #bucketUsd: number[] = [];

  constructor(window: UsageWindow) {
    this.#window = window;
    this.#lengthMs = window.kind === "rolling" ? window.hours * HOUR : 0;
    this.#bucketMs = Math.max(MINUTE, Math.ceil(this.#lengthMs / ROLLING_BUCKETS));
  }

  /** The earliest request time that can still count at `now` (where a rebuild from the request log starts). */
  countsFrom(now: number): number {
    return this.#window.kind === "rolling" ? now - this.#lengthMs : currentSpan(this.#window, now).start;
  }

  /** Adds a request's cost, by its start time; one older than the current span counts for nothing. */
  add(at: number, usd: number, now: number): void {
    if (!(usd > 0)) return;
    if (this.#window.kind !== "rolling") {
      this.#roll(now);
      if (at >= this.#start) this.#spent += usd;
      return;
    }
    this.#expire(now);
    if (at < now - this.#lengthMs) return;
    const id = Math.floor(at / this.#bucketMs);
    const ids = this.#bucketIds;
    let i = ids.length - 1;
    // Requests finish out of order: walk back from the newest bucket (almost always the one, or the next).
    while (i >= 0 && ids[i]! > id) i--;
    if (i >= 0 && ids[i] === id) this.#bucketUsd[i]! += usd;
    else {
      ids.splice(i + 1, 0, id);
      this.#bucketUsd.splice(i + 1, 0, usd);
    }
    this.#spent += usd;
  }

  spent(now: number): number {
    if (this.#window.kind === "rolling") this.#expire(now);
    else this.#roll(now);
    return this.#spent;
  }

  reading(now: number): SpendReading {
    const spentUsd = this.spent(now);
    if (this.#window.kind !== "rolling") return { spentUsd, start: this.#start, resetAt: this.#resetAt };
    const oldest = this.#bucketIds[0];
    return { spentUsd, start: now - this.#lengthMs, resetAt: oldest === undefined ? now : (oldest + 1) * this.#bucketMs + this.#lengthMs };
  }

  /** When spend falls below `limit` again, or null while it is below. */
  reopensAt(limit: number, now: number): number | null {
    let spent = this.spent(now);
    if (spent < limit) return null;
    if (this.#window.kind !== "rolling") return this.#resetAt;
    // The moment enough of the oldest spend has aged out.
    for (let i = 0; i < this.#bucketIds.length; i++) {
      spent -= this.#bucketUsd[i]!;
      if (spent < limit) return (this.#bucketIds[i]! + 1) * this.#bucketMs + this.#lengthMs;
    }
    return now;
  }

  #roll(now: number): void {
    if (now >= this.#start && now < this.#resetAt) return;
    const span = currentSpan(this.#window, now);
    this.#start = span.start;
    this.#resetAt = span.resetAt;
    this.#spent = 0;
  }

  #expire(now: number): void {
    const ids = this.#bucketIds;
    if (ids.length === 0) return;
    // A bucket leaves once all of it is older than the window.
    const firstKept = Math.floor((now - this.#lengthMs) / this.#bucketMs);
    let drop = 0;
    while (drop < ids.length && ids[drop]! < firstKept) drop++;
    if (drop === 0) return;
    ids.splice(0, drop);
    this.#bucketUsd.splice(0, drop);
    // Re-summed rather than subtracted, so float residue never keeps an empty window "spent".
    this.#spent = 0;
    for (const usd of this.#bucketUsd) this.#spent += usd;
  }
}
