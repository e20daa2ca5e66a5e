import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { anthropicAdapter } from "../../../src/formats/anthropic/anthropic-adapter";
import { geminiAdapter } from "../../../src/formats/gemini/gemini-adapter";
import { openAIChatAdapter } from "../../../src/formats/openai-chat/openai-chat-adapter";
import { openAIResponsesAdapter } from "../../../src/formats/openai-responses/openai-responses-adapter";
import type { FormatAdapter } from "../../../src/ir/format-adapter";
import type { IRError, IRStreamEvent } from "../../../src/ir/ir-types";
import {
  classifyFailure,
  type FailureClass,
  type FailureInput,
  type FailureKind,
  penalisesAccount,
  worthTryingElsewhere,
} from "../../../src/routing/failure-class";
import { FIXTURES } from "../../fakes/openai-mock-upstream";

const NOW = Date.parse("2025-06-01T12:00:00Z");
const clock = () => NOW;
const S = 1000;
const H = 3600 * S;
const fixture = (path: string) => readFileSync(join(FIXTURES, path), "utf8");

const ADAPTERS: Record<string, FormatAdapter> = {
  openai: openAIChatAdapter,
  responses: openAIResponsesAdapter,
  anthropic: anthropicAdapter,
  gemini: geminiAdapter,
};

interface Case {
  name: string;
  format: keyof typeof ADAPTERS;
  status: number;
  body: string;
  headers?: Record<string, string>;
  class: FailureClass;
  retryAt?: number | null;
  reason?: string;
}

const json = (value: unknown) => JSON.stringify(value);

/** Recorded error answers from ../shared/fixtures. */
const RECORDED: Case[] = [
  { name: "Anthropic 400 unsupported effort", format: "anthropic", status: 400, body: fixture("anthropic/error-400-invalid-request.response.json"), class: "client-error", reason: "400 invalid_request_error" },
  { name: "Anthropic 404 unknown model", format: "anthropic", status: 404, body: fixture("anthropic/error-404-not-found.response.json"), class: "client-error" },
  { name: "Gemini 400 API_KEY_INVALID", format: "gemini", status: 400, body: fixture("gemini/error-400-api-key-invalid.response.json"), class: "auth", reason: "400 API_KEY_INVALID" },
  { name: "Gemini 404 unknown model", format: "gemini", status: 404, body: fixture("gemini/error-404-unknown-model.response.json"), class: "client-error" },
  {
    name: "Gemini 429 RESOURCE_EXHAUSTED per minute",
    format: "gemini",
    status: 429,
    body: fixture("gemini/error-429-resource-exhausted.response.json"),
    class: "rate-limited",
    retryAt: NOW + 34_400,
    reason: "429 RESOURCE_EXHAUSTED",
  },
  { name: "OpenAI Chat 400 unsupported parameter", format: "openai", status: 400, body: fixture("openai-chat/error-400-unsupported-parameter.response.json"), class: "client-error", reason: "400 unsupported_parameter" },
  { name: "OpenAI Chat 400 unsupported value", format: "openai", status: 400, body: fixture("openai-chat/error-400-unsupported-value.response.json"), class: "client-error" },
  { name: "Responses 400 invalid value", format: "responses", status: 400, body: fixture("openai-responses/error-400-invalid-value.response.json"), class: "client-error" },
  { name: "Responses 400 unsupported parameter", format: "responses", status: 400, body: fixture("openai-responses/error-400-unsupported-parameter.response.json"), class: "client-error" },
  {
    name: "Responses 429 insufficient_quota",
    format: "responses",
    status: 429,
    body: fixture("openai-responses/error-429-insufficient-quota.response.json"),
    class: "quota-exhausted",
    retryAt: null,
    reason: "429 insufficient_quota",
  },
];

