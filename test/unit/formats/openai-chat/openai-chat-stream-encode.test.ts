import { afterAll, describe, expect, test } from "bun:test";
import OpenAI, { APIError } from "openai";
import { ChatStreamDecoder } from "../../../../src/formats/openai-chat/openai-chat-stream-decode";
import { ChatStreamEncoder } from "../../../../src/formats/openai-chat/openai-chat-stream-encode";
import type { ClientEncodeContext } from "../../../../src/ir/format-adapter";
import type { IRResponse, IRStreamEvent } from "../../../../src/ir/ir-types";
import { responseToEvents, StreamCollector } from "../../../../src/ir/stream-collector";

const context: ClientEncodeContext = { requestId: "req42", model: "alias/model", includeUsage: true };

function encode(events: IRStreamEvent[], ctx: ClientEncodeContext = context): string {
  const encoder = new ChatStreamEncoder(ctx);
  return events.map((e) => encoder.encode(e)).join("");
}

/** The `data:` payloads of an SSE body, parsed (except [DONE]). */
function payloads(body: string): Array<Record<string, any>> {
  expect(body.endsWith("data: [DONE]\n\n")).toBe(true);
  return body
    .split("\n\n")
    .filter((frame) => frame && frame !== "data: [DONE]")
    .map((frame) => {
      expect(frame.startsWith("data: ")).toBe(true);
      return JSON.parse(frame.slice(6));
    });
}

function decodeAll(body: string): IRResponse {
  const decoder = new ChatStreamDecoder();
  const collector = new StreamCollector();
  decoder.push(body, (e) => collector.push(e));
  decoder.end((e) => collector.push(e));
  return collector.toResponse();
}

const rich: IRResponse = {
  id: "msg_01abc",
  model: "claude-sonnet",
  created: 1700000000,
  content: [
    { type: "thinking", text: "Think", signature: { format: "anthropic", value: "SIGNATURE" } },
    { type: "text", text: "I'll call two tools." },
    { type: "tool_call", id: "toolu_1", name: "read", arguments: '{"path":"a.txt"}' },
    { type: "tool_call", id: "toolu_2", name: "list", arguments: "{}" },
  ],
  finishReason: "tool_calls",
  usage: { inputTokens: 50, outputTokens: 20, cachedInputTokens: 10, reasoningTokens: 5 },
};

