import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeChatResponse, readChatFinishReason, readChatUsage } from "../../../../src/formats/openai-chat/openai-chat-response-decode";
import { SYNTHETIC_TOOL_CALL_PREFIX } from "../../../../src/ir/ir-types";
import { FIXTURES } from "../../../fakes/openai-mock-upstream";

type WireResponse = {
  id: string;
  model: string;
  created: number;
  choices: Array<{
    finish_reason: string;
    message: { content: string | null; tool_calls?: Array<{ id: string; function: { name: string; arguments: string } }> };
  }>;
  usage: {
    prompt_tokens: number;
    completion_tokens: number;
    prompt_tokens_details?: { cached_tokens?: number };
    completion_tokens_details?: { reasoning_tokens?: number };
  };
};

function completion(message: Record<string, unknown>, finish = "stop", extra: Record<string, unknown> = {}) {
  return { id: "chatcmpl-x", object: "chat.completion", created: 5, model: "m", choices: [{ index: 0, message: { role: "assistant", ...message }, finish_reason: finish }], ...extra };
}

describe("decodeChatResponse on every recorded completion", () => {
  const names = readdirSync(join(FIXTURES, "openai-chat")).filter((n) => n.endsWith(".response.json") && !n.startsWith("error-"));

  test("there are recorded completions", () => {
    expect(names.length).toBeGreaterThanOrEqual(8);
  });

  for (const name of names) {
    test(name, () => {
      const wire: WireResponse = JSON.parse(readFileSync(join(FIXTURES, "openai-chat", name), "utf8"));
      const ir = decodeChatResponse(wire);
      const choice = wire.choices[0]!;
      expect(ir.id).toBe(wire.id);
      expect(ir.model).toBe(wire.model);
      expect(ir.created).toBe(wire.created);
      const text = ir.content.filter((p) => p.type === "text").map((p) => (p as { text: string }).text).join("");
      expect(text).toBe(choice.message.content ?? "");
      expect(ir.content.filter((p) => p.type === "tool_call")).toEqual(
        (choice.message.tool_calls ?? []).map((c) => ({ type: "tool_call", id: c.id, name: c.function.name, arguments: c.function.arguments })),
      );
      expect(ir.finishReason).toBe(choice.finish_reason === "tool_calls" ? "tool_calls" : "stop");
      expect(ir.usage).toEqual({
        inputTokens: wire.usage.prompt_tokens,
        outputTokens: wire.usage.completion_tokens,
        cachedInputTokens: wire.usage.prompt_tokens_details!.cached_tokens!,
        reasoningTokens: wire.usage.completion_tokens_details!.reasoning_tokens!,
        ...((wire.usage.prompt_tokens_details as Record<string, number>).cache_write_tokens !== undefined ? { cacheWriteTokens: 0 } : {}),
      });
      expect(ir.refusal).toBeUndefined();
    });
  }

  test("cached and reasoning tokens land in the IR usage", () => {
    const cache = decodeChatResponse(JSON.parse(readFileSync(join(FIXTURES, "openai-chat/usage-prompt-cache-nonstream.response.json"), "utf8")));
    expect(cache.usage).toEqual({ inputTokens: 4020, outputTokens: 4, cachedInputTokens: 4012, cacheWriteTokens: 0, reasoningTokens: 0 });
    const reasoning = decodeChatResponse(JSON.parse(readFileSync(join(FIXTURES, "openai-chat/reasoning-nonstream.response.json"), "utf8")));
    expect(reasoning.usage!.reasoningTokens).toBeGreaterThan(0);
  });
});

