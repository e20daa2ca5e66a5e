import { describe, expect, test } from "bun:test";
import { openAIResponsesAdapter as adapter } from "../../../../src/formats/openai-responses/openai-responses-adapter";
import { fixtureText } from "./openai-responses-test-fixtures";

describe("decodeError", () => {
  test("recorded OpenAI bodies keep type, code and param", () => {
    expect(adapter.decodeError(400, fixtureText("openai-responses/error-400-invalid-value.response.json"))).toEqual({
      status: 400,
      type: "invalid_request_error",
      code: "decimal_below_min_value",
      param: "temperature",
      message: "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -1 instead.",
    });
    expect(adapter.decodeError(400, fixtureText("openai-responses/error-400-unsupported-parameter.response.json"))).toMatchObject({ type: "invalid_request_error", code: null, param: "temperature" });
    expect(adapter.decodeError(429, fixtureText("openai-responses/error-429-insufficient-quota.response.json"))).toMatchObject({ status: 429, type: "insufficient_quota", code: "insufficient_quota" });
  });

  test("other formats' shapes and plain text are tolerated", () => {
    expect(adapter.decodeError(429, fixtureText("gemini/error-429-resource-exhausted.response.json"))).toMatchObject({ status: 429, type: "RESOURCE_EXHAUSTED", code: null });
    expect(adapter.decodeError(404, fixtureText("anthropic/error-404-not-found.response.json"))).toMatchObject({ status: 404, type: "not_found_error" });
    expect(adapter.decodeError(500, "upstream exploded")).toEqual({ status: 500, type: "server_error", message: "upstream exploded", code: null, param: null });
    expect(adapter.decodeError(503, "")).toMatchObject({ type: "server_error", message: "Upstream returned HTTP 503 with an empty body." });
    expect(adapter.decodeError(401, '{"error":"bad key"}')).toMatchObject({ type: "authentication_error", message: "bad key" });
    expect(adapter.decodeError(400, '{"message":"nope"}')).toMatchObject({ type: "invalid_request_error", message: "nope" });
    expect(adapter.decodeError(422, '{"detail":"invalid"}')).toMatchObject({ message: "invalid" });
    expect(adapter.decodeError(400, '[{"error":{"message":"in array","type":"invalid_request_error"}}]')).toMatchObject({ message: "in array" });
  });
});

describe("encodeError", () => {
  test("OpenAI shape; a foreign type becomes the one the status implies", () => {
    expect(JSON.parse(adapter.encodeError({ status: 529, type: "overloaded_error", message: "Overloaded" }, "req1"))).toEqual({
      error: { message: "Overloaded", type: "server_error", param: null, code: null },
    });
    expect(JSON.parse(adapter.encodeError({ status: 404, type: "not_found_error", message: "no model" }, "r"))).toMatchObject({ error: { type: "invalid_request_error" } });
    expect(JSON.parse(adapter.encodeError({ status: 403, type: "PERMISSION_DENIED", message: "m" }, "r"))).toMatchObject({ error: { type: "permission_error" } });
    expect(JSON.parse(adapter.encodeError({ status: 401, type: "x", message: "m" }, "r"))).toMatchObject({ error: { type: "authentication_error" } });
    expect(JSON.parse(adapter.encodeError({ status: 429, type: "RESOURCE_EXHAUSTED", message: "m" }, "r"))).toMatchObject({ error: { type: "rate_limit_error" } });
    expect(JSON.parse(adapter.encodeError({ status: 413, type: "request_too_large", message: "m" }, "r"))).toMatchObject({ error: { type: "invalid_request_error" } });
  });

  test("own types, code and param survive decode → encode", () => {
    const body = fixtureText("openai-responses/error-400-invalid-value.response.json");
    expect(JSON.parse(adapter.encodeError(adapter.decodeError(400, body), "r"))).toEqual(JSON.parse(body));
    expect(JSON.parse(adapter.encodeError({ status: 429, type: "insufficient_quota", code: "insufficient_quota", message: "m" }, "r"))).toMatchObject({
      error: { type: "insufficient_quota", code: "insufficient_quota" },
    });
  });
});
