import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseDuration, parseResetValue, retryAtFromHints, type RetryHints } from "../../../src/routing/retry-after";
import { FIXTURES } from "../../fakes/openai-mock-upstream";

const NOW = Date.parse("2025-06-01T12:00:00Z");
const clock = () => NOW;
const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const fixture = (path: string) => readFileSync(join(FIXTURES, path), "utf8");

describe("parseDuration", () => {
  const cases: [string, number | null][] = [
    ["1s", 1000],
    ["0s", 0],
    ["2ms", 2],
    ["0.5s", 500],
    ["34.4s", 34_400],
    ["6m0s", 6 * MIN],
    ["1m26.4s", 86_400],
    ["1h2m3.5s", H + 2 * MIN + 3500],
    ["20ms", 20],
    ["1.5us", 0.0015],
    ["2 minutes", 2 * MIN],
    ["1 hour 30 minutes", 90 * MIN],
    ["2 minutes and 5 seconds", 125 * S],
    ["1h, 5m", 65 * MIN],
    ["3 days", 3 * 24 * H],
    ["5 mins", 5 * MIN],
    ["abc", null],
    ["", null],
    ["6m0", null],
    ["20", null],
    ["5 apples", null],
  ];
  for (const [text, ms] of cases) {
    test(JSON.stringify(text), () => {
      const got = parseDuration(text);
      if (ms === null) expect(got).toBeNull();
      else expect(got).toBeCloseTo(ms, 6);
    });
  }
});

describe("parseResetValue", () => {
  const cases: [string | number, number | null][] = [
    ["2025-06-01T12:05:00Z", NOW + 5 * MIN],
    ["2025-06-01T12:05:00.000+00:00", NOW + 5 * MIN],
    ["Sun, 01 Jun 2025 12:01:00 GMT", NOW + MIN],
    [String(NOW / 1000 + 3600), NOW + H], // epoch seconds
    [NOW + 90 * S, NOW + 90 * S], // epoch ms
    ["30", NOW + 30 * S], // delta seconds
    ["6m0s", NOW + 6 * MIN],
    ["soon", null],
    [-5, null],
  ];
  for (const [value, at] of cases) test(JSON.stringify(value), () => expect(parseResetValue(value, NOW)).toBe(at));
});

