import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SYNTHETIC_TOOL_CALL_PREFIX, type IRResponse, type IRStreamEvent } from "../../../../src/ir/ir-types";
import { StreamCollector, responseToEvents } from "../../../../src/ir/stream-collector";
import type { ClientEncodeContext } from "../../../../src/ir/format-adapter";
import { geminiAdapter } from "../../../../src/formats/gemini/gemini-adapter";
import { JsonArrayReader } from "../../../../src/formats/gemini/gemini-json-array";
import { GeminiStreamDecoder } from "../../../../src/formats/gemini/gemini-stream-decode";
import { FIXTURES } from "../../../fakes/openai-mock-upstream";

type Json = Record<string, unknown>;

const GEMINI = join(FIXTURES, "gemini");
const bytes = (name: string) => new Uint8Array(readFileSync(join(GEMINI, name)));
const text = (name: string) => readFileSync(join(GEMINI, name), "utf8");

/** The recorder stripped `data:` framing from .chunks.jsonl; put it back as the API sends it (CRLF). */
function jsonlAsSse(name: string): Uint8Array {
  const lines = text(name).split("\n").filter((l) => l.trim() !== "");
  return new TextEncoder().encode(lines.map((l) => `data: ${l}\r\n\r\n`).join(""));
}

/** A small seeded PRNG so "random" splits are reproducible. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Feeds the body in pieces cut at random byte offsets (even inside UTF-8 sequences, as sockets do). */
function decodeSplit(body: Uint8Array, seed: number | null): IRStreamEvent[] {
  const decoder = geminiAdapter.createStreamDecoder();
  const events: IRStreamEvent[] = [];
  const emit = (event: IRStreamEvent) => events.push(event);
  const utf8 = new TextDecoder();
  if (seed === null) {
    decoder.push(utf8.decode(body), emit);
  } else {
    const next = random(seed);
    for (let at = 0; at < body.length; ) {
      const size = 1 + Math.floor(next() * 40);
      decoder.push(utf8.decode(body.subarray(at, at + size), { stream: true }), emit);
      at += size;
    }
    decoder.push(utf8.decode(), emit);
  }
  decoder.end(emit);
  return events;
}

/** created is the decode time and response-side ids are random: both are blanked for comparisons. */
function normalize(events: IRStreamEvent[]): IRStreamEvent[] {
  return events.map((event) => {
    if (event.type === "start") return { ...event, created: 0 };
    if (event.type === "block_start" && event.block.kind === "tool_call" && event.block.id.startsWith(SYNTHETIC_TOOL_CALL_PREFIX)) {
      return { ...event, block: { ...event.block, id: "synthetic" } };
    }
    return event;
  });
}

function collect(events: IRStreamEvent[]): IRResponse {
  const collector = new StreamCollector();
  for (const event of events) collector.push(event);
  const response = collector.toResponse();
  response.created = 0;
  for (const part of response.content) if (part.type === "tool_call" && part.id.startsWith(SYNTHETIC_TOOL_CALL_PREFIX)) part.id = "synthetic";
  return response;
}

/** The same recorded chunks, decoded as one non-stream body (an array of GenerateContentResponse). */
function nonStreamOf(body: Uint8Array): IRResponse {
  const chunks = new TextDecoder()
    .decode(body)
    .split(/\r?\n/)
    .filter((line) => line.startsWith("data: "))
    .map((line) => JSON.parse(line.slice(6)) as unknown);
  const response = geminiAdapter.decodeResponse(chunks);
  response.created = 0;
  for (const part of response.content) if (part.type === "tool_call" && part.id.startsWith(SYNTHETIC_TOOL_CALL_PREFIX)) part.id = "synthetic";
  return response;
}

/** The IR event sequence rules: start first, blocks never interleave, usage before finish, end last. */
function expectWellFormed(events: IRStreamEvent[]): void {
  expect(events[events.length - 1]!.type).toBe("end");
  const error = events.findIndex((e) => e.type === "error");
  if (error !== -1) {
    expect(events.slice(error + 1).map((e) => e.type)).toEqual(["end"]);
    return;
  }
  expect(events[0]!.type).toBe("start");
  let open = -1;
  let next = 0;
  let finished = false;
  for (const event of events.slice(1, -1)) {
    expect(finished).toBe(false);
    if (event.type === "block_start") {
      expect(open).toBe(-1);
      expect(event.index).toBe(next++);
      open = event.index;
    } else if (event.type === "block_stop") {
      expect(event.index).toBe(open);
      open = -1;
    } else if (event.type === "text_delta" || event.type === "thinking_delta" || event.type === "tool_args_delta" || event.type === "signature") {
      expect(event.index).toBe(open);
    } else if (event.type === "finish") {
      expect(open).toBe(-1);
      finished = true;
    }
  }
  expect(finished).toBe(true);
}

