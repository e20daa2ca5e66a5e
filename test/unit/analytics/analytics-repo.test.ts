import { afterEach, describe, expect, test } from "bun:test";
import { AnalyticsRangeTooLargeError, AnalyticsRepo } from "../../../src/store/repos/analytics-repo";
import { RequestLogSearchRepo } from "../../../src/store/repos/request-log-search-repo";
import type { RequestLogRow } from "../../../src/store/repos/request-logs-repo";
import { decodeCursor, encodeCursor, toLogFilter } from "../../../src/analytics/log-query";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

const T0 = Date.UTC(2026, 0, 15, 10, 0, 0);
const MIN = 60_000;
const HOUR = 3_600_000;

function row(over: Partial<RequestLogRow> & { id: string; startedAt: number }): RequestLogRow {
  return {
    apiKeyId: "key-a", surface: "openai-chat", requestedModel: "m1", providerId: "p1", connectionId: "c1", upstreamModel: "m1",
    stream: false, status: 200, latencyMs: 100, ttfbMs: 50, tokensIn: 10, tokensOut: 5, tokensCached: 0, tokensReasoning: 0,
    error: null, attemptsJson: null, sharedWith: null, cache: null, costUsd: null, usageEstimated: false, combo: null, comboTarget: null, guard: null,
    ...over,
  };
}

function seeded(rows: RequestLogRow[]) {
  const services = temp.services();
  services.requestLogsRepo.insertBatch(rows);
  return services;
}

describe("AnalyticsRepo.summarize", () => {
  const rows = [
    // m1 on p1: latencies 100 … 1000, two failures, costs 0.001 each on the successes.
    ...Array.from({ length: 10 }, (_, i) =>
      row({ id: `a${i}`, startedAt: T0 + i * MIN, latencyMs: (i + 1) * 100, ttfbMs: i < 8 ? (i + 1) * 10 : null, status: i < 8 ? 200 : 500, costUsd: i < 8 ? 0.001 : null, tokensIn: i < 8 ? 10 : null, tokensOut: i < 8 ? 5 : null }),
    ),
    // m2 on p2 under another key, one an hour later, cached and reasoning tokens, a cache hit.
    row({ id: "b0", startedAt: T0 + 2 * MIN, requestedModel: "m2", providerId: "p2", connectionId: "c2", apiKeyId: "key-b", latencyMs: 40, ttfbMs: 20, tokensCached: 4, tokensReasoning: 3, costUsd: 0.0005, combo: "fast" }),
    row({ id: "b1", startedAt: T0 + HOUR + 5 * MIN, requestedModel: "m2", providerId: null, connectionId: null, apiKeyId: "key-b", latencyMs: 2, ttfbMs: 1, tokensIn: null, tokensOut: null, cache: "hit", combo: "fast", usageEstimated: true }),
    // Outside the range.
    row({ id: "z0", startedAt: T0 - 1, latencyMs: 99_999 }),
    row({ id: "z1", startedAt: T0 + 2 * HOUR, latencyMs: 99_999 }),
  ];

  test("groupBy none: totals over the range only, percentiles exact", () => {
    const repo = new AnalyticsRepo(seeded(rows).store.sqlite);
    const { totals, groups } = repo.summarize({ from: T0, to: T0 + 2 * HOUR, groupBy: "none", bucketMs: null });
    expect(groups).toHaveLength(1);
    expect(totals.requests).toBe(12);
    expect(totals.succeeded).toBe(10);
    expect(totals.failed).toBe(2);
    expect(totals.successRate).toBeCloseTo(10 / 12, 10);
    expect(totals.tokensIn).toBe(80 + 10 + 0);
    expect(totals.tokensOut).toBe(40 + 5);
    expect(totals.tokensCached).toBe(4);
    expect(totals.tokensReasoning).toBe(3);
    expect(totals.cacheHits).toBe(1);
    expect(totals.estimatedUsage).toBe(1);
    expect(totals.costUsd).toBe(0.0085);
    expect(totals.costedRequests).toBe(9);
    // Latencies: 2, 40, 100 … 1000 → 12 values; p50 = rank 6 = 400, p95 = rank 12 = 1000.
    expect(totals.latencyMs).toEqual({ p50: 400, p95: 1000, p99: 1000 });
    // TTFB over the 10 with one: 1, 10 … 80, 20 → sorted 1,10,20,20,30,40,50,60,70,80.
    expect(totals.ttfbMs).toEqual({ p50: 30, p95: 80, p99: 80 });
    expect(groups[0]).toMatchObject({ key: null, bucketStart: null, requests: 12, latencyMs: totals.latencyMs });
  });

  test("groupBy model / provider / key / combo: one figure set each, own percentiles", () => {
    const repo = new AnalyticsRepo(seeded(rows).store.sqlite);
    const range = { from: T0, to: T0 + 2 * HOUR, bucketMs: null };
    const byModel = Object.fromEntries(repo.summarize({ ...range, groupBy: "model" }).groups.map((g) => [g.key, g]));
    expect(Object.keys(byModel).sort()).toEqual(["m1", "m2"]);
    expect(byModel.m1).toMatchObject({ requests: 10, succeeded: 8, successRate: 0.8, tokensIn: 80, costUsd: 0.008, latencyMs: { p50: 500, p95: 1000, p99: 1000 } });
    expect(byModel.m1!.ttfbMs).toEqual({ p50: 40, p95: 80, p99: 80 });
    expect(byModel.m2).toMatchObject({ requests: 2, succeeded: 2, successRate: 1, cacheHits: 1, latencyMs: { p50: 2, p95: 40, p99: 40 } });

    const byProvider = repo.summarize({ ...range, groupBy: "provider" }).groups.map((g) => [g.key, g.requests]);
    expect(byProvider).toEqual([["p1", 10], ["p2", 1], [null, 1]]);
    const byKey = repo.summarize({ ...range, groupBy: "key" }).groups.map((g) => [g.key, g.requests]);
    expect(byKey).toEqual([["key-a", 10], ["key-b", 2]]);
    const byCombo = repo.summarize({ ...range, groupBy: "combo" }).groups.map((g) => [g.key, g.requests]);
    expect(byCombo).toEqual([[null, 10], ["fast", 2]]);
  });

  test("hour buckets are UTC-aligned and split each group", () => {
    const repo = new AnalyticsRepo(seeded(rows).store.sqlite);
    const { groups } = repo.summarize({ from: T0 - HOUR, to: T0 + 3 * HOUR, groupBy: "model", bucketMs: HOUR });
    expect(groups.map((g) => [g.bucketStart, g.key, g.requests])).toEqual([
      [T0 - HOUR, "m1", 1],
      [T0, "m1", 10],
      [T0, "m2", 1],
      [T0 + HOUR, "m2", 1],
      [T0 + 2 * HOUR, "m1", 1],
    ]);
    const m2Early = groups.find((g) => g.key === "m2" && g.bucketStart === T0)!;
    expect(m2Early.latencyMs).toEqual({ p50: 40, p95: 40, p99: 40 });
  });

  test("an empty range: zero counts, null percentiles", () => {
    const repo = new AnalyticsRepo(seeded(rows).store.sqlite);
    const { totals, groups } = repo.summarize({ from: T0 + 10 * HOUR, to: T0 + 11 * HOUR, groupBy: "model", bucketMs: null });
    expect(groups).toEqual([]);
    expect(totals).toMatchObject({ requests: 0, successRate: null, latencyMs: { p50: null, p95: null, p99: null } });
  });

  test("a range holding more rows than the bound is refused, not sampled", () => {
    const sqlite = seeded(rows).store.sqlite;
    expect(() => new AnalyticsRepo(sqlite, 11).summarize({ from: T0, to: T0 + 2 * HOUR, groupBy: "none", bucketMs: null })).toThrow(AnalyticsRangeTooLargeError);
    expect(new AnalyticsRepo(sqlite, 12).summarize({ from: T0, to: T0 + 2 * HOUR, groupBy: "none", bucketMs: null }).totals.requests).toBe(12);
  });
});

