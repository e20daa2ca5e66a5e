import { describe, expect, test } from "bun:test";
import {
  CLAUDE_HIGH_RES_MAX_IMAGE_TOKENS,
  CLAUDE_MAX_IMAGE_TOKENS,
  GEMINI_3_IMAGE_TOKENS,
  imageTokenCost,
} from "../../../src/tokens/image-token-cost";
import { claudeGeneration, isGemini3OrLater, usesClaudeNewTokenizer } from "../../../src/tokens/token-family";

const size = (width: number, height: number) => ({ width, height });

describe("Anthropic images", () => {
  const legacy = "claude-sonnet-4-5";
  test("≈ width·height/750", () => {
    expect(imageTokenCost("anthropic", legacy, size(200, 200))).toBe(54);
    expect(imageTokenCost("anthropic", legacy, size(1000, 1000))).toBe(1334);
  });

  test("long edge scaled to 1568 px, capped near 1,600", () => {
    // 3136×784 → 1568×392 → 820 tokens.
    expect(imageTokenCost("anthropic", legacy, size(3136, 784))).toBe(820);
    expect(imageTokenCost("anthropic", legacy, size(4000, 3000))).toBe(CLAUDE_MAX_IMAGE_TOKENS);
  });

  test("unknown size (URL image) costs the maximum", () => {
    expect(imageTokenCost("anthropic", legacy, undefined)).toBe(CLAUDE_MAX_IMAGE_TOKENS);
  });

  test("Opus 4.7+ (and unknown models): 28-px patches, up to 2576 px, higher cap", () => {
    expect(imageTokenCost("anthropic", "claude-opus-4-8", size(1000, 1000))).toBe(36 * 36);
    expect(imageTokenCost("anthropic", "claude-opus-4-8", size(8000, 8000))).toBe(CLAUDE_HIGH_RES_MAX_IMAGE_TOKENS);
    expect(imageTokenCost("anthropic", "my-alias", undefined)).toBe(CLAUDE_HIGH_RES_MAX_IMAGE_TOKENS);
  });
});

describe("OpenAI images (tile rule)", () => {
  test("detail low is a flat 85", () => {
    expect(imageTokenCost("openai", "gpt-4o", size(4000, 4000), "low")).toBe(85);
  });

  test("85 + 170 per 512-px tile after fitting 2048 and shrinking the short side to 768", () => {
    expect(imageTokenCost("openai", "gpt-4o", size(512, 512))).toBe(85 + 170);
    expect(imageTokenCost("openai", "gpt-4o", size(540, 360))).toBe(85 + 170 * 2);
    // 1024×1024 → 768×768 → 4 tiles.
    expect(imageTokenCost("openai", "gpt-4o", size(1024, 1024))).toBe(765);
    // 2048×4096 → 1024×2048 → 768×1536 → 2×3 tiles.
    expect(imageTokenCost("openai", "gpt-4o", size(2048, 4096))).toBe(85 + 170 * 6);
  });

  test("unknown size is the rule's maximum (8 tiles)", () => {
    expect(imageTokenCost("openai", "gpt-4o", undefined)).toBe(85 + 170 * 8);
  });

  test("gpt-4o-mini reports inflated image tokens", () => {
    expect(imageTokenCost("openai", "gpt-4o-mini", size(512, 512))).toBe(2833 + 5667);
  });
});

describe("Gemini images", () => {
  test("Gemini 2.x: 258 for small images, 258 per crop tile for larger", () => {
    expect(imageTokenCost("gemini", "gemini-2.5-flash", size(384, 384))).toBe(258);
    // 1536×1536: unit = min(768, 1536/1.5=1024) = 768 → 2×2 tiles.
    expect(imageTokenCost("gemini", "gemini-2.5-flash", size(1536, 1536))).toBe(258 * 4);
  });

  test("Gemini 3 (and unknown models / unknown size): the default media-resolution budget", () => {
    expect(imageTokenCost("gemini", "gemini-3-pro-preview", size(100, 100))).toBe(GEMINI_3_IMAGE_TOKENS);
    expect(imageTokenCost("gemini", "gemini-2.5-flash", undefined)).toBe(GEMINI_3_IMAGE_TOKENS);
  });
});

describe("model id parsing", () => {
  test("Claude generations from every id style", () => {
    expect(claudeGeneration("claude-3-opus-latest")).toBe(300);
    expect(claudeGeneration("claude-3-5-sonnet-20241022")).toBe(305);
    expect(claudeGeneration("claude-sonnet-4-20250514")).toBe(400);
    expect(claudeGeneration("claude-haiku-4-5-20251001")).toBe(405);
    expect(claudeGeneration("anthropic/claude-opus-4.8")).toBe(408);
    expect(claudeGeneration("anthropic.claude-3-5-sonnet-20240620-v1:0")).toBe(305);
    expect(claudeGeneration("gpt-4o")).toBeUndefined();
  });

  test("the new Claude tokenizer from Opus 4.7 on, and for unknown ids", () => {
    expect(usesClaudeNewTokenizer("claude-opus-4-6")).toBe(false);
    expect(usesClaudeNewTokenizer("claude-opus-4-7")).toBe(true);
    expect(usesClaudeNewTokenizer("claude-opus-5-5")).toBe(true);
    expect(usesClaudeNewTokenizer("mock/mock-model")).toBe(true);
  });

  test("Gemini 3 detection", () => {
    expect(isGemini3OrLater("gemini-2.5-flash")).toBe(false);
    expect(isGemini3OrLater("models/gemini-3-flash-preview")).toBe(true);
    expect(isGemini3OrLater("something-else")).toBe(true);
  });
});
