/**
 * Per-family correction constants that turn o200k_base counts into the provider's own count. Calibrated
 * against every recorded request/usage pair in the shared fixtures (test/unit/tokens/calibration.test.ts):
 * the goal is never to undercount by more than 10%, so the constants sit at the top of what was observed.
 */
import type { TokenFamily } from "./token-family";
import { usesClaudeNewTokenizer } from "./token-family";

export interface FamilyProfile {
  /** Multiplies o200k counts of all text (messages, tool JSON, ids). */
  textFactor: number;
  /** Once per request (prompt priming). */
  requestTokens: number;
  /** Per message, the system block counting as one (role markers, separators). */
  messageTokens: number;
  /** Extra, once, when the request has leading system instructions. */
  systemTokens: number;
  /** Once when reasoning is switched on (Anthropic adds a thinking system prompt). */
  reasoningPromptTokens: number;
  /** Once when tools are declared (Anthropic injects a tool-use system prompt). */
  toolsPromptTokens: number;
  /** Per declared tool, on top of its name, description and schema text. */
  toolDefinitionTokens: number;
  /** Share of a tool's JSON-schema text that counts (Gemini renders schemas far more compactly than JSON). */
  toolSchemaWeight: number;
  /** Per tool call / tool result part, on top of their text. */
  toolCallTokens: number;
  toolResultTokens: number;
  /** Whether tool-call ids are rendered into the prompt (Anthropic's tool_use ids are). */
  countToolIds: boolean;
  /** Once when a JSON schema response format is requested (structured-output instructions). */
  structuredOutputTokens: number;
  /** Share of the response schema's text that counts (Gemini counts schemas far more compactly). */
  responseSchemaWeight: number;
  /**
   * Reasoning replayed as an opaque signature is re-expanded upstream and billed as input (Gemini
   * thoughtSignature, Responses encrypted_content): estimated as signature characters / this. 0 = not counted.
   */
  signatureCharsPerToken: number;
}

const ANTHROPIC: Omit<FamilyProfile, "textFactor"> = {
  requestTokens: 3,
  messageTokens: 3,
  systemTokens: 0,
  // Extended thinking adds ≈30 tokens (thinking-nonstream: 43 reported for a 7-token question).
  reasoningPromptTokens: 32,
  // Documented tool-use system prompt is 313–346 tokens for Claude 4.x, but recordings show up to ≈500
  // (tool-stream-raw.turn1: 542 for a 7-token question and one empty tool).
  toolsPromptTokens: 470,
  toolDefinitionTokens: 10,
  toolSchemaWeight: 1,
  toolCallTokens: 10,
  toolResultTokens: 8,
  // tool_use ids (`toolu_…`, ≈20 tokens each) are part of the rendered prompt, in calls and in results.
  countToolIds: true,
  // output_config.format adds structured-output instructions
  // (structured-output-strict: 222 reported for ≈75 tokens of question and schema).
  structuredOutputTokens: 140,
  responseSchemaWeight: 1,
  signatureCharsPerToken: 0,
};

/**
 * Claude ≤ 4.6 tokenizer vs o200k: plain English in the recordings is ≈1.04× (usage-cache-write), but
 * published comparisons put code at ≈1.3× and math at ≈1.2×; 1.25 keeps code within 10%.
 */
const CLAUDE_LEGACY_TEXT_FACTOR = 1.25;
/**
 * Claude Opus 4.7+ tokenizer: 1.0–1.35× the old one. Recorded digit-heavy prose on claude-opus-4-8 is 1.42×
 * o200k (usage-cache-read); 1.6 covers code on the new tokenizer too.
 */
const CLAUDE_NEW_TEXT_FACTOR = 1.6;

/**
 * OpenAI models use o200k itself, but OpenAI-format upstreams also serve Llama/Qwen/DeepSeek models whose
 * tokenizers count ≈5–10% more on English; hence 1.1 rather than 1.
 */
const OPENAI: FamilyProfile = {
  textFactor: 1.1,
  requestTokens: 3,
  messageTokens: 4,
  // Responses `instructions` cost more than a Chat system message (instructions-nonstream: 42 vs 24).
  systemTokens: 14,
  reasoningPromptTokens: 0,
  toolsPromptTokens: 12,
  toolDefinitionTokens: 8,
  toolSchemaWeight: 1,
  toolCallTokens: 6,
  toolResultTokens: 4,
  countToolIds: false,
  structuredOutputTokens: 10,
  responseSchemaWeight: 1,
  // Responses encrypted_content re-expands to the original reasoning: 9,573 chars ↔ 1,792 tokens (5.3).
  signatureCharsPerToken: 5,
};

/** Gemini's SentencePiece vocabulary counts English text about like o200k (text-stream-raw: 13 vs 13). */
const GEMINI: FamilyProfile = {
  textFactor: 1.1,
  requestTokens: 0,
  messageTokens: 1,
  systemTokens: 0,
  reasoningPromptTokens: 0,
  // Declaring tools costs ≈15–25 tokens even for one empty function (tool-json-array-stream.turn1: 32 for a
  // 6-token question and one parameterless function).
  toolsPromptTokens: 16,
  toolDefinitionTokens: 3,
  // Function declarations and response schemas are counted far below their JSON size
  // (tool-nonstream.turn1: 33 tokens for a question and two declarations worth ≈70 o200k tokens of JSON).
  toolSchemaWeight: 0.35,
  toolCallTokens: 3,
  toolResultTokens: 3,
  countToolIds: false,
  structuredOutputTokens: 4,
  responseSchemaWeight: 0.35,
  // thoughtSignature re-expands to the earlier thoughts: 1,409 chars ↔ 202 thought tokens (7.0).
  signatureCharsPerToken: 6.5,
};

/** Redacted Claude thinking is encrypted reasoning that is billed again; estimated like other signatures. */
export const CLAUDE_REDACTED_CHARS_PER_TOKEN = 6;

export function familyProfile(family: TokenFamily, model: string): FamilyProfile {
  switch (family) {
    case "anthropic":
      return {
        ...ANTHROPIC,
        textFactor: usesClaudeNewTokenizer(model) ? CLAUDE_NEW_TEXT_FACTOR : CLAUDE_LEGACY_TEXT_FACTOR,
      };
    case "openai":
      return OPENAI;
    case "gemini":
      return GEMINI;
  }
}
