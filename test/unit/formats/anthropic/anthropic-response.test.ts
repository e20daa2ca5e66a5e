import { describe, expect, test } from "bun:test";
import { anthropicAdapter } from "../../../../src/formats/anthropic/anthropic-adapter";
import type { ClientEncodeContext } from "../../../../src/ir/format-adapter";
import type { IRResponse } from "../../../../src/ir/ir-types";
import { REDACTED_THINKING_ITEM } from "../../../../src/ir/ir-types";
import { anthropicFiles, readAnthropicJson } from "./anthropic-test-fixtures";

type Json = Record<string, unknown>;

const responses = anthropicFiles(".response.json")
  .filter((name) => !name.startsWith("error-"))
  .map((name) => [name, readAnthropicJson(name)] as const);

const context = (model: string): ClientEncodeContext => ({ requestId: "req_1", model });

describe("decodeResponse on every recorded message", () => {
  test("there are fixtures to test", () => expect(responses.length).toBeGreaterThan(10));

  test.each(responses)("%s: blocks, finish reason and usage, and back to the same message", (_name, body) => {
    const ir = anthropicAdapter.decodeResponse(body);
    const wire = body.content as Json[];
    expect(ir.id).toBe(body.id as string);
    expect(ir.content.map((p) => p.type)).toEqual(
      wire.map((b) => (b.type === "tool_use" ? "tool_call" : b.type === "redacted_thinking" ? "thinking" : (b.type as "text" | "thinking"))),
    );
    const back = anthropicAdapter.encodeResponse(ir, context(body.model as string)) as Json;
    expect(back.content).toEqual(wire);
    expect(back).toMatchObject({ id: body.id, type: "message", role: "assistant", model: body.model, stop_reason: body.stop_reason, stop_sequence: body.stop_sequence });
    const usage = body.usage as Json;
    expect(back.usage).toMatchObject({
      input_tokens: usage.input_tokens,
      output_tokens: usage.output_tokens,
      cache_read_input_tokens: usage.cache_read_input_tokens,
      cache_creation_input_tokens: usage.cache_creation_input_tokens,
    });
  });

  test("thinking signatures and tool inputs come through exactly", () => {
    const body = readAnthropicJson("thinking-tool-nonstream.turn1.response.json");
    const ir = anthropicAdapter.decodeResponse(body);
    const wire = body.content as Json[];
    expect(ir.content[0]).toEqual({ type: "thinking", text: wire[0]!.thinking as string, signature: { format: "anthropic", value: wire[0]!.signature as string } });
    expect(ir.content[2]).toEqual({ type: "tool_call", id: "toolu_01YGzqpRE16Vricda3Aqcejo", name: "get_user_country", arguments: "{}" });
    expect(ir.finishReason).toBe("tool_calls");
    const parallel = anthropicAdapter.decodeResponse(readAnthropicJson("tool-parallel-nonstream.turn1.response.json"));
    expect(parallel.content.filter((p) => p.type === "tool_call").map((p) => (p.type === "tool_call" ? JSON.parse(p.arguments).name : ""))).toEqual([
      "Alice",
      "Bob",
      "Charlie",
      "Daisy",
    ]);
  });

  test("usage: cache reads and writes count as input (IR convention), thinking tokens as reasoning", () => {
    const read = anthropicAdapter.decodeResponse(readAnthropicJson("usage-cache-read-nonstream.response.json"));
    expect(read.usage).toEqual({ inputTokens: 2 + 1590, outputTokens: 4, cachedInputTokens: 1590, cacheWriteTokens: 0, reasoningTokens: 0 });
    const write = anthropicAdapter.decodeResponse(readAnthropicJson("usage-cache-write-nonstream.response.json"));
    expect(write.usage).toEqual({ inputTokens: 3 + 1111 + 418, outputTokens: 33, cachedInputTokens: 1111, cacheWriteTokens: 418 });
    const back = anthropicAdapter.encodeResponse(write, context("m")) as Json;
    expect(back.usage).toEqual({ input_tokens: 3, cache_creation_input_tokens: 418, cache_read_input_tokens: 1111, output_tokens: 33 });
  });

  test("refusal → content_filter with the explanation, and back", () => {
    const body = readAnthropicJson("refusal-nonstream.response.json");
    const ir = anthropicAdapter.decodeResponse(body);
    expect(ir.finishReason).toBe("content_filter");
    expect(ir.refusal).toBe((body.stop_details as Json).explanation as string);
    const back = anthropicAdapter.encodeResponse(ir, context("m")) as Json;
    expect(back.stop_reason).toBe("refusal");
    expect(back.stop_details).toMatchObject({ type: "refusal", explanation: ir.refusal });
  });

  test.each([
    ["end_turn", "stop"],
    ["tool_use", "tool_calls"],
    ["max_tokens", "length"],
    ["model_context_window_exceeded", "length"],
    ["stop_sequence", "stop_sequence"],
    ["refusal", "content_filter"],
    ["pause_turn", "pause"],
  ])("stop_reason %s → %s", (stopReason, finish) => {
    const ir = anthropicAdapter.decodeResponse({ id: "msg_1", content: [], stop_reason: stopReason, stop_sequence: stopReason === "stop_sequence" ? "###" : null });
    expect(ir.finishReason).toBe(finish as IRResponse["finishReason"]);
    if (stopReason === "stop_sequence") expect(ir.stopSequence).toBe("###");
  });

  test("end_turn while calling tools reads as tool_calls", () => {
    const ir = anthropicAdapter.decodeResponse({ content: [{ type: "tool_use", id: "t", name: "n", input: { a: 1 } }], stop_reason: "end_turn" });
    expect(ir.finishReason).toBe("tool_calls");
    expect(ir.content[0]).toMatchObject({ arguments: '{"a":1}' });
  });
});

