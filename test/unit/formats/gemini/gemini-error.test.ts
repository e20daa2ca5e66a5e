import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { geminiAdapter } from "../../../../src/formats/gemini/gemini-adapter";
import { FIXTURES } from "../../../fakes/openai-mock-upstream";

const body = (name: string) => readFileSync(join(FIXTURES, "gemini", name), "utf8");

describe("decodeError", () => {
  test("400 API_KEY_INVALID: status is the type, the ErrorInfo reason the code", () => {
    expect(geminiAdapter.decodeError(400, body("error-400-api-key-invalid.response.json"))).toEqual({
      status: 400,
      type: "INVALID_ARGUMENT",
      message: "API key not valid. Please pass a valid API key.",
      code: "API_KEY_INVALID",
      param: null,
    });
  });

  test("404 NOT_FOUND", () => {
    const error = geminiAdapter.decodeError(404, body("error-404-unknown-model.response.json"));
    expect(error.type).toBe("NOT_FOUND");
    expect(error.message.startsWith("models/gemini-5.0-flash is not found")).toBe(true);
  });

  test("429 RESOURCE_EXHAUSTED keeps the RetryInfo delay in the message", () => {
    expect(geminiAdapter.decodeError(429, body("error-429-resource-exhausted.response.json"))).toEqual({
      status: 429,
      type: "RESOURCE_EXHAUSTED",
      message: "You exceeded your current quota, please check your plan. Please retry in 34.4s.",
      code: null,
      param: null,
    });
  });

  test.each([
    ["an array-wrapped Gemini error", 503, '[{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}]', { type: "UNAVAILABLE", message: "The model is overloaded." }],
    ["an OpenAI error", 401, '{"error":{"message":"Incorrect API key","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}', { type: "invalid_request_error", message: "Incorrect API key", code: "invalid_api_key" }],
    ["an Anthropic error", 529, '{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}', { type: "overloaded_error", message: "Overloaded" }],
    ["{error: text}", 404, '{"error":"model not found"}', { type: "NOT_FOUND", message: "model not found" }],
    ["{message}", 429, '{"message":"Rate limited"}', { type: "RESOURCE_EXHAUSTED", message: "Rate limited" }],
    ["{detail}", 401, '{"detail":"Not authenticated"}', { type: "UNAUTHENTICATED", message: "Not authenticated" }],
    ["plain text", 502, "  <html>Bad Gateway</html>\n", { type: "UNAVAILABLE", message: "<html>Bad Gateway</html>" }],
    ["an empty body", 500, "", { type: "INTERNAL", message: "Upstream returned HTTP 500 with an empty body." }],
  ])("tolerates %s", (_name, status, text, expected) => {
    expect(geminiAdapter.decodeError(status, text)).toMatchObject({ status, ...expected });
  });
});

describe("encodeError", () => {
  test("Gemini's own error goes back in its shape, with ErrorInfo and RetryInfo rebuilt", () => {
    const auth = geminiAdapter.decodeError(400, body("error-400-api-key-invalid.response.json"));
    expect(JSON.parse(geminiAdapter.encodeError(auth, "req_1"))).toEqual({
      error: {
        code: 400,
        message: "API key not valid. Please pass a valid API key.",
        status: "INVALID_ARGUMENT",
        details: [{ "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "API_KEY_INVALID", domain: "googleapis.com" }],
      },
    });
    const quota = geminiAdapter.decodeError(429, body("error-429-resource-exhausted.response.json"));
    const encoded = JSON.parse(geminiAdapter.encodeError(quota, "req_1")) as { error: { status: string; details: unknown[] } };
    expect(encoded.error.status).toBe("RESOURCE_EXHAUSTED");
    expect(encoded.error.details).toEqual([{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "34.4s" }]);
  });

  test.each([
    [400, "invalid_request_error", "INVALID_ARGUMENT"],
    [401, "authentication_error", "UNAUTHENTICATED"],
    [403, "permission_error", "PERMISSION_DENIED"],
    [404, "not_found_error", "NOT_FOUND"],
    [413, "request_too_large", "INVALID_ARGUMENT"],
    [429, "rate_limit_error", "RESOURCE_EXHAUSTED"],
    [500, "api_error", "INTERNAL"],
    [503, "server_error", "UNAVAILABLE"],
    [504, "timeout", "DEADLINE_EXCEEDED"],
    [529, "overloaded_error", "UNAVAILABLE"],
  ])("a foreign %i %s becomes status %s", (status, type, geminiStatus) => {
    expect(JSON.parse(geminiAdapter.encodeError({ status, type, message: "m", code: "some_code" }, "req_1"))).toEqual({
      error: { code: status, message: "m", status: geminiStatus },
    });
  });
});