describe("decodeChatResponse provider shapes", () => {
  test("reasoning_content (DeepSeek, Kimi) becomes a thinking part before the text", () => {
    const ir = decodeChatResponse(completion({ content: "42", reasoning_content: "compute" }));
    expect(ir.content).toEqual([
      { type: "thinking", text: "compute" },
      { type: "text", text: "42" },
    ]);
  });

  test("reasoning (OpenRouter) becomes thinking; reasoning_content wins when both repeat the same text", () => {
    expect(decodeChatResponse(completion({ content: "a", reasoning: "r" })).content[0]).toEqual({ type: "thinking", text: "r" });
    expect(decodeChatResponse(completion({ content: "a", reasoning: "r", reasoning_content: "r" })).content).toEqual([
      { type: "thinking", text: "r" },
      { type: "text", text: "a" },
    ]);
  });

  test("content that starts with <think> is split into thinking and text", () => {
    expect(decodeChatResponse(completion({ content: "<think>\nhmm\n</think>\n\nAnswer" })).content).toEqual([
      { type: "thinking", text: "\nhmm\n" },
      { type: "text", text: "Answer" },
    ]);
    expect(decodeChatResponse(completion({ content: "Say <think> now" })).content).toEqual([{ type: "text", text: "Say <think> now" }]);
  });

  test("stop while tool calls were made → tool_calls; empty arguments → {}; missing id → synthetic id", () => {
    const ir = decodeChatResponse(
      completion({ content: null, tool_calls: [{ type: "function", function: { name: "f", arguments: "" } }] }, "stop"),
    );
    expect(ir.finishReason).toBe("tool_calls");
    const call = ir.content[0]!;
    expect(call.type).toBe("tool_call");
    if (call.type !== "tool_call") return;
    expect(call.arguments).toBe("{}");
    expect(call.id.startsWith(`${SYNTHETIC_TOOL_CALL_PREFIX}_`)).toBe(true);
    expect(call.name).toBe("f");
  });

  test("object arguments (some compatible servers) are serialised", () => {
    const ir = decodeChatResponse(completion({ content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: { a: 1 } } }] }, "tool_calls"));
    expect(ir.content).toEqual([{ type: "tool_call", id: "c", name: "f", arguments: '{"a":1}' }]);
  });

  test("refusal, length, content_filter", () => {
    const refused = decodeChatResponse(completion({ content: null, refusal: "I can't help with that." }));
    expect(refused.refusal).toBe("I can't help with that.");
    expect(refused.content).toEqual([]);
    expect(decodeChatResponse(completion({ content: "cut" }, "length")).finishReason).toBe("length");
    expect(decodeChatResponse(completion({ content: "" }, "content_filter")).finishReason).toBe("content_filter");
  });

  test("no usage → no usage (never invented); DeepSeek prompt_cache_hit_tokens is the cached count", () => {
    expect(decodeChatResponse(completion({ content: "x" })).usage).toBeUndefined();
    expect(readChatUsage({ prompt_tokens: 10, completion_tokens: 2, prompt_cache_hit_tokens: 8, prompt_cache_miss_tokens: 2 })).toEqual({
      inputTokens: 10,
      outputTokens: 2,
      cachedInputTokens: 8,
    });
    expect(readChatUsage(null)).toBeUndefined();
    expect(readChatUsage({})).toBeUndefined();
  });

  test("content as an array of text parts", () => {
    expect(decodeChatResponse(completion({ content: [{ type: "text", text: "a" }, { type: "text", text: "b" }] })).content).toEqual([
      { type: "text", text: "ab" },
    ]);
  });

  test("a 200 body that only carries an error object finishes with error", () => {
    expect(decodeChatResponse({ error: { message: "overloaded", type: "server_error" } }).finishReason).toBe("error");
  });

  test("finish reason spellings", () => {
    expect(readChatFinishReason("stop")).toBe("stop");
    expect(readChatFinishReason("length")).toBe("length");
    expect(readChatFinishReason("tool_calls")).toBe("tool_calls");
    expect(readChatFinishReason("function_call")).toBe("tool_calls");
    expect(readChatFinishReason("content_filter")).toBe("content_filter");
    expect(readChatFinishReason("eos")).toBe("stop");
    expect(readChatFinishReason("something_new")).toBe("other");
    expect(readChatFinishReason(null)).toBeNull();
  });
});
