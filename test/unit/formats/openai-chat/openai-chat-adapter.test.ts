import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openAIChatAdapter } from "../../../../src/formats/openai-chat/openai-chat-adapter";
import type { IRStreamEvent } from "../../../../src/ir/ir-types";
import { StreamCollector } from "../../../../src/ir/stream-collector";
import { FIXTURES } from "../../../fakes/openai-mock-upstream";

const fixture = (name: string) => readFileSync(join(FIXTURES, "openai-chat", name), "utf8");

describe("openAIChatAdapter", () => {
  test("is the openai-chat format and wires every direction", () => {
    expect(openAIChatAdapter.format).toBe("openai-chat");
    const body = JSON.parse(fixture("tool-stream-raw.turn1.request.json"));
    const upstream = openAIChatAdapter.encodeRequest(openAIChatAdapter.decodeRequest(body));
    expect(upstream).toEqual(body);

    const decoder = openAIChatAdapter.createStreamDecoder();
    const encoder = openAIChatAdapter.createStreamEncoder({ requestId: "r1", model: "gw/gpt-4o-mini", includeUsage: true });
    let out = "";
    const collector = new StreamCollector();
    const forward = (event: IRStreamEvent) => {
      collector.push(event);
      out += encoder.encode(event);
    };
    decoder.push(fixture("tool-stream-raw.turn1.sse"), forward);
    decoder.end(forward);
    expect(out).toContain('"id":"chatcmpl-BWlJBDk2xe66hjff60joVYpXi1hh4"');
    expect(out).toContain('"finish_reason":"tool_calls"');
    expect(out).toContain('"model":"gw/gpt-4o-mini"');
    expect(out).not.toContain("system_fingerprint");
    expect(out.endsWith("data: [DONE]\n\n")).toBe(true);

    const response = collector.toResponse();
    const nonStream = openAIChatAdapter.encodeResponse(response, { requestId: "r1", model: "gw/gpt-4o-mini" }) as Record<string, any>;
    expect(nonStream.choices[0].message.tool_calls[0].function).toEqual({ name: "multiply", arguments: '{"a":1231,"b":2331}' });
    expect(openAIChatAdapter.decodeResponse(JSON.parse(fixture("text-nonstream.response.json"))).content).toEqual([
      { type: "text", text: "The capital of France is Paris." },
    ]);
  });
});

describe("errors", () => {
  test("decodeError keeps OpenAI's own fields (recorded 400 bodies)", () => {
    expect(openAIChatAdapter.decodeError(400, fixture("error-400-unsupported-parameter.response.json"))).toEqual({
      status: 400,
      type: "invalid_request_error",
      message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
      param: "max_tokens",
      code: "unsupported_parameter",
    });
    expect(openAIChatAdapter.decodeError(400, fixture("error-400-unsupported-value.response.json"))).toMatchObject({
      status: 400,
      code: "unsupported_value",
      param: "messages[0].role",
    });
  });

  test("decodeError tolerates other shapes", () => {
    expect(openAIChatAdapter.decodeError(502, "Bad Gateway")).toEqual({ status: 502, type: "server_error", message: "Bad Gateway", param: null, code: null });
    expect(openAIChatAdapter.decodeError(429, JSON.stringify({ error: "slow down" }))).toMatchObject({ status: 429, type: "rate_limit_error", message: "slow down" });
    expect(openAIChatAdapter.decodeError(400, JSON.stringify({ message: "nope" }))).toMatchObject({ type: "invalid_request_error", message: "nope" });
    expect(
      openAIChatAdapter.decodeError(529, JSON.stringify({ type: "error", error: { type: "overloaded_error", message: "Overloaded" }, request_id: "req_1" })),
    ).toMatchObject({ status: 529, type: "overloaded_error", message: "Overloaded" });
    expect(openAIChatAdapter.decodeError(503, "")).toMatchObject({ status: 503, type: "server_error" });
  });

  test("encodeError renders {error:{message,type,param,code}}; foreign types follow the HTTP status; no request id in the body", () => {
    const body = (status: number, type: string, extra: Record<string, string | null> = {}) =>
      JSON.parse(openAIChatAdapter.encodeError({ status, type, message: "m", ...extra }, "req-secret-id"));
    expect(body(400, "invalid_request_error", { param: "messages", code: "bad" })).toEqual({
      error: { message: "m", type: "invalid_request_error", param: "messages", code: "bad" },
    });
    expect(body(529, "overloaded_error").error.type).toBe("server_error");
    expect(body(429, "RESOURCE_EXHAUSTED").error.type).toBe("rate_limit_error");
    expect(body(401, "UNAUTHENTICATED").error.type).toBe("authentication_error");
    expect(body(403, "permission_error").error.type).toBe("permission_error");
    expect(body(404, "not_found_error").error.type).toBe("invalid_request_error");
    expect(body(429, "insufficient_quota").error.type).toBe("insufficient_quota");
    expect(body(500, "api_error").error).toEqual({ message: "m", type: "server_error", param: null, code: null });
    expect(openAIChatAdapter.encodeError({ status: 500, type: "api_error", message: "m" }, "req-secret-id")).not.toContain("req-secret-id");
  });
});
