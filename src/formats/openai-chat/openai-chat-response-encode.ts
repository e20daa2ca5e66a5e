import type { ClientEncodeContext } from "../../ir/format-adapter";
import type { IRError, IRFinishReason, IRResponse, IRUsage } from "../../ir/ir-types";
import { openAIErrorTypeForStatus, type OpenAIErrorFields } from "./openai-chat-error";

/**
 * IR finish → Chat `finish_reason`. Chat only knows stop/length/tool_calls/content_filter (the openai SDK types
 * and strict clients reject anything else), so stop_sequence, pause, other and error all render as "stop";
 * a turn that produced tool calls says "tool_calls" unless it was cut by length or a filter.
 */
export function chatFinishReason(reason: IRFinishReason, hasToolCalls: boolean): "stop" | "length" | "tool_calls" | "content_filter" {
  switch (reason) {
    case "length":
      return "length";
    case "content_filter":
      return "content_filter";
    case "tool_calls":
      return "tool_calls";
    default:
      return hasToolCalls ? "tool_calls" : "stop";
  }
}

/** IR usage → Chat usage (same convention; the details objects are always present, as OpenAI sends them). */
export function chatUsage(usage: IRUsage): Record<string, unknown> {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens ?? 0 },
  };
}

/** The upstream's own `chatcmpl-` id when it has one; otherwise ours, in the shape Chat clients expect. */
export function chatCompletionId(irId: string, context: ClientEncodeContext): string {
  if (irId.startsWith("chatcmpl-")) return irId;
  return context.responseId ?? `chatcmpl-${context.requestId}`;
}

/** Separates consecutive thinking blocks (Anthropic interleaved thinking) in the single reasoning_content string. */
export const THINKING_BLOCK_SEPARATOR = "\n\n";

/** IR → the `chat.completion` body a Chat client gets. Only standard fields; signatures have no Chat field and are dropped. */
export function encodeChatResponse(response: IRResponse, context: ClientEncodeContext): Record<string, unknown> {
  let text = "";
  let hasText = false;
  let thinking = "";
  let hasThinking = false;
  const toolCalls: Array<Record<string, unknown>> = [];
  for (const part of response.content) {
    if (part.type === "text") {
      text += part.text;
      hasText = true;
    } else if (part.type === "thinking") {
      if (!part.text) continue; // redacted / signature-only thinking has nothing to show
      if (hasThinking) thinking += THINKING_BLOCK_SEPARATOR;
      thinking += part.text;
      hasThinking = true;
    } else {
      toolCalls.push({
        id: part.id,
        type: "function",
        function: { name: part.name, arguments: part.arguments.trim() === "" ? "{}" : part.arguments },
      });
    }
  }
  const message: Record<string, unknown> = {
    role: "assistant",
    content: hasText ? text : null,
    refusal: response.refusal ?? null,
  };
  if (hasThinking) message.reasoning_content = thinking;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  const body: Record<string, unknown> = {
    id: chatCompletionId(response.id, context),
    object: "chat.completion",
    created: response.created || Math.floor(Date.now() / 1000),
    model: context.model,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: chatFinishReason(response.finishReason, toolCalls.length > 0),
      },
    ],
  };
  if (response.usage) body.usage = chatUsage(response.usage);
  return body;
}

const OPENAI_ERROR_TYPES = new Set([
  "invalid_request_error",
  "authentication_error",
  "permission_error",
  "rate_limit_error",
  "server_error",
  "insufficient_quota",
]);

/** IR error → OpenAI's error object; a type from another format is replaced by the one its HTTP status implies. */
export function chatErrorFields(error: IRError): OpenAIErrorFields {
  return {
    message: error.message,
    type: OPENAI_ERROR_TYPES.has(error.type) ? error.type : openAIErrorTypeForStatus(error.status),
    param: error.param ?? null,
    code: error.code ?? null,
  };
}
