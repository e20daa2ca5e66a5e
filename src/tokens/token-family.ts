/**
 * Which tokenizer/prompt-template family an upstream belongs to, and what model ids tell us about it.
 * Unknown or aliased model ids resolve to the newer, costlier behaviour: an overcount is harmless, an
 * undercount makes clients compact too late.
 */

export type TokenFamily = "anthropic" | "openai" | "gemini";

/** Claude model generation as major*100+minor (claude-sonnet-4-5 → 405, claude-3-5-haiku → 305), if recognisable. */
export function claudeGeneration(model: string): number | undefined {
  // Name-first (claude-opus-4-8, claude-sonnet-4-20250514) and number-first (claude-3-5-sonnet) ids; a
  // following 8-digit date is not a minor version.
  const match = /claude-(?:(?:opus|sonnet|haiku|instant)-)?(\d{1,2})(?:[-.](\d{1,2})(?!\d))?/i.exec(model);
  if (!match) return undefined;
  return Number(match[1]) * 100 + Number(match[2] ?? 0);
}

/**
 * Claude Opus 4.7 introduced a tokenizer that yields 1.0–1.35× more tokens for the same text, and native
 * image resolution up to 2576 px; both carry over to later models.
 */
export function usesClaudeNewTokenizer(model: string): boolean {
  const generation = claudeGeneration(model);
  return generation === undefined || generation >= 407;
}

export function usesClaudeHighResVision(model: string): boolean {
  return usesClaudeNewTokenizer(model);
}

/** Gemini 3 and later price media by resolution budgets (1120 tokens per image by default). */
export function isGemini3OrLater(model: string): boolean {
  const match = /gemini-(\d+)/i.exec(model);
  return match === null || Number(match[1]) >= 3;
}