describe("ChatStreamEncoder chunks", () => {
  test("one id/created/model on every chunk; role chunk first; reasoning_content; tool indices count tools only; finish; usage; [DONE]", () => {
    const body = encode(responseToEvents(rich));
    expect(body).not.toContain("SIGNATURE");
    const chunks = payloads(body);
    for (const chunk of chunks) {
      expect(chunk.id).toBe("chatcmpl-req42");
      expect(chunk.created).toBe(1700000000);
      expect(chunk.model).toBe("alias/model");
      expect(chunk.object).toBe("chat.completion.chunk");
      expect(Object.keys(chunk).sort()).toEqual(chunk.usage ? ["choices", "created", "id", "model", "object", "usage"] : ["choices", "created", "id", "model", "object"]);
    }
    expect(chunks.map((c) => c.choices[0]?.delta ?? null)).toEqual([
      { role: "assistant", content: "" },
      { reasoning_content: "Think" },
      { content: "I'll call two tools." },
      { tool_calls: [{ index: 0, id: "toolu_1", type: "function", function: { name: "read", arguments: "" } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"path":"a.txt"}' } }] },
      { tool_calls: [{ index: 1, id: "toolu_2", type: "function", function: { name: "list", arguments: "" } }] },
      { tool_calls: [{ index: 1, function: { arguments: "{}" } }] },
      {},
      null,
    ]);
    expect(chunks.slice(0, -2).every((c) => c.choices[0].finish_reason === null && c.choices[0].logprobs === null)).toBe(true);
    expect(chunks[chunks.length - 2]!.choices[0].finish_reason).toBe("tool_calls");
    expect(chunks[chunks.length - 1]).toMatchObject({
      choices: [],
      usage: {
        prompt_tokens: 50,
        completion_tokens: 20,
        total_tokens: 70,
        prompt_tokens_details: { cached_tokens: 10 },
        completion_tokens_details: { reasoning_tokens: 5 },
      },
    });
  });

  test("the upstream chatcmpl- id is kept; without includeUsage there is no usage chunk", () => {
    const chunks = payloads(encode(responseToEvents({ ...rich, id: "chatcmpl-up" }), { requestId: "r", model: "m" }));
    expect(chunks.every((c) => c.id === "chatcmpl-up")).toBe(true);
    expect(chunks.some((c) => c.usage)).toBe(false);
  });

  test("usage that arrives after finish still makes the final usage chunk", () => {
    const events: IRStreamEvent[] = [
      { type: "start", id: "x", model: "m", created: 1 },
      { type: "block_start", index: 0, block: { kind: "text" } },
      { type: "text_delta", index: 0, text: "hi" },
      { type: "block_stop", index: 0 },
      { type: "finish", reason: "stop" },
      { type: "usage", usage: { inputTokens: 1, outputTokens: 1 } },
      { type: "usage", usage: { inputTokens: 1, outputTokens: 2 } },
      { type: "end" },
    ];
    const chunks = payloads(encode(events));
    expect(chunks[chunks.length - 1]!.usage.completion_tokens).toBe(2);
    expect(chunks[chunks.length - 2]!.choices[0].finish_reason).toBe("stop");
  });

  test("a tool call whose arguments never arrive gets {} so clients can parse it", () => {
    const chunks = payloads(
      encode([
        { type: "start", id: "x", model: "m", created: 1 },
        { type: "block_start", index: 0, block: { kind: "tool_call", id: "t", name: "n" } },
        { type: "block_stop", index: 0 },
        { type: "finish", reason: "tool_calls" },
        { type: "end" },
      ]),
    );
    expect(chunks[2]!.choices[0].delta).toEqual({ tool_calls: [{ index: 0, function: { arguments: "{}" } }] });
  });

  test("thinking blocks in a row are separated by a blank line", () => {
    const chunks = payloads(
      encode(
        responseToEvents({
          id: "x",
          model: "m",
          created: 1,
          content: [
            { type: "thinking", text: "a" },
            { type: "thinking", text: "b" },
          ],
          finishReason: "stop",
        }),
      ),
    );
    expect(chunks.slice(1, 3).map((c) => c.choices[0].delta.reasoning_content)).toEqual(["a", "\n\nb"]);
  });

  test("mapped finish reasons and refusal", () => {
    const finishOf = (reason: IRResponse["finishReason"], refusal?: string) => {
      const chunks = payloads(encode(responseToEvents({ id: "x", model: "m", created: 1, content: [], finishReason: reason, ...(refusal ? { refusal } : {}) })));
      return chunks.filter((c) => c.choices.length > 0).map((c) => c.choices[0]);
    };
    expect(finishOf("stop_sequence").at(-1).finish_reason).toBe("stop");
    expect(finishOf("pause").at(-1).finish_reason).toBe("stop");
    expect(finishOf("length").at(-1).finish_reason).toBe("length");
    const refused = finishOf("content_filter", "No.");
    expect(refused.at(-2).delta).toEqual({ refusal: "No." });
    expect(refused.at(-1).finish_reason).toBe("content_filter");
  });

  test("error: a data {error} payload then [DONE]; nothing else follows", () => {
    const body = encode([
      { type: "start", id: "x", model: "m", created: 1 },
      { type: "block_start", index: 0, block: { kind: "text" } },
      { type: "text_delta", index: 0, text: "par" },
      { type: "error", error: { status: 529, type: "overloaded_error", message: "Overloaded" } },
      { type: "end" },
    ]);
    const chunks = payloads(body);
    expect(chunks.at(-1)).toEqual({ error: { message: "Overloaded", type: "server_error", param: null, code: null } });
    expect(chunks.length).toBe(3);
  });

  test("well-formed for odd sequences: no blocks, error first, end without finish, events after end", () => {
    const empty = payloads(encode([{ type: "start", id: "x", model: "m", created: 1 }, { type: "finish", reason: "stop" }, { type: "end" }]));
    expect(empty.map((c) => c.choices[0]?.finish_reason)).toEqual([null, "stop"]);

    const errorFirst = encode([{ type: "error", error: { status: 429, type: "rate_limit_error", message: "slow down" } }, { type: "end" }]);
    expect(errorFirst).toBe(`data: {"error":{"message":"slow down","type":"rate_limit_error","param":null,"code":null}}\n\ndata: [DONE]\n\n`);

    const encoder = new ChatStreamEncoder(context);
    const cut = [
      encoder.encode({ type: "start", id: "x", model: "m", created: 1 }),
      encoder.encode({ type: "block_start", index: 0, block: { kind: "tool_call", id: "t", name: "n" } }),
      encoder.encode({ type: "tool_args_delta", index: 0, json: '{"a"' }),
      encoder.encode({ type: "end" }),
      encoder.encode({ type: "end" }),
    ].join("");
    const chunks = payloads(cut);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe("tool_calls");
    expect(cut.match(/\[DONE\]/g)!.length).toBe(1);

    const noStart = payloads(encode([{ type: "block_start", index: 0, block: { kind: "text" } }, { type: "text_delta", index: 0, text: "x" }, { type: "finish", reason: "stop" }, { type: "end" }]));
    expect(noStart[0]!.choices[0].delta).toEqual({ role: "assistant", content: "" });
  });
});

describe("IR → Chat stream → decode round trip", () => {
  const cases: Array<[string, IRResponse]> = [
    ["thinking, text and two tool calls", rich],
    ["text only", { id: "a", model: "m", created: 5, content: [{ type: "text", text: 'He said "hi"\n\u2713' }], finishReason: "stop" }],
    ["tool only", { id: "a", model: "m", created: 5, content: [{ type: "tool_call", id: "c", name: "f", arguments: '{"x":[1,2]}' }], finishReason: "tool_calls" }],
    ["nothing", { id: "a", model: "m", created: 5, content: [], finishReason: "length", usage: { inputTokens: 1, outputTokens: 0 } }],
  ];
  for (const [name, ir] of cases) {
    test(name, () => {
      const decoded = decodeAll(encode(responseToEvents(ir)));
      const withoutSignatures = ir.content.map((part) => {
        if (part.type === "tool_call" || part.type === "text" || part.type === "thinking") {
          const { signature: _signature, ...rest } = part;
          return rest;
        }
        return part;
      });
      expect(decoded).toEqual({
        ...ir,
        id: "chatcmpl-req42",
        model: "alias/model",
        content: withoutSignatures,
        ...(ir.usage ? { usage: { cachedInputTokens: 0, reasoningTokens: 0, ...ir.usage } } : {}),
      });
    });
  }
});

describe("the openai SDK reads the encoded stream", () => {
  let next = "";
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    fetch: () => new Response(next, { headers: { "content-type": "text/event-stream" } }),
  });
  afterAll(() => server.stop(true));
  const client = new OpenAI({ baseURL: `http://127.0.0.1:${server.port}/v1`, apiKey: "test", maxRetries: 0 });
  const params = { model: "alias/model", messages: [{ role: "user" as const, content: "hi" }] };

  test("create({stream:true}): text, reasoning, tool calls by index, finish reason and usage", async () => {
    next = encode(responseToEvents(rich));
    const stream = await client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
    let text = "";
    let reasoning = "";
    const args: string[] = [];
    const names: string[] = [];
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      if (chunk.usage) usage = chunk.usage;
      const choice = chunk.choices[0];
      if (!choice) continue;
      text += choice.delta.content ?? "";
      reasoning += (choice.delta as { reasoning_content?: string }).reasoning_content ?? "";
      for (const call of choice.delta.tool_calls ?? []) {
        if (call.function?.name) names[call.index] = call.function.name;
        args[call.index] = (args[call.index] ?? "") + (call.function?.arguments ?? "");
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    expect(text).toBe("I'll call two tools.");
    expect(reasoning).toBe("Think");
    expect(names).toEqual(["read", "list"]);
    expect(args.map((a) => JSON.parse(a))).toEqual([{ path: "a.txt" }, {}]);
    expect(finish).toBe("tool_calls");
    expect(usage).toMatchObject({ prompt_tokens: 50, completion_tokens: 20, total_tokens: 70 });
  });

  test("chat.completions.stream(): the SDK's accumulator builds the final completion", async () => {
    next = encode(responseToEvents(rich));
    const runner = client.chat.completions.stream({ ...params, stream_options: { include_usage: true } });
    const final = await runner.finalChatCompletion();
    const message = final.choices[0]!.message;
    expect(message.content).toBe("I'll call two tools.");
    expect(message.tool_calls!.map((c) => (c.type === "function" ? [c.id, c.function.name, JSON.parse(c.function.arguments)] : null))).toEqual([
      ["toolu_1", "read", { path: "a.txt" }],
      ["toolu_2", "list", {}],
    ]);
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
    expect(final.usage).toMatchObject({ prompt_tokens: 50, completion_tokens: 20 });
    expect(final.id).toBe("chatcmpl-req42");
  });

  test("a mid-stream error raises an APIError with our message", async () => {
    next = encode([
      { type: "start", id: "x", model: "m", created: 1 },
      { type: "block_start", index: 0, block: { kind: "text" } },
      { type: "text_delta", index: 0, text: "partial" },
      { type: "error", error: { status: 429, type: "rate_limit_error", message: "Rate limited upstream", code: "rate_limit_exceeded" } },
      { type: "end" },
    ]);
    const stream = await client.chat.completions.create({ ...params, stream: true });
    let text = "";
    let caught: unknown;
    try {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    } catch (error) {
      caught = error;
    }
    expect(text).toBe("partial");
    expect(caught).toBeInstanceOf(APIError);
    expect((caught as APIError).message).toContain("Rate limited upstream");
    expect((caught as APIError).code).toBe("rate_limit_exceeded");
  });
});
