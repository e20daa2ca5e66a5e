import type { IRUsage } from "../../ir/ir-types";
import { scanUsageObject } from "../shared/usage-scan";

const FIELDS = ["input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"] as const;

/**
 * Usage of a passed-through Anthropic body from its retained head and tail text. Input counts come from
 * `message_start` (head) unless the final `message_delta` repeats them (tail, newer API versions);
 * output tokens from the last, cumulative, usage object.
 */
export function scanAnthropicUsage(head: () => string, tail: string): IRUsage | null {
  const last = scanUsageObject(tail, "usage", FIELDS);
  const first = last?.input_tokens === undefined ? scanUsageObject(head(), "usage", FIELDS) : null;
  if (!last && !first) return null;
  const pick = (field: (typeof FIELDS)[number]) => last?.[field] ?? first?.[field] ?? 0;
  const cacheRead = pick("cache_read_input_tokens");
  const cacheWrite = pick("cache_creation_input_tokens");
  return {
    inputTokens: pick("input_tokens") + cacheRead + cacheWrite,
    outputTokens: pick("output_tokens"),
    cachedInputTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
  };
}
