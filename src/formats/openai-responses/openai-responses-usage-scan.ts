import type { IRUsage } from "../../ir/ir-types";
import { scanUsageObject } from "../shared/usage-scan";

const FIELDS = ["input_tokens", "output_tokens", "cached_tokens", "reasoning_tokens"] as const;

/** Usage of a passed-through Responses body: it closes the final response object (response.completed). */
export function scanOpenAIResponsesUsage(_head: () => string, tail: string): IRUsage | null {
  const found = scanUsageObject(tail, "usage", FIELDS);
  if (!found || found.input_tokens === undefined) return null;
  return {
    inputTokens: found.input_tokens,
    outputTokens: found.output_tokens ?? 0,
    cachedInputTokens: found.cached_tokens ?? 0,
    reasoningTokens: found.reasoning_tokens ?? 0,
  };
}
