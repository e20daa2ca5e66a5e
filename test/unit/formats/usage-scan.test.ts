import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { scanAnthropicUsage } from "../../../src/formats/anthropic/anthropic-usage-scan";
import { scanGeminiUsage } from "../../../src/formats/gemini/gemini-usage-scan";
import { scanOpenAIChatUsage } from "../../../src/formats/openai-chat/openai-chat-usage-scan";
import { scanOpenAIResponsesUsage } from "../../../src/formats/openai-responses/openai-responses-usage-scan";
import { FIXTURES } from "../../fakes/openai-mock-upstream";

const read = (path: string) => readFileSync(join(FIXTURES, path), "utf8");
/** What byte pass-through keeps: the first chunk and the last 8 KB. */
const headOf = (text: string) => () => text.slice(0, 4096);
const tailOf = (text: string) => text.slice(-8192);

describe("usage read from raw pass-through bytes", () => {
  test("Anthropic: cache reads and writes are added into input (IR convention)", () => {
    const body = read("anthropic/usage-cache-write-nonstream.response.json");
    const usage = JSON.parse(body).usage as { input_tokens: number; output_tokens: number; cache_read_input_tokens: number; cache_creation_input_tokens: number };
    expect(scanAnthropicUsage(headOf(body), tailOf(body))).toEqual({
      inputTokens: usage.input_tokens + usage.cache_read_input_tokens + usage.cache_creation_input_tokens,
      outputTokens: usage.output_tokens,
      cachedInputTokens: usage.cache_read_input_tokens,
      cacheWriteTokens: usage.cache_creation_input_tokens,
    });
  });

  test("Anthropic stream: output from the final message_delta; input from message_start when the delta lacks it", () => {
    const sse = read("anthropic/thinking-stream-raw.sse");
    const usage = scanAnthropicUsage(headOf(sse), tailOf(sse))!;
    expect(usage.inputTokens).toBe(43);
    expect(usage.outputTokens).toBeGreaterThan(1);
    // A delta without input tokens (older API versions): the head is consulted.
    const start = 'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":17,"output_tokens":1}}}\n\n';
    const end = 'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":12}}\n\n';
    let headRead = false;
    const head = () => {
      headRead = true;
      return start;
    };
    expect(scanAnthropicUsage(head, end)).toEqual({ inputTokens: 17, outputTokens: 12, cachedInputTokens: 0, cacheWriteTokens: 0 });
    expect(headRead).toBe(true);
  });

  test("Gemini: the last running total wins; thoughts count as output and reasoning", () => {
    const sse = read("gemini/thinking-summary-stream-raw.sse");
    const meta = sse
      .split(/\r?\n/)
      .filter((line) => line.startsWith("data: "))
      .map((line) => (JSON.parse(line.slice(6)) as { usageMetadata?: Record<string, number> }).usageMetadata)
      .filter((m) => m !== undefined)
      .at(-1)!;
    const usage = scanGeminiUsage(headOf(sse), tailOf(sse))!;
    expect(usage.inputTokens).toBe(meta.promptTokenCount!);
    expect(usage.reasoningTokens).toBe(meta.thoughtsTokenCount!);
    expect(usage.outputTokens).toBe((meta.candidatesTokenCount ?? 0) + meta.thoughtsTokenCount!);
  });

  test("OpenAI Responses: usage from response.completed, with cached and reasoning details", () => {
    const sse = read("openai-responses/usage-stream-raw.sse");
    expect(scanOpenAIResponsesUsage(headOf(sse), tailOf(sse))).toEqual({ inputTokens: 53, outputTokens: 469, cachedInputTokens: 0, reasoningTokens: 448 });
  });

  test("OpenAI Chat: the final usage chunk; no usage means null, never zeros", () => {
    const sse = read("openai-chat/tool-stream-usage.turn1.sse");
    const usage = scanOpenAIChatUsage(headOf(sse), tailOf(sse))!;
    expect(usage.inputTokens).toBeGreaterThan(0);
    expect(scanOpenAIChatUsage(headOf(""), 'data: {"choices":[{"delta":{"content":"x"}}]}\n\ndata: [DONE]\n\n')).toBeNull();
  });
});
