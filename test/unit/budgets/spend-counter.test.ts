import { describe, expect, test } from "bun:test";
import { SpendCounter } from "../../../src/budgets/spend-counter";
import { usageWindowSchema } from "../../../src/usage/usage-window";

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);
const window = (input: unknown) => usageWindowSchema.parse(input);

describe("calendar windows", () => {
  test("a daily window sums its span and starts afresh at the reset hour", () => {
    const counter = new SpendCounter(window({ kind: "daily", resetHour: 6 }));
    const now = at("2025-03-10T12:00:00Z");
    counter.add(at("2025-03-10T07:00:00Z"), 0.4, now);
    counter.add(at("2025-03-10T11:00:00Z"), 0.7, now);
    // Before today's 06:00 reset: yesterday's span, counts nothing now.
    counter.add(at("2025-03-10T05:59:00Z"), 5, now);
    expect(counter.spent(now)).toBeCloseTo(1.1, 10);
    expect(counter.reading(now)).toMatchObject({ start: at("2025-03-10T06:00:00Z"), resetAt: at("2025-03-11T06:00:00Z") });
    expect(counter.reopensAt(1, now)).toBe(at("2025-03-11T06:00:00Z"));
    expect(counter.reopensAt(2, now)).toBeNull();
    expect(counter.countsFrom(now)).toBe(at("2025-03-10T06:00:00Z"));
    // One millisecond past the reset: a new span, nothing spent.
    expect(counter.spent(at("2025-03-11T06:00:00Z"))).toBe(0);
    expect(counter.reopensAt(1, at("2025-03-11T06:00:00Z"))).toBeNull();
  });

  test("a monthly window resets on its day", () => {
    const counter = new SpendCounter(window({ kind: "monthly", resetDay: 15 }));
    counter.add(at("2025-01-20T00:00:00Z"), 3, at("2025-01-20T00:00:00Z"));
    expect(counter.spent(at("2025-02-14T23:59:59Z"))).toBe(3);
    expect(counter.spent(at("2025-02-15T00:00:00Z"))).toBe(0);
  });
});

describe("rolling windows", () => {
  test("spend ages out bucket by bucket; the reopening time is when enough has left", () => {
    const counter = new SpendCounter(window({ kind: "rolling", hours: 5 }));
    const t0 = at("2025-03-10T00:00:00Z");
    counter.add(t0, 1, t0);
    counter.add(t0 + HOUR, 2, t0 + HOUR);
    counter.add(t0 + 2 * HOUR, 3, t0 + 2 * HOUR);
    const now = t0 + 2 * HOUR;
    expect(counter.spent(now)).toBe(6);
    // The oldest counted spend (at t0) ages out 5 h later.
    expect(counter.reading(now).resetAt).toBeGreaterThanOrEqual(t0 + 5 * HOUR);
    expect(counter.reading(now).resetAt).toBeLessThanOrEqual(t0 + 5 * HOUR + 60_000);
    // Limit 4: the first two must leave (6 − 1 = 5 ≥ 4; 5 − 2 = 3 < 4) → when the one at t0+1h ages out.
    const reopens = counter.reopensAt(4, now)!;
    expect(reopens).toBeGreaterThanOrEqual(t0 + 6 * HOUR);
    expect(reopens).toBeLessThanOrEqual(t0 + 6 * HOUR + 60_000);
    expect(counter.spent(reopens - 60_000 - 1)).toBe(5);
    expect(counter.spent(reopens)).toBe(3);
    expect(counter.spent(t0 + 8 * HOUR)).toBe(0);
  });

  test("late and out-of-order requests land in their own bucket; ones older than the window count nothing", () => {
    const counter = new SpendCounter(window({ kind: "rolling", hours: 1 }));
    const now = at("2025-03-10T10:00:00Z");
    counter.add(now - 10 * 60_000, 1, now);
    counter.add(now - 50 * 60_000, 2, now);
    counter.add(now - 30 * 60_000, 4, now);
    counter.add(now - 2 * HOUR, 100, now);
    expect(counter.spent(now)).toBe(7);
    // The 50-minutes-old one leaves first, then the 30-minutes-old one.
    expect(counter.spent(now + 11 * 60_000)).toBe(5);
    expect(counter.spent(now + 31 * 60_000)).toBe(1);
  });

  test("unpriced or zero-cost requests change nothing", () => {
    const counter = new SpendCounter(window({ kind: "rolling", hours: 1 }));
    counter.add(Date.now(), 0, Date.now());
    counter.add(Date.now(), Number.NaN, Date.now());
    expect(counter.spent(Date.now())).toBe(0);
    expect(counter.reopensAt(0.01, Date.now())).toBeNull();
  });
});
