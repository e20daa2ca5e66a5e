import { describe, expect, test } from "bun:test";
import { nearestRank, percentilesOf } from "../../../src/analytics/percentile";

describe("nearest-rank percentiles", () => {
  test("the classic example: 15, 20, 35, 40, 50", () => {
    const sorted = [15, 20, 35, 40, 50];
    expect(nearestRank(sorted, 5)).toBe(15);
    expect(nearestRank(sorted, 30)).toBe(20);
    expect(nearestRank(sorted, 40)).toBe(20);
    expect(nearestRank(sorted, 50)).toBe(35);
    expect(nearestRank(sorted, 100)).toBe(50);
    expect(nearestRank(sorted, 0)).toBe(15);
  });

  test("1 … 100 in any order: p50 = 50, p95 = 95, p99 = 99", () => {
    const values = Array.from({ length: 100 }, (_, i) => ((i * 37) % 100) + 1);
    expect(percentilesOf(values)).toEqual({ p50: 50, p95: 95, p99: 99 });
  });

  test("1 … 20: ranks are exact at integer boundaries (0.95 × 20 = 19, not a hair above)", () => {
    const values = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(percentilesOf(values)).toEqual({ p50: 10, p95: 19, p99: 20 });
  });

  test("sorted numerically, not as text; a single value; an empty set", () => {
    expect(percentilesOf([1000, 9, 100, 20, 3])).toEqual({ p50: 20, p95: 1000, p99: 1000 });
    expect(percentilesOf([42])).toEqual({ p50: 42, p95: 42, p99: 42 });
    expect(percentilesOf([])).toEqual({ p50: null, p95: null, p99: null });
  });

  test("a long tail shows in p99 only", () => {
    const values = [...Array.from({ length: 990 }, () => 100), ...Array.from({ length: 10 }, () => 5000)];
    expect(percentilesOf(values)).toEqual({ p50: 100, p95: 100, p99: 100 });
    values.push(5000);
    expect(percentilesOf(values)).toEqual({ p50: 100, p95: 100, p99: 5000 });
  });
});