const SSE_CASES: Array<[string, Uint8Array]> = [
  ["text-stream.sse", bytes("text-stream.sse")],
  ["text-stream-raw.sse", bytes("text-stream-raw.sse")],
  ["thinking-summary-stream-raw.sse", bytes("thinking-summary-stream-raw.sse")],
  ["tool-stream-thoughtsig.turn1.sse", bytes("tool-stream-thoughtsig.turn1.sse")],
  ["tool-stream-thoughtsig.turn2.sse", bytes("tool-stream-thoughtsig.turn2.sse")],
  ["prompt-blocked-stream.sse", bytes("prompt-blocked-stream.sse")],
  ["text-stream-thoughtsig.chunks.jsonl", jsonlAsSse("text-stream-thoughtsig.chunks.jsonl")],
];

describe("stream decoder on recorded SSE", () => {
  test.each(SSE_CASES)("%s: random byte splits give the same events as one push, and match the non-stream decode", (_name, body) => {
    const whole = normalize(decodeSplit(body, null));
    expectWellFormed(whole);
    for (const seed of [1, 2, 3, 42, 1337]) expect(normalize(decodeSplit(body, seed))).toEqual(whole);
    expect(collect(whole)).toEqual(nonStreamOf(body));
  });

  test("text-stream.sse: three chunks make one text block; usage is the last running total", () => {
    const response = collect(decodeSplit(bytes("text-stream.sse"), 7));
    expect(response).toEqual({
      id: "",
      model: "gemini-2.0-flash",
      created: 0,
      content: [{ type: "text", text: "The capital of Wyoming is **Cheyenne**.\n" }],
      finishReason: "stop",
      usage: { inputTokens: 7, outputTokens: 10 },
    });
  });

  test("thinking summaries then signed answer text", () => {
    const events = decodeSplit(bytes("thinking-summary-stream-raw.sse"), 9);
    const response = collect(events);
    expect(response.id).toBe("beHBaJfEMIi-qtsP3769-Q8");
    expect(response.content.map((p) => p.type)).toEqual(["thinking", "text"]);
    expect((response.content[0] as { text: string }).text.startsWith("**Clarifying User Goals**")).toBe(true);
    expect(response.content[1]!.signature?.value.startsWith("CiIB0e2Kb6Syj1a961Ef")).toBe(true);
    expect(response.usage).toEqual({ inputTokens: 34, outputTokens: 469 + 787, reasoningTokens: 787 });
    // The signature is announced before the signed part's text, so a Gemini client gets the part back whole.
    const signatureAt = events.findIndex((e) => e.type === "signature");
    expect(events[signatureAt + 1]).toMatchObject({ type: "text_delta", index: 1 });
  });

  test("Gemini 3 tool call: one whole tool block with its signature; the trailing empty text is nothing", () => {
    const events = normalize(decodeSplit(bytes("tool-stream-thoughtsig.turn1.sse"), 5));
    const signature = text("tool-stream-thoughtsig.turn1.sse").match(/"thoughtSignature": "([^"]+)"/)![1]!;
    expect(events.filter((e) => e.type !== "usage")).toEqual([
      { type: "start", id: "QUVVadTSNJ6_qtsPvN7J8Q0", model: "gemini-3-pro-preview", created: 0 },
      { type: "block_start", index: 0, block: { kind: "tool_call", id: "synthetic", name: "get_country" } },
      { type: "signature", index: 0, signature: { format: "gemini", value: signature } },
      { type: "tool_args_delta", index: 0, json: "{}" },
      { type: "block_stop", index: 0 },
      { type: "finish", reason: "tool_calls" },
      { type: "end" },
    ]);
  });

  test("Gemini 3 text: the final empty part's signature lands on the text block", () => {
    const response = collect(decodeSplit(jsonlAsSse("text-stream-thoughtsig.chunks.jsonl"), 11));
    expect(response.content).toHaveLength(1);
    expect((response.content[0] as { text: string }).text).toBe('There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y');
    expect(response.content[0]!.signature?.value.startsWith("EqsFCqgFAb4")).toBe(true);
    expect(response.usage).toEqual({ inputTokens: 9, outputTokens: 23 + 185, reasoningTokens: 185 });
  });

  test("a signature-only part after a tool call opens an empty text block to carry it", () => {
    const decoder = new GeminiStreamDecoder();
    const events: IRStreamEvent[] = [];
    decoder.push(
      `data: ${JSON.stringify({ candidates: [{ content: { parts: [{ functionCall: { name: "f", args: {} } }, { text: "", thoughtSignature: "late" }] }, finishReason: "STOP" }] })}\r\n\r\n`,
      (e) => events.push(e),
    );
    decoder.end((e) => events.push(e));
    expectWellFormed(events);
    expect(collect(events).content).toEqual([
      { type: "tool_call", id: "synthetic", name: "f", arguments: "{}" },
      { type: "text", text: "", signature: { format: "gemini", value: "late" } },
    ]);
  });

  test("each signature keeps its own part: a signed part after a signed block starts a new block", () => {
    const decoder = new GeminiStreamDecoder();
    const events: IRStreamEvent[] = [];
    const chunk = (parts: unknown[]) => `data: ${JSON.stringify({ candidates: [{ content: { parts, role: "model" } }] })}\r\n\r\n`;
    decoder.push(chunk([{ text: "one", thoughtSignature: "s1" }, { text: " more" }]), (e) => events.push(e));
    decoder.push(chunk([{ text: "two", thoughtSignature: "s2" }, { text: "idea", thought: true }, { text: "", thought: true, thoughtSignature: "s3" }]), (e) => events.push(e));
    decoder.end((e) => events.push(e));
    expectWellFormed(events);
    expect(collect(events).content).toEqual([
      { type: "text", text: "one more", signature: { format: "gemini", value: "s1" } },
      { type: "text", text: "two", signature: { format: "gemini", value: "s2" } },
      { type: "thinking", text: "idea", signature: { format: "gemini", value: "s3" } },
    ]);
  });

  test("prompt blocked: no candidates → content_filter", () => {
    expect(collect(decodeSplit(bytes("prompt-blocked-stream.sse"), null))).toMatchObject({ content: [], finishReason: "content_filter" });
  });

  test("an error object in the stream is an error event, then end", () => {
    const decoder = geminiAdapter.createStreamDecoder();
    const events: IRStreamEvent[] = [];
    decoder.push('data: {"candidates":[{"content":{"parts":[{"text":"Hi"}],"role":"model"}}]}\r\n\r\n', (e) => events.push(e));
    decoder.push('data: {"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}\r\n\r\n', (e) => events.push(e));
    decoder.push('data: {"candidates":[{"content":{"parts":[{"text":"ignored"}]}}]}\r\n\r\n', (e) => events.push(e));
    decoder.end((e) => events.push(e));
    expectWellFormed(events);
    expect(events.slice(-2)).toEqual([
      { type: "error", error: { status: 503, type: "UNAVAILABLE", message: "The model is overloaded.", code: null, param: null } },
      { type: "end" },
    ]);
  });

  test("a body cut before finishReason still ends with finish + end", () => {
    const events = decodeSplit(new TextEncoder().encode('data: {"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{"a":1}}}]}}]}'), null);
    expectWellFormed(events);
    expect(events.find((e) => e.type === "finish")).toEqual({ type: "finish", reason: "tool_calls" });
  });
});

