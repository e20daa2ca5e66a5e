import { afterAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import OpenAI from "openai";
import { decodeChatResponse } from "../../../../src/formats/openai-chat/openai-chat-response-decode";
import { chatFinishReason, encodeChatResponse } from "../../../../src/formats/openai-chat/openai-chat-response-encode";
import type { ClientEncodeContext } from "../../../../src/ir/format-adapter";
import type { IRResponse } from "../../../../src/ir/ir-types";
import { FIXTURES } from "../../../fakes/openai-mock-upstream";

const context: ClientEncodeContext = { requestId: "req123", model: "alias/model" };

function response(overrides: Partial<IRResponse>): IRResponse {
  return { id: "msg_01", model: "claude-x", created: 1700000000, content: [], finishReason: "stop", ...overrides };
}

const STANDARD_KEYS = ["choices", "created", "id", "model", "object", "usage"];

describe("encodeChatResponse", () => {
  const names = readdirSync(join(FIXTURES, "openai-chat")).filter((n) => n.endsWith(".response.json") && !n.startsWith("error-"));
  for (const name of names) {
    test(`recorded ${name} → decode → encode keeps content, calls, finish and usage; only standard fields`, () => {
      const wire = JSON.parse(readFileSync(join(FIXTURES, "openai-chat", name), "utf8"));
      const body = encodeChatResponse(decodeChatResponse(wire), context) as Record<string, any>;
      expect(Object.keys(body).sort()).toEqual(STANDARD_KEYS);
      expect(body.id).toBe(wire.id);
      expect(body.model).toBe("alias/model");
      expect(body.created).toBe(wire.created);
      expect(body.object).toBe("chat.completion");
      const choice = body.choices[0];
      const original = wire.choices[0];
      expect(choice.index).toBe(0);
      expect(choice.logprobs).toBeNull();
      expect(choice.finish_reason).toBe(original.finish_reason);
      expect(choice.message.role).toBe("assistant");
      expect(choice.message.content).toBe(original.message.content);
      expect(choice.message.refusal).toBeNull();
      expect(choice.message.tool_calls).toEqual(original.message.tool_calls);
      expect("reasoning_content" in choice.message).toBe(false);
      expect(body.usage).toEqual({
        prompt_tokens: wire.usage.prompt_tokens,
        completion_tokens: wire.usage.completion_tokens,
        total_tokens: wire.usage.total_tokens,
        prompt_tokens_details: { cached_tokens: wire.usage.prompt_tokens_details.cached_tokens },
        completion_tokens_details: { reasoning_tokens: wire.usage.completion_tokens_details.reasoning_tokens },
      });
    });
  }

  test("a foreign response: thinking → reasoning_content, text, tool calls; signatures dropped; our id", () => {
    const body = encodeChatResponse(
      response({
        content: [
          { type: "thinking", text: "step 1", signature: { format: "anthropic", value: "SIG" } },
          { type: "thinking", text: "", signature: { format: "anthropic", value: "REDACTED", itemId: "redacted_thinking" } },
          { type: "thinking", text: "step 2" },
          { type: "text", text: "I'll look." },
          { type: "tool_call", id: "toolu_1", name: "read", arguments: '{"p":"a"}' },
          { type: "tool_call", id: "toolu_2", name: "ls", arguments: "" },
        ],
        finishReason: "tool_calls",
        usage: { inputTokens: 120, outputTokens: 30, cachedInputTokens: 100, cacheWriteTokens: 10, reasoningTokens: 12 },
      }),
      context,
    );
    expect(body).toEqual({
      id: "chatcmpl-req123",
      object: "chat.completion",
      created: 1700000000,
      model: "alias/model",
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: "I'll look.",
            refusal: null,
            reasoning_content: "step 1\n\nstep 2",
            tool_calls: [
              { id: "toolu_1", type: "function", function: { name: "read", arguments: '{"p":"a"}' } },
              { id: "toolu_2", type: "function", function: { name: "ls", arguments: "{}" } },
            ],
          },
          logprobs: null,
          finish_reason: "tool_calls",
        },
      ],
      usage: {
        prompt_tokens: 120,
        completion_tokens: 30,
        total_tokens: 150,
        prompt_tokens_details: { cached_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 12 },
      },
    });
    expect(JSON.stringify(body)).not.toContain("SIG");
  });

  test("responseId is used when the IR id is not a chatcmpl- id; no usage → no usage field; no text → content null", () => {
    const body = encodeChatResponse(response({}), { ...context, responseId: "chatcmpl-gw1" }) as Record<string, any>;
    expect(body.id).toBe("chatcmpl-gw1");
    expect(body.usage).toBeUndefined();
    expect(body.choices[0].message).toEqual({ role: "assistant", content: null, refusal: null });
  });

  test("refusal", () => {
    const body = encodeChatResponse(response({ refusal: "No.", finishReason: "content_filter" }), context) as Record<string, any>;
    expect(body.choices[0].message.refusal).toBe("No.");
    expect(body.choices[0].finish_reason).toBe("content_filter");
  });

  test("finish reasons: only values the SDK types know", () => {
    expect(chatFinishReason("stop", false)).toBe("stop");
    expect(chatFinishReason("stop_sequence", false)).toBe("stop");
    expect(chatFinishReason("pause", false)).toBe("stop");
    expect(chatFinishReason("other", false)).toBe("stop");
    expect(chatFinishReason("error", false)).toBe("stop");
    expect(chatFinishReason("length", false)).toBe("length");
    expect(chatFinishReason("content_filter", false)).toBe("content_filter");
    expect(chatFinishReason("tool_calls", true)).toBe("tool_calls");
    expect(chatFinishReason("stop", true)).toBe("tool_calls");
    expect(chatFinishReason("length", true)).toBe("length");
  });
});

describe("the openai SDK reads the encoded completion", () => {
  let next: Record<string, unknown> = {};
  const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => Response.json(next) });
  afterAll(() => server.stop(true));
  const client = new OpenAI({ baseURL: `http://127.0.0.1:${server.port}/v1`, apiKey: "test", maxRetries: 0 });

  test("text, reasoning_content, tool calls with parseable arguments, usage", async () => {
    next = encodeChatResponse(
      response({
        content: [
          { type: "thinking", text: "hm" },
          { type: "text", text: "Hello" },
          { type: "tool_call", id: "c1", name: "f", arguments: '{"a":1}' },
        ],
        finishReason: "tool_calls",
        usage: { inputTokens: 3, outputTokens: 4 },
      }),
      context,
    );
    const completion = await client.chat.completions.create({ model: "alias/model", messages: [{ role: "user", content: "hi" }] });
    expect(completion.choices[0]!.message.content).toBe("Hello");
    expect((completion.choices[0]!.message as unknown as { reasoning_content: string }).reasoning_content).toBe("hm");
    const call = completion.choices[0]!.message.tool_calls![0]!;
    expect(call.type).toBe("function");
    if (call.type !== "function") return;
    expect(JSON.parse(call.function.arguments)).toEqual({ a: 1 });
    expect(completion.choices[0]!.finish_reason).toBe("tool_calls");
    expect(completion.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
  });
});
