import { describe, expect, test } from "bun:test";
import type { AnalyticsGroup } from "../../../ui/src/api/usage-api";
import { bucketFor, buildChartData, MAX_CHART_SERIES } from "../../../ui/src/components/usage/usage-series";

const HOUR = 3_600_000;

function group(key: string | null, bucketStart: number, requests: number, costUsd = 0): AnalyticsGroup {
  const percentiles = { p50: null, p95: null, p99: null };
  return {
    key, label: null, bucketStart: new Date(bucketStart).toISOString(),
    requests, succeeded: requests, failed: 0, successRate: 1, cacheHits: 0,
    tokensIn: requests * 10, tokensOut: requests * 5, tokensCached: 0, tokensReasoning: 0, estimatedUsage: 0,
    costUsd, costedRequests: requests, latencyMs: percentiles, ttfbMs: percentiles,
  };
}

const labelOf = (g: AnalyticsGroup) => g.key ?? "(none)";

describe("usage chart series", () => {
  test("bucket sizes follow the range", () => {
    expect(bucketFor({ from: 0, to: 6 * HOUR })).toBe("minute");
    expect(bucketFor({ from: 0, to: 24 * HOUR })).toBe("hour");
    expect(bucketFor({ from: 0, to: 7 * 24 * HOUR })).toBe("hour");
    expect(bucketFor({ from: 0, to: 30 * 24 * HOUR })).toBe("day");
  });

  test("every bucket of the range is on the x axis and buckets without requests are zero", () => {
    const from = Date.UTC(2026, 0, 1, 10, 30);
    const to = from + 4 * HOUR;
    const data = buildChartData([group("a", Date.UTC(2026, 0, 1, 11), 3), group("a", Date.UTC(2026, 0, 1, 13), 1), group(null, Date.UTC(2026, 0, 1, 10), 2)], {
      from, to, bucket: "hour", metric: "requests", labelOf, otherLabel: "Others",
    });
    expect(data.xs).toEqual([10, 11, 12, 13, 14].map((hour) => Date.UTC(2026, 0, 1, hour) / 1000));
    expect(data.series).toEqual([
      { key: "a", label: "a", values: [0, 3, 0, 1, 0] },
      { key: null, label: "(none)", values: [2, 0, 0, 0, 0] },
    ]);
  });

  test("tokens add input and output; cost sums dollars", () => {
    const from = Date.UTC(2026, 0, 1);
    const options = { from, to: from + HOUR, bucket: "hour" as const, labelOf, otherLabel: "Others" };
    expect(buildChartData([group("a", from, 2, 0.5)], { ...options, metric: "tokens" }).series[0]!.values).toEqual([30]);
    expect(buildChartData([group("a", from, 2, 0.5)], { ...options, metric: "cost" }).series[0]!.values).toEqual([0.5]);
  });

  test("beyond the line limit the quietest groups are summed into one line", () => {
    const from = Date.UTC(2026, 0, 1);
    const groups = Array.from({ length: MAX_CHART_SERIES + 2 }, (_, i) => group(`m${i}`, from, 100 - i));
    const data = buildChartData(groups, { from, to: from + HOUR, bucket: "hour", metric: "requests", labelOf, otherLabel: "Others" });
    expect(data.series).toHaveLength(MAX_CHART_SERIES);
    expect(data.series.slice(0, -1).map((line) => line.key)).toEqual(Array.from({ length: MAX_CHART_SERIES - 1 }, (_, i) => `m${i}`));
    const other = data.series[MAX_CHART_SERIES - 1]!;
    expect(other.label).toBe("Others");
    const total = groups.reduce((sum, g) => sum + g.requests, 0);
    expect(data.series.reduce((sum, line) => sum + line.values[0]!, 0)).toBe(total);
  });
});
