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
});
