import type { IRUsage } from "../../ir/ir-types";
import type { JsonObject } from "./gemini-json";

/**
 * Gemini usageMetadata ↔ IR usage. Gemini's candidatesTokenCount excludes thoughts and promptTokenCount
 * includes cached tokens; the IR counts input with cache, output with reasoning (OpenAI's convention).
 */
export function decodeGeminiUsage(metadata: JsonObject): IRUsage {
  const prompt = count(metadata.promptTokenCount) ?? 0;
  const toolUsePrompt = count(metadata.toolUsePromptTokenCount) ?? 0;
  const candidates = count(metadata.candidatesTokenCount) ?? 0;
  const thoughts = count(metadata.thoughtsTokenCount);
  const cached = count(metadata.cachedContentTokenCount);
  const usage: IRUsage = { inputTokens: prompt + toolUsePrompt, outputTokens: candidates + (thoughts ?? 0) };
  if (cached !== undefined) usage.cachedInputTokens = cached;
  if (thoughts !== undefined) usage.reasoningTokens = thoughts;
  return usage;
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/** IR usage → usageMetadata (tool-use prompt tokens cannot be told apart any more: they stay in the prompt). */
export function encodeGeminiUsage(usage: IRUsage): JsonObject {
  const reasoning = usage.reasoningTokens ?? 0;
  const metadata: JsonObject = {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: Math.max(0, usage.outputTokens - reasoning),
    totalTokenCount: usage.inputTokens + Math.max(usage.outputTokens, reasoning),
  };
  if (usage.cachedInputTokens) metadata.cachedContentTokenCount = usage.cachedInputTokens;
  if (reasoning > 0) metadata.thoughtsTokenCount = reasoning;
  return metadata;
}

/** Cheap equality for suppressing repeated usage events (Gemini repeats usageMetadata on every chunk). */
export function sameUsage(a: IRUsage | undefined, b: IRUsage): boolean {
  return (
    a !== undefined &&
    a.inputTokens === b.inputTokens &&
    a.outputTokens === b.outputTokens &&
    a.cachedInputTokens === b.cachedInputTokens &&
    a.reasoningTokens === b.reasoningTokens &&
    a.cacheWriteTokens === b.cacheWriteTokens
  );
}
