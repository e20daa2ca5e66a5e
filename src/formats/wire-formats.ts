import type { FormatAdapter } from "../ir/format-adapter";
import type { IRFormat, IRRequest, IRUsage } from "../ir/ir-types";
import type { ProviderQuirks } from "../providers/provider-schema";
import { replaceTopLevelStringField } from "../util/json-splice";
import { anthropicAdapter } from "./anthropic/anthropic-adapter";
import { scanAnthropicUsage } from "./anthropic/anthropic-usage-scan";
import { geminiAdapter } from "./gemini/gemini-adapter";
import { normalizeGeminiSchemas } from "./gemini/gemini-schema-normalize";
import { scanGeminiUsage } from "./gemini/gemini-usage-scan";
import { openAIChatAdapter } from "./openai-chat/openai-chat-adapter";
import { applyOpenAIChatQuirks, buildUpstreamChatBody, clientAskedForStreamUsage, withStreamUsage, type OpenAIChatRequest } from "./openai-chat/openai-chat-request";
import { scanOpenAIChatUsage } from "./openai-chat/openai-chat-usage-scan";
import { UsageChunkFilter } from "./openai-chat/usage-chunk-filter";
import { openAIResponsesAdapter } from "./openai-responses/openai-responses-adapter";
import { scanOpenAIResponsesUsage } from "./openai-responses/openai-responses-usage-scan";

/** Everything the gateway knows about one wire format: its adapter plus what byte pass-through needs. */
export interface WireFormat {
  adapter: FormatAdapter;
  /** Usage of a passed-through body, from the last few KB's text (and the first chunk's, decoded only if needed). */
  scanUsage(head: () => string, tail: string): IRUsage | null;
  /** The client's raw body made ready for an upstream of the same format: model swapped in, quirks applied. */
  passThroughBody(raw: string, body: Record<string, unknown>, upstreamModel: string, quirks: ProviderQuirks): string;
  /** Client request headers that carry meaning for an upstream of the same format (feature flags). */
  forwardedClientHeaders: readonly string[];
  /**
   * Recognises a stream that opens with an error instead of an answer (some providers answer 200 and put the
   * error in the first event), from the first bytes only, so pass-through can still fail over.
   */
  streamOpensWithError: RegExp;
  /** Text of the frame that ends a complete stream (a client may hang up right after it, before the upstream). */
  streamEndMarker: string | null;
  /**
   * The client asked for a deterministic answer — temperature explicitly 0, one candidate — so an identical
   * request may be answered from the response cache. Reads the body the client sent, in this format's fields.
   */
  isDeterministic(body: Record<string, unknown>): boolean;
  /**
   * Streams report usage only when asked (OpenAI Chat's `stream_options.include_usage`): the gateway always asks,
   * and takes the extra usage chunk out of what a client that did not ask receives. Absent: usage always comes.
   */
  streamUsage?: {
    clientAsked(body: Record<string, unknown>): boolean;
    ask(upstreamBody: string, body: Record<string, unknown>): string;
    createFilter(): { push(chunk: Uint8Array): Uint8Array; flush(): Uint8Array };
  };
  /** The format has a field for reasoning signatures, so its clients carry them across turns themselves. */
  carriesSignatures: boolean;
  /** The upstream cannot fetch image URLs: the gateway inlines them first. */
  needsInlineImages: boolean;
  /** How to ask this format's own token counter (when it has one) and read its answer. */
  countTokens?: {
    body(encoded: Record<string, unknown>, upstreamModel: string): Record<string, unknown>;
    read(answer: unknown): number | null;
  };
  /** Rewrites format dialects in a client's IR before it goes to an upstream of another format. */
  normalizeForTranslation?(request: IRRequest): void;
  /** Provider quirks applied to a translated request body for this format. */
  applyQuirks?(body: Record<string, unknown>, upstreamModel: string, quirks: ProviderQuirks): void;
}

/** Swaps `model` in the raw text; re-serialises only if the raw text cannot be spliced safely. */
function spliceModel(raw: string, body: Record<string, unknown>, upstreamModel: string): string {
  const current = body.model;
  if (current === upstreamModel) return raw;
  if (typeof current === "string") {
    const spliced = replaceTopLevelStringField(raw, "model", current, upstreamModel);
    if (spliced !== null) return spliced;
  }
  return JSON.stringify({ ...body, model: upstreamModel });
}

