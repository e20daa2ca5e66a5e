import { describe, expect, test } from "bun:test";
import { AnalyticsQueryError, parseInstant, resolveBucket, resolveRange } from "../../../src/analytics/analytics-query";
import { csvField, csvLine } from "../../../src/analytics/csv";
import { LiveMonitor } from "../../../src/analytics/live-monitor";
import { AccountHealth } from "../../../src/routing/account-health";
import type { RequestLogRow } from "../../../src/store/repos/request-logs-repo";
import { parsePrometheusText } from "../../support/prometheus-parser";

describe("analytics query", () => {
  test("times are ISO 8601 or epoch ms; the default range is the last 24 h", () => {
    expect(parseInstant("1768471200000")).toBe(1768471200000);
    expect(parseInstant("2026-01-15T10:00:00Z")).toBe(Date.UTC(2026, 0, 15, 10));
    expect(parseInstant("March 7")).toBeNull();
    expect(parseInstant("2026-13-45")).toBeNull();
    expect(resolveRange({}, 100_000_000)).toEqual({ from: 100_000_000 - 86_400_000, to: 100_000_000 });
    expect(resolveRange({ to: "5000000000" })).toEqual({ from: 5_000_000_000 - 86_400_000, to: 5_000_000_000 });
    expect(() => resolveRange({ from: "2000", to: "1000" })).toThrow(AnalyticsQueryError);
  });

  test("too many buckets for the range is refused", () => {
    expect(resolveBucket("hour", { from: 0, to: 86_400_000 })).toBe(3_600_000);
    expect(resolveBucket(undefined, { from: 0, to: 1 })).toBeNull();
    expect(() => resolveBucket("minute", { from: 0, to: 30 * 86_400_000 })).toThrow(AnalyticsQueryError);
  });
});

describe("CSV", () => {
  test("fields with commas, quotes or line breaks are quoted, quotes doubled; formulas neutralised", () => {
    expect(csvField("plain")).toBe("plain");
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField(null)).toBe("");
    expect(csvField(42)).toBe("42");
    expect(csvField(-1)).toBe("-1");
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvLine(["a", 1, null, "x,y"])).toBe('a,1,,"x,y"\r\n');
  });
});

describe("live monitor", () => {
  const entry = { id: "r1", startedAt: 0, apiKeyId: "k", surface: "openai-chat", requestedModel: "m", providerId: "p", connectionId: "c", upstreamModel: "m", stream: true, status: 200, latencyMs: 10, ttfbMs: 5, tokensIn: 1, tokensOut: 2, tokensCached: 0, tokensReasoning: 0, error: null, attemptsJson: '[{"target":"x","status":429,"error":"e"}]', sharedWith: null, cache: "miss", costUsd: 0.1, usageEstimated: false, combo: null, comboTarget: null, guard: null } satisfies RequestLogRow;

  test("fans one serialized event out to every subscriber; shutdown ends them all", () => {
    const monitor = new LiveMonitor();
    monitor.listener({ entry, upstreamHeaders: null });
    const got: string[][] = [[], []];
    let ended = 0;
    const unsubscribe = monitor.subscribe({ event: (json) => got[0]!.push(json), end: () => ended++ });
    monitor.subscribe({ event: (json) => got[1]!.push(json), end: () => ended++ });
    monitor.listener({ entry, upstreamHeaders: null });
    expect(got[0]).toHaveLength(1);
    expect(JSON.parse(got[1]![0]!)).toMatchObject({ id: "r1", time: "1970-01-01T00:00:00.000Z", keyId: "k", model: "m", provider: "p", connection: "c", status: 200, latencyMs: 10, ttfbMs: 5, tokens: { in: 1, out: 2 }, costUsd: 0.1, cache: "miss", failedAttempts: 1 });
    unsubscribe();
    monitor.listener({ entry, upstreamHeaders: null });
    expect(got[0]).toHaveLength(1);
    expect(got[1]).toHaveLength(2);
    monitor.endSubscriptions();
    expect(ended).toBe(1);
    expect(monitor.subscriberCount).toBe(0);
  });
});

describe("AccountHealth.reset", () => {
  test("clears cool-down, re-auth and breaker of one account, keeping its usage figures; without an id, everything", () => {
    const now = 1_000_000;
    const health = new AccountHealth({}, () => now);
    health.recordSuccess("a", "p", { ttfbMs: 100 });
    health.recordFailure("a", "p", { class: "rate-limited", reason: "429", retryAt: now + 60_000 });
    health.recordFailure("b", "p", { class: "auth", reason: "401", retryAt: null });
    for (let i = 0; i < 5; i++) health.recordFailure("c", "p", { class: "transient", reason: "500", retryAt: null });
    expect(health.check("a", "p")).toMatchObject({ available: false, reason: "cooldown" });
    expect(health.check("b", "p")).toMatchObject({ available: false, reason: "reauth" });
    expect(health.check("c", "p")).toMatchObject({ available: false, reason: "breaker-open" });

    expect(health.reset("a")).toBe(1);
    expect(health.check("a", "p")).toEqual({ available: true });
    expect(health.stats("a")).toMatchObject({ uses: 1, ewmaTtfbMs: 100, cooldownUntil: null });
    expect(health.check("b", "p").available).toBe(false);
    expect(health.reset("nobody")).toBe(0);

    expect(health.reset()).toBe(3);
    for (const id of ["a", "b", "c"]) expect(health.check(id, "p")).toEqual({ available: true });
    expect(health.snapshot().providers.every((p) => p.breaker.state === "closed")).toBe(true);
  });
});

describe("the test parser of Prometheus text rejects what a scraper would", () => {
  const ok = "# HELP h x\n# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3\nh_count 2\n";
  test("accepts a well-formed histogram", () => {
    expect(parsePrometheusText(ok).get("h")!.samples).toHaveLength(4);
  });
  test.each([
    ["a sample before its TYPE", "c_total 1\n# HELP c_total x\n# TYPE c_total counter\n"],
    ["TYPE without HELP", "# TYPE c_total counter\nc_total 1\n"],
    ["non-cumulative buckets", ok.replace('le="+Inf"} 2', 'le="+Inf"} 0').replace("h_count 2", "h_count 0")],
    ["+Inf ≠ _count", ok.replace("h_count 2", "h_count 5")],
    ["no +Inf bucket", ok.replace('h_bucket{le="+Inf"} 2\n', "")],
    ["an unescaped quote", '# HELP g x\n# TYPE g gauge\ng{a="x"y"} 1\n'],
    ["a missing final line feed", "# HELP g x\n# TYPE g gauge\ng 1"],
  ])("rejects %s", (_, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
