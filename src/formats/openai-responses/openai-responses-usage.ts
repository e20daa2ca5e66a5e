import type { IRUsage } from "../../ir/ir-types";
import { isObject, optionalNumber } from "../shared/json";

/**
 * Responses usage already follows the IR convention: `input_tokens` includes cached (and cache-write) tokens,
 * `output_tokens` includes reasoning tokens. Returns undefined when the object carries no counts.
 */
export function decodeResponsesUsage(usage: unknown): IRUsage | undefined {
  if (!isObject(usage)) return undefined;
  const input = optionalNumber(usage.input_tokens);
  const output = optionalNumber(usage.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  const result: IRUsage = { inputTokens: input ?? 0, outputTokens: output ?? 0 };
  const inputDetails = usage.input_tokens_details;
  if (isObject(inputDetails)) {
    const cached = optionalNumber(inputDetails.cached_tokens);
    if (cached !== undefined) result.cachedInputTokens = cached;
    const written = optionalNumber(inputDetails.cache_write_tokens);
    if (written !== undefined) result.cacheWriteTokens = written;
  }
  const outputDetails = usage.output_tokens_details;
  if (isObject(outputDetails)) {
    const reasoning = optionalNumber(outputDetails.reasoning_tokens);
    if (reasoning !== undefined) result.reasoningTokens = reasoning;
  }
  return result;
}

/** The `usage` object a Responses client gets. Always complete: zeros where nothing is known. */
export function encodeResponsesUsage(usage: IRUsage | undefined): Record<string, unknown> {
  const input = usage?.inputTokens ?? 0;
  const output = usage?.outputTokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage?.cachedInputTokens ?? 0, cache_write_tokens: usage?.cacheWriteTokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage?.reasoningTokens ?? 0 },
    total_tokens: input + output,
  };
}
