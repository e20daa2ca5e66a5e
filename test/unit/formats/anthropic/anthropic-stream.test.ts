import { describe, expect, test } from "bun:test";
import { anthropicAdapter } from "../../../../src/formats/anthropic/anthropic-adapter";
import type { ClientEncodeContext } from "../../../../src/ir/format-adapter";
import type { IRResponse, IRStreamEvent } from "../../../../src/ir/ir-types";
import { REDACTED_THINKING_ITEM } from "../../../../src/ir/ir-types";
import { responseToEvents } from "../../../../src/ir/stream-collector";
import {
  anthropicFiles,
  assertWellFormed,
  collect,
  decodeStream,
  readAnthropicJson,
  streamFixture,
  withoutCreated,
} from "./anthropic-test-fixtures";

const streams = [...anthropicFiles(".sse"), ...anthropicFiles(".chunks.jsonl")];
const SEEDS = [1, 7, 42, 1234];

const decodeFixture = (name: string, seed: number | null = null) => decodeStream(anthropicAdapter.createStreamDecoder(), streamFixture(name), seed);
const responseOf = (name: string) => collect(decodeFixture(name));

describe("stream decoder on every recorded stream", () => {
  test("there are fixtures to test", () => expect(streams.length).toBeGreaterThanOrEqual(9));

  test.each(streams)("%s: well-formed, and identical whatever the byte splits", (name) => {
    const whole = decodeFixture(name);
    assertWellFormed(whole);
    expect(whole.filter((e) => e.type === "finish")).toHaveLength(1);
    for (const seed of SEEDS) expect(withoutCreated(decodeFixture(name, seed))).toEqual(withoutCreated(whole));
  });

  test("thinking stream: thinking text, the signature from signature_delta, then text", () => {
    const response = responseOf("thinking-stream-raw.sse");
    expect(response.id).toBe("msg_01ALwQ87pTS7hH1PjSdC9wJD");
    expect(response.content.map((p) => p.type)).toEqual(["thinking", "text"]);
    const thinking = response.content[0]!;
    expect(thinking.type === "thinking" && thinking.text).toStartWith("This is a straightforward question about pedestrian safety.");
    expect(thinking.signature?.format).toBe("anthropic");
    expect(thinking.signature?.value).toStartWith("EvMCCkYICxgCKkCHP2cSuEdcJK/0rFwqES");
    expect(response.content[1]).toMatchObject({ type: "text" });
    expect(response.finishReason).toBe("stop");
    expect(response.usage).toEqual({ inputTokens: 43, outputTokens: 282, cachedInputTokens: 0, cacheWriteTokens: 0 });
  });

  test("redacted thinking blocks become signed empty thinking parts", () => {
    const response = responseOf("redacted-thinking-stream-raw.sse");
    expect(response.content.map((p) => p.type)).toEqual(["thinking", "thinking", "text"]);
    for (const part of response.content.slice(0, 2)) {
      expect(part).toMatchObject({ type: "thinking", text: "", signature: { format: "anthropic", itemId: REDACTED_THINKING_ITEM } });
    }
    expect(response.content[0]!.signature?.value).toStartWith("EqkECkYIBxgCKkA8AZ4noDfV5VcOJe");
  });

  test("tool streams: empty partial_json gives {}, text-then-tool keeps its order and arguments", () => {
    const tools = responseOf("tool-stream-raw.turn1.sse");
    expect(tools.content).toEqual([
      { type: "tool_call", id: "toolu_01LtHJmixrs9NcWQkK8hu8hj", name: "pelican_name_generator", arguments: "{}" },
      { type: "tool_call", id: "toolu_01N8a4jWyf116qKTMqKKmjyt", name: "pelican_name_generator", arguments: "{}" },
    ]);
    expect(tools.finishReason).toBe("tool_calls");
    const mixed = responseOf("tool-stream-text-then-tool.chunks.jsonl");
    expect(mixed.content[0]).toEqual({ type: "text", text: "I'll invoke the JSON response tool." });
    const call = mixed.content[1]!;
    expect(call.type === "tool_call" && JSON.parse(call.arguments)).toEqual({
      elements: [{ location: "San Francisco", temperature: 58, condition: "sunny" }],
    });
    expect(mixed.usage).toMatchObject({ inputTokens: 849, outputTokens: 47 });
  });

  test("multi-byte text survives splits inside characters", () => {
    const response = responseOf("tool-stream-raw.turn2.sse");
    expect(response.content[0]!.type === "text" && response.content[0]!.text).toEndWith("feathered friend! 🦅");
    expect(withoutCreated(decodeFixture("tool-stream-raw.turn2.sse", 99))).toEqual(withoutCreated(decodeFixture("tool-stream-raw.turn2.sse")));
  });

  test("message_delta usage wins over message_start's, input tokens included", () => {
    const events = decodeFixture("quirk-message-delta-input-tokens.chunks.jsonl");
    expect(events[0]).toMatchObject({ type: "start", id: "msg_3196a1cc08de4d76b85b8f5777c0d42b", usage: { inputTokens: 43, outputTokens: 1 } });
    const response = collect(events);
    expect(response.usage).toEqual({ inputTokens: 61, outputTokens: 2 });
    expect(response.content).toEqual([{ type: "text", text: "pong" }]);
  });

  test.each([
    ["text-stream.chunks.jsonl", "text-nonstream.response.json"],
    ["structured-output-stream.chunks.jsonl", "structured-output-nonstream.response.json"],
    ["thinking-stream-raw.sse", "thinking-nonstream.response.json"],
  ])("%s has the shape of its non-stream sibling %s", (streamName, responseName) => {
    const streamed = responseOf(streamName);
    const whole = anthropicAdapter.decodeResponse(readAnthropicJson(responseName));
    expect(streamed.content.map((p) => [p.type, p.signature?.format])).toEqual(whole.content.map((p) => [p.type, p.signature?.format]));
    expect(streamed.finishReason).toBe(whole.finishReason);
    expect(Object.keys(streamed.usage!).sort()).toEqual(Object.keys(whole.usage!).sort());
  });

  test("structured output streams valid JSON text", () => {
    const response = responseOf("structured-output-stream.chunks.jsonl");
    expect(() => JSON.parse(response.content[0]!.type === "text" ? response.content[0]!.text : "")).not.toThrow();
  });
});

