import type { IRFinishReason, IRResponse, IRTextPart, IRThinkingPart, IRToolCallPart, IRUsage } from "../../ir/ir-types";
import { SYNTHETIC_TOOL_CALL_PREFIX } from "../../ir/ir-types";
import { splitThinkTags } from "./openai-chat-think-tags";

export type JsonRecord = Record<string, unknown>;

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function count(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

/**
 * Chat usage → IR. Chat already follows the IR convention (prompt_tokens includes cached tokens,
 * completion_tokens includes reasoning). DeepSeek reports cache hits as `prompt_cache_hit_tokens`.
 */
export function readChatUsage(raw: unknown): IRUsage | undefined {
  if (!isRecord(raw)) return undefined;
  const input = count(raw.prompt_tokens) ?? count(raw.input_tokens);
  const output = count(raw.completion_tokens) ?? count(raw.output_tokens);
  if (input === undefined && output === undefined) return undefined;
  const usage: IRUsage = { inputTokens: input ?? 0, outputTokens: output ?? 0 };
  const promptDetails = isRecord(raw.prompt_tokens_details) ? raw.prompt_tokens_details : undefined;
  const cached = count(promptDetails?.cached_tokens) ?? count(raw.prompt_cache_hit_tokens);
  if (cached !== undefined) usage.cachedInputTokens = cached;
  const cacheWrite = count(promptDetails?.cache_write_tokens);
  if (cacheWrite !== undefined) usage.cacheWriteTokens = cacheWrite;
  const completionDetails = isRecord(raw.completion_tokens_details) ? raw.completion_tokens_details : undefined;
  const reasoning = count(completionDetails?.reasoning_tokens);
  if (reasoning !== undefined) usage.reasoningTokens = reasoning;
  return usage;
}

/** Chat `finish_reason` → IR; null while the choice is still running. Non-OpenAI spellings seen on compatible APIs are folded in. */
export function readChatFinishReason(raw: unknown): IRFinishReason | null {
  if (typeof raw !== "string" || raw === "") return null;
  switch (raw) {
    case "stop":
    case "end_turn":
    case "eos":
    case "stop_sequence":
      return "stop";
    case "length":
    case "max_tokens":
      return "length";
    case "tool_calls":
    case "function_call":
    case "tool_use":
      return "tool_calls";
    case "content_filter":
      return "content_filter";
    case "error":
    case "insufficient_system_resource":
      return "error";
    default:
      return "other";
  }
}

/** An id for a tool call the upstream left without one. Random, so replayed histories never collide. */
export function syntheticToolCallId(): string {
  return `${SYNTHETIC_TOOL_CALL_PREFIX}_${crypto.randomUUID().replaceAll("-", "").slice(0, 24)}`;
}

/** Tool arguments as JSON text: some compatible servers send an object instead of a string. */
export function argumentsText(raw: unknown): string {
  if (typeof raw === "string") return raw.trim() === "" ? "{}" : raw;
  if (raw === undefined || raw === null) return "{}";
  return JSON.stringify(raw);
}

/** `reasoning_content` (DeepSeek, Kimi, vLLM…) or `reasoning` (OpenRouter, Groq…): providers sending both repeat the same text. */
export function reasoningText(message: JsonRecord): string | undefined {
  if (typeof message.reasoning_content === "string") return message.reasoning_content;
  if (typeof message.reasoning === "string") return message.reasoning;
  return undefined;
}

/** `content` as a string; a few compatible servers answer with an array of text parts. */
function contentText(raw: unknown): string {
  if (typeof raw === "string") return raw;
  if (!Array.isArray(raw)) return "";
  let text = "";
  for (const part of raw) if (isRecord(part) && typeof part.text === "string") text += part.text;
  return text;
}

/** Upstream non-stream Chat completion → IR. */
export function decodeChatResponse(body: unknown): IRResponse {
  const root = isRecord(body) ? body : {};
  const choices = Array.isArray(root.choices) ? root.choices : [];
  const choice = choices.find((c) => isRecord(c) && (c.index === 0 || c.index === undefined)) ?? choices[0];
  const message = isRecord(choice) && isRecord(choice.message) ? choice.message : {};
  const content: IRResponse["content"] = [];

  // One thinking part, as the stream decoder builds it: reasoning field first, then a leading <think> section.
  const split = splitThinkTags(contentText(message.content));
  const thinking = (reasoningText(message) ?? "") + (split.thinking ?? "");
  if (thinking) content.push({ type: "thinking", text: thinking } satisfies IRThinkingPart);
  if (split.text) content.push({ type: "text", text: split.text } satisfies IRTextPart);

  if (Array.isArray(message.tool_calls)) {
    for (const call of message.tool_calls) {
      if (!isRecord(call)) continue;
      const fn = isRecord(call.function) ? call.function : {};
      content.push({
        type: "tool_call",
        id: typeof call.id === "string" && call.id ? call.id : syntheticToolCallId(),
        name: typeof fn.name === "string" ? fn.name : "",
        arguments: argumentsText(fn.arguments),
      } satisfies IRToolCallPart);
    }
  } else if (isRecord(message.function_call)) {
    // Legacy function calling: no id on the wire.
    const fn = message.function_call;
    content.push({
      type: "tool_call",
      id: syntheticToolCallId(),
      name: typeof fn.name === "string" ? fn.name : "",
      arguments: argumentsText(fn.arguments),
    });
  }

  const hasToolCalls = content.some((part) => part.type === "tool_call");
  let finishReason = isRecord(choice) ? readChatFinishReason(choice.finish_reason) : null;
  // A 200 carrying only an error object (some compatible servers do this) is not a completion.
  if (finishReason === null) finishReason = choices.length === 0 && isRecord(root.error) ? "error" : "stop";
  if (hasToolCalls && finishReason === "stop") finishReason = "tool_calls";

  const usage = readChatUsage(root.usage);
  const refusal = typeof message.refusal === "string" && message.refusal ? message.refusal : undefined;
  return {
    id: typeof root.id === "string" ? root.id : "",
    model: typeof root.model === "string" ? root.model : "",
    created: count(root.created) ?? Math.floor(Date.now() / 1000),
    content,
    finishReason,
    ...(usage ? { usage } : {}),
    ...(refusal !== undefined ? { refusal } : {}),
  };
}
