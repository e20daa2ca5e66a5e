/**
 * The canonical representation every wire format is translated to and from. One adapter per format maps its
 * wire shapes onto these types (formats/<format>/), so N formats need N adapters, not N² translators.
 *
 * It keeps what the richest format carries — content blocks in order, thinking with its signatures,
 * cache_control marks — because collapsing everything to OpenAI Chat loses exactly what upstreams reject
 * a history without. This module imports nothing of ours.
 */

export type IRFormat = "openai-chat" | "openai-responses" | "anthropic" | "gemini";

/**
 * An opaque token an upstream needs back verbatim on a later turn: an Anthropic thinking `signature`, a Gemini
 * `thoughtSignature`, or an OpenAI Responses reasoning item's `encrypted_content`. Only the format that issued
 * it may ever receive it again; encoders for other formats drop it (or wrap it, see foreign-signature.ts).
 */
export interface IRSignature {
  format: IRFormat;
  value: string;
  /** The issuing item's id where the format needs it on replay (Responses reasoning `rs_…`). */
  itemId?: string;
}

/** A prompt-caching mark (`{type:"ephemeral", ttl?}`), carried as the client wrote it. */
export type IRCacheControl = Record<string, unknown>;

export type IRImageSource =
  | { kind: "base64"; mediaType: string; data: string }
  | { kind: "url"; url: string };

export interface IRTextPart {
  type: "text";
  text: string;
  cacheControl?: IRCacheControl;
  /** Gemini may sign a text part. */
  signature?: IRSignature;
}

export interface IRImagePart {
  type: "image";
  source: IRImageSource;
  /** OpenAI's `detail` (low/high/auto). */
  detail?: string;
  cacheControl?: IRCacheControl;
}

/** A document/file the user attached (PDF and the like). */
export interface IRFilePart {
  type: "file";
  source: IRImageSource | { kind: "file-id"; fileId: string };
  mediaType?: string;
  filename?: string;
  cacheControl?: IRCacheControl;
}

/** Model reasoning. `text` is the visible thinking (or summary); `signature` is what makes it replayable. */
export interface IRThinkingPart {
  type: "thinking";
  text: string;
  /**
   * Anthropic `redacted_thinking{data}` is a thinking part with empty text and the signature
   * `{format:"anthropic", itemId: REDACTED_THINKING_ITEM, value: data}`.
   */
  signature?: IRSignature;
}

export interface IRToolCallPart {
  type: "tool_call";
  /** Stable id. Where the upstream gave none (Gemini), one is synthesized with SYNTHETIC_TOOL_CALL_PREFIX. */
  id: string;
  name: string;
  /** Arguments as a JSON text (OpenAI's shape); "{}" when the call has none. */
  arguments: string;
  signature?: IRSignature;
  /** OpenAI Responses function_call item id (`fc_…`), kept for Responses → Responses replay. */
  itemId?: string;
}

export interface IRToolResultPart {
  type: "tool_result";
  toolCallId: string;
  /** Tool name when the format carries it (Gemini needs it; encoders look it up from the call otherwise). */
  name?: string;
  /** Plain text, or text/image parts. */
  content: string | Array<IRTextPart | IRImagePart>;
  isError?: boolean;
  cacheControl?: IRCacheControl;
}

export type IRPart = IRTextPart | IRImagePart | IRFilePart | IRThinkingPart | IRToolCallPart | IRToolResultPart;

/**
 * `system` messages inside the conversation keep their place (OpenAI allows them anywhere; Claude Code sends a
 * trailing one); instructions that lead the conversation live in `IRRequest.system` instead.
 * Tool results are parts of a `user` message, as in Anthropic and Gemini.
 */
export interface IRMessage {
  role: "system" | "user" | "assistant";
  content: IRPart[];
}

export interface IRTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
  strict?: boolean;
  cacheControl?: IRCacheControl;
}

export type IRToolChoice =
  | { type: "auto" }
  | { type: "none" }
  /** The model must call some tool. */
  | { type: "required" }
  | { type: "tool"; name: string };

export type IRReasoningEffort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh" | "max";

