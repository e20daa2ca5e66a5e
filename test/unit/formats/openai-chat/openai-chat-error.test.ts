import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  openAIErrorBody,
  openAIErrorTypeForStatus,
  readUpstreamError,
} from "../../../../src/formats/openai-chat/openai-chat-error";
import { SHARED_FIXTURES } from "../../support/temp-data";

const unsupportedValue = readFileSync(join(SHARED_FIXTURES, "openai-chat", "error-400-unsupported-value.response.json"), "utf8");

describe("readUpstreamError", () => {
  test("keeps message, type, code and param of an OpenAI error object", () => {
    expect(readUpstreamError(400, unsupportedValue)).toEqual({
      message: "Unsupported value: 'messages[0].role' does not support 'developer' with this model.",
      type: "invalid_request_error",
      param: "messages[0].role",
      code: "unsupported_value",
    });
  });

  test("maps a Gemini-shaped error: status becomes the type, the numeric code a string", () => {
    const body = JSON.stringify({ error: { code: 400, message: "API key not valid.", status: "INVALID_ARGUMENT" } });
    expect(readUpstreamError(400, body)).toEqual({
      message: "API key not valid.",
      type: "INVALID_ARGUMENT",
      param: null,
      code: "400",
    });
  });

  test("reads the first element of an array-wrapped error", () => {
    const body = JSON.stringify([{ error: { code: 429, message: "Resource exhausted.", status: "RESOURCE_EXHAUSTED" } }]);
    expect(readUpstreamError(429, body)).toEqual({ message: "Resource exhausted.", type: "RESOURCE_EXHAUSTED", param: null, code: "429" });
  });

  test("an error object without a string message is kept as its JSON", () => {
    const result = readUpstreamError(500, JSON.stringify({ error: { details: ["boom"] } }));
    expect(result.message).toBe('{"details":["boom"]}');
    expect(result.type).toBe("server_error");
  });

  test.each([
    [{ error: "model not found" }, "model not found"],
    [{ message: "Rate limit reached" }, "Rate limit reached"],
    [{ detail: "Not authenticated" }, "Not authenticated"],
  ])("reads %j", (body, message) => {
    expect(readUpstreamError(401, JSON.stringify(body))).toEqual({
      message,
      type: "authentication_error",
      param: null,
      code: null,
    });
  });

  test("plain text is the message, trimmed", () => {
    expect(readUpstreamError(502, "  <html>Bad Gateway</html>\n")).toEqual({
      message: "<html>Bad Gateway</html>",
      type: "server_error",
      param: null,
      code: null,
    });
  });

  test("long plain text is cut to 2000 characters", () => {
    expect(readUpstreamError(500, "x".repeat(5000)).message).toHaveLength(2000);
  });

  test.each(["", "   \n"])("an empty body (%j) names the status", (body) => {
    expect(readUpstreamError(503, body)).toEqual({
      message: "Upstream returned HTTP 503 with an empty body.",
      type: "server_error",
      param: null,
      code: null,
    });
  });

  test("JSON of an unknown shape falls back to the raw text", () => {
    expect(readUpstreamError(400, '{"status":"bad"}').message).toBe('{"status":"bad"}');
    expect(readUpstreamError(400, "null").message).toBe("null");
    expect(readUpstreamError(400, "42").message).toBe("42");
  });
});

describe("openAIErrorTypeForStatus", () => {
  test.each([
    [400, "invalid_request_error"],
    [401, "authentication_error"],
    [403, "permission_error"],
    [404, "invalid_request_error"],
    [422, "invalid_request_error"],
    [429, "rate_limit_error"],
    [500, "server_error"],
    [504, "server_error"],
  ])("%i → %s", (status, type) => {
    expect(openAIErrorTypeForStatus(status)).toBe(type);
  });
});

describe("openAIErrorBody", () => {
  test("is OpenAI's error object with type from the status and null param/code by default", () => {
    expect(JSON.parse(openAIErrorBody(429, "slow down"))).toEqual({
      error: { message: "slow down", type: "rate_limit_error", param: null, code: null },
    });
  });

  test("explicit fields override the defaults, and the body has exactly one top-level key", () => {
    const parsed = JSON.parse(openAIErrorBody(400, "bad model", { type: "invalid_request_error", code: "model_not_found", param: "model" }));
    expect(Object.keys(parsed)).toEqual(["error"]);
    expect(parsed.error).toEqual({ message: "bad model", type: "invalid_request_error", param: "model", code: "model_not_found" });
  });

  test("round-trips through readUpstreamError", () => {
    const body = openAIErrorBody(404, 'model "x" does not exist', { code: "model_not_found" });
    expect(readUpstreamError(404, body)).toEqual({
      message: 'model "x" does not exist',
      type: "invalid_request_error",
      param: null,
      code: "model_not_found",
    });
  });
});