describe("RequestLogSearchRepo", () => {
  const rows = [
    row({ id: "r1", startedAt: T0, status: 200 }),
    row({ id: "r2", startedAt: T0 + 1, status: 429, error: "Rate limit reached (100%_quota)", providerId: "p2" }),
    row({ id: "r3", startedAt: T0 + 1, status: 500, error: "boom", requestedModel: "combo-x", upstreamModel: "m9", combo: "combo-x" }),
    row({ id: "r4", startedAt: T0 + 2, status: 200, surface: "anthropic", apiKeyId: "key-b" }),
  ];

  test("filters: status class or code, model (asked or upstream), provider, key, combo, surface, range, literal text search", () => {
    const repo = new RequestLogSearchRepo(seeded(rows).store.db);
    const ids = (query: Record<string, string>) => repo.page(toLogFilter(query), 100).map((r) => r.id);
    expect(ids({})).toEqual(["r4", "r3", "r2", "r1"]);
    expect(ids({ status: "ok" })).toEqual(["r4", "r1"]);
    expect(ids({ status: "error" })).toEqual(["r3", "r2"]);
    expect(ids({ status: "429" })).toEqual(["r2"]);
    expect(ids({ model: "m9" })).toEqual(["r3"]);
    expect(ids({ model: "combo-x" })).toEqual(["r3"]);
    expect(ids({ provider: "p2" })).toEqual(["r2"]);
    expect(ids({ key: "key-b" })).toEqual(["r4"]);
    expect(ids({ combo: "combo-x" })).toEqual(["r3"]);
    expect(ids({ surface: "anthropic" })).toEqual(["r4"]);
    expect(ids({ from: String(T0 + 1), to: new Date(T0 + 2).toISOString() })).toEqual(["r3", "r2"]);
    expect(ids({ search: "RATE LIMIT" })).toEqual(["r2"]);
    // `%` and `_` are matched literally, not as LIKE wildcards.
    expect(ids({ search: "%_quota" })).toEqual(["r2"]);
    expect(ids({ search: "b%m" })).toEqual([]);
  });

  test("the cursor walks newest first, ties on the millisecond broken by id, nothing skipped or repeated", () => {
    const repo = new RequestLogSearchRepo(seeded(rows).store.db);
    const seen: string[] = [];
    let cursor = null;
    for (let i = 0; i < 10; i++) {
      const page = repo.page({}, 1, cursor);
      if (page.length === 0) break;
      seen.push(page[0]!.id);
      cursor = decodeCursor(encodeCursor({ startedAt: page[0]!.startedAt, id: page[0]!.id }));
    }
    expect(seen).toEqual(["r4", "r3", "r2", "r1"]);
    expect(decodeCursor("not-a-cursor")).toBeNull();
  });
});
