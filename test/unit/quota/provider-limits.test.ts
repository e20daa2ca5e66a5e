import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { providerReport, readReportedLimits, reportedClosure, reportedHeadroom } from "../../../src/quota/provider-limits";
import { SHARED_FIXTURES } from "../support/temp-data";

const recordedHeaders = (path: string): Record<string, string> =>
  (JSON.parse(readFileSync(join(SHARED_FIXTURES, path), "utf8")) as { response: { headers: Record<string, string> } }).response.headers;

describe("rate-limit headers", () => {
  test("OpenAI: limit / remaining / reset per window, Go-style durations ('6m0s', '1.5s', '2ms')", () => {
    const at = 1_000_000;
    const limits = readReportedLimits(
      {
        "x-ratelimit-limit-requests": "500",
        "x-ratelimit-remaining-requests": "499",
        "x-ratelimit-reset-requests": "1.5s",
        "x-ratelimit-limit-tokens": "30000",
        "x-ratelimit-remaining-tokens": "0",
        "x-ratelimit-reset-tokens": "6m0s",
        "content-type": "application/json",
      },
      at,
    );
    expect(limits).toEqual([
      { name: "requests", limit: 500, remaining: 499, utilization: null, resetAt: at + 1500, spent: false },
      { name: "tokens", limit: 30000, remaining: 0, utilization: null, resetAt: at + 360_000, spent: true },
    ]);
  });

  test("recorded OpenAI answer: a '0s' reset is already past and dropped", () => {
    const limits = readReportedLimits(recordedHeaders("openai-chat/tool-stream-raw.turn1.meta.json"), 0);
    expect(limits.find((l) => l.name === "requests")).toEqual({ name: "requests", limit: 30000, remaining: 29999, utilization: null, resetAt: 2, spent: false });
    expect(limits.find((l) => l.name === "tokens")).toMatchObject({ limit: 150000000, remaining: 149999993, resetAt: null });
  });

  test("recorded Anthropic answer: RFC 3339 resets, one entry per window", () => {
    const at = Date.parse("2026-02-17T23:44:10Z");
    const limits = readReportedLimits(recordedHeaders("anthropic/text-stream-raw.meta.json"), at);
    expect(limits.map((l) => l.name).sort()).toEqual(["input-tokens", "output-tokens", "requests", "tokens"]);
    expect(limits.find((l) => l.name === "requests")).toEqual({
      name: "requests",
      limit: 20000,
      remaining: 19999,
      utilization: null,
      resetAt: Date.parse("2026-02-17T23:44:11Z"),
      spent: false,
    });
  });

  test("Anthropic subscription windows: utilization, status 'rejected' and epoch-second resets", () => {
    const at = 1_760_000_000_000;
    const limits = readReportedLimits(
      {
        "anthropic-ratelimit-unified-5h-utilization": "0.4",
        "anthropic-ratelimit-unified-5h-reset": "1760003600",
        "anthropic-ratelimit-unified-7d-status": "rejected",
        "anthropic-ratelimit-unified-7d-reset": "1760100000",
        "anthropic-ratelimit-unified-status": "allowed",
      },
      at,
    );
    expect(limits).toEqual([
      { name: "unified-5h", limit: null, remaining: null, utilization: 0.4, resetAt: 1_760_003_600_000, spent: false },
      { name: "unified-7d", limit: null, remaining: null, utilization: null, resetAt: 1_760_100_000_000, spent: true },
    ]);
    const report = providerReport({ "anthropic-ratelimit-unified-5h-utilization": "0.4", "anthropic-ratelimit-unified-5h-reset": "1760003600" }, 200, null, at)!;
    expect(reportedHeadroom(report, at)).toEqual({ headroom: 0.6, resetAt: 1_760_003_600_000 });
  });
});

describe("reports", () => {
  test("an answer without limits reports nothing", () => {
    expect(providerReport({ "content-type": "application/json" }, 200, null, 0)).toBeNull();
    expect(providerReport(null, 200, null, 0)).toBeNull();
  });

  test("a 429: Retry-After (seconds or HTTP date), else a reset time in the error text", () => {
    const at = Date.parse("2025-06-01T12:00:00Z");
    expect(providerReport({ "retry-after": "30" }, 429, null, at)!.retryAt).toBe(at + 30_000);
    expect(providerReport({ "retry-after": "Sun, 01 Jun 2025 12:05:00 GMT" }, 429, null, at)!.retryAt).toBe(at + 300_000);
    expect(providerReport(null, 429, "You exceeded your quota. Please retry in 34.4s.", at)!.retryAt).toBe(at + 34_400);
    expect(providerReport(null, 429, "Claude AI usage limit reached|1748782800", at)!.retryAt).toBe(1_748_782_800_000);
    // A Retry-After on a success is not a closure.
    expect(providerReport({ "retry-after": "30" }, 200, null, at)).toBeNull();
  });

  test("closure: the latest reset of the spent windows, or the retry time; nothing while all have room", () => {
    const at = 0;
    const report = providerReport(
      { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "10s", "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "1m" },
      200,
      null,
      at,
    )!;
    expect(reportedClosure(report, at)).toBe(60_000);
    expect(reportedClosure(report, 60_000)).toBeNull();
    const roomy = providerReport({ "x-ratelimit-remaining-requests": "5", "x-ratelimit-reset-requests": "10s" }, 200, null, at)!;
    expect(reportedClosure(roomy, at)).toBeNull();
    // Spent without a reset time: we cannot say when it reopens, so it is not closed here (cool-downs handle 429s).
    const unknown = providerReport({ "x-ratelimit-remaining-requests": "0" }, 200, null, at)!;
    expect(reportedClosure(unknown, at)).toBeNull();
  });
});
