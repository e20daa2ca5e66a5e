import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeChatResponse } from "../../../../src/formats/openai-chat/openai-chat-response-decode";
import { ChatStreamDecoder } from "../../../../src/formats/openai-chat/openai-chat-stream-decode";
import { SYNTHETIC_TOOL_CALL_PREFIX, type IRResponse, type IRStreamEvent } from "../../../../src/ir/ir-types";
import { StreamCollector } from "../../../../src/ir/stream-collector";
import { FIXTURES } from "../../../fakes/openai-mock-upstream";

const CHAT = join(FIXTURES, "openai-chat");

/** Checks the IR stream grammar: start → (block_start → deltas → block_stop)* → usage* → finish → end; error → end. */
function assertWellFormed(events: IRStreamEvent[]): void {
  expect(events[0]?.type).toBe("start");
  expect(events[events.length - 1]?.type).toBe("end");
  expect(events.filter((e) => e.type === "start").length).toBe(1);
  expect(events.filter((e) => e.type === "end").length).toBe(1);
  let open: number | null = null;
  let nextIndex = 0;
  let finished = false;
  for (const event of events) {
    switch (event.type) {
      case "block_start":
        expect(open).toBeNull();
        expect(finished).toBe(false);
        expect(event.index).toBe(nextIndex++);
        open = event.index;
        break;
      case "text_delta":
      case "thinking_delta":
      case "tool_args_delta":
      case "signature":
        expect(event.index).toBe(open!);
        break;
      case "block_stop":
        expect(event.index).toBe(open!);
        open = null;
        break;
      case "finish":
        expect(open).toBeNull();
        finished = true;
        break;
      case "error":
        expect(events[events.indexOf(event) + 1]?.type).toBe("end");
        finished = true;
        break;
    }
  }
  expect(finished).toBe(true);
}

/** Decodes `body` fed as UTF-8 bytes cut at the given offsets (a TextDecoder in stream mode, as the pipeline does). */
function decode(body: string, cuts: number[] = []): IRStreamEvent[] {
  const bytes = new TextEncoder().encode(body);
  const decoder = new ChatStreamDecoder();
  const text = new TextDecoder();
  const events: IRStreamEvent[] = [];
  const emit = (event: IRStreamEvent) => events.push(event);
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    decoder.push(text.decode(bytes.subarray(at, cut), { stream: true }), emit);
    at = cut;
  }
  decoder.push(text.decode(), emit);
  decoder.end(emit);
  return events;
}

function collect(events: IRStreamEvent[]): IRResponse {
  const collector = new StreamCollector();
  for (const event of events) collector.push(event);
  return collector.toResponse();
}

/** Small deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomCuts(length: number, random: () => number): number[] {
  const count = 1 + Math.floor(random() * 40);
  const cuts = new Set<number>();
  for (let i = 0; i < count; i++) cuts.add(Math.floor(random() * length));
  return [...cuts].sort((a, b) => a - b);
}

function sse(chunks: unknown[], done = true): string {
  return chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join("") + (done ? "data: [DONE]\n\n" : "");
}

function chunk(delta: Record<string, unknown>, finish: string | null = null, extra: Record<string, unknown> = {}) {
  return { id: "chatcmpl-s", object: "chat.completion.chunk", created: 9, model: "m", choices: [{ index: 0, delta, finish_reason: finish }], ...extra };
}

/** Stream fixtures: raw .sse bodies, and .chunks.jsonl replayed as `data:` frames (with and without the stripped [DONE]). */
function streamFixtures(): Array<[string, string, string[]]> {
  const out: Array<[string, string, string[]]> = [];
  for (const name of readdirSync(CHAT).sort()) {
    if (name.endsWith(".sse")) {
      const body = readFileSync(join(CHAT, name), "utf8");
      out.push([name, body, body.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6))]);
    } else if (name.endsWith(".chunks.jsonl")) {
      const lines = readFileSync(join(CHAT, name), "utf8").split("\n").filter((l) => l.trim());
      const framed = lines.map((l) => `data: ${l}\n\n`).join("");
      out.push([`${name} (+[DONE])`, `${framed}data: [DONE]\n\n`, lines]);
      out.push([`${name} (no [DONE])`, framed, lines]);
    }
  }
  return out;
}

