import { z } from "zod";

/**
 * A period over which usage is counted — a quota window or a budget period. Calendar windows reset at a fixed
 * hour of a fixed UTC offset (providers state their resets that way; no time-zone database is needed).
 */
export const usageWindowSchema = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("rolling"),
    /** Counts the last N hours, continuously (e.g. 5 for a 5-hour subscription window). */
    hours: z.number().positive().max(24 * 366),
  }),
  z.object({
    kind: z.literal("daily"),
    resetHour: z.number().int().min(0).max(23).default(0),
    utcOffsetMinutes: z.number().int().min(-14 * 60).max(14 * 60).default(0),
  }),
  z.object({
    kind: z.literal("weekly"),
    /** 0 = Sunday … 6 = Saturday. */
    resetDay: z.number().int().min(0).max(6).default(1),
    resetHour: z.number().int().min(0).max(23).default(0),
    utcOffsetMinutes: z.number().int().min(-14 * 60).max(14 * 60).default(0),
  }),
  z.object({
    kind: z.literal("monthly"),
    /** Day of the month the window starts (1–28, so every month has it). */
    resetDay: z.number().int().min(1).max(28).default(1),
    resetHour: z.number().int().min(0).max(23).default(0),
    utcOffsetMinutes: z.number().int().min(-14 * 60).max(14 * 60).default(0),
  }),
]);
export type UsageWindow = z.infer<typeof usageWindowSchema>;
export type UsageWindowInput = z.input<typeof usageWindowSchema>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The span that `now` falls in: usage since `start` counts; `resetAt` is when the count starts afresh. */
export interface WindowSpan {
  start: number;
  /** For a rolling window: when the oldest counted usage leaves it is not known here, so `end` is `now`+length. */
  resetAt: number;
}

/**
 * The current span of a window. Rolling windows have no reset: their `start` is `now − length`, and `resetAt`
 * is reported as the moment the window's oldest possible usage ages out (`start + length` = `now`), which the
 * tracker refines to the age-out time of the oldest counted request.
 */
export function currentSpan(window: UsageWindow, now: number): WindowSpan {
  if (window.kind === "rolling") {
    const length = window.hours * HOUR;
    return { start: now - length, resetAt: now };
  }
  const offset = window.utcOffsetMinutes * 60_000;
  // Work in "local" time: shift, compute calendar boundaries as if UTC, shift back.
  const local = new Date(now + offset);
  if (window.kind === "daily") {
    let start = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), window.resetHour);
    if (start > now + offset) start -= DAY;
    return { start: start - offset, resetAt: start + DAY - offset };
  }
  if (window.kind === "weekly") {
    const today = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate(), window.resetHour);
    let start = today - ((local.getUTCDay() - window.resetDay + 7) % 7) * DAY;
    if (start > now + offset) start -= 7 * DAY;
    return { start: start - offset, resetAt: start + 7 * DAY - offset };
  }
  let year = local.getUTCFullYear();
  let month = local.getUTCMonth();
  let start = Date.UTC(year, month, window.resetDay, window.resetHour);
  if (start > now + offset) {
    month -= 1;
    if (month < 0) {
      month = 11;
      year -= 1;
    }
    start = Date.UTC(year, month, window.resetDay, window.resetHour);
  }
  const next = Date.UTC(month === 11 ? year + 1 : year, (month + 1) % 12, window.resetDay, window.resetHour);
  return { start: start - offset, resetAt: next - offset };
}

/** The window's length in milliseconds (a calendar month counts as its actual span at `now`). */
export function windowLengthMs(window: UsageWindow, now: number): number {
  if (window.kind === "rolling") return window.hours * HOUR;
  const span = currentSpan(window, now);
  return span.resetAt - span.start;
}

/** A short label for listings: `5h rolling`, `daily @ 00:00 UTC`, `weekly Mon 09:00 UTC+2`, `monthly day 1`. */
export function describeWindow(window: UsageWindow): string {
  if (window.kind === "rolling") return `${window.hours}h rolling`;
  const hour = `${String(window.resetHour).padStart(2, "0")}:00`;
  const minutes = window.utcOffsetMinutes;
  const zone = minutes === 0 ? "UTC" : `UTC${minutes > 0 ? "+" : "-"}${Math.floor(Math.abs(minutes) / 60)}${Math.abs(minutes) % 60 ? `:${String(Math.abs(minutes) % 60).padStart(2, "0")}` : ""}`;
  if (window.kind === "daily") return `daily @ ${hour} ${zone}`;
  if (window.kind === "weekly") return `weekly ${["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][window.resetDay]} ${hour} ${zone}`;
  return `monthly day ${window.resetDay} ${hour} ${zone}`;
}
