import type { IRUsage } from "../../ir/ir-types";
import { isObject, optionalNumber } from "./anthropic-json";

/** Anthropic's own usage counters, as last reported (streams report them cumulatively, in pieces). */
export interface AnthropicUsageCounts {
  input?: number;
  output?: number;
  cacheRead?: number;
  cacheWrite?: number;
  thinking?: number;
}

/** Folds the counters present in an Anthropic `usage` object into `counts` (absent or null fields keep their value). */
export function readAnthropicUsage(raw: unknown, counts: AnthropicUsageCounts): boolean {
  if (!isObject(raw)) return false;
  let any = false;
  const input = optionalNumber(raw.input_tokens);
  if (input !== undefined) {
    counts.input = input;
    any = true;
  }
  const output = optionalNumber(raw.output_tokens);
  if (output !== undefined) {
    counts.output = output;
    any = true;
  }
  const cacheRead = optionalNumber(raw.cache_read_input_tokens);
  if (cacheRead !== undefined) {
    counts.cacheRead = cacheRead;
    any = true;
  }
  const cacheWrite = optionalNumber(raw.cache_creation_input_tokens);
  if (cacheWrite !== undefined) {
    counts.cacheWrite = cacheWrite;
    any = true;
  }
  const details = raw.output_tokens_details;
  if (isObject(details)) {
    const thinking = optionalNumber(details.thinking_tokens);
    if (thinking !== undefined) {
      counts.thinking = thinking;
      any = true;
    }
  }
  return any;
}

/** Anthropic counters → IR convention: input includes cache reads and cache writes. */
export function anthropicUsageToIR(counts: AnthropicUsageCounts): IRUsage {
  const usage: IRUsage = {
    inputTokens: (counts.input ?? 0) + (counts.cacheRead ?? 0) + (counts.cacheWrite ?? 0),
    outputTokens: counts.output ?? 0,
  };
  if (counts.cacheRead !== undefined) usage.cachedInputTokens = counts.cacheRead;
  if (counts.cacheWrite !== undefined) usage.cacheWriteTokens = counts.cacheWrite;
  if (counts.thinking !== undefined) usage.reasoningTokens = counts.thinking;
  return usage;
}

/** Non-cached input tokens, the way Anthropic counts `input_tokens` (never negative). */
export function uncachedInputTokens(usage: IRUsage): number {
  return Math.max(0, usage.inputTokens - (usage.cachedInputTokens ?? 0) - (usage.cacheWriteTokens ?? 0));
}

/** IR usage → Anthropic `usage` object. Cache and thinking fields appear only when the IR knows them. */
export function irUsageToAnthropic(usage: IRUsage | undefined): Record<string, unknown> {
  if (!usage) return { input_tokens: 0, output_tokens: 0 };
  const out: Record<string, unknown> = { input_tokens: uncachedInputTokens(usage) };
  if (usage.cacheWriteTokens !== undefined) out.cache_creation_input_tokens = usage.cacheWriteTokens;
  if (usage.cachedInputTokens !== undefined) out.cache_read_input_tokens = usage.cachedInputTokens;
  out.output_tokens = usage.outputTokens;
  if (usage.reasoningTokens !== undefined) out.output_tokens_details = { thinking_tokens: usage.reasoningTokens };
  return out;
}