/** What the raw chunks say, computed without the decoder. */
function expectedFromChunks(payloads: string[]) {
  let text = "";
  const tools = new Map<number, { id: string; name: string; args: string }>();
  let finish: string | null = null;
  let usage: Record<string, unknown> | null = null;
  for (const payload of payloads) {
    if (payload === "[DONE]") continue;
    const parsed = JSON.parse(payload);
    if (parsed.usage) usage = parsed.usage;
    const choice = parsed.choices?.[0];
    if (!choice) continue;
    if (typeof choice.delta?.content === "string") text += choice.delta.content;
    for (const call of choice.delta?.tool_calls ?? []) {
      const tool = tools.get(call.index) ?? { id: "", name: "", args: "" };
      if (call.id) tool.id = call.id;
      if (call.function?.name) tool.name = call.function.name;
      tool.args += call.function?.arguments ?? "";
      tools.set(call.index, tool);
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  return { text, tools: [...tools.values()], finish, usage };
}

describe("stream-decoding the recorded Chat streams", () => {
  const fixtures = streamFixtures();

  test("fixtures found", () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(6);
  });

  for (const [name, body, payloads] of fixtures) {
    test(`${name}: matches the raw chunks and is identical at 25 random byte splits`, () => {
      const whole = decode(body);
      assertWellFormed(whole);
      const response = collect(whole);
      const expected = expectedFromChunks(payloads);
      const text = response.content.filter((p) => p.type === "text").map((p) => (p as { text: string }).text).join("");
      expect(text).toBe(expected.text);
      expect(response.content.filter((p) => p.type === "tool_call")).toEqual(
        expected.tools.map((t) => ({ type: "tool_call", id: t.id, name: t.name, arguments: t.args })),
      );
      expect(response.finishReason).toBe(expected.finish === "tool_calls" ? "tool_calls" : "stop");
      if (expected.usage) {
        expect(response.usage?.inputTokens).toBe(expected.usage.prompt_tokens as number);
        expect(response.usage?.outputTokens).toBe(expected.usage.completion_tokens as number);
      } else {
        expect(response.usage).toBeUndefined();
      }
      const first = JSON.parse(payloads[0]!);
      expect(response.id).toBe(first.id);
      expect(response.model).toBe(first.model);

      const random = rng(name.length * 7919);
      for (let trial = 0; trial < 25; trial++) {
        const split = decode(body, randomCuts(body.length, random));
        // Block starts carry synthesized ids only when the upstream gave none; the recordings always give one.
        expect(split).toEqual(whole);
      }
    });
  }

  test("every byte boundary of a whole recording decodes the same (two pieces)", () => {
    const body = readFileSync(join(CHAT, "tool-stream-usage.turn1.sse"), "utf8");
    const whole = decode(body);
    const length = new TextEncoder().encode(body).length;
    for (let cut = 0; cut <= length; cut += 1) expect(decode(body, [cut])).toEqual(whole);
  });
});

describe("stream decode vs non-stream decode of the same completion", () => {
  /** Streams a recorded non-stream completion the way OpenAI would, in small pieces. */
  function streamOf(wire: Record<string, unknown>): string {
    const choice = (wire.choices as Array<Record<string, unknown>>)[0]!;
    const message = choice.message as Record<string, unknown>;
    const base = { id: wire.id, object: "chat.completion.chunk", created: wire.created, model: wire.model };
    const chunks: unknown[] = [{ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] }];
    const content = (message.content as string | null) ?? "";
    for (let i = 0; i < content.length; i += 5) {
      chunks.push({ ...base, choices: [{ index: 0, delta: { content: content.slice(i, i + 5) }, finish_reason: null }] });
    }
    const calls = (message.tool_calls as Array<{ id: string; function: { name: string; arguments: string } }> | undefined) ?? [];
    calls.forEach((call, index) => {
      chunks.push({
        ...base,
        choices: [{ index: 0, delta: { tool_calls: [{ index, id: call.id, type: "function", function: { name: call.function.name, arguments: "" } }] }, finish_reason: null }],
      });
      for (let i = 0; i < call.function.arguments.length; i += 3) {
        chunks.push({ ...base, choices: [{ index: 0, delta: { tool_calls: [{ index, function: { arguments: call.function.arguments.slice(i, i + 3) } }] }, finish_reason: null }] });
      }
    });
    chunks.push({ ...base, choices: [{ index: 0, delta: {}, finish_reason: choice.finish_reason }] });
    chunks.push({ ...base, choices: [], usage: wire.usage });
    return sse(chunks);
  }

  const names = readdirSync(CHAT).filter((n) => n.endsWith(".response.json") && !n.startsWith("error-"));
  for (const name of names) {
    test(name, () => {
      const wire = JSON.parse(readFileSync(join(CHAT, name), "utf8"));
      const nonStream = decodeChatResponse(wire);
      const body = streamOf(wire);
      const events = decode(body, randomCuts(body.length, rng(name.length)));
      assertWellFormed(events);
      expect(collect(events)).toEqual(nonStream);
    });
  }

  test("reasoning_content then a leading <think>: stream and non-stream agree (one thinking part)", () => {
    const message = { role: "assistant", content: "<think>inner</think>\n\nDone.", reasoning_content: "outer" };
    const nonStream = decodeChatResponse({ id: "chatcmpl-r", created: 1, model: "m", choices: [{ index: 0, message, finish_reason: "stop" }] });
    const body = sse([
      { id: "chatcmpl-r", created: 1, model: "m", choices: [{ index: 0, delta: { role: "assistant", reasoning_content: "out" } }] },
      { id: "chatcmpl-r", created: 1, model: "m", choices: [{ index: 0, delta: { reasoning_content: "er" } }] },
      { id: "chatcmpl-r", created: 1, model: "m", choices: [{ index: 0, delta: { content: "<thi" } }] },
      { id: "chatcmpl-r", created: 1, model: "m", choices: [{ index: 0, delta: { content: "nk>inner</th" } }] },
      { id: "chatcmpl-r", created: 1, model: "m", choices: [{ index: 0, delta: { content: "ink>\n\nDone." }, finish_reason: "stop" }] },
    ]);
    expect(collect(decode(body))).toEqual(nonStream);
    expect(nonStream.content).toEqual([
      { type: "thinking", text: "outerinner" },
      { type: "text", text: "Done." },
    ]);
  });
});