describe("stream decoder edge cases", () => {
  const frame = (type: string, data: unknown) => `event: ${type}\ndata: ${JSON.stringify(data)}\n\n`;
  const start = frame("message_start", { type: "message_start", message: { id: "msg_x", model: "m", usage: { input_tokens: 5, output_tokens: 1 } } });

  test("mid-stream error event → error then end, nothing after", () => {
    const body =
      start +
      frame("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }) +
      frame("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "par" } }) +
      frame("error", { type: "error", error: { type: "overloaded_error", message: "Overloaded" } }) +
      frame("message_stop", { type: "message_stop" });
    const events = decodeStream(anthropicAdapter.createStreamDecoder(), body, null);
    expect(events.slice(-2)).toEqual([{ type: "error", error: { status: 529, type: "overloaded_error", message: "Overloaded" } }, { type: "end" }]);
    expect(events.filter((e) => e.type === "end")).toHaveLength(1);
  });

  test("a body cut short closes the open block and still finishes", () => {
    const body =
      start +
      frame("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "t1", name: "f", input: {} } }) +
      frame("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: '{"a":' } });
    const events = decodeStream(anthropicAdapter.createStreamDecoder(), body, null);
    assertWellFormed(events);
    expect(events.slice(-3).map((e) => e.type)).toEqual(["block_stop", "finish", "end"]);
    expect(collect(events).finishReason).toBe("tool_calls");
  });

  test("an empty body is an error, CRLF framing and unknown events are fine", () => {
    expect(decodeStream(anthropicAdapter.createStreamDecoder(), "", null).map((e) => e.type)).toEqual(["error", "end"]);
    const body = (
      start +
      frame("some_future_event", { type: "some_future_event" }) +
      frame("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "server_tool_use", id: "s", name: "web_search", input: {} } }) +
      frame("content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "input_json_delta", partial_json: "{}" } }) +
      frame("content_block_stop", { type: "content_block_stop", index: 0 }) +
      frame("content_block_start", { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } }) +
      frame("content_block_delta", { type: "content_block_delta", index: 1, delta: { type: "text_delta", text: "ok" } }) +
      frame("content_block_stop", { type: "content_block_stop", index: 1 }) +
      frame("message_delta", { type: "message_delta", delta: { stop_reason: "stop_sequence", stop_sequence: "##" }, usage: { output_tokens: 3 } }) +
      frame("message_stop", { type: "message_stop" })
    ).replaceAll("\n", "\r\n");
    const events = decodeStream(anthropicAdapter.createStreamDecoder(), body, 3);
    assertWellFormed(events);
    const response = collect(events);
    expect(response.content).toEqual([{ type: "text", text: "ok" }]);
    expect(response.finishReason).toBe("stop_sequence");
    expect(response.stopSequence).toBe("##");
    expect(response.usage).toEqual({ inputTokens: 5, outputTokens: 3 });
  });

  test("tool input given whole on content_block_start (some compatible upstreams) is kept", () => {
    const body =
      start +
      frame("content_block_start", { type: "content_block_start", index: 0, content_block: { type: "tool_use", id: "t1", name: "f", input: { q: 1 } } }) +
      frame("content_block_stop", { type: "content_block_stop", index: 0 }) +
      frame("message_delta", { type: "message_delta", delta: { stop_reason: "tool_use" }, usage: { output_tokens: 3 } }) +
      frame("message_stop", { type: "message_stop" });
    expect(collect(decodeStream(anthropicAdapter.createStreamDecoder(), body, null)).content).toEqual([
      { type: "tool_call", id: "t1", name: "f", arguments: '{"q":1}' },
    ]);
  });
});

const context: ClientEncodeContext = { requestId: "req_9", model: "alias/model" };

function encodeEvents(events: IRStreamEvent[]): string {
  const encoder = anthropicAdapter.createStreamEncoder(context);
  return events.map((event) => encoder.encode(event)).join("");
}

/** IR → Anthropic SSE → IR, with random splits on the way back. */
function roundTrip(response: IRResponse, events = responseToEvents(response)): IRResponse {
  const sse = encodeEvents(events);
  const decoded = decodeStream(anthropicAdapter.createStreamDecoder(), sse, 5);
  assertWellFormed(decoded);
  return collect(decoded);
}

describe("stream encoder: IR → Anthropic stream → IR is lossless", () => {
  const fixtureResponses = anthropicFiles(".response.json")
    .filter((name) => !name.startsWith("error-"))
    .map((name) => [name, anthropicAdapter.decodeResponse(readAnthropicJson(name))] as const);

  test.each(fixtureResponses)("%s", (_name, response) => {
    const expected = { ...response, created: 0, model: context.model };
    expect(roundTrip(response)).toEqual(expected);
  });

  const base: IRResponse = { id: "msg_abc", model: "m", created: 0, content: [], finishReason: "stop" };

  test.each<[string, IRResponse]>([
    [
      "thinking with a foreign signature, text, several tool calls",
      {
        ...base,
        content: [
          { type: "thinking", text: "hmm", signature: { format: "gemini", value: "g-sig" } },
          { type: "text", text: "Calling tools." },
          { type: "tool_call", id: "call_1", name: "a", arguments: '{"x":1}' },
          { type: "tool_call", id: "call_2", name: "b", arguments: "{}" },
        ],
        finishReason: "tool_calls",
        usage: { inputTokens: 100, outputTokens: 20, cachedInputTokens: 60, cacheWriteTokens: 10, reasoningTokens: 5 },
      },
    ],
    [
      "redacted thinking then text",
      {
        ...base,
        content: [
          { type: "thinking", text: "", signature: { format: "anthropic", itemId: REDACTED_THINKING_ITEM, value: "ENC" } },
          { type: "text", text: "hi" },
        ],
      },
    ],
    ["no blocks at all", { ...base, usage: { inputTokens: 1, outputTokens: 0 } }],
    ["stop sequence", { ...base, content: [{ type: "text", text: "x" }], finishReason: "stop_sequence", stopSequence: "END" }],
    ["refusal", { ...base, finishReason: "content_filter", refusal: "declined" }],
  ])("%s", (_name, response) => {
    // Anthropic streams always carry usage: an IR without any comes back as zeros.
    expect(roundTrip(response)).toEqual({ ...response, model: context.model, usage: response.usage ?? { inputTokens: 0, outputTokens: 0 } });
  });

  test("usage after finish and usage at start both reach the client", () => {
    const events: IRStreamEvent[] = [
      { type: "start", id: "x", model: "m", created: 0, usage: { inputTokens: 50, outputTokens: 0, cachedInputTokens: 40 } },
      { type: "block_start", index: 0, block: { kind: "text" } },
      { type: "text_delta", index: 0, text: "a" },
      { type: "block_stop", index: 0 },
      { type: "finish", reason: "length" },
      { type: "usage", usage: { inputTokens: 50, outputTokens: 9, cachedInputTokens: 40 } },
      { type: "end" },
    ];
    const sse = encodeEvents(events);
    expect(sse).toContain('"usage":{"input_tokens":10,"cache_read_input_tokens":40,"output_tokens":0}');
    expect(sse).toContain('"delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"input_tokens":10,"cache_read_input_tokens":40,"output_tokens":9}');
    const back = collect(decodeStream(anthropicAdapter.createStreamDecoder(), sse, null));
    expect(back.id).toBe("msg_req_9");
    expect(back.usage).toEqual({ inputTokens: 50, outputTokens: 9, cachedInputTokens: 40 });
    expect(back.finishReason).toBe("length");
  });

  test("wire shape: event order, indexes, signature_delta just before stop, a tool-only answer has no text block", () => {
    const sse = encodeEvents([
      { type: "start", id: "chatcmpl-1", model: "m", created: 0 },
      { type: "block_start", index: 0, block: { kind: "thinking" } },
      { type: "thinking_delta", index: 0, text: "t" },
      { type: "signature", index: 0, signature: { format: "anthropic", value: "S" } },
      { type: "block_stop", index: 0 },
      { type: "block_start", index: 1, block: { kind: "tool_call", id: "call_1", name: "f" } },
      { type: "tool_args_delta", index: 1, json: '{"a":' },
      { type: "tool_args_delta", index: 1, json: "1}" },
      { type: "block_stop", index: 1 },
      { type: "finish", reason: "tool_calls" },
      { type: "end" },
    ]);
    const frames = sse.trim().split("\n\n").map((f) => JSON.parse(f.split("\n")[1]!.slice(6)) as Record<string, unknown>);
    expect(frames.map((f) => f.type)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "content_block_start",
      "content_block_delta",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect(frames[0]).toEqual({
      type: "message_start",
      message: { id: "msg_req_9", type: "message", role: "assistant", model: "alias/model", content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } },
    });
    expect(frames[3]).toEqual({ type: "content_block_delta", index: 0, delta: { type: "signature_delta", signature: "S" } });
    expect(frames[5]).toEqual({ type: "content_block_start", index: 1, content_block: { type: "tool_use", id: "call_1", name: "f", input: {} } });
    expect(frames[6]).toEqual({ type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: '{"a":' } });
    expect(frames[9]).toEqual({ type: "message_delta", delta: { stop_reason: "tool_use", stop_sequence: null }, usage: { output_tokens: 0 } });
    for (const line of sse.split("\n\n").filter(Boolean)) expect(line).toMatch(/^event: (\w+)\ndata: \{"type":"\1"/);
  });

  test("an error right after start becomes an `event: error` frame and nothing follows", () => {
    const sse = encodeEvents([
      { type: "start", id: "x", model: "m", created: 0 },
      { type: "error", error: { status: 529, type: "overloaded", message: "busy" } },
      { type: "end" },
    ]);
    const frames = sse.trim().split("\n\n");
    expect(frames).toHaveLength(2);
    expect(frames[1]).toBe('event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"busy"}}');
    const back = decodeStream(anthropicAdapter.createStreamDecoder(), sse, null);
    expect(back.map((e) => e.type)).toEqual(["start", "error", "end"]);
  });

  test("an error before anything else still produces a readable stream", () => {
    const sse = encodeEvents([{ type: "error", error: { status: 429, type: "rate_limit_exceeded", message: "slow down" } }, { type: "end" }]);
    expect(sse).toBe('event: error\ndata: {"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}\n\n');
  });

  test("empty thinking without signature is not sent; text-less blocks keep indexes contiguous", () => {
    const sse = encodeEvents([
      { type: "start", id: "x", model: "m", created: 0 },
      { type: "block_start", index: 0, block: { kind: "thinking" } },
      { type: "block_stop", index: 0 },
      { type: "block_start", index: 1, block: { kind: "text" } },
      { type: "text_delta", index: 1, text: "hi" },
      { type: "block_stop", index: 1 },
      { type: "finish", reason: "stop" },
      { type: "end" },
    ]);
    expect(sse).not.toContain('"thinking"');
    expect(sse).toContain('{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}');
  });
});