function pick(source: Record<string, unknown>, keys: readonly string[], extra: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...extra };
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

/** `n` / `candidateCount` absent, null or 1: more than one candidate is not one exact answer. */
const singleCandidate = (value: unknown) => value === undefined || value === null || value === 1;

/** `generationConfig.temperature` 0 and at most one candidate (Gemini). */
function geminiDeterministic(body: Record<string, unknown>): boolean {
  const config = body.generationConfig as Record<string, unknown> | null | undefined;
  return typeof config === "object" && config !== null && config.temperature === 0 && singleCandidate(config.candidateCount);
}

function numberField(answer: unknown, field: string): number | null {
  const value = (answer as Record<string, unknown> | null)?.[field];
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

export const WIRE_FORMATS: Record<IRFormat, WireFormat> = {
  "openai-chat": {
    adapter: openAIChatAdapter,
    scanUsage: scanOpenAIChatUsage,
    passThroughBody: (raw, body, model, quirks) => buildUpstreamChatBody(raw, body as OpenAIChatRequest, model, quirks),
    forwardedClientHeaders: [],
    streamEndMarker: "data: [DONE]",
    streamOpensWithError: /^\s*data:\s*\{\s*"error"\s*:/,
    isDeterministic: (body) => body.temperature === 0 && singleCandidate(body.n),
    streamUsage: { clientAsked: clientAskedForStreamUsage, ask: withStreamUsage, createFilter: () => new UsageChunkFilter() },
    carriesSignatures: false,
    needsInlineImages: false,
    applyQuirks: applyOpenAIChatQuirks,
  },
  anthropic: {
    adapter: anthropicAdapter,
    scanUsage: scanAnthropicUsage,
    passThroughBody: (raw, body, model) => spliceModel(raw, body, model),
    // Betas switch request fields on (context_management, effort, …): without them the upstream rejects the body.
    forwardedClientHeaders: ["anthropic-beta"],
    streamEndMarker: "message_stop",
    streamOpensWithError: /^\s*event:\s*error\s*$/m,
    isDeterministic: (body) => body.temperature === 0,
    carriesSignatures: true,
    needsInlineImages: false,
    countTokens: {
      // count_tokens rejects generation-only fields such as max_tokens and stream.
      body: (encoded, model) => pick(encoded, ["messages", "system", "tools", "tool_choice", "thinking", "mcp_servers"], { model }),
      read: (answer) => numberField(answer, "input_tokens"),
    },
  },
  "openai-responses": {
    adapter: openAIResponsesAdapter,
    scanUsage: scanOpenAIResponsesUsage,
    passThroughBody: (raw, body, model) => spliceModel(raw, body, model),
    forwardedClientHeaders: [],
    streamEndMarker: "response.completed",
    streamOpensWithError: /^\s*event:\s*error\s*$/m,
    isDeterministic: (body) => body.temperature === 0,
    carriesSignatures: true,
    needsInlineImages: false,
    countTokens: {
      body: (encoded, model) =>
        pick(encoded, ["input", "instructions", "tools", "tool_choice", "parallel_tool_calls", "reasoning", "text", "truncation", "conversation"], { model }),
      read: (answer) => numberField(answer, "input_tokens"),
    },
  },
  gemini: {
    adapter: geminiAdapter,
    scanUsage: scanGeminiUsage,
    // The model lives in the URL; the body goes up as sent.
    passThroughBody: (raw) => raw,
    forwardedClientHeaders: [],
    streamEndMarker: '"finishReason"',
    streamOpensWithError: /^\s*(data:\s*)?\[?\s*\{\s*"error"\s*:/,
    isDeterministic: geminiDeterministic,
    carriesSignatures: true,
    needsInlineImages: true,
    normalizeForTranslation: normalizeGeminiSchemas,
    countTokens: {
      body: (encoded, model) => ({ generateContentRequest: { model: `models/${model}`, ...encoded } }),
      read: (answer) => numberField(answer, "totalTokens"),
    },
  },
};
