import { z } from "zod";

/**
 * A period over which usage is counted — a quota window or a budget period. Calendar windows reset at a fixed
 * hour of a fixed UTC offset (providers state their resets that way; no time-zone database is needed).
 */
/** An IANA time zone the runtime knows (`Europe/Berlin`, `America/Los_Angeles`): resets follow its DST changes. */
const timeZoneSchema = z
  .string()
  .min(1)
  .max(64)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, "unknown time zone: use an IANA name such as 'Europe/Berlin' or 'America/New_York'");

/** Where a calendar window's reset hour is read: an IANA zone (DST-aware) or a fixed offset from UTC. */
const calendarZone = {
  utcOffsetMinutes: z.number().int().min(-14 * 60).max(14 * 60).default(0),
  /** Wins over `utcOffsetMinutes`: the reset hour is local time in this zone, across DST changes. */
  timeZone: timeZoneSchema.optional(),
};

/**
 * A period over which usage is counted — a quota window or a budget period. Calendar windows reset at an hour of
 * local time: in an IANA time zone (so a reset at 00:00 stays at local midnight across DST changes), or at a fixed
 * offset from UTC (as many providers state their resets).
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
    ...calendarZone,
  }),
  z.object({
    kind: z.literal("weekly"),
    /** 0 = Sunday … 6 = Saturday. */
    resetDay: z.number().int().min(0).max(6).default(1),
    resetHour: z.number().int().min(0).max(23).default(0),
    ...calendarZone,
  }),
  z.object({
    kind: z.literal("monthly"),
    /** Day of the month the window starts (1–28, so every month has it). */
    resetDay: z.number().int().min(1).max(28).default(1),
    resetHour: z.number().int().min(0).max(23).default(0),
    ...calendarZone,
  }),
]);
export type UsageWindow = z.infer<typeof usageWindowSchema>;
export type UsageWindowInput = z.input<typeof usageWindowSchema>;

const HOUR = 3_600_000;

/** The span that `now` falls in: usage since `start` counts; `resetAt` is when the count starts afresh. */
export interface WindowSpan {
  start: number;
  resetAt: number;
}

/** A local calendar: an instant's local date and weekday, and the instant of a local date and hour. */
interface LocalCalendar {
  dateOf(instant: number): { year: number; month: number; day: number; weekday: number };
  instantOf(year: number, month: number, day: number, hour: number): number;
}

function fixedOffsetCalendar(offsetMinutes: number): LocalCalendar {
  const offset = offsetMinutes * 60_000;
  return {
    dateOf(instant) {
      const local = new Date(instant + offset);
      return { year: local.getUTCFullYear(), month: local.getUTCMonth(), day: local.getUTCDate(), weekday: local.getUTCDay() };
    },
    instantOf: (year, month, day, hour) => Date.UTC(year, month, day, hour) - offset,
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

function zoneCalendar(timeZone: string): LocalCalendar {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric", weekday: "short" });
    formatters.set(timeZone, format);
  }
  const zoneFormat = format;
  const parts = (instant: number) => {
    const out: Record<string, string> = {};
    for (const part of zoneFormat.formatToParts(instant)) out[part.type] = part.value;
    return out;
  };
  /** The zone's offset from UTC at an instant, in ms. */
  const offsetAt = (instant: number) => {
    const p = parts(instant);
    const asUtc = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute), Number(p.second));
    return asUtc - Math.floor(instant / 1000) * 1000;
  };
  return {
    dateOf(instant) {
      const p = parts(instant);
      return { year: Number(p.year), month: Number(p.month) - 1, day: Number(p.day), weekday: WEEKDAYS[p.weekday!] ?? 0 };
    },
    instantOf(year, month, day, hour) {
      // The local wall time as if it were UTC, corrected by the zone's offset there; a second pass settles the
      // hour next to a DST change. A wall time skipped by a spring-forward gap lands just after the gap.
      const wall = Date.UTC(year, month, day, hour);
      const first = wall - offsetAt(wall);
      const second = wall - offsetAt(first);
      return second === first ? first : Math.max(first, second);
    },
  };
}

function calendarOf(window: Exclude<UsageWindow, { kind: "rolling" }>): LocalCalendar {
  return window.timeZone ? zoneCalendar(window.timeZone) : fixedOffsetCalendar(window.utcOffsetMinutes);
}

/** The local date `days` after the given one (month and year boundaries included). */
function addDays(year: number, month: number, day: number, days: number): [number, number, number] {
  const date = new Date(Date.UTC(year, month, day + days));
  return [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()];
}

/**
 * The current span of a window. A rolling window has no reset: its `start` is `now − length` and its `resetAt`
 * is `now` (usage ages out continuously; counters refine when their oldest usage leaves).
 */
export function currentSpan(window: UsageWindow, now: number): WindowSpan {
  if (window.kind === "rolling") return { start: now - window.hours * HOUR, resetAt: now };
  const calendar = calendarOf(window);
  const today = calendar.dateOf(now);
  const hour = window.resetHour;
  if (window.kind === "daily") {
    let day: [number, number, number] = [today.year, today.month, today.day];
    if (calendar.instantOf(...day, hour) > now) day = addDays(...day, -1);
    return { start: calendar.instantOf(...day, hour), resetAt: calendar.instantOf(...addDays(...day, 1), hour) };
  }
  if (window.kind === "weekly") {
    let day = addDays(today.year, today.month, today.day, -((today.weekday - window.resetDay + 7) % 7));
    if (calendar.instantOf(...day, hour) > now) day = addDays(...day, -7);
    return { start: calendar.instantOf(...day, hour), resetAt: calendar.instantOf(...addDays(...day, 7), hour) };
  }
  let year = today.year;
  let month = today.month;
  if (calendar.instantOf(year, month, window.resetDay, hour) > now) {
    month -= 1;
    if (month < 0) {
      month = 11;
      year -= 1;
    }
  }
  const next: [number, number] = month === 11 ? [year + 1, 0] : [year, month + 1];
  return { start: calendar.instantOf(year, month, window.resetDay, hour), resetAt: calendar.instantOf(next[0], next[1], window.resetDay, hour) };
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
  if (window.timeZone) {
    if (window.kind === "daily") return `daily @ ${hour} ${window.timeZone}`;
    if (window.kind === "weekly") return `weekly ${["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][window.resetDay]} ${hour} ${window.timeZone}`;
    return `monthly day ${window.resetDay} ${hour} ${window.timeZone}`;
  }
  const zone = minutes === 0 ? "UTC" : `UTC${minutes > 0 ? "+" : "-"}${Math.floor(Math.abs(minutes) / 60)}${Math.abs(minutes) % 60 ? `:${String(Math.abs(minutes) % 60).padStart(2, "0")}` : ""}`;
  if (window.kind === "daily") return `daily @ ${hour} ${zone}`;
  if (window.kind === "weekly") return `weekly ${["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][window.resetDay]} ${hour} ${zone}`;
  return `monthly day ${window.resetDay} ${hour} ${zone}`;
}