/** Hand-written answers in the shapes the providers document (wire-formats.md §9, providers.md). */
const WRITTEN: Case[] = [
  // OpenAI
  {
    name: "OpenAI 401 invalid_api_key",
    format: "openai",
    status: 401,
    body: json({ error: { message: "Incorrect API key provided: sk-abc***xyz. You can find your API key at https://platform.openai.com/account/api-keys.", type: "invalid_request_error", param: null, code: "invalid_api_key" } }),
    class: "auth",
    reason: "401 invalid_api_key",
  },
  {
    name: "OpenAI 403 region not supported",
    format: "openai",
    status: 403,
    body: json({ error: { code: "unsupported_country_region_territory", message: "Country, region, or territory not supported", param: null, type: "request_forbidden" } }),
    class: "auth",
  },
  {
    name: "OpenAI 429 rate_limit_exceeded with headers",
    format: "openai",
    status: 429,
    headers: { "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "1m26.4s", "x-ratelimit-remaining-tokens": "29000", "x-ratelimit-reset-tokens": "2ms" },
    body: json({ error: { message: "Rate limit reached for gpt-4o in organization org-x on requests per min (RPM): Limit 500, Used 500, Requested 1.", type: "requests", param: null, code: "rate_limit_exceeded" } }),
    class: "rate-limited",
    retryAt: NOW + 86_400,
    reason: "429 rate_limit_exceeded",
  },
  {
    name: "OpenAI 429 with 'try again in 20s'",
    format: "openai",
    status: 429,
    body: json({ error: { message: "Rate limit reached for gpt-4o on tokens per min (TPM): Limit 30000, Used 30000, Requested 500. Please try again in 20s.", type: "tokens", param: null, code: "rate_limit_exceeded" } }),
    class: "rate-limited",
    retryAt: NOW + 20 * S,
  },
  {
    name: "OpenAI 429 request larger than the TPM limit",
    format: "openai",
    status: 429,
    body: json({ error: { message: "Request too large for gpt-4o in organization org-x on tokens per min (TPM): Limit 30000, Requested 45000. The input or output tokens must be reduced in order to run successfully.", type: "tokens", param: null, code: "rate_limit_exceeded" } }),
    class: "rate-limited",
    retryAt: null,
  },
  {
    name: "OpenAI 400 context_length_exceeded",
    format: "openai",
    status: 400,
    body: json({ error: { message: "This model's maximum context length is 128000 tokens. However, your messages resulted in 130532 tokens. Please reduce the length of the messages.", type: "invalid_request_error", param: "messages", code: "context_length_exceeded" } }),
    class: "context-length",
    reason: "400 context_length_exceeded",
  },
  {
    name: "Responses 400 input exceeds the context window",
    format: "responses",
    status: 400,
    body: json({ error: { message: "Your input exceeds the context window of this model. Please adjust your input and try again.", type: "invalid_request_error", param: "input", code: "context_length_exceeded" } }),
    class: "context-length",
  },
  { name: "OpenAI 500 server_error", format: "openai", status: 500, body: json({ error: { message: "The server had an error while processing your request. Sorry about that!", type: "server_error", param: null, code: null } }), class: "transient" },
  { name: "OpenAI 503 overloaded", format: "openai", status: 503, body: json({ error: { message: "The engine is currently overloaded, please try again later", type: "server_error", param: null, code: null } }), class: "transient" },
  { name: "OpenAI 400 billing hard limit", format: "openai", status: 400, body: json({ error: { message: "Billing hard limit has been reached", type: "invalid_request_error", param: null, code: "billing_hard_limit_reached" } }), class: "quota-exhausted" },
  // Anthropic
  { name: "Anthropic 401 authentication_error", format: "anthropic", status: 401, body: json({ type: "error", error: { type: "authentication_error", message: "invalid x-api-key" }, request_id: "req_1" }), class: "auth", reason: "401 authentication_error" },
  { name: "Anthropic 403 permission_error", format: "anthropic", status: 403, body: json({ type: "error", error: { type: "permission_error", message: "Your API key does not have permission to use the specified resource." }, request_id: "req_1" }), class: "auth" },
  {
    name: "Anthropic 429 rate_limit_error with retry-after",
    format: "anthropic",
    status: 429,
    headers: { "retry-after": "17", "anthropic-ratelimit-input-tokens-remaining": "0", "anthropic-ratelimit-input-tokens-reset": "2025-06-01T12:00:40Z", "request-id": "req_1" },
    body: json({ type: "error", error: { type: "rate_limit_error", message: "This request would exceed the rate limit for your organization of 30,000 input tokens per minute." }, request_id: "req_1" }),
    class: "rate-limited",
    retryAt: NOW + 17 * S,
    reason: "429 rate_limit_error",
  },
  {
    name: "Anthropic 429 with only ratelimit headers",
    format: "anthropic",
    status: 429,
    headers: { "anthropic-ratelimit-requests-remaining": "0", "anthropic-ratelimit-requests-reset": "2025-06-01T12:00:40Z" },
    body: json({ type: "error", error: { type: "rate_limit_error", message: "Number of request tokens has exceeded your per-minute rate limit" } }),
    class: "rate-limited",
    retryAt: NOW + 40 * S,
  },
  {
    name: "Claude subscription usage limit (5 h window)",
    format: "anthropic",
    status: 429,
    body: json({ type: "error", error: { type: "rate_limit_error", message: `Claude AI usage limit reached|${NOW / 1000 + 3 * 3600}` } }),
    class: "quota-exhausted",
    retryAt: NOW + 3 * H,
  },
  {
    name: "Anthropic OAuth 429 'reset after 2m'",
    format: "anthropic",
    status: 429,
    body: json({ type: "error", error: { type: "rate_limit_error", message: "Rate limited. Your limit will reset after 2m." } }),
    class: "rate-limited",
    retryAt: NOW + 120 * S,
  },
  { name: "Anthropic 529 overloaded_error", format: "anthropic", status: 529, body: json({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } }), class: "transient", reason: "529 overloaded_error" },
  { name: "Anthropic 500 api_error", format: "anthropic", status: 500, body: json({ type: "error", error: { type: "api_error", message: "Internal server error" } }), class: "transient" },
  {
    name: "Anthropic 400 prompt is too long",
    format: "anthropic",
    status: 400,
    body: json({ type: "error", error: { type: "invalid_request_error", message: "prompt is too long: 215000 tokens > 200000 maximum" } }),
    class: "context-length",
  },
  {
    name: "Anthropic 400 input + max_tokens exceed context limit",
    format: "anthropic",
    status: 400,
    body: json({ type: "error", error: { type: "invalid_request_error", message: "input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000, decrease input length or `max_tokens` and try again" } }),
    class: "context-length",
  },
  {
    name: "Anthropic 413 request_too_large",
    format: "anthropic",
    status: 413,
    body: json({ type: "error", error: { type: "request_too_large", message: "Request exceeds the maximum allowed number of bytes." } }),
    class: "context-length",
  },
  {
    name: "Anthropic 400 credit balance too low",
    format: "anthropic",
    status: 400,
    body: json({ type: "error", error: { type: "invalid_request_error", message: "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits." } }),
    class: "quota-exhausted",
  },
  { name: "Anthropic 402 billing_error", format: "anthropic", status: 402, body: json({ type: "error", error: { type: "billing_error", message: "Billing issue." } }), class: "quota-exhausted" },
  // Gemini
  {
    name: "Gemini 400 input token count exceeds the maximum",
    format: "gemini",
    status: 400,
    body: json({ error: { code: 400, message: "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).", status: "INVALID_ARGUMENT" } }),
    class: "context-length",
  },
  {
    name: "Gemini 400 API key expired",
    format: "gemini",
    status: 400,
    body: json({ error: { code: 400, message: "API key expired. Please renew the API key.", status: "INVALID_ARGUMENT", details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com" }] } }),
    class: "auth",
  },
  { name: "Gemini 403 PERMISSION_DENIED", format: "gemini", status: 403, body: json({ error: { code: 403, message: "Method doesn't allow unregistered callers.", status: "PERMISSION_DENIED" } }), class: "auth" },
  {
    name: "Gemini 429 per-day quota",
    format: "gemini",
    status: 429,
    body: json({
      error: {
        code: 429,
        message: "You exceeded your current quota, please check your plan and billing details.",
        status: "RESOURCE_EXHAUSTED",
        details: [
          { "@type": "type.googleapis.com/google.rpc.QuotaFailure", violations: [{ quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests", quotaId: "GenerateRequestsPerDayPerProjectPerModel-FreeTier" }] },
          { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "41s" },
        ],
      },
    }),
    class: "quota-exhausted",
    retryAt: NOW + 41 * S,
  },
  { name: "Gemini 500 INTERNAL", format: "gemini", status: 500, body: json({ error: { code: 500, message: "An internal error has occurred.", status: "INTERNAL" } }), class: "transient" },
  { name: "Gemini 503 UNAVAILABLE", format: "gemini", status: 503, body: json({ error: { code: 503, message: "The model is overloaded. Please try again later.", status: "UNAVAILABLE" } }), class: "transient" },
  // Codex and OpenAI-compatible providers
  {
    name: "Codex 429 usage_limit_reached",
    format: "responses",
    status: 429,
    body: json({ error: { type: "usage_limit_reached", message: "The usage limit has been reached", plan_type: "plus", resets_at: NOW / 1000 + 5 * 3600, resets_in_seconds: 5 * 3600 } }),
    class: "quota-exhausted",
    retryAt: NOW + 5 * H,
    reason: "429 usage_limit_reached",
  },
  { name: "Codex-style 429 with a short resets_in_seconds", format: "responses", status: 429, body: json({ error: { type: "rate_limited", message: "slow down", resets_in_seconds: 30 } }), class: "rate-limited", retryAt: NOW + 30 * S },
  { name: "DeepSeek 402 Insufficient Balance", format: "openai", status: 402, body: json({ error: { message: "Insufficient Balance", type: "unknown_error", param: null, code: "invalid_request_error" } }), class: "quota-exhausted" },
  { name: "OpenRouter 402 insufficient credits", format: "openai", status: 402, body: json({ error: { message: "Insufficient credits. Add more using https://openrouter.ai/credits", code: 402 } }), class: "quota-exhausted" },
  { name: "vLLM 400 maximum context length", format: "openai", status: 400, body: json({ object: "error", message: "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.", type: "BadRequestError", code: 400 }), class: "context-length" },
  { name: "500 that is really a context overflow", format: "openai", status: 500, body: json({ error: { message: "maximum context length exceeded", type: "server_error" } }), class: "context-length" },
  { name: "503 with Retry-After", format: "openai", status: 503, headers: { "retry-after": "30" }, body: "Service Unavailable", class: "transient", retryAt: NOW + 30 * S },
  { name: "plain-text 429 with Retry-After", format: "openai", status: 429, headers: { "Retry-After": "12" }, body: "Too Many Requests", class: "rate-limited", retryAt: NOW + 12 * S, reason: "429 rate_limit_error" },
  { name: "502 HTML from a proxy", format: "openai", status: 502, body: "<html><body><h1>502 Bad Gateway</h1></body></html>", class: "transient" },
  { name: "502 empty body", format: "anthropic", status: 502, body: "", class: "transient" },
  { name: "504 gateway timeout", format: "gemini", status: 504, body: "upstream request timeout", class: "transient" },
  { name: "408 request timeout", format: "openai", status: 408, body: "", class: "transient" },
  { name: "404 unknown model (OpenAI)", format: "openai", status: 404, body: json({ error: { message: "The model `gpt-9` does not exist or you do not have access to it.", type: "invalid_request_error", param: null, code: "model_not_found" } }), class: "client-error" },
  { name: "422 unprocessable", format: "openai", status: 422, body: json({ detail: [{ loc: ["body", "messages"], msg: "field required", type: "value_error.missing" }] }), class: "client-error" },
  { name: "400 HTML", format: "openai", status: 400, body: "<html>Bad Request</html>", class: "client-error" },
];

describe("classifyFailure on upstream error answers", () => {
  for (const c of [...RECORDED, ...WRITTEN]) {
    const error = ADAPTERS[c.format]!.decodeError(c.status, c.body);
    test(`${c.name} → ${c.class}`, () => {
      const full = classifyFailure({ status: c.status, error, headers: c.headers, body: c.body }, clock);
      expect(full.class).toBe(c.class);
      if (c.retryAt !== undefined) expect(full.retryAt).toBe(c.retryAt);
      if (c.reason !== undefined) expect(full.reason).toBe(c.reason);
      if (c.class === "auth" || c.class === "context-length" || c.class === "client-error") expect(full.retryAt).toBeNull();
      // The same answer without the decoded error (e.g. a pass-through failure read raw) lands in the same class.
      expect(classifyFailure({ status: c.status, headers: c.headers, body: c.body }, clock).class).toBe(c.class);
    });
  }
});

describe("classifyFailure from the decoded error alone", () => {
  const cases: { name: string; error: IRError; class: FailureClass; retryAt?: number | null }[] = [
    { name: "Gemini message carrying the retry delay", error: { status: 429, type: "RESOURCE_EXHAUSTED", message: "You exceeded your current quota, please check your plan. Please retry in 34.4s.", code: null }, class: "rate-limited", retryAt: NOW + 34_400 },
    { name: "Gemini API_KEY_INVALID code", error: { status: 400, type: "INVALID_ARGUMENT", message: "API key not valid. Please pass a valid API key.", code: "API_KEY_INVALID" }, class: "auth" },
    { name: "insufficient_quota type", error: { status: 429, type: "insufficient_quota", message: "You exceeded your current quota", code: "insufficient_quota" }, class: "quota-exhausted" },
    { name: "context_length_exceeded code", error: { status: 400, type: "invalid_request_error", message: "too long", code: "context_length_exceeded" }, class: "context-length" },
    { name: "upstream failure as built by the pipeline (timeout)", error: { status: 504, type: "timeout_error", code: "upstream_timeout", message: "Provider X timed out" }, class: "transient" },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const got = classifyFailure({ status: c.error.status, error: c.error }, clock);
      expect(got.class).toBe(c.class);
      if (c.retryAt !== undefined) expect(got.retryAt).toBe(c.retryAt);
    });
  }
});

describe("failures without a usable HTTP answer", () => {
  const kinds: FailureKind[] = ["unreachable", "connect-timeout", "first-byte-timeout", "reset", "empty"];
  for (const kind of kinds) {
    test(`${kind} → transient`, () => {
      expect(classifyFailure({ status: 0, kind }, clock)).toEqual({ class: "transient", retryAt: null, reason: kind });
    });
  }
  test("an empty completion with a 200 status is transient", () => {
    expect(classifyFailure({ status: 200, kind: "empty", body: "" }, clock).class).toBe("transient");
  });
  test("status 0 with nothing else is transient", () => {
    expect(classifyFailure({ status: 0 }, clock).class).toBe("transient");
  });
});

/** The first IR error event a stream decoder emits for an SSE text. */
function streamError(adapter: FormatAdapter, sse: string): IRError {
  const decoder = adapter.createStreamDecoder();
  const events: IRStreamEvent[] = [];
  decoder.push(sse, (event) => events.push(event));
  decoder.end((event) => events.push(event));
  const error = events.find((event) => event.type === "error");
  if (!error || error.type !== "error") throw new Error(`no error event in ${JSON.stringify(events)}`);
  return error.error;
}

describe("errors inside a 200", () => {
  test("recorded Responses stream error (insufficient_quota) → quota-exhausted", () => {
    const lines = fixture("openai-responses/error-in-stream.chunks.jsonl").trim().split("\n");
    const sse = lines.map((line) => `event: ${(JSON.parse(line) as { type: string }).type}\ndata: ${line}\n\n`).join("");
    const error = streamError(openAIResponsesAdapter, sse);
    const got = classifyFailure({ status: 200, kind: "error-in-200", error }, clock);
    expect(got.class).toBe("quota-exhausted");
    expect(got.reason).toStartWith("error-in-200 ");
  });

  test("Anthropic mid-stream overloaded_error → transient", () => {
    const sse = 'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude","content":[],"stop_reason":null,"usage":{"input_tokens":1,"output_tokens":0}}}\n\nevent: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n';
    const error = streamError(anthropicAdapter, sse);
    expect(classifyFailure({ status: 200, kind: "error-in-200", error }, clock).class).toBe("transient");
  });

  test("Gemini stream error with code 429 → rate-limited", () => {
    const sse = `data: ${json({ error: { code: 429, message: "Resource has been exhausted (e.g. check quota).", status: "RESOURCE_EXHAUSTED" } })}\n\n`;
    const error = streamError(geminiAdapter, sse);
    expect(classifyFailure({ status: 200, kind: "error-in-200", error }, clock).class).toBe("rate-limited");
  });

  const cases: { name: string; body: string; class: FailureClass }[] = [
    { name: "a 200 body with an invalid_request_error is still transient", body: json({ error: { message: "Something went wrong", type: "invalid_request_error" } }), class: "transient" },
    { name: "a 200 body saying the context is too long", body: json({ error: { message: "This model's maximum context length is 8192 tokens" } }), class: "context-length" },
    { name: "a 200 body with a rate limit", body: json({ error: { message: "Rate limit exceeded", code: "rate_limit_exceeded" } }), class: "rate-limited" },
    { name: "a 200 body that says unauthorized is not taken as auth", body: json({ error: { message: "Unauthorized", type: "authentication_error" } }), class: "transient" },
  ];
  for (const c of cases) test(c.name, () => expect(classifyFailure({ status: 200, kind: "error-in-200", body: c.body }, clock).class).toBe(c.class));
});

describe("what a class means for routing", () => {
  const table: [FailureClass, boolean, boolean][] = [
    ["rate-limited", true, true],
    ["quota-exhausted", true, true],
    ["auth", true, true],
    ["transient", true, true],
    ["context-length", true, false],
    ["client-error", false, false],
  ];
  for (const [cls, elsewhere, penalises] of table) {
    test(cls, () => {
      const failure = { class: cls, retryAt: null, reason: "x" };
      expect(worthTryingElsewhere(failure)).toBe(elsewhere);
      expect(penalisesAccount(failure)).toBe(penalises);
    });
  }

  test("reasons are short and header-safe", () => {
    const input: FailureInput = { status: 400, error: { status: 400, type: "invalid_request_error", message: "x", code: `bad\r\ncode"${"y".repeat(200)}` } };
    const { reason } = classifyFailure(input, clock);
    expect(reason.length).toBeLessThanOrEqual(80);
    expect(reason).toMatch(/^[\w .:/-]+$/);
  });

  test("a reset more than an hour away makes a bare 429 quota-exhausted", () => {
    expect(classifyFailure({ status: 429, headers: { "retry-after": "7200" } }, clock)).toMatchObject({ class: "quota-exhausted", retryAt: NOW + 2 * H });
    expect(classifyFailure({ status: 429, headers: { "retry-after": "60" } }, clock)).toMatchObject({ class: "rate-limited", retryAt: NOW + 60 * S });
  });
});