describe("encodeResponse for an Anthropic client", () => {
  const base: IRResponse = { id: "chatcmpl-9", model: "gpt-x", created: 1, content: [], finishReason: "stop" };

  test("ids: the upstream's msg_ id, else the context's, else msg_<requestId>; model from the context", () => {
    expect((anthropicAdapter.encodeResponse({ ...base, id: "msg_up" }, context("alias/m")) as Json).id).toBe("msg_up");
    expect((anthropicAdapter.encodeResponse(base, { ...context("alias/m"), responseId: "msg_ours" }) as Json).id).toBe("msg_ours");
    const body = anthropicAdapter.encodeResponse(base, context("alias/m")) as Json;
    expect(body.id).toBe("msg_req_1");
    expect(body.model).toBe("alias/m");
    expect(body.usage).toEqual({ input_tokens: 0, output_tokens: 0 });
  });

  test("a tool-only answer has no text block; arguments become input objects (invalid JSON → {})", () => {
    const body = anthropicAdapter.encodeResponse(
      {
        ...base,
        content: [
          { type: "text", text: "" },
          { type: "tool_call", id: "call_1", name: "a", arguments: '{"x":[1,2]}' },
          { type: "tool_call", id: "call_2", name: "b", arguments: "{oops" },
        ],
        finishReason: "tool_calls",
      },
      context("m"),
    ) as Json;
    expect(body.content).toEqual([
      { type: "tool_use", id: "call_1", name: "a", input: { x: [1, 2] } },
      { type: "tool_use", id: "call_2", name: "b", input: {} },
    ]);
    expect(body.stop_reason).toBe("tool_use");
  });

  test("thinking: own signatures raw, foreign ones wrapped, none as empty string; redacted as redacted_thinking", () => {
    const body = anthropicAdapter.encodeResponse(
      {
        ...base,
        content: [
          { type: "thinking", text: "a", signature: { format: "anthropic", value: "sigA" } },
          { type: "thinking", text: "g", signature: { format: "gemini", value: "sigG" } },
          { type: "thinking", text: "summary" },
          { type: "thinking", text: "", signature: { format: "anthropic", itemId: REDACTED_THINKING_ITEM, value: "DATA" } },
          { type: "text", text: "hi" },
        ],
      },
      context("m"),
    ) as Json;
    expect(body.content).toEqual([
      { type: "thinking", thinking: "a", signature: "sigA" },
      { type: "thinking", thinking: "g", signature: "omr1.gemini..sigG" },
      { type: "thinking", thinking: "summary", signature: "" },
      { type: "redacted_thinking", data: "DATA" },
      { type: "text", text: "hi" },
    ]);
  });

  test("stop sequence value and usage with uncached input never negative", () => {
    const body = anthropicAdapter.encodeResponse(
      { ...base, finishReason: "stop_sequence", stopSequence: "END", usage: { inputTokens: 5, outputTokens: 2, cachedInputTokens: 9 } },
      context("m"),
    ) as Json;
    expect(body.stop_reason).toBe("stop_sequence");
    expect(body.stop_sequence).toBe("END");
    expect(body.usage).toEqual({ input_tokens: 0, cache_read_input_tokens: 9, output_tokens: 2 });
  });
});
