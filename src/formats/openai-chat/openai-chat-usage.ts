/** Token usage as reported by an OpenAI-format upstream. */
export interface TokenUsage {
  inputTokens: number | null;
  outputTokens: number | null;
  cachedTokens: number | null;
  reasoningTokens: number | null;
}

const decoder = new TextDecoder();

function lastNumber(text: string, field: string): number | null {
  const pattern = new RegExp(`"${field}"\\s*:\\s*(\\d+)`, "g");
  let match: RegExpExecArray | null;
  let value: number | null = null;
  while ((match = pattern.exec(text)) !== null) value = Number(match[1]);
  return value;
}

/**
 * Reads usage from the last `"usage": {…}` object in a text window, without parsing the whole document:
 * in streams it sits in the final chunk, in non-stream bodies at the end. Returns null when there is none.
 */
export function readOpenAIUsage(text: string): TokenUsage | null {
  let at = text.lastIndexOf('"usage"');
  while (at !== -1) {
    const window = text.slice(at, at + 1200);
    if (/^"usage"\s*:\s*\{/.test(window)) {
      const inputTokens = lastNumber(window, "prompt_tokens");
      const outputTokens = lastNumber(window, "completion_tokens");
      if (inputTokens !== null || outputTokens !== null) {
        return {
          inputTokens,
          outputTokens,
          cachedTokens: lastNumber(window, "cached_tokens"),
          reasoningTokens: lastNumber(window, "reasoning_tokens"),
        };
      }
    }
    at = text.lastIndexOf('"usage"', at - 1);
  }
  return null;
}

/** Decodes the retained tail chunks of a body (a few KB) and reads usage from them. */
export function readOpenAIUsageFromChunks(chunks: readonly Uint8Array[]): TokenUsage | null {
  if (chunks.length === 0) return null;
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