describe("ChatStreamDecoder behaviour", () => {
  test("reasoning_content then content → thinking block, then text block", () => {
    const events = decode(
      sse([
        chunk({ role: "assistant", content: null, reasoning_content: "Let me" }),
        chunk({ reasoning_content: " think." }),
        chunk({ content: "Answer" }),
        chunk({}, "stop"),
      ]),
    );
    assertWellFormed(events);
    expect(events.filter((e) => e.type !== "start")).toEqual([
      { type: "block_start", index: 0, block: { kind: "thinking" } },
      { type: "thinking_delta", index: 0, text: "Let me" },
      { type: "thinking_delta", index: 0, text: " think." },
      { type: "block_stop", index: 0 },
      { type: "block_start", index: 1, block: { kind: "text" } },
      { type: "text_delta", index: 1, text: "Answer" },
      { type: "block_stop", index: 1 },
      { type: "finish", reason: "stop" },
      { type: "end" },
    ]);
  });

  test("OpenRouter `reasoning` deltas are thinking", () => {
    const response = collect(decode(sse([chunk({ reasoning: "r1" }), chunk({ reasoning: "r2" }), chunk({ content: "t" }, "stop")])));
    expect(response.content).toEqual([
      { type: "thinking", text: "r1r2" },
      { type: "text", text: "t" },
    ]);
  });

  test("<think> split across content deltas at every position", () => {
    const content = "<think>abc</think>\n\nxyz";
    for (let i = 0; i <= content.length; i++) {
      for (let j = i; j <= content.length; j++) {
        const pieces = [content.slice(0, i), content.slice(i, j), content.slice(j)];
        const events = decode(sse([...pieces.map((p) => chunk({ content: p })), chunk({}, "stop")]));
        assertWellFormed(events);
        expect(collect(events).content).toEqual([
          { type: "thinking", text: "abc" },
          { type: "text", text: "xyz" },
        ]);
      }
    }
  });

  test("parallel tool calls: a new index closes the previous block; ids/names from first deltas; text first gets index 0", () => {
    const events = decode(
      sse([
        chunk({ role: "assistant", content: "Checking." }),
        chunk({ tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "fa", arguments: "" } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] }),
        chunk({ tool_calls: [{ index: 0, function: { arguments: "1}" } }] }),
        chunk({ tool_calls: [{ index: 1, id: "call_b", type: "function", function: { name: "fb", arguments: "" } }] }),
        chunk({}, "tool_calls"),
        { id: "chatcmpl-s", object: "chat.completion.chunk", created: 9, model: "m", choices: [], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } },
      ]),
    );
    assertWellFormed(events);
    expect(events.filter((e) => e.type === "block_start" || e.type === "block_stop" || e.type === "tool_args_delta")).toEqual([
      { type: "block_start", index: 0, block: { kind: "text" } },
      { type: "block_stop", index: 0 },
      { type: "block_start", index: 1, block: { kind: "tool_call", id: "call_a", name: "fa" } },
      { type: "tool_args_delta", index: 1, json: '{"x":' },
      { type: "tool_args_delta", index: 1, json: "1}" },
      { type: "block_stop", index: 1 },
      { type: "block_start", index: 2, block: { kind: "tool_call", id: "call_b", name: "fb" } },
      { type: "tool_args_delta", index: 2, json: "{}" },
      { type: "block_stop", index: 2 },
    ]);
    // usage comes before the held finish
    expect(events.slice(-3)).toEqual([
      { type: "usage", usage: { inputTokens: 5, outputTokens: 3 } },
      { type: "finish", reason: "tool_calls" },
      { type: "end" },
    ]);
  });

  test("several calls in one delta array, and whole calls in one delta (Mistral style)", () => {
    const response = collect(
      decode(
        sse([
          chunk({
            tool_calls: [
              { index: 0, id: "a", type: "function", function: { name: "f", arguments: '{"q":1}' } },
              { index: 1, id: "b", type: "function", function: { name: "g", arguments: '{"q":2}' } },
            ],
          }),
          chunk({}, "tool_calls"),
        ]),
      ),
    );
    expect(response.content).toEqual([
      { type: "tool_call", id: "a", name: "f", arguments: '{"q":1}' },
      { type: "tool_call", id: "b", name: "g", arguments: '{"q":2}' },
    ]);
  });

  test("tool deltas without index are keyed by id; a name arriving late delays block_start; missing ids are synthesized", () => {
    const events = decode(
      sse([
        chunk({ tool_calls: [{ id: "a", type: "function", function: { arguments: '{"k"' } }] }),
        chunk({ tool_calls: [{ id: "a", function: { name: "late", arguments: ":1}" } }] }),
        chunk({ tool_calls: [{ id: "b", type: "function", function: { name: "second", arguments: "{}" } }] }),
        chunk({ tool_calls: [{ index: 5, type: "function", function: { name: "noid", arguments: "{}" } }] }),
        chunk({ tool_calls: [{ index: 6, function: { arguments: "{}" } }] }),
        chunk({}, "tool_calls"),
      ]),
    );
    assertWellFormed(events);
    const calls = collect(events).content;
    expect(calls.slice(0, 2)).toEqual([
      { type: "tool_call", id: "a", name: "late", arguments: '{"k":1}' },
      { type: "tool_call", id: "b", name: "second", arguments: "{}" },
    ]);
    // A call whose name never arrives is dropped; one without id gets a synthetic id.
    expect(calls.length).toBe(3);
    const third = calls[2]!;
    expect(third.type === "tool_call" && third.name === "noid" && third.id.startsWith(`${SYNTHETIC_TOOL_CALL_PREFIX}_`)).toBe(true);
  });

  test("legacy function_call deltas become one tool call", () => {
    const response = collect(
      decode(sse([chunk({ function_call: { name: "f", arguments: "" } }), chunk({ function_call: { arguments: '{"a":2}' } }), chunk({}, "function_call")])),
    );
    expect(response.finishReason).toBe("tool_calls");
    expect(response.content.length).toBe(1);
    expect(response.content[0]).toMatchObject({ type: "tool_call", name: "f", arguments: '{"a":2}' });
  });

  test("finish stop while tool calls were emitted → tool_calls", () => {
    const response = collect(decode(sse([chunk({ tool_calls: [{ index: 0, id: "a", function: { name: "f", arguments: "{}" } }] }), chunk({}, "stop")])));
    expect(response.finishReason).toBe("tool_calls");
  });

  test("usage on the finish chunk (no separate usage chunk), with cached and reasoning tokens", () => {
    const events = decode(
      sse([
        chunk({ content: "hi" }),
        chunk({}, "length", {
          usage: { prompt_tokens: 100, completion_tokens: 20, prompt_tokens_details: { cached_tokens: 64 }, completion_tokens_details: { reasoning_tokens: 12 } },
        }),
      ]),
    );
    assertWellFormed(events);
    const response = collect(events);
    expect(response.finishReason).toBe("length");
    expect(response.usage).toEqual({ inputTokens: 100, outputTokens: 20, cachedInputTokens: 64, reasoningTokens: 12 });
  });

  test("Azure: a first chunk with empty choices and prompt_filter_results is ignored; id/model come from the real chunks", () => {
    const events = decode(
      sse([
        { id: "", object: "", created: 0, model: "", choices: [], prompt_filter_results: [{ prompt_index: 0, content_filter_results: {} }] },
        chunk({ role: "assistant", content: "ok" }),
        chunk({}, "stop"),
      ]),
    );
    assertWellFormed(events);
    expect(events[0]).toEqual({ type: "start", id: "chatcmpl-s", model: "m", created: 9 });
    expect(collect(events).content).toEqual([{ type: "text", text: "ok" }]);
  });

  test("an error payload mid-stream becomes an error event followed only by end", () => {
    const events = decode(
      `data: ${JSON.stringify(chunk({ content: "partial" }))}\n\n` +
        `data: {"error":{"message":"Rate limit reached","type":"rate_limit_error","code":"rate_limit_exceeded","param":null}}\n\n` +
        `data: ${JSON.stringify(chunk({ content: "ignored" }))}\n\ndata: [DONE]\n\n`,
    );
    assertWellFormed(events);
    expect(events.slice(-2)).toEqual([
      { type: "error", error: { status: 429, type: "rate_limit_error", message: "Rate limit reached", code: "rate_limit_exceeded", param: null } },
      { type: "end" },
    ]);
    expect(events.some((e) => e.type === "text_delta" && e.text === "ignored")).toBe(false);
  });

  test("OpenRouter's mid-stream error (error on a chunk with finish_reason error) is an error event", () => {
    const events = decode(
      sse([
        chunk({ role: "assistant", content: "Hel" }),
        chunk({ content: "" }, "error", { error: { code: 502, message: "Provider disconnected" } }),
      ]),
    );
    assertWellFormed(events);
    expect(events.slice(-2)).toEqual([
      { type: "error", error: { status: 502, type: "server_error", message: "Provider disconnected", code: "502", param: null } },
      { type: "end" },
    ]);
  });

  test("an error as the very first payload still starts the stream; numeric codes give the status", () => {
    const events = decode(`data: {"error":{"message":"bad","code":503}}\n\n`);
    expect(events.map((e) => e.type)).toEqual(["start", "error", "end"]);
    expect((events[1] as { error: { status: number } }).error.status).toBe(503);
  });

  test("a body cut off without finish or [DONE]: end() closes the block and synthesizes finish + end", () => {
    const events = decode(`data: ${JSON.stringify(chunk({ role: "assistant", content: "Hel" }))}\n\ndata: ${JSON.stringify(chunk({ content: "lo" }))}`);
    assertWellFormed(events);
    expect(events.slice(-4)).toEqual([
      { type: "text_delta", index: 0, text: "lo" },
      { type: "block_stop", index: 0 },
      { type: "finish", reason: "stop" },
      { type: "end" },
    ]);
  });

  test("an empty body still yields start, finish, end", () => {
    const events = decode("");
    assertWellFormed(events);
    expect(events.map((e) => e.type)).toEqual(["start", "finish", "end"]);
  });

  test("CRLF framing, comments and keep-alives are tolerated", () => {
    const body = `: keep-alive\r\n\r\ndata: ${JSON.stringify(chunk({ content: "a" }))}\r\n\r\ndata: ${JSON.stringify(chunk({ content: "b" }, "stop"))}\r\n\r\ndata: [DONE]\r\n\r\n`;
    const response = collect(decode(body));
    expect(response.content).toEqual([{ type: "text", text: "ab" }]);
  });

  test("refusal deltas are carried on finish; content_filter", () => {
    const events = decode(sse([chunk({ role: "assistant", content: null, refusal: "I can't" }), chunk({ refusal: " help." }), chunk({}, "content_filter")]));
    assertWellFormed(events);
    expect(events.find((e) => e.type === "finish")).toEqual({ type: "finish", reason: "content_filter", refusal: "I can't help." });
  });

  test("nothing is emitted after [DONE], and end() after [DONE] adds nothing", () => {
    const decoder = new ChatStreamDecoder();
    const events: IRStreamEvent[] = [];
    decoder.push(sse([chunk({ content: "x" }, "stop")]) + `data: ${JSON.stringify(chunk({ content: "late" }))}\n\n`, (e) => events.push(e));
    const count = events.length;
    decoder.end((e) => events.push(e));
    expect(events.length).toBe(count);
    expect(events[events.length - 1]).toEqual({ type: "end" });
  });
});