export interface IRReasoning {
  /** Whether reasoning is wanted at all; false means "turn it off" where the upstream allows. */
  enabled: boolean;
  effort?: IRReasoningEffort;
  /** Explicit budget (Anthropic `budget_tokens`, Gemini `thinkingBudget`; -1 = dynamic). */
  budgetTokens?: number;
  /** Anthropic `{type:"adaptive"}`. */
  adaptive?: boolean;
  /** Return the thinking text/summary (Gemini `includeThoughts`, Responses `summary`). */
  includeThoughts?: boolean;
}

export type IRResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; name?: string; schema: Record<string, unknown>; strict?: boolean; description?: string };

export interface IRRequest {
  /** The model id as it should reach the upstream (routing replaces the client's id before encoding). */
  model: string;
  system: IRTextPart[];
  messages: IRMessage[];
  tools: IRTool[];
  toolChoice?: IRToolChoice;
  parallelToolCalls?: boolean;
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  stopSequences?: string[];
  reasoning?: IRReasoning;
  responseFormat?: IRResponseFormat;
  stream: boolean;
  /** End-user id for abuse tracking (OpenAI `user`, Anthropic `metadata.user_id`). */
  user?: string;
  /** OpenAI Responses `previous_response_id`: resolved by the gateway before the request is encoded. */
  previousResponseId?: string;
  /**
   * Fields of the inbound format the IR has no place for, kept so the same format's encoder can restore them
   * (e.g. Anthropic `context_management`, Responses `prompt_cache_key`). Other formats ignore them.
   */
  extensions?: { format: IRFormat; fields: Record<string, unknown> };
}

export type IRFinishReason =
  | "stop"
  | "stop_sequence"
  | "length"
  | "tool_calls"
  | "content_filter"
  /** Anthropic `pause_turn` (server tools) and similar "call me again" ends. */
  | "pause"
  | "error"
  | "other";

/** Token counts in OpenAI's convention: input includes cached and cache-write tokens, output includes reasoning. */
export interface IRUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens?: number;
  cacheWriteTokens?: number;
  reasoningTokens?: number;
}

export interface IRResponse {
  id: string;
  model: string;
  /** Unix seconds. */
  created: number;
  /** Assistant output in order: thinking, text, tool calls. */
  content: Array<IRTextPart | IRThinkingPart | IRToolCallPart>;
  finishReason: IRFinishReason;
  stopSequence?: string;
  usage?: IRUsage;
  /** Refusal text when the model declined (OpenAI `refusal`). */
  refusal?: string;
}

/** What a failed upstream call becomes, ready to be rendered in the client's error shape. */
export interface IRError {
  status: number;
  /** Machine-readable kind, e.g. `rate_limit_error`, `invalid_request_error`, `overloaded_error`. */
  type: string;
  message: string;
  code?: string | null;
  param?: string | null;
}

/**
 * Streamed output, in order:
 *   start → (block_start → deltas → block_stop)* → usage* → finish → end
 * Blocks never interleave; `index` counts blocks of every kind from 0. `usage` may come at any point and is
 * cumulative (latest wins, missing fields keep their earlier value). `error` may replace everything after
 * `start` (or come first) and is followed only by `end`.
 */
export type IRStreamEvent =
  | { type: "start"; id: string; model: string; created: number; usage?: IRUsage }
  | { type: "block_start"; index: number; block: IRBlockStart }
  | { type: "text_delta"; index: number; text: string }
  | { type: "thinking_delta"; index: number; text: string }
  /** Arrives before block_stop; for Gemini it may come with any block kind. */
  | { type: "signature"; index: number; signature: IRSignature }
  | { type: "tool_args_delta"; index: number; json: string }
  | { type: "block_stop"; index: number }
  | { type: "usage"; usage: IRUsage }
  | { type: "finish"; reason: IRFinishReason; stopSequence?: string; refusal?: string }
  | { type: "error"; error: IRError }
  | { type: "end" };

export type IRBlockStart =
  | { kind: "text" }
  | { kind: "thinking" }
  | { kind: "tool_call"; id: string; name: string; itemId?: string };

/** `IRSignature.itemId` marking an Anthropic `redacted_thinking` block (its `data` is the signature value). */
export const REDACTED_THINKING_ITEM = "redacted_thinking";

/** Prefix of tool-call ids the gateway made up (Gemini sends none); encoders for Gemini leave them out. */
export const SYNTHETIC_TOOL_CALL_PREFIX = "call_omr";