describe("JSON-array stream form", () => {
  const body = bytes("tool-json-array-stream.turn1.json-array-stream.json");

  test("decodes across random splits, same as the non-stream decode of the array", () => {
    const whole = normalize(decodeSplit(body, null));
    expectWellFormed(whole);
    for (const seed of [3, 4, 5]) expect(normalize(decodeSplit(body, seed))).toEqual(whole);
    const array = geminiAdapter.decodeResponse(JSON.parse(new TextDecoder().decode(body)));
    array.created = 0;
    (array.content[1] as { id: string }).id = "synthetic";
    expect(collect(whole)).toEqual(array);
    expect(array.content.map((p) => p.type)).toEqual(["thinking", "tool_call"]);
    expect(array.finishReason).toBe("tool_calls");
    expect(array.content[1]!.signature?.value.startsWith("ClgBEU0yD8z3")).toBe(true);
  });

  test("the element splitter survives braces, brackets, quotes and backslashes inside strings, cut anywhere", () => {
    const elements = [{ text: 'a "quoted" {brace} [bracket] \\ back\\"slash' }, { n: [1, { deep: "}" }] }, { last: "\\" }];
    const wire = `[${elements.map((e) => JSON.stringify(e, null, 2)).join("\n,\r\n")}\n]`;
    for (let cut = 0; cut <= wire.length; cut++) {
      const reader = new JsonArrayReader();
      const got: unknown[] = [];
      reader.push(wire.slice(0, cut), (json) => got.push(JSON.parse(json)));
      reader.push(wire.slice(cut), (json) => got.push(JSON.parse(json)));
      expect(got).toEqual(elements);
    }
  });

  test("the recorded framing is `[` + 2-space JSON, `\\n,\\r\\n` between elements, `\\n]` at the end", () => {
    const raw = new TextDecoder().decode(body);
    const elements = JSON.parse(raw) as unknown[];
    expect(raw).toBe(`[${elements.map((e) => JSON.stringify(e, null, 2)).join("\n,\r\n")}\n]`);
  });
});

