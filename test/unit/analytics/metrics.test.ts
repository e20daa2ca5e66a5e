import { describe, expect, test } from "bun:test";
import { LATENCY_BUCKETS_SECONDS, MAX_SERIES_PER_FAMILY, RequestMetrics } from "../../../src/analytics/metrics";
import { escapeLabelValue, formatLabels, PrometheusText } from "../../../src/analytics/prometheus-text";
import type { RequestLogRow } from "../../../src/store/repos/request-logs-repo";
import { parsePrometheusText, sampleSum, sampleValue } from "../../support/prometheus-parser";

function entry(over: Partial<RequestLogRow> = {}): RequestLogRow {
  return {
    id: "r", startedAt: 0, apiKeyId: null, surface: "openai-chat", requestedModel: "m1", providerId: "p1", connectionId: "c1", upstreamModel: "m1",
    stream: false, status: 200, latencyMs: 300, ttfbMs: 120, tokensIn: 24, tokensOut: 8, tokensCached: 2, tokensReasoning: 1,
    error: null, attemptsJson: null, sharedWith: null, cache: null, costUsd: 0.0002, usageEstimated: false, combo: null, comboTarget: null, guard: null,
    ...over,
  };
}

function render(metrics: RequestMetrics): string {
  const text = new PrometheusText();
  metrics.write(text);
  return text.toString();
}

describe("Prometheus text", () => {
  test("label values escape backslash, quote and line feed", () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(formatLabels({ model: 'we"ird\\\n' })).toBe('{model="we\\"ird\\\\\\n"}');
    expect(formatLabels({})).toBe("");
  });

  test("a family cannot be written twice (its samples would be split)", () => {
    const text = new PrometheusText().family("x_total", "counter", "x");
    expect(() => text.family("x_total", "counter", "x")).toThrow();
  });
});

describe("RequestMetrics", () => {
  test("counters and histograms from request-log entries; the exposition parses", () => {
    const metrics = new RequestMetrics();
    metrics.record(entry());
    metrics.record(entry({ latencyMs: 1500, ttfbMs: 900, status: 200 }));
    metrics.record(entry({ status: 500, tokensIn: null, tokensOut: null, tokensCached: null, tokensReasoning: null, costUsd: null, ttfbMs: null, attemptsJson: '[{"target":"a/m","status":500,"error":"x"},{"target":"a/m","status":500,"error":"x"}]' }));
    // Never routed (unknown model): the model the client made up is not a label.
    metrics.record(entry({ status: 404, providerId: null, connectionId: null, requestedModel: "made-up-model", latencyMs: 1, ttfbMs: null }));
    metrics.record(entry({ requestedModel: 'we"ird\\model', surface: "anthropic" }));
    const text = render(metrics);
    const families = parsePrometheusText(text);
    expect(sampleValue(families, "omniroute_requests_total", { provider: "p1", model: "m1", status_class: "2xx", surface: "openai-chat" })).toBe(2);
    expect(sampleValue(families, "omniroute_requests_total", { model: "m1", status_class: "5xx" })).toBe(1);
    expect(sampleValue(families, "omniroute_requests_total", { provider: "", model: "", status_class: "4xx" })).toBe(1);
    expect(sampleValue(families, "omniroute_requests_total", { model: 'we"ird\\model', surface: "anthropic" })).toBe(1);
    expect(text).not.toContain("made-up-model");
    expect(sampleValue(families, "omniroute_tokens_total", { model: "m1", type: "in" })).toBe(48);
    expect(sampleValue(families, "omniroute_tokens_total", { model: "m1", type: "out" })).toBe(16);
    expect(sampleValue(families, "omniroute_tokens_total", { model: "m1", type: "cached" })).toBe(4);
    expect(sampleValue(families, "omniroute_tokens_total", { model: "m1", type: "reasoning" })).toBe(2);
    expect(sampleValue(families, "omniroute_cost_usd_total", { model: "m1" })).toBeCloseTo(0.0004, 12);
    expect(sampleSum(families, "omniroute_failed_attempts_total")).toBe(2);
    // Latencies of m1: 0.3, 1.5, 0.3 s → le=0.5 holds 2, le=2.5 holds 3.
    expect(sampleValue(families, "omniroute_request_duration_seconds_bucket", { model: "m1", le: "0.25" })).toBe(0);
    expect(sampleValue(families, "omniroute_request_duration_seconds_bucket", { model: "m1", le: "0.5" })).toBe(2);
    expect(sampleValue(families, "omniroute_request_duration_seconds_bucket", { model: "m1", le: "2.5" })).toBe(3);
    expect(sampleValue(families, "omniroute_request_duration_seconds_bucket", { model: "m1", le: "+Inf" })).toBe(3);
    expect(sampleValue(families, "omniroute_request_duration_seconds_count", { model: "m1" })).toBe(3);
    expect(sampleValue(families, "omniroute_request_duration_seconds_sum", { model: "m1" })).toBeCloseTo(2.1, 10);
    // TTFB only for requests that had a first byte.
    expect(sampleValue(families, "omniroute_time_to_first_byte_seconds_count", { model: "m1" })).toBe(2);
    expect(families.get("omniroute_request_duration_seconds")!.samples.filter((s) => s.labels.model === "m1" && s.name.endsWith("_bucket"))).toHaveLength(LATENCY_BUCKETS_SECONDS.length + 1);
  });

  test("a value exactly on a bound falls in that bucket (le is inclusive)", () => {
    const metrics = new RequestMetrics();
    metrics.record(entry({ latencyMs: 500 }));
    const families = parsePrometheusText(render(metrics));
    expect(sampleValue(families, "omniroute_request_duration_seconds_bucket", { le: "0.5" })).toBe(1);
    expect(sampleValue(families, "omniroute_request_duration_seconds_bucket", { le: "0.25" })).toBe(0);
  });

  test("series are bounded: label sets past the cap fold into one _overflow series", () => {
    const metrics = new RequestMetrics();
    for (let i = 0; i < MAX_SERIES_PER_FAMILY + 50; i++) metrics.record(entry({ providerId: `p${i}`, ttfbMs: null }));
    const families = parsePrometheusText(render(metrics));
    const requests = families.get("omniroute_requests_total")!.samples;
    expect(requests).toHaveLength(MAX_SERIES_PER_FAMILY + 1);
    expect(sampleValue(families, "omniroute_requests_total", { provider: "_overflow" })).toBe(50);
    expect(sampleSum(families, "omniroute_requests_total")).toBe(MAX_SERIES_PER_FAMILY + 50);
  });
});
