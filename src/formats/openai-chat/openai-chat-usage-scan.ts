import type { IRUsage } from "../../ir/ir-types";
import { readOpenAIUsage } from "./openai-chat-usage";

/** Usage of a passed-through Chat body, in the IR's terms. */
export function scanOpenAIChatUsage(_head: () => string, tail: string): IRUsage | null {
  const usage = readOpenAIUsage(tail);
  if (!usage) return null;
  return {
    inputTokens: usage.inputTokens ?? 0,
    outputTokens: usage.outputTokens ?? 0,
    cachedInputTokens: usage.cachedTokens ?? 0,
    reasoningTokens: usage.reasoningTokens ?? 0,
  };
}
