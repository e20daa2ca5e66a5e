/** Token usage as reported by an OpenAI-format upstream. */
export interface TokenUsage {
  inputTokens: number | null;
  outputTokens: number | null;
  cachedTokens: number | null;
  reasoningTokens: number | null;
}

const decoder = new TextDecoder();
const USAGE_START = /^"usage"\s*:\s*\{/;
// One pass over the usage object; the last occurrence of each field wins (cached/reasoning sit in *_details).
const USAGE_FIELD = /"(prompt_tokens|completion_tokens|cached_tokens|reasoning_tokens)"\s*:\s*(\d+)/g;

/**
 * Reads usage from the last `"usage": {…}` object in a text window, without parsing the whole document:
 * in streams it sits in the final chunk, in non-stream bodies at the end. Returns null when there is none.
 */
export function readOpenAIUsage(text: string): TokenUsage | null {
  let at = text.lastIndexOf('"usage"');
  while (at !== -1) {
    const window = text.slice(at, at + 1200);
    if (USAGE_START.test(window)) {
      const usage: TokenUsage = { inputTokens: null, outputTokens: null, cachedTokens: null, reasoningTokens: null };
      USAGE_FIELD.lastIndex = 0;
      let match: RegExpExecArray | null;
      while ((match = USAGE_FIELD.exec(window)) !== null) {
        const value = Number(match[2]);
        if (match[1] === "prompt_tokens") usage.inputTokens = value;
        else if (match[1] === "completion_tokens") usage.outputTokens = value;
        else if (match[1] === "cached_tokens") usage.cachedTokens = value;
        else usage.reasoningTokens = value;
      }
      if (usage.inputTokens !== null || usage.outputTokens !== null) return usage;
    }
    at = text.lastIndexOf('"usage"', at - 1);
  }
  return null;
}

/** Decodes the retained tail chunks of a body (a few KB) and reads usage from them. */
export function readOpenAIUsageFromChunks(chunks: readonly Uint8Array[]): TokenUsage | null {
  if (chunks.length === 0) return null;
  if (chunks.length === 1) return readOpenAIUsage(decoder.decode(chunks[0]));
  let total = 0;
  for (const chunk of chunks) total += chunk.byteLength;
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return readOpenAIUsage(decoder.decode(joined));
}
