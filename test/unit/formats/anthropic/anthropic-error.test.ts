import { describe, expect, test } from "bun:test";
import { anthropicAdapter } from "../../../../src/formats/anthropic/anthropic-adapter";
import { readAnthropicText } from "./anthropic-test-fixtures";

describe("decodeError", () => {
  test("reads the recorded Anthropic error bodies", () => {
    expect(anthropicAdapter.decodeError(400, readAnthropicText("error-400-invalid-request.response.json"))).toEqual({
      status: 400,
      type: "invalid_request_error",
      message: "This model does not support effort level 'xhigh'. Supported levels: high, low, max, medium.",
    });
    expect(anthropicAdapter.decodeError(404, readAnthropicText("error-404-not-found.response.json"))).toEqual({
      status: 404,
      type: "not_found_error",
      message: "model: claude-does-not-exist",
    });
  });

  test.each([
    [429, '{"error":{"message":"quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}', { type: "insufficient_quota", message: "quota", code: "insufficient_quota" }],
    [429, '{"error":{"code":429,"message":"Resource exhausted","status":"RESOURCE_EXHAUSTED"}}', { type: "rate_limit_error", message: "Resource exhausted" }],
    [502, "<html>Bad gateway</html>", { type: "api_error", message: "<html>Bad gateway</html>" }],
    [500, '{"error":"boom"}', { type: "api_error", message: "boom" }],
    [401, '{"message":"bad key"}', { type: "authentication_error", message: "bad key" }],
    [529, "", { type: "overloaded_error", message: "Upstream returned HTTP 529 with an empty body." }],
    [413, "[1,2]", { type: "request_too_large", message: "[1,2]" }],
  ])("HTTP %d %s", (status, body, expected) => {
    expect(anthropicAdapter.decodeError(status, body)).toMatchObject({ status, ...expected });
  });
});

describe("encodeError", () => {
  const encode = (status: number, type: string) =>
    JSON.parse(anthropicAdapter.encodeError({ status, type, message: "m" }, "req_1")) as { type: string; error: { type: string; message: string }; request_id: string };

  test("Anthropic's shape with the request id", () => {
    expect(encode(529, "overloaded_error")).toEqual({ type: "error", error: { type: "overloaded_error", message: "m" }, request_id: "req_1" });
  });

  test.each([
    [400, "invalid_request_error", "invalid_request_error"],
    [400, "INVALID_ARGUMENT", "invalid_request_error"],
    [401, "invalid_api_key", "authentication_error"],
    [403, "PERMISSION_DENIED", "permission_error"],
    [404, "invalid_request_error", "invalid_request_error"],
    [404, "NOT_FOUND", "not_found_error"],
    [413, "x", "request_too_large"],
    [429, "rate_limit_exceeded", "rate_limit_error"],
    [500, "server_error", "api_error"],
    [503, "UNAVAILABLE", "api_error"],
    [529, "anything", "overloaded_error"],
  ])("HTTP %d type %s → %s", (status, type, expected) => {
    expect(encode(status, type).error.type).toBe(expected);
  });

  test("decode(encode(x)) keeps type and message", () => {
    const text = anthropicAdapter.encodeError({ status: 429, type: "rate_limit_error", message: "slow" }, "req_2");
    expect(anthropicAdapter.decodeError(429, text)).toEqual({ status: 429, type: "rate_limit_error", message: "slow" });
  });
});
