import type { IRCacheControl, IRReasoning, IRReasoningEffort, IRRequest } from "../../ir/ir-types";
import { isObject, optionalNumber, type JsonObject } from "./anthropic-json";

/**
 * What an Anthropic request keeps in `IRRequest.extensions.fields` so the Anthropic encoder can restore it:
 * - every top-level field the IR has no place for, verbatim (context_management, safeguards, container, …);
 * - the original `tools`, `thinking`, `output_config`, `output_format` and `metadata`: the IR holds what it
 *   can of them and the encoder merges back the sub-fields it cannot (server tools, `defer_loading`,
 *   `display`, …) — these keys are never copied blindly;
 * - SIDE_CHANNEL_KEY: block-level data the IR parts lack a field for, keyed by tool_use id.
 */
export const MERGED_KEYS: ReadonlySet<string> = new Set(["tools", "thinking", "output_config", "output_format", "metadata"]);

/** Not an Anthropic field name (they never start with "_"), so it can never collide with one. */
export const SIDE_CHANNEL_KEY = "_omr_blocks";

export interface AnthropicBlockSideChannel {
  /** `cache_control` on tool_use blocks (IR tool calls carry none), by tool_use id. */
  toolUseCacheControl?: Record<string, IRCacheControl>;
  /** tool_result content with blocks the IR cannot hold (tool_reference, document, search_result), by tool_use_id. */
  toolResultContent?: Record<string, unknown[]>;
}

export function readSideChannel(fields: JsonObject | undefined): AnthropicBlockSideChannel {
  const raw = fields?.[SIDE_CHANNEL_KEY];
  if (!isObject(raw)) return {};
  const side: AnthropicBlockSideChannel = {};
  if (isObject(raw.toolUseCacheControl)) side.toolUseCacheControl = raw.toolUseCacheControl as Record<string, IRCacheControl>;
  if (isObject(raw.toolResultContent)) side.toolResultContent = raw.toolResultContent as Record<string, unknown[]>;
  return side;
}

/** The Anthropic-owned extension fields of a request, if it came from an Anthropic client. */
export function anthropicExtensionFields(request: IRRequest): JsonObject | undefined {
  return request.extensions?.format === "anthropic" ? request.extensions.fields : undefined;
}

const EFFORTS: ReadonlySet<string> = new Set(["none", "minimal", "low", "medium", "high", "xhigh", "max"]);

export function readEffort(outputConfig: unknown): IRReasoningEffort | undefined {
  if (!isObject(outputConfig)) return undefined;
  const effort = outputConfig.effort;
  return typeof effort === "string" && EFFORTS.has(effort) ? (effort as IRReasoningEffort) : undefined;
}

/**
 * `thinking` + `output_config.effort` → IR reasoning. An effort without a thinking config still asks for a
 * reasoning depth, so it reads as enabled (what OpenAI's reasoning_effort means).
 */
export function decodeReasoning(thinking: unknown, outputConfig: unknown): IRReasoning | undefined {
  const effort = readEffort(outputConfig);
  if (!isObject(thinking)) return effort !== undefined ? { enabled: true, effort } : undefined;
  const reasoning: IRReasoning = { enabled: thinking.type !== "disabled" };
  if (thinking.type === "adaptive") reasoning.adaptive = true;
  const budget = optionalNumber(thinking.budget_tokens);
  if (thinking.type === "enabled" && budget !== undefined) reasoning.budgetTokens = budget;
  if (effort !== undefined) reasoning.effort = effort;
  if (thinking.display === "omitted") reasoning.includeThoughts = false;
  else if (thinking.display === "summarized") reasoning.includeThoughts = true;
  return reasoning;
}

export function sameReasoning(a: IRReasoning | undefined, b: IRReasoning | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.enabled === b.enabled &&
    a.effort === b.effort &&
    a.budgetTokens === b.budgetTokens &&
    a.adaptive === b.adaptive &&
    a.includeThoughts === b.includeThoughts
  );
}
