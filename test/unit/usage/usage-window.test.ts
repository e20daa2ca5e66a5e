import { describe, expect, test } from "bun:test";
import { currentSpan, describeWindow, usageWindowSchema, windowLengthMs } from "../../../src/usage/usage-window";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe("usage windows", () => {
  test("rolling: the last N hours", () => {
    const w = usageWindowSchema.parse({ kind: "rolling", hours: 5 });
    expect(currentSpan(w, at("2026-11-22T12:00:00Z")).start).toBe(at("2026-11-22T07:00:00Z"));
    expect(windowLengthMs(w, 0)).toBe(5 * 3_600_000);
  });

  test("daily at a reset hour, before and after the reset", () => {
    const w = usageWindowSchema.parse({ kind: "daily", resetHour: 8 });
    expect(currentSpan(w, at("2026-11-22T07:59:59Z"))).toEqual({ start: at("2026-11-21T08:00:00Z"), resetAt: at("2026-11-22T08:00:00Z") });
    expect(currentSpan(w, at("2026-11-22T08:00:00Z"))).toEqual({ start: at("2026-11-22T08:00:00Z"), resetAt: at("2026-11-23T08:00:00Z") });
  });

  test("daily with a UTC offset: midnight in UTC−8 is 08:00 UTC", () => {
    const w = usageWindowSchema.parse({ kind: "daily", utcOffsetMinutes: -480 });
    const span = currentSpan(w, at("2026-11-22T05:00:00Z")); // 21:00 on the 21st, local
    expect(iso(span.start)).toBe("2026-11-21T08:00:00.000Z");
    expect(iso(span.resetAt)).toBe("2026-11-22T08:00:00.000Z");
  });

  test("weekly on a reset day (2026-11-22 is a Sunday)", () => {
    const w = usageWindowSchema.parse({ kind: "weekly", resetDay: 1, resetHour: 9 });
    const span = currentSpan(w, at("2026-11-22T12:00:00Z"));
    expect(iso(span.start)).toBe("2026-11-16T09:00:00.000Z");
    expect(iso(span.resetAt)).toBe("2026-11-23T09:00:00.000Z");
    const monday = currentSpan(w, at("2026-11-23T09:00:00Z"));
    expect(iso(monday.start)).toBe("2026-11-23T09:00:00.000Z");
  });

  test("monthly across a year boundary", () => {
    const w = usageWindowSchema.parse({ kind: "monthly", resetDay: 15 });
    expect(currentSpan(w, at("2027-01-03T00:00:00Z"))).toEqual({ start: at("2026-12-15T00:00:00Z"), resetAt: at("2027-01-15T00:00:00Z") });
    expect(currentSpan(w, at("2026-12-20T00:00:00Z"))).toEqual({ start: at("2026-12-15T00:00:00Z"), resetAt: at("2027-01-15T00:00:00Z") });
  });

  test("spans always contain now, for every kind, over a year of hours", () => {
    const windows = [
      { kind: "daily", resetHour: 23, utcOffsetMinutes: 330 },
      { kind: "weekly", resetDay: 0, resetHour: 0, utcOffsetMinutes: -600 },
      { kind: "monthly", resetDay: 28, resetHour: 12, utcOffsetMinutes: 840 },
    ].map((w) => usageWindowSchema.parse(w));
    for (const w of windows) {
      for (let t = at("2026-01-01T00:00:00Z"); t < at("2027-01-01T00:00:00Z"); t += 3_600_000 * 7 + 123_457) {
        const span = currentSpan(w, t);
        expect(span.start <= t && t < span.resetAt).toBe(true);
      }
    }
  });

  test("labels", () => {
    expect(describeWindow(usageWindowSchema.parse({ kind: "rolling", hours: 5 }))).toBe("5h rolling");
    expect(describeWindow(usageWindowSchema.parse({ kind: "weekly", resetDay: 1, resetHour: 9, utcOffsetMinutes: 120 }))).toBe("weekly Mon 09:00 UTC+2");
    expect(describeWindow(usageWindowSchema.parse({ kind: "daily", utcOffsetMinutes: -570 }))).toBe("daily @ 00:00 UTC-9:30");
  });

  test("a daily reset at local midnight follows DST: 23 hours in spring, 25 in autumn (America/New_York)", () => {
    const w = usageWindowSchema.parse({ kind: "daily", timeZone: "America/New_York" });
    const spring = currentSpan(w, at("2026-03-08T12:00:00Z"));
    expect(iso(spring.start)).toBe("2026-03-08T05:00:00.000Z"); // 00:00 EST
    expect(iso(spring.resetAt)).toBe("2026-03-09T04:00:00.000Z"); // 00:00 EDT
    expect(spring.resetAt - spring.start).toBe(23 * 3_600_000);
    const autumn = currentSpan(w, at("2026-11-01T12:00:00Z"));
    expect(iso(autumn.start)).toBe("2026-11-01T04:00:00.000Z");
    expect(iso(autumn.resetAt)).toBe("2026-11-02T05:00:00.000Z");
    expect(autumn.resetAt - autumn.start).toBe(25 * 3_600_000);
  });

  test("a reset hour inside the spring-forward gap happens just after the gap", () => {
    const w = usageWindowSchema.parse({ kind: "daily", resetHour: 2, timeZone: "America/New_York" });
    // 02:00 does not exist on 2026-03-08 in New York: clocks jump from 01:59:59 EST to 03:00 EDT (07:00Z).
    expect(iso(currentSpan(w, at("2026-03-08T12:00:00Z")).start)).toBe("2026-03-08T07:00:00.000Z");
  });

  test("daily reset hour across midnight, in a zone east of UTC (Europe/Berlin, 22:00 local)", () => {
    const w = usageWindowSchema.parse({ kind: "daily", resetHour: 22, timeZone: "Europe/Berlin" });
    // 23:30 local on Nov 21 (UTC+1) is after the reset: the span started that evening.
    expect(iso(currentSpan(w, at("2026-11-21T22:30:00Z")).start)).toBe("2026-11-21T21:00:00.000Z");
    // 01:00 local on Nov 22 is before the day's reset: the span started the evening before.
    expect(iso(currentSpan(w, at("2026-11-22T00:00:00Z")).start)).toBe("2026-11-21T21:00:00.000Z");
    expect(iso(currentSpan(w, at("2026-11-22T00:00:00Z")).resetAt)).toBe("2026-11-22T21:00:00.000Z");
  });

  test("weekly and monthly across a DST change (Europe/Berlin, 2026-03-29)", () => {
    const weekly = usageWindowSchema.parse({ kind: "weekly", resetDay: 1, resetHour: 0, timeZone: "Europe/Berlin" });
    const span = currentSpan(weekly, at("2026-03-31T12:00:00Z"));
    expect(iso(span.start)).toBe("2026-03-29T22:00:00.000Z"); // Monday 00:00 CEST
    const before = currentSpan(weekly, at("2026-03-25T12:00:00Z"));
    expect(iso(before.start)).toBe("2026-03-22T23:00:00.000Z"); // Monday 00:00 CET
    expect(before.resetAt - before.start).toBe(7 * 24 * 3_600_000 - 3_600_000);
    const monthly = usageWindowSchema.parse({ kind: "monthly", resetDay: 1, timeZone: "Europe/Berlin" });
    const april = currentSpan(monthly, at("2026-04-10T00:00:00Z"));
    expect(iso(april.start)).toBe("2026-03-31T22:00:00.000Z");
    expect(iso(currentSpan(monthly, at("2026-03-10T00:00:00Z")).start)).toBe("2026-02-28T23:00:00.000Z");
  });

  test("time-zone spans always contain now, over a year of hours, and unknown zones are refused", () => {
    const windows = [
      { kind: "daily", resetHour: 0, timeZone: "America/Los_Angeles" },
      { kind: "weekly", resetDay: 0, resetHour: 2, timeZone: "Europe/London" },
      { kind: "monthly", resetDay: 1, resetHour: 3, timeZone: "Australia/Sydney" },
    ].map((w) => usageWindowSchema.parse(w));
    for (const w of windows) {
      for (let t = at("2026-01-01T00:00:00Z"); t < at("2027-01-01T00:00:00Z"); t += 3_600_000 * 5 + 98_765) {
        const span = currentSpan(w, t);
        expect(span.start <= t && t < span.resetAt).toBe(true);
      }
    }
    expect(usageWindowSchema.safeParse({ kind: "daily", timeZone: "Mars/Olympus_Mons" }).success).toBe(false);
    expect(describeWindow(windows[0]!)).toBe("daily @ 00:00 America/Los_Angeles");
  });
});
