import type { IRUsage } from "../../ir/ir-types";
import { scanUsageObject } from "../shared/usage-scan";

const FIELDS = ["promptTokenCount", "candidatesTokenCount", "thoughtsTokenCount", "cachedContentTokenCount", "toolUsePromptTokenCount"] as const;

/** Usage of a passed-through Gemini body: every chunk carries running totals, so the last one is final. */
export function scanGeminiUsage(_head: () => string, tail: string): IRUsage | null {
  const found = scanUsageObject(tail, "usageMetadata", FIELDS);
  if (!found) return null;
  const thoughts = found.thoughtsTokenCount ?? 0;
  return {
    inputTokens: (found.promptTokenCount ?? 0) + (found.toolUsePromptTokenCount ?? 0),
    outputTokens: (found.candidatesTokenCount ?? 0) + thoughts,
    cachedInputTokens: found.cachedContentTokenCount ?? 0,
    reasoningTokens: thoughts,
  };
}
