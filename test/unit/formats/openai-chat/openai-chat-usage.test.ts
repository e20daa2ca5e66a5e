import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { readOpenAIUsage, readOpenAIUsageFromChunks } from "../../../../src/formats/openai-chat/openai-chat-usage";
import { SHARED_FIXTURES } from "../../support/temp-data";

const dir = join(SHARED_FIXTURES, "openai-chat");
const streamBytes = new Uint8Array(readFileSync(join(dir, "tool-stream-usage.turn1.sse")));
const streamText = new TextDecoder().decode(streamBytes);
const textNonStream = readFileSync(join(dir, "text-nonstream.response.json"), "utf8");
const cacheNonStream = readFileSync(join(dir, "usage-prompt-cache-nonstream.response.json"), "utf8");

const STREAM_USAGE = { inputTokens: 53, outputTokens: 15, cachedTokens: 0, reasoningTokens: 0 };

/** The stream's SSE events, each with its trailing blank line. */
function events(text: string): string[] {
  return text.split(/(?<=\n\n)/).filter((e) => e.length > 0);
}

function splitAt(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const offset of [...offsets].sort((a, b) => a - b)) {
    chunks.push(bytes.subarray(start, offset));
    start = offset;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

describe("readOpenAIUsage", () => {
  test("the stream fixture has null-usage chunks before its final usage chunk", () => {
    const all = events(streamText);
    expect(all.at(-1)).toBe("data: [DONE]\n\n");
    expect(all.at(-2)).toContain('"usage":{"prompt_tokens":53');
    expect(all.filter((e) => e.includes('"usage":null')).length).toBeGreaterThan(3);
  });

  test("reads usage from the final chunks of a stream", () => {
    const tail = events(streamText).slice(-3).join("");
    expect(readOpenAIUsage(tail)).toEqual(STREAM_USAGE);
  });

  test("reads usage from the whole stream", () => {
    expect(readOpenAIUsage(streamText)).toEqual(STREAM_USAGE);
  });

  test('"usage":null chunks are skipped in favour of the last real usage object', () => {
    const all = events(streamText);
    const usageEvent = all.at(-2)!;
    const nullEvents = all.filter((e) => e.includes('"usage":null')).slice(-3);
    const text = [usageEvent, ...nullEvents, "data: [DONE]\n\n"].join("");
    expect(readOpenAIUsage(text)).toEqual(STREAM_USAGE);
  });

  test("only null usage, or none at all, reads as null", () => {
    const nullOnly = events(streamText).filter((e) => e.includes('"usage":null')).join("");
    expect(nullOnly.length).toBeGreaterThan(0);
    expect(readOpenAIUsage(nullOnly)).toBeNull();
    expect(readOpenAIUsage('{"id":"x","choices":[]}')).toBeNull();
    expect(readOpenAIUsage("")).toBeNull();
    expect(readOpenAIUsage('{"usage":{}}')).toBeNull();
  });

  test("reads a pretty-printed non-stream body (24 in, 8 out)", () => {
    expect(readOpenAIUsage(textNonStream)).toEqual({ inputTokens: 24, outputTokens: 8, cachedTokens: 0, reasoningTokens: 0 });
  });

  test("reads cached prompt tokens from a non-stream body", () => {
    const usage = JSON.parse(cacheNonStream).usage;
    expect(usage.prompt_tokens_details.cached_tokens).toBe(4012);
    expect(readOpenAIUsage(cacheNonStream)).toEqual({
      inputTokens: usage.prompt_tokens,
      outputTokens: usage.completion_tokens,
      cachedTokens: 4012,
      reasoningTokens: 0,
    });
  });

  test("fields missing from the usage object read as null", () => {
    expect(readOpenAIUsage('{"usage":{"prompt_tokens":7,"completion_tokens":3}}')).toEqual({
      inputTokens: 7,
      outputTokens: 3,
      cachedTokens: null,
      reasoningTokens: null,
    });
  });

  test("a later usage object wins over an earlier one", () => {
    const text =
      'data: {"usage":{"prompt_tokens":1,"completion_tokens":1}}\n\n' +
      'data: {"usage":{"prompt_tokens":10,"completion_tokens":20,"completion_tokens_details":{"reasoning_tokens":5}}}\n\n';
    expect(readOpenAIUsage(text)).toEqual({ inputTokens: 10, outputTokens: 20, cachedTokens: null, reasoningTokens: 5 });
  });

  test("usage-like text inside message content does not count", () => {
    const text = JSON.stringify({ choices: [{ message: { content: 'see "usage": {"prompt_tokens": 999}' } }] });
    expect(readOpenAIUsage(text)).toBeNull();
  });
});

describe("readOpenAIUsageFromChunks", () => {
  test("no chunks read as null", () => {
    expect(readOpenAIUsageFromChunks([])).toBeNull();
  });

  test("joins chunks split at every offset inside the final usage event", () => {
    const usageAt = streamText.lastIndexOf('"usage":{');
    const start = Buffer.byteLength(streamText.slice(0, usageAt)) - 20;
    const end = streamBytes.byteLength;
    for (let offset = start; offset <= end; offset++) {
      expect(readOpenAIUsageFromChunks(splitAt(streamBytes, [offset]))).toEqual(STREAM_USAGE);
    }
  });

  test("joins chunks split in the middle of numbers", () => {
    const text = streamText;
    const mid53 = Buffer.byteLength(text.slice(0, text.indexOf('"prompt_tokens":53') + '"prompt_tokens":5'.length));
    const mid15 = Buffer.byteLength(text.slice(0, text.indexOf('"completion_tokens":15') + '"completion_tokens":1'.length));
    const chunks = splitAt(streamBytes, [mid53, mid15]);
    expect(new TextDecoder().decode(chunks[1]!).startsWith("3,")).toBe(true);
    expect(readOpenAIUsageFromChunks(chunks)).toEqual(STREAM_USAGE);
  });

  test("joins many small chunks, including one-byte chunks, from the stream tail", () => {
    const tail = streamBytes.subarray(streamBytes.byteLength - 900);
    const oneByte = Array.from(tail, (_, i) => tail.subarray(i, i + 1));
    expect(readOpenAIUsageFromChunks(oneByte)).toEqual(STREAM_USAGE);
    const sevens = splitAt(tail, Array.from({ length: Math.floor(tail.byteLength / 7) }, (_, i) => (i + 1) * 7));
    expect(readOpenAIUsageFromChunks(sevens)).toEqual(STREAM_USAGE);
  });

  test("decodes multi-byte characters split across chunks", () => {
    const text = 'data: {"choices":[{"delta":{"content":"café ✓"}}],"usage":{"prompt_tokens":12,"completion_tokens":4}}\n\n';
    const bytes = new TextEncoder().encode(text);
    const inside = new TextEncoder().encode('data: {"choices":[{"delta":{"content":"caf').byteLength + 1;
    expect(readOpenAIUsageFromChunks(splitAt(bytes, [inside]))).toEqual({
      inputTokens: 12,
      outputTokens: 4,
      cachedTokens: null,
      reasoningTokens: null,
    });
  });

  test("reads the pretty-printed non-stream bodies split into chunks", () => {
    const bytes = new TextEncoder().encode(cacheNonStream);
    const chunks = splitAt(bytes, [1, 100, bytes.byteLength - 50, bytes.byteLength - 3]);
    expect(readOpenAIUsageFromChunks(chunks)?.cachedTokens).toBe(4012);
  });
});
