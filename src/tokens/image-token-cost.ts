/**
 * What one image costs in input tokens, per provider family, from its pixel size. Formulas follow each
 * provider's published rule; when the size is unknown (URL or file-id images) the family's maximum is used,
 * because undercounting is the harmful direction (clients compact their context too late).
 */
import type { ImageDimensions } from "./image-dimensions";
import type { TokenFamily } from "./token-family";
import { isGemini3OrLater, usesClaudeHighResVision } from "./token-family";

/** Claude ≤ 4.6: long edge scaled to 1568 px, ≈ w·h/750 tokens, capped near 1,600 (≈1.15 MP). */
export const CLAUDE_MAX_IMAGE_TOKENS = 1600;
const CLAUDE_MAX_EDGE = 1568;
/** Claude Opus 4.7 and later: 28-px patches, long edge up to 2576 px, about three times the old cap. */
export const CLAUDE_HIGH_RES_MAX_IMAGE_TOKENS = 4784;
const CLAUDE_HIGH_RES_MAX_EDGE = 2576;
const CLAUDE_HIGH_RES_PATCH = 28;

/** OpenAI tile rule (GPT-4o, GPT-4.1, GPT-5, o-series): 85 base + 170 per 512-px tile; `detail:"low"` = 85. */
const OPENAI_BASE = 85;
const OPENAI_PER_TILE = 170;
/** gpt-4o-mini reports images with inflated token counts (same price, cheaper tokens). */
const OPENAI_MINI_BASE = 2833;
const OPENAI_MINI_PER_TILE = 5667;

/** Gemini 1.5/2.x: 258 per image when both sides ≤ 384 px, else 258 per crop tile. */
const GEMINI_TILE_TOKENS = 258;
/** Gemini 3 default (high) media resolution budget per image; also the unknown-size default. */
export const GEMINI_3_IMAGE_TOKENS = 1120;

export function imageTokenCost(
  family: TokenFamily,
  model: string,
  size: ImageDimensions | undefined,
  detail?: string,
): number {
  switch (family) {
    case "anthropic":
      return claudeImageTokens(size, usesClaudeHighResVision(model));
    case "openai":
      return openAIImageTokens(size, detail, /gpt-4o-mini/.test(model));
    case "gemini":
      return geminiImageTokens(size, isGemini3OrLater(model));
  }
}

function claudeImageTokens(size: ImageDimensions | undefined, highRes: boolean): number {
  const cap = highRes ? CLAUDE_HIGH_RES_MAX_IMAGE_TOKENS : CLAUDE_MAX_IMAGE_TOKENS;
  if (!size) return cap;
  const maxEdge = highRes ? CLAUDE_HIGH_RES_MAX_EDGE : CLAUDE_MAX_EDGE;
  const scale = Math.min(1, maxEdge / Math.max(size.width, size.height));
  const width = size.width * scale;
  const height = size.height * scale;
  const tokens = highRes
    ? Math.ceil(width / CLAUDE_HIGH_RES_PATCH) * Math.ceil(height / CLAUDE_HIGH_RES_PATCH)
    : Math.ceil((width * height) / 750);
  return Math.min(cap, Math.max(1, tokens));
}

function openAIImageTokens(size: ImageDimensions | undefined, detail: string | undefined, mini: boolean): number {
  const base = mini ? OPENAI_MINI_BASE : OPENAI_BASE;
  const perTile = mini ? OPENAI_MINI_PER_TILE : OPENAI_PER_TILE;
  if (detail === "low") return base;
  // Unknown size: the largest the rule can produce (768×2048 after scaling → 2×4 tiles).
  if (!size) return base + perTile * 8;
  let width = size.width;
  let height = size.height;
  const fit = Math.min(1, 2048 / Math.max(width, height));
  width *= fit;
  height *= fit;
  const shrink = Math.min(1, 768 / Math.min(width, height));
  width *= shrink;
  height *= shrink;
  const tiles = Math.ceil(width / 512) * Math.ceil(height / 512);
  return base + perTile * tiles;
}

function geminiImageTokens(size: ImageDimensions | undefined, gemini3: boolean): number {
  if (gemini3 || !size) return GEMINI_3_IMAGE_TOKENS;
  if (size.width <= 384 && size.height <= 384) return GEMINI_TILE_TOKENS;
  // Crop unit: the shorter side / 1.5, clamped to 256..768; one 258-token tile per crop.
  const unit = Math.min(768, Math.max(256, Math.floor(Math.min(size.width, size.height) / 1.5)));
  return GEMINI_TILE_TOKENS * Math.ceil(size.width / unit) * Math.ceil(size.height / unit);
}