describe("retryAtFromHints", () => {
  const cases: { name: string; hints: RetryHints; at: number | null }[] = [
    { name: "Retry-After seconds", hints: { headers: { "retry-after": "30" } }, at: NOW + 30 * S },
    { name: "Retry-After with decimals", hints: { headers: { "retry-after": "1.5" } }, at: NOW + 1500 },
    { name: "Retry-After name in any case", hints: { headers: { "Retry-After": "7" } }, at: NOW + 7 * S },
    { name: "Retry-After HTTP date", hints: { headers: { "retry-after": "Sun, 01 Jun 2025 12:02:00 GMT" } }, at: NOW + 2 * MIN },
    { name: "retry-after-ms", hints: { headers: { "retry-after-ms": "1500" } }, at: NOW + 1500 },
    { name: "Retry-After and retry-after-ms: the earliest", hints: { headers: { "retry-after": "2", "retry-after-ms": "1500" } }, at: NOW + 1500 },
    { name: "Retry-After 0 is not a future time", hints: { headers: { "retry-after": "0" } }, at: null },
    { name: "Retry-After date in the past (clock skew) is ignored", hints: { headers: { "retry-after": "Sun, 01 Jun 2025 11:00:00 GMT" } }, at: null },
    { name: "garbage Retry-After", hints: { headers: { "retry-after": "later" } }, at: null },
    {
      name: "Retry-After beats window resets and body text",
      hints: {
        headers: { "retry-after": "10", "x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "6m0s" },
        body: '{"error":{"message":"Please try again in 3s."}}',
      },
      at: NOW + 10 * S,
    },
    {
      name: "OpenAI: only the spent window counts (tokens), not the earlier requests reset",
      hints: {
        headers: {
          "x-ratelimit-limit-requests": "500",
          "x-ratelimit-remaining-requests": "499",
          "x-ratelimit-reset-requests": "2ms",
          "x-ratelimit-limit-tokens": "30000",
          "x-ratelimit-remaining-tokens": "0",
          "x-ratelimit-reset-tokens": "6m0s",
        },
      },
      at: NOW + 6 * MIN,
    },
    {
      name: "OpenAI: both windows spent → the later reset",
      hints: {
        headers: {
          "x-ratelimit-remaining-requests": "0",
          "x-ratelimit-reset-requests": "1m26.4s",
          "x-ratelimit-remaining-tokens": "0",
          "x-ratelimit-reset-tokens": "20ms",
        },
      },
      at: NOW + 86_400,
    },
    {
      name: "OpenAI: none known spent → the earliest reset",
      hints: { headers: { "x-ratelimit-reset-requests": "0.5s", "x-ratelimit-reset-tokens": "6m0s" } },
      at: NOW + 500,
    },
    {
      name: "Anthropic RFC 3339 resets: the spent input-tokens window",
      hints: {
        headers: {
          "anthropic-ratelimit-requests-remaining": "49",
          "anthropic-ratelimit-requests-reset": "2025-06-01T12:00:01Z",
          "anthropic-ratelimit-input-tokens-remaining": "0",
          "anthropic-ratelimit-input-tokens-reset": "2025-06-01T12:00:45Z",
          "anthropic-ratelimit-output-tokens-remaining": "8000",
          "anthropic-ratelimit-output-tokens-reset": "2025-06-01T12:00:02Z",
        },
      },
      at: NOW + 45 * S,
    },
    {
      name: "Anthropic subscription unified window (epoch seconds, status rejected)",
      hints: {
        headers: {
          "anthropic-ratelimit-unified-status": "rejected",
          "anthropic-ratelimit-unified-reset": String(NOW / 1000 + 2 * 3600),
          "anthropic-ratelimit-unified-7d-status": "allowed",
          "anthropic-ratelimit-unified-7d-reset": String(NOW / 1000 + 60),
        },
      },
      at: NOW + 2 * H,
    },
    { name: "IETF ratelimit-reset (delta seconds)", hints: { headers: { "ratelimit-remaining": "0", "ratelimit-reset": "12" } }, at: NOW + 12 * S },
    { name: "x-ratelimit-reset as epoch ms (OpenRouter style)", hints: { headers: { "x-ratelimit-reset": String(NOW + 40 * S) } }, at: NOW + 40 * S },
    {
      name: "Gemini RetryInfo (recorded 429 body)",
      hints: { body: fixture("gemini/error-429-resource-exhausted.response.json") },
      at: NOW + 34_400,
    },
    {
      name: "Gemini RetryInfo as {seconds, nanos}",
      hints: { body: JSON.stringify({ error: { details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: { seconds: "3", nanos: 500_000_000 } }] } }) },
      at: NOW + 3500,
    },
    {
      name: "Gemini 429 inside a JSON-array stream body",
      hints: { body: `[${fixture("gemini/error-429-resource-exhausted.response.json")}]` },
      at: NOW + 34_400,
    },
    {
      name: "decoded Gemini message (adapter appends the delay)",
      hints: { messages: ["You exceeded your current quota, please check your plan. Please retry in 34.4s."] },
      at: NOW + 34_400,
    },
    {
      name: "Codex usage_limit_reached: resets_in_seconds and resets_at → the earliest",
      hints: {
        body: JSON.stringify({
          error: { type: "usage_limit_reached", message: "The usage limit has been reached", plan_type: "plus", resets_at: NOW / 1000 + 3 * 3600, resets_in_seconds: 3 * 3600 - 5 },
        }),
      },
      at: NOW + 3 * H - 5 * S,
    },
    { name: "Codex resets_at alone", hints: { body: JSON.stringify({ error: { type: "usage_limit_reached", resets_at: NOW / 1000 + 600 } }) }, at: NOW + 10 * MIN },
    { name: "retry_after in a JSON body", hints: { body: '{"error":{"message":"slow down","retry_after":12}}' }, at: NOW + 12 * S },
    { name: "resetTime ISO in a JSON body", hints: { body: '{"quotaInfo":{"remainingFraction":0,"resetTime":"2025-06-01T13:00:00Z"}}' }, at: NOW + H },
    {
      name: "structured body beats text in the same body",
      hints: { body: '{"error":{"message":"Please try again in 5s.","retry_after":9}}' },
      at: NOW + 9 * S,
    },
    { name: "OpenAI text: try again in 20s", hints: { body: '{"error":{"message":"Rate limit reached for gpt-4o. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits"}}' }, at: NOW + 20 * S },
    { name: "OpenAI text: fractional seconds", hints: { messages: ["Limit 30000, Used 29000, Requested 1500. Please try again in 1.898s."] }, at: NOW + 1898 },
    { name: "OpenAI text: ms", hints: { messages: ["Please try again in 120ms."] }, at: NOW + 120 },
    { name: "Go duration in text", hints: { messages: ["Please try again in 6m0s."] }, at: NOW + 6 * MIN },
    { name: "reset after 2m", hints: { body: "Rate limited: your limit will reset after 2m" }, at: NOW + 2 * MIN },
    { name: "resets in words", hints: { messages: ["Usage limit hit; resets in 1 hour 30 minutes"] }, at: NOW + 90 * MIN },
    { name: "please wait N seconds", hints: { messages: ["Too many requests, please wait 5 seconds before retrying"] }, at: NOW + 5 * S },
    { name: "retry after ISO time", hints: { messages: ["quota exhausted, try again after 2025-06-01 14:00:00 UTC"] }, at: NOW + 2 * H },
    { name: "Claude subscription limit|epoch", hints: { messages: [`Claude AI usage limit reached|${NOW / 1000 + 7200}`] }, at: NOW + 2 * H },
    { name: "several texts: the earliest", hints: { messages: ["try again in 30s", "retry in 10s"] }, at: NOW + 10 * S },
    { name: "no number: try again later", hints: { body: '{"error":{"message":"Please try again later."}}' }, at: null },
    { name: "nothing at all", hints: {}, at: null },
    { name: "an unrelated error", hints: { body: fixture("openai-responses/error-429-insufficient-quota.response.json"), headers: { "content-type": "application/json" } }, at: null },
    { name: "absurd Retry-After clamped to 24 h", hints: { headers: { "retry-after": "99999999" } }, at: NOW + 24 * H },
    { name: "a weekly reset clamped to 24 h", hints: { body: JSON.stringify({ error: { resets_in_seconds: 7 * 24 * 3600 } }) }, at: NOW + 24 * H },
  ];
  for (const { name, hints, at } of cases) test(name, () => expect(retryAtFromHints(hints, clock)).toBe(at));

  test("the clamp is configurable", () => {
    expect(retryAtFromHints({ headers: { "retry-after": "3600" } }, clock, 10 * MIN)).toBe(NOW + 10 * MIN);
  });

  test("an already-parsed body is used instead of the text", () => {
    expect(retryAtFromHints({ json: { error: { retry_after: 4 } }, body: "not json" }, clock)).toBe(NOW + 4 * S);
  });

  test("the clock is read from the injected function", () => {
    let now = NOW;
    const tick = () => now;
    expect(retryAtFromHints({ headers: { "retry-after": "5" } }, tick)).toBe(NOW + 5 * S);
    now += 60 * S;
    expect(retryAtFromHints({ headers: { "retry-after": "5" } }, tick)).toBe(NOW + 65 * S);
  });
});