describe("stream encoder for Gemini clients", () => {
  const sse: ClientEncodeContext = { requestId: "req_1", model: "gem/gemini-2.5-flash", framing: "sse" };
  const array: ClientEncodeContext = { ...sse, framing: "json-array" };

  const rich: IRResponse = {
    id: "resp_up",
    model: "upstream",
    created: 0,
    content: [
      { type: "thinking", text: "Let me think.", signature: { format: "anthropic", value: "ant-sig" } },
      { type: "text", text: "Checking two things.", signature: { format: "gemini", value: "g-text" } },
      { type: "tool_call", id: "toolu_a", name: "read", arguments: '{"path":"a.ts"}', signature: { format: "gemini", value: "g-call" } },
      { type: "tool_call", id: "toolu_b", name: "list", arguments: "" },
    ],
    finishReason: "tool_calls",
    usage: { inputTokens: 20, outputTokens: 15, reasoningTokens: 5, cachedInputTokens: 8 },
  };

  function encodeAll(events: IRStreamEvent[], ctx: ClientEncodeContext): string {
    const encoder = geminiAdapter.createStreamEncoder(ctx);
    return events.map((e) => encoder.encode(e)).join("");
  }

  function redecode(wire: string): IRResponse {
    const events = decodeSplit(new TextEncoder().encode(wire), 21);
    expectWellFormed(events);
    const collector = new StreamCollector();
    for (const event of events) collector.push(event);
    return collector.toResponse();
  }

  test("SSE frames are `data: {json}\\r\\n\\r\\n`, each a GenerateContentResponse; the last has finishReason", () => {
    const wire = encodeAll(responseToEvents(rich), sse);
    const frames = wire.split("\r\n\r\n");
    expect(frames.pop()).toBe("");
    for (const frame of frames) expect(frame.startsWith("data: {")).toBe(true);
    const chunks = frames.map((f) => JSON.parse(f.slice(6)) as Json);
    for (const chunk of chunks) {
      expect(chunk.modelVersion).toBe("gem/gemini-2.5-flash");
      expect(chunk.responseId).toBe("resp_up");
    }
    // responseToEvents sends usage after the blocks: chunks before it carry none (never invented), the last has it.
    expect(chunks[0]!.usageMetadata).toBeUndefined();
    expect(chunks[chunks.length - 1]!.usageMetadata).toEqual({
      promptTokenCount: 20,
      candidatesTokenCount: 10,
      totalTokenCount: 35,
      cachedContentTokenCount: 8,
      thoughtsTokenCount: 5,
    });
    const last = (chunks[chunks.length - 1]!.candidates as Json[])[0]!;
    expect(last.finishReason).toBe("STOP");
    expect(chunks.slice(0, -1).every((c) => (c.candidates as Json[])[0]!.finishReason === undefined)).toBe(true);
    const calls = chunks.flatMap((c) => ((c.candidates as Json[])[0]!.content as { parts: Json[] }).parts).filter((p) => p.functionCall);
    expect(calls).toEqual([
      { functionCall: { id: "toolu_a", name: "read", args: { path: "a.ts" } }, thoughtSignature: "g-call" },
      { functionCall: { id: "toolu_b", name: "list", args: {} } },
    ]);
  });

  test("IR → Gemini stream → decode gives the same response (foreign signatures wrapped and unwrapped)", () => {
    const back = redecode(encodeAll(responseToEvents(rich), sse));
    expect(back.content).toEqual(rich.content.map((p) => (p.type === "tool_call" && p.arguments === "" ? { ...p, arguments: "{}" } : p)));
    expect(back.finishReason).toBe("tool_calls");
    expect(back.usage).toEqual(rich.usage);
    expect(back.id).toBe("resp_up");
  });

  test("Gemini → IR → Gemini: the recorded thinking stream comes back part for part", () => {
    const original = decodeSplit(bytes("thinking-summary-stream-raw.sse"), null);
    const back = redecode(encodeAll(original, sse));
    // modelVersion is what the client may call the model (context.model), not the upstream's name.
    expect({ ...back, created: 0 }).toEqual({ ...collect(original), model: "gem/gemini-2.5-flash" });
    // The signed answer part keeps its signature on the same text it was recorded with.
    const wire = encodeAll(original, sse);
    expect(wire).toContain('{"text":"This is a great question! Safely crossing the street is all about being aware and predictable. Here is a step-by-step","thoughtSignature":"CiIB0e2K');
  });

  test("JSON-array framing matches the recorded byte framing and parses as one array", () => {
    const wire = encodeAll(responseToEvents(rich), array);
    expect(wire.startsWith('[{\n  "candidates": [')).toBe(true);
    expect(wire.endsWith("\n}\n]")).toBe(true);
    const elements = JSON.parse(wire) as unknown[];
    expect(wire).toBe(`[${elements.map((e) => JSON.stringify(e, null, 2)).join("\n,\r\n")}\n]`);
    expect(redecode(wire).content).toHaveLength(4);
  });

  test.each([
    ["no blocks at all", [{ type: "start", id: "", model: "m", created: 0 }, { type: "finish", reason: "stop" }, { type: "end" }]],
    ["usage after finish", [{ type: "start", id: "i", model: "m", created: 0 }, { type: "block_start", index: 0, block: { kind: "text" } }, { type: "text_delta", index: 0, text: "hi" }, { type: "block_stop", index: 0 }, { type: "finish", reason: "length" }, { type: "usage", usage: { inputTokens: 1, outputTokens: 2 } }, { type: "end" }]],
    ["error right after start", [{ type: "start", id: "i", model: "m", created: 0 }, { type: "error", error: { status: 529, type: "overloaded_error", message: "Overloaded" } }, { type: "end" }]],
    ["error first", [{ type: "error", error: { status: 429, type: "rate_limit_error", message: "Slow down. Please retry in 2s." } }, { type: "end" }]],
    ["thinking signed last, then tool only", [{ type: "start", id: "i", model: "m", created: 0 }, { type: "block_start", index: 0, block: { kind: "thinking" } }, { type: "thinking_delta", index: 0, text: "x" }, { type: "signature", index: 0, signature: { format: "anthropic", value: "s" } }, { type: "block_stop", index: 0 }, { type: "block_start", index: 1, block: { kind: "tool_call", id: "t", name: "f" } }, { type: "tool_args_delta", index: 1, json: '{"a"' }, { type: "tool_args_delta", index: 1, json: ":1}" }, { type: "block_stop", index: 1 }, { type: "finish", reason: "tool_calls" }, { type: "end" }]],
  ] as Array<[string, IRStreamEvent[]]>)("%s: well-formed in both framings", (_name, events) => {
    for (const ctx of [sse, array]) {
      const wire = encodeAll(events, ctx);
      if (ctx.framing === "json-array") expect(Array.isArray(JSON.parse(wire))).toBe(true);
      const decoded = decodeSplit(new TextEncoder().encode(wire), 8);
      expectWellFormed(decoded);
      const error = events.find((e) => e.type === "error");
      if (error) {
        expect(decoded.find((e) => e.type === "error")).toMatchObject({ type: "error", error: { status: error.error.status, message: error.error.message } });
        expect(wire).not.toContain("finishReason");
      } else {
        const collector = new StreamCollector();
        for (const e of events) collector.push(e);
        const expected = collector.toResponse();
        const got = collect(decoded);
        expect(got.content).toEqual(expected.content);
        expect(got.finishReason).toBe(expected.finishReason);
        expect(got.usage).toEqual(expected.usage);
      }
    }
  });

  test("the error chunk is Gemini's error object; a RESOURCE_EXHAUSTED delay becomes RetryInfo", () => {
    const wire = encodeAll([{ type: "error", error: { status: 429, type: "rate_limit_error", message: "Slow down. Please retry in 2s." } }, { type: "end" }], sse);
    expect(wire).toBe(
      'data: {"error":{"code":429,"message":"Slow down. Please retry in 2s.","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"2s"}]}}\r\n\r\n',
    );
  });
});
