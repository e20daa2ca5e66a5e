import { currentSpan, type UsageWindow } from "../usage/usage-window";
import { QUOTA_METRICS, type QuotaMetric, type QuotaWindow } from "./quota-config";

export type QuotaUsage = Record<QuotaMetric, number>;

const HOUR = 3_600_000;

/** Usage of one account in one window, with the limit arithmetic shared by both kinds of window. */
export abstract class WindowCounter {
  /** Usage that started before this (a manual reset) does not count. */
  countFrom: number;
  readonly used: QuotaUsage = { requests: 0, tokens: 0, usd: 0 };

  constructor(
    readonly config: QuotaWindow,
    countFrom: number,
  ) {
    this.countFrom = countFrom;
  }

  /** Moves the window to `now`: a calendar window starts afresh at its reset, a rolling one lets old usage go. */
  abstract advance(now: number): void;
  /** Counts usage that started at `at` (ignored when it falls outside the current window). */
  abstract add(at: number, tokens: number, usd: number, now: number): void;
  /** Forgets everything before `at` (a manual reset). */
  abstract resetAt(at: number): void;
  /** The earliest usage the window can still count at `now` (for rebuilding it from the request log). */
  abstract countStart(now: number): number;
  /** When the count next drops without new usage: the calendar reset, or the oldest rolling usage ageing out. */
  abstract nextReset(): number | null;
  /** When an exhausted window has room again. */
  abstract reopensAt(now: number): number;
  /** Start of the span being counted (for display). */
  abstract spanStart(now: number): number;

  /** Usage at which the window counts as spent: the limit less its reserve. */
  threshold(metric: QuotaMetric): number | null {
    const limit = this.config.limits[metric];
    if (limit === undefined) return null;
    return limit * (1 - (this.config.reservePercent ?? 0) / 100);
  }

  exhaustedAt(used: QuotaUsage): boolean {
    for (const metric of QUOTA_METRICS) {
      const threshold = this.threshold(metric);
      if (threshold !== null && used[metric] >= threshold - 1e-9) return true;
    }
    return false;
  }

  get exhausted(): boolean {
    return this.exhaustedAt(this.used);
  }

  /** The scarcest limit's free share before the reserve, 0..1 (≤ 0 = spent). */
  get headroom(): number {
    let headroom = 1;
    for (const metric of QUOTA_METRICS) {
      const limit = this.config.limits[metric];
      if (limit === undefined) continue;
      headroom = Math.min(headroom, (this.threshold(metric)! - this.used[metric]) / limit);
    }
    return headroom;
  }

  protected clear(): void {
    this.used.requests = 0;
    this.used.tokens = 0;
    this.used.usd = 0;
  }
}

/** Daily, weekly or monthly: one running total per span, cleared when the span rolls over. */
export class CalendarCounter extends WindowCounter {
  #start = 0;
  #reset = -Infinity;

  constructor(config: QuotaWindow, countFrom: number, now: number) {
    super(config, countFrom);
    this.advance(now);
  }

  advance(now: number): void {
    // A clock moved backwards (tests) lands before the span: start that span afresh too.
    if (now < this.#reset && now >= this.#start) return;
    const span = currentSpan(this.config.window as UsageWindow, now);
    this.#start = span.start;
    this.#reset = span.resetAt;
    this.clear();
  }

  add(at: number, tokens: number, usd: number, now: number): void {
    this.advance(now);
    if (at < this.#start || at < this.countFrom || at >= this.#reset) return;
    this.used.requests += 1;
    this.used.tokens += tokens;
    this.used.usd += usd;
  }

  resetAt(at: number): void {
    this.countFrom = at;
    this.clear();
  }

  countStart(now: number): number {
    this.advance(now);
    return Math.max(this.#start, this.countFrom);
  }

  nextReset(): number {
    return this.#reset;
  }

  reopensAt(): number {
    return this.#reset;
  }

  spanStart(now: number): number {
    this.advance(now);
    return this.#start;
  }
}

interface Bucket {
  start: number;
  requests: number;
  tokens: number;
  usd: number;
}

/**
 * The last N hours, continuously. Usage is kept in ~240 time buckets per window (at least a minute wide), so memory
 * is bounded however busy the account is; a bucket leaves the window once all of it is older than N hours, so the
 * count errs by at most one bucket on the safe side (usage is forgotten slightly late, never early).
 */
export class RollingCounter extends WindowCounter {
  readonly lengthMs: number;
  readonly bucketMs: number;
  #buckets: Bucket[] = [];

  constructor(config: QuotaWindow & { window: { kind: "rolling" } }, countFrom: number) {
    super(config, countFrom);
    this.lengthMs = config.window.hours * HOUR;
    this.bucketMs = Math.max(60_000, Math.floor(this.lengthMs / 240 / 1000) * 1000);
  }

  #expiry(bucket: Bucket): number {
    return bucket.start + this.bucketMs + this.lengthMs;
  }

  advance(now: number): void {
    while (this.#buckets.length > 0 && this.#expiry(this.#buckets[0]!) <= now) this.#subtract(this.#buckets.shift()!);
  }

  add(at: number, tokens: number, usd: number, now: number): void {
    this.advance(now);
    if (at < this.countFrom) return;
    const start = Math.floor(at / this.bucketMs) * this.bucketMs;
    if (start + this.bucketMs + this.lengthMs <= now) return;
    const buckets = this.#buckets;
    // Requests finish roughly in start order: the bucket is nearly always the last one.
    let index = buckets.length - 1;
    while (index >= 0 && buckets[index]!.start > start) index--;
    let bucket = index >= 0 && buckets[index]!.start === start ? buckets[index]! : undefined;
    if (!bucket) {
      bucket = { start, requests: 0, tokens: 0, usd: 0 };
      buckets.splice(index + 1, 0, bucket);
    }
    bucket.requests += 1;
    bucket.tokens += tokens;
    bucket.usd += usd;
    this.used.requests += 1;
    this.used.tokens += tokens;
    this.used.usd += usd;
  }

  resetAt(at: number): void {
    this.countFrom = at;
    this.#buckets = [];
    this.clear();
  }

  countStart(now: number): number {
    return Math.max(now - this.lengthMs - this.bucketMs, this.countFrom);
  }

  nextReset(): number | null {
    const oldest = this.#buckets[0];
    return oldest ? this.#expiry(oldest) : null;
  }

  reopensAt(now: number): number {
    const left = { ...this.used };
    for (const bucket of this.#buckets) {
      left.requests -= bucket.requests;
      left.tokens -= bucket.tokens;
      left.usd -= bucket.usd;
      if (!this.exhaustedAt(left)) return this.#expiry(bucket);
    }
    // Spent by nothing counted (cannot happen with positive limits): open again at once.
    return now;
  }

  spanStart(now: number): number {
    return now - this.lengthMs;
  }

  #subtract(bucket: Bucket): void {
    this.used.requests -= bucket.requests;
    this.used.tokens -= bucket.tokens;
    this.used.usd -= bucket.usd;
    // Float sums drift: an emptied window is exactly empty.
    if (this.#buckets.length === 0) this.clear();
  }
}

export function createWindowCounter(config: QuotaWindow, countFrom: number, now: number): WindowCounter {
  return config.window.kind === "rolling"
    ? new RollingCounter(config as QuotaWindow & { window: { kind: "rolling" } }, countFrom)
    : new CalendarCounter(config, countFrom, now);
}
