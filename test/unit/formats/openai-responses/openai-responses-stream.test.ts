import { describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { openAIResponsesAdapter as adapter } from "../../../../src/formats/openai-responses/openai-responses-adapter";
import type { ResponsesClientEncodeContext } from "../../../../src/formats/openai-responses/openai-responses-response-encode";
import { wrapSignature } from "../../../../src/ir/foreign-signature";
import type { IRResponse, IRStreamEvent } from "../../../../src/ir/ir-types";
import { responseToEvents } from "../../../../src/ir/stream-collector";
import { chunksToSse, collect, decodeInPieces, fixtureText, parseSse, responsesFixtures } from "./openai-responses-test-fixtures";

const context: ResponsesClientEncodeContext = { requestId: "req42", model: "gw/gpt-5" };

function encodeEvents(events: IRStreamEvent[], ctx: ResponsesClientEncodeContext = context): string {
  const encoder = adapter.createStreamEncoder(ctx);
  let out = "";
  for (const event of events) out += encoder.encode(event);
  return out;
}

/** The response object carried by the recording's terminal event: what a non-stream call would have returned. */
function terminalResponse(sse: string): Record<string, unknown> {
  const frames = parseSse(sse);
  const last = frames.findLast((frame) => ["response.completed", "response.incomplete", "response.failed"].includes(String(frame.data.type)));
  return last!.data.response as Record<string, unknown>;
}

/** Asserts the IR sequence rules: start first, blocks never interleave, indexes from 0, finish/error then end. */
function expectWellFormed(events: IRStreamEvent[]): void {
  expect(events[0]!.type === "start" || events[0]!.type === "error").toBe(true);
  expect(events.at(-1)!.type).toBe("end");
  let open: number | null = null;
  let next = 0;
  let terminal = false;
  for (const event of events.slice(1, -1)) {
    expect(terminal && event.type !== "usage").toBe(false);
    if (event.type === "block_start") {
      expect(open).toBeNull();
      expect(event.index).toBe(next++);
      open = event.index;
    } else if (event.type === "block_stop") {
      expect(event.index).toBe(open!);
      open = null;
    } else if (event.type === "text_delta" || event.type === "thinking_delta" || event.type === "tool_args_delta" || event.type === "signature") {
      expect(event.index).toBe(open!);
    } else if (event.type === "finish" || event.type === "error") {
      expect(open).toBeNull();
      terminal = true;
    }
  }
  expect(terminal).toBe(true);
}

describe("stream decoder: recorded Responses streams", () => {
  test.each(responsesFixtures(".sse"))("%s: any byte split gives the same events, matching the non-stream decode of its final response", (file) => {
    const sse = fixtureText(`openai-responses/${file}`);
    const whole = decodeInPieces(adapter.createStreamDecoder(), sse, null);
    expectWellFormed(whole);
    for (const seed of [1, 2, 3]) expect(decodeInPieces(adapter.createStreamDecoder(), sse, seed)).toEqual(whole);
    // Tiny pieces, CRLF framing: still the same.
    expect(decodeInPieces(adapter.createStreamDecoder(), sse.replaceAll("\n", "\r\n"), 9, 3)).toEqual(whole);

    const streamed = collect(whole).toResponse();
    const nonStream = adapter.decodeResponse(terminalResponse(sse));
    // OpenAI re-issues encrypted_content in the final object; the stream's value is the output_item.done one.
    const doneItems = parseSse(sse).filter((frame) => frame.data.type === "response.output_item.done").map((frame) => frame.data.item as Record<string, unknown>);
    streamed.content.forEach((part, i) => {
      if (part.type !== "thinking" || !part.signature) return;
      const item = doneItems.find((candidate) => candidate.id === part.signature!.itemId)!;
      expect(part.signature.value).toBe(item.encrypted_content as string);
      const other = nonStream.content[i]!;
      if (other.type === "thinking" && other.signature) other.signature = { ...other.signature, value: part.signature.value };
    });
    expect(streamed).toEqual(nonStream);
    expect(streamed.usage).toBeDefined();
  });

  test("text stream: one text block 'pong', usage from response.completed", () => {
    const events = decodeInPieces(adapter.createStreamDecoder(), fixtureText("openai-responses/text-stream-raw.sse"), null);
    expect(events.map((event) => event.type)).toEqual(["start", "block_start", "text_delta", "block_stop", "usage", "finish", "end"]);
    expect(events[0]).toEqual({ type: "start", id: "resp_00592e63e61b66660169fab1b9f8e481a2b321356198d7ac1b", model: "gpt-5.5-2026-04-23", created: 1778037177 });
    expect(events[4]).toEqual({ type: "usage", usage: { inputTokens: 11, outputTokens: 5, cachedInputTokens: 0, reasoningTokens: 0 } });
    expect(events[5]).toEqual({ type: "finish", reason: "stop" });
  });

  test("text-stream-raw and text-nonstream (same prompt, recorded separately) decode to the same answer", () => {
    const streamed = collect(decodeInPieces(adapter.createStreamDecoder(), fixtureText("openai-responses/text-stream-raw.sse"), 13)).toResponse();
    const nonStream = adapter.decodeResponse(JSON.parse(fixtureText("openai-responses/text-nonstream.response.json")));
    expect(streamed.content).toEqual(nonStream.content);
    expect(streamed.finishReason).toBe(nonStream.finishReason);
    expect(streamed.usage).toEqual(nonStream.usage!);
    expect(streamed.model).toBe(nonStream.model);
  });

  test("reasoning + tool call: encrypted_content from output_item.done is the signature, finish is tool_calls", () => {
    const sse = fixtureText("openai-responses/usage-stream-raw.sse");
    const events = decodeInPieces(adapter.createStreamDecoder(), sse, 5);
    const done = parseSse(sse).find((frame) => frame.data.type === "response.output_item.done")!.data.item as Record<string, string>;
    const added = parseSse(sse).find((frame) => frame.data.type === "response.output_item.added")!.data.item as Record<string, string>;
    expect(done.encrypted_content).not.toBe(added.encrypted_content);
    const response = collect(events).toResponse();
    expect(response.content[0]).toEqual({ type: "thinking", text: "", signature: { format: "openai-responses", value: done.encrypted_content!, itemId: done.id! } });
    expect(response.content[1]).toEqual({ type: "tool_call", id: "call_CWXgs68YprAjp6t0371hiPOI", name: "final_result", arguments: '{"result":6666}', itemId: "fc_0050471a34b36ae60068c97bf19d9c819590eaf42c0edc1042" });
    expect(response.finishReason).toBe("tool_calls");
    expect(response.usage).toEqual({ inputTokens: 53, outputTokens: 469, cachedInputTokens: 0, reasoningTokens: 448 });
    const signatureAt = events.findIndex((event) => event.type === "signature");
    expect(events[signatureAt + 1]).toEqual({ type: "block_stop", index: 0 });
  });

  test("reasoning summary parts stream as thinking deltas, joined by a blank line", () => {
    const sse = fixtureText("openai-responses/reasoning-summary-stream-raw.sse");
    const response = collect(decodeInPieces(adapter.createStreamDecoder(), sse, 11)).toResponse();
    const final = terminalResponse(sse);
    const summary = ((final.output as Array<Record<string, unknown>>)[0]!.summary as Array<{ text: string }>).map((part) => part.text);
    expect(summary).toHaveLength(4);
    expect(response.content[0]!.type).toBe("thinking");
    expect((response.content[0] as { text: string }).text).toBe(summary.join("\n\n"));
    expect(response.content[1]!.type).toBe("text");
    expect(response.usage?.reasoningTokens).toBe(1408);
  });

  test("error-in-stream: start, then the error (429 insufficient_quota), then end — response.failed adds nothing", () => {
    const events = decodeInPieces(adapter.createStreamDecoder(), chunksToSse(fixtureText("openai-responses/error-in-stream.chunks.jsonl")), 3);
    expect(events.map((event) => event.type)).toEqual(["start", "error", "end"]);
    expect(events[1]).toEqual({
      type: "error",
      error: {
        status: 429,
        type: "insufficient_quota",
        code: "insufficient_quota",
        param: null,
        message: expect.stringContaining("You exceeded your current quota") as unknown as string,
      },
    });
  });

  test("response.failed without an error event becomes the error; a flat spec-shaped error event too", () => {
    const failed = `event: response.failed\ndata: {"type":"response.failed","sequence_number":0,"response":{"id":"resp_1","status":"failed","error":{"code":"server_error","message":"boom"}}}\n\n`;
    const events = decodeInPieces(adapter.createStreamDecoder(), failed, null);
    expect(events.map((event) => event.type)).toEqual(["start", "error", "end"]);
    expect(events[1]).toMatchObject({ error: { status: 500, message: "boom", code: "server_error" } });
    const flat = `event: error\ndata: {"type":"error","code":"rate_limit_exceeded","message":"slow down","param":null,"sequence_number":1}\n\n`;
    expect(decodeInPieces(adapter.createStreamDecoder(), flat, null)).toEqual([
      { type: "error", error: { status: 429, type: "rate_limit_error", code: "rate_limit_exceeded", message: "slow down", param: null } },
      { type: "end" },
    ]);
  });

  test("a body cut before its terminal event still ends well-formed (open block closed, finish, end)", () => {
    const sse = fixtureText("openai-responses/tool-stream-raw.turn1.sse");
    const cut = sse.slice(0, sse.indexOf("event: response.function_call_arguments.done"));
    const events = decodeInPieces(adapter.createStreamDecoder(), cut, 4);
    expectWellFormed(events);
    expect(events.slice(-3)).toEqual([{ type: "block_stop", index: 0 }, { type: "finish", reason: "tool_calls" }, { type: "end" }]);
    expect(collect(events).toResponse().content[0]).toMatchObject({ type: "tool_call", arguments: '{"country":"France"}' });
    expect(decodeInPieces(adapter.createStreamDecoder(), "", null)).toEqual([{ type: "start", id: "", model: "", created: 0 }, { type: "finish", reason: "stop" }, { type: "end" }]);
  });

  test("unknown events, comments and non-JSON data are ignored; incomplete → length", () => {
    const sse = [
      ": keep-alive\n\n",
      `event: response.created\ndata: {"type":"response.created","response":{"id":"resp_x","model":"m","created_at":5}}\n\n`,
      `event: response.web_search_call.searching\ndata: {"type":"response.web_search_call.searching","item_id":"ws_1","output_index":0}\n\n`,
      "data: not json\n\n",
      `event: response.output_item.added\ndata: {"type":"response.output_item.added","output_index":0,"item":{"type":"message","id":"msg_1","content":[],"role":"assistant"}}\n\n`,
      `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","output_index":0,"content_index":0,"item_id":"msg_1","delta":"Hel"}\n\n`,
      `event: response.output_text.delta\ndata: {"type":"response.output_text.delta","output_index":0,"content_index":0,"item_id":"msg_1","delta":"lo"}\n\n`,
      `event: response.incomplete\ndata: {"type":"response.incomplete","response":{"id":"resp_x","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"usage":{"input_tokens":3,"output_tokens":2}}}\n\n`,
    ].join("");
    const events = decodeInPieces(adapter.createStreamDecoder(), sse, 8);
    expectWellFormed(events);
    const response = collect(events).toResponse();
    expect(response.content).toEqual([{ type: "text", text: "Hello" }]);
    expect(response.finishReason).toBe("length");
  });

  test("refusal deltas become the finish refusal (content_filter)", () => {
    const sse = [
      `event: response.created\ndata: {"type":"response.created","response":{"id":"resp_r","model":"m","created_at":1}}\n\n`,
      `event: response.output_item.added\ndata: {"type":"response.output_item.added","output_index":0,"item":{"type":"message","id":"msg_1","content":[],"role":"assistant"}}\n\n`,
      `event: response.content_part.added\ndata: {"type":"response.content_part.added","output_index":0,"content_index":0,"item_id":"msg_1","part":{"type":"refusal","refusal":""}}\n\n`,
      `event: response.refusal.delta\ndata: {"type":"response.refusal.delta","output_index":0,"content_index":0,"item_id":"msg_1","delta":"I can't"}\n\n`,
      `event: response.refusal.done\ndata: {"type":"response.refusal.done","output_index":0,"content_index":0,"item_id":"msg_1","refusal":"I can't help."}\n\n`,
      `event: response.completed\ndata: {"type":"response.completed","response":{"id":"resp_r","status":"completed","usage":{"input_tokens":3,"output_tokens":2}}}\n\n`,
    ].join("");
    const events = decodeInPieces(adapter.createStreamDecoder(), sse, null);
    expect(events.find((event) => event.type === "finish")).toEqual({ type: "finish", reason: "content_filter", refusal: "I can't help." });
  });
});

const SAMPLES: Record<string, IRResponse> = {
  "text only": { id: "chatcmpl-1", model: "up", created: 1700000000, content: [{ type: "text", text: "Hello there" }], finishReason: "stop", usage: { inputTokens: 10, outputTokens: 3, cachedInputTokens: 4 } },
  "thinking, text, several tool calls": {
    id: "resp_upstream1",
    model: "up",
    created: 1700000001,
    content: [
      { type: "thinking", text: "let me think", signature: { format: "openai-responses", value: "gAAAA-enc", itemId: "rs_real_1" } },
      { type: "text", text: "I'll call tools." },
      { type: "tool_call", id: "call_a", name: "read", arguments: '{"path":"a"}', itemId: "fc_real_a" },
      { type: "tool_call", id: "toolu_b", name: "ls", arguments: "{}" },
    ],
    finishReason: "tool_calls",
    usage: { inputTokens: 100, outputTokens: 50, reasoningTokens: 30 },
  },
  "tool only": { id: "msg_1", model: "up", created: 1700000002, content: [{ type: "tool_call", id: "toolu_1", name: "bash", arguments: '{"cmd":"ls"}' }], finishReason: "tool_calls" },
  "foreign signed thinking": {
    id: "msg_2",
    model: "up",
    created: 1700000003,
    content: [
      { type: "thinking", text: "claude thinks", signature: { format: "anthropic", value: "EqQBCkgIAhABGAIiQL" } },
      { type: "thinking", text: "", signature: { format: "anthropic", value: "redacted-data", itemId: "redacted_thinking" } },
      { type: "text", text: "answer" },
    ],
    finishReason: "stop",
    usage: { inputTokens: 1, outputTokens: 1 },
  },
  "no blocks": { id: "x", model: "up", created: 1700000004, content: [], finishReason: "stop" },
  "length cap": { id: "x", model: "up", created: 1700000005, content: [{ type: "text", text: "partial" }], finishReason: "length", usage: { inputTokens: 2, outputTokens: 16 } },
  refusal: { id: "x", model: "up", created: 1700000006, content: [], finishReason: "content_filter", refusal: "No." },
};

describe("stream encoder: IR → Responses SSE → decoder", () => {
  test.each(Object.entries(SAMPLES))("%s round-trips through our own decoder", (_name, response) => {
    const sse = encodeEvents(responseToEvents(response));
    const decoded = collect(decodeInPieces(adapter.createStreamDecoder(), sse, 7)).toResponse();
    expect(decoded.id).toBe(response.id.startsWith("resp_") ? response.id : "resp_req42");
    expect(decoded.model).toBe("gw/gpt-5");
    expect(decoded.created).toBe(response.created);
    expect(decoded.finishReason).toBe(response.finishReason);
    expect(decoded.refusal).toBe(response.refusal);
    expect(decoded.usage).toEqual({ inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, ...response.usage });
    // Same parts; our item ids are added where the IR had none, and every signature comes back as it was.
    expect(decoded.content.length).toBe(response.content.length);
    response.content.forEach((part, i) => {
      const back = decoded.content[i]!;
      expect(back.type).toBe(part.type);
      if (part.type === "tool_call") expect(back).toEqual({ ...part, itemId: part.itemId ?? `fc_${decoded.id.slice(5)}_${i}` });
      else if (part.type === "thinking" && part.signature?.format === "openai-responses") expect(back).toEqual(part);
      else if (part.type === "thinking" && part.signature) expect(back).toEqual({ ...part, signature: { ...part.signature } });
      else expect(back).toEqual(part);
    });
  });

  test("event sequence: every required event, in order, with increasing sequence_number and usage in response.completed", () => {
    const sse = encodeEvents(responseToEvents(SAMPLES["thinking, text, several tool calls"]!));
    const frames = parseSse(sse);
    for (const [i, frame] of frames.entries()) {
      expect(frame.event).toBe(String(frame.data.type));
      expect(frame.data.sequence_number).toBe(i);
    }
    expect(frames.map((frame) => frame.event)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      "response.reasoning_summary_text.delta",
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.content_part.added",
      "response.output_text.delta",
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.output_item.added",
      "response.function_call_arguments.delta",
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const created = frames[0]!.data.response as Record<string, unknown>;
    expect(created).toMatchObject({ id: "resp_upstream1", object: "response", status: "in_progress", model: "gw/gpt-5", output: [], usage: null, tools: [], error: null });
    const completed = frames.at(-1)!.data.response as Record<string, unknown>;
    expect(completed.usage).toEqual({ input_tokens: 100, input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 }, output_tokens: 50, output_tokens_details: { reasoning_tokens: 30 }, total_tokens: 150 });
    const doneItems = frames.filter((frame) => frame.event === "response.output_item.done").map((frame) => frame.data.item);
    expect(completed.output).toEqual(doneItems);
    // The reasoning item keeps a stable id of ours; the real one rides inside its (wrapped) encrypted_content.
    const reasoning = doneItems[0] as Record<string, string>;
    expect(reasoning.id).toBe("rs_upstream1_0");
    expect(reasoning.encrypted_content).toBe(wrapSignature({ format: "openai-responses", value: "gAAAA-enc", itemId: "rs_real_1" }));
    expect((doneItems[2] as Record<string, string>).id).toBe("fc_real_a");
    const argsDone = frames.find((frame) => frame.event === "response.function_call_arguments.done")!.data;
    expect(argsDone).toMatchObject({ item_id: "fc_real_a", output_index: 2, name: "read", arguments: '{"path":"a"}' });
  });

  test("usage always present: zeros when unknown; usage arriving after finish still counts", () => {
    const none = parseSse(encodeEvents(responseToEvents(SAMPLES["no blocks"]!)));
    expect(none.map((frame) => frame.event)).toEqual(["response.created", "response.in_progress", "response.completed"]);
    expect((none[2]!.data.response as Record<string, unknown>).usage).toMatchObject({ input_tokens: 0, output_tokens: 0, total_tokens: 0 });
    const late = parseSse(
      encodeEvents([
        { type: "start", id: "a", model: "m", created: 1 },
        { type: "finish", reason: "stop" },
        { type: "usage", usage: { inputTokens: 7, outputTokens: 2 } },
        { type: "end" },
      ]),
    );
    expect((late.at(-1)!.data.response as Record<string, unknown>).usage).toMatchObject({ input_tokens: 7, output_tokens: 2, total_tokens: 9 });
  });

  test("length → response.incomplete (max_output_tokens); refusal → a refusal message item", () => {
    const length = parseSse(encodeEvents(responseToEvents(SAMPLES["length cap"]!))).at(-1)!;
    expect(length.event).toBe("response.incomplete");
    expect(length.data.response).toMatchObject({ status: "incomplete", incomplete_details: { reason: "max_output_tokens" } });
    const refusal = parseSse(encodeEvents(responseToEvents(SAMPLES.refusal!)));
    expect(refusal.map((frame) => frame.event)).toContain("response.refusal.delta");
    expect(refusal.at(-1)!.data.response).toMatchObject({ status: "completed", output: [{ type: "message", content: [{ type: "refusal", refusal: "No." }] }] });
  });

  test("error right after start: error event (flat + nested), then response.failed, nothing more", () => {
    const encoder = adapter.createStreamEncoder(context);
    let sse = encoder.encode({ type: "start", id: "msg_x", model: "m", created: 9 });
    sse += encoder.encode({ type: "block_start", index: 0, block: { kind: "text" } });
    sse += encoder.encode({ type: "text_delta", index: 0, text: "par" });
    sse += encoder.encode({ type: "error", error: { status: 529, type: "overloaded_error", message: "Overloaded" } });
    expect(encoder.encode({ type: "end" })).toBe("");
    const frames = parseSse(sse);
    expect(frames.slice(-2).map((frame) => frame.event)).toEqual(["error", "response.failed"]);
    expect(frames.at(-2)!.data).toMatchObject({ code: null, message: "Overloaded", param: null, error: { type: "overloaded_error", message: "Overloaded" } });
    expect(frames.at(-1)!.data.response).toMatchObject({ status: "failed", error: { code: "overloaded_error", message: "Overloaded" } });
    // The partial text item was closed properly before the failure.
    expect(frames.map((frame) => frame.event)).toContain("response.output_item.done");
    const decoded = decodeInPieces(adapter.createStreamDecoder(), sse, 2);
    expect(decoded.find((event) => event.type === "error")).toMatchObject({ error: { status: 500, message: "Overloaded" } });
  });

  test("an error with no start (a frame appended to a passed-through stream) adds no second response.created", () => {
    const frames = parseSse(encodeEvents([{ type: "error", error: { status: 502, type: "api_error", code: "upstream_stream_error", message: "cut" } }]));
    expect(frames.map((frame) => frame.event)).toEqual(["error", "response.failed"]);
  });

  test("namespaced functions get their namespace on function_call items (Codex)", () => {
    const sse = encodeEvents(responseToEvents(SAMPLES["tool only"]!), { ...context, toolNamespaces: { bash: "shell_ns" } });
    const done = parseSse(sse).find((frame) => frame.event === "response.output_item.done")!;
    expect(done.data.item).toMatchObject({ type: "function_call", namespace: "shell_ns", name: "bash" });
  });
});

describe("stream encoder: the openai SDK accepts what we send", () => {
  async function sdkFinal(sse: string) {
    const client = new OpenAI({
      apiKey: "test",
      baseURL: "http://gateway.invalid/v1",
      maxRetries: 0,
      fetch: async () => new Response(sse, { headers: { "content-type": "text/event-stream" } }),
    });
    const stream = client.responses.stream({ model: "gw/gpt-5", input: "hi" });
    const seen: string[] = [];
    for await (const event of stream) seen.push(event.type);
    return { final: await stream.finalResponse(), seen };
  }

  test.each(Object.keys(SAMPLES).filter((name) => name !== "refusal" && name !== "length cap"))("%s: responses.stream() completes with our output", async (name) => {
    const response = SAMPLES[name]!;
    const { final, seen } = await sdkFinal(encodeEvents(responseToEvents(response)));
    expect(seen.at(-1)).toBe("response.completed");
    expect(final.output).toHaveLength(response.content.length);
    expect(final.output_text).toBe(response.content.flatMap((part) => (part.type === "text" ? [part.text] : [])).join(""));
    expect(final.usage?.input_tokens).toBe(response.usage?.inputTokens ?? 0);
  });

  test("a mid-stream error surfaces as an APIError", async () => {
    const sse = encodeEvents([
      { type: "start", id: "a", model: "m", created: 1 },
      { type: "error", error: { status: 429, type: "rate_limit_error", code: "rate_limit_exceeded", message: "slow down" } },
      { type: "end" },
    ]);
    let caught: unknown;
    try {
      await sdkFinal(sse);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(OpenAI.APIError);
    expect(String((caught as Error).message)).toContain("slow down");
  });
});
