import { signatureForClient } from "../../ir/foreign-signature";
import type { ClientEncodeContext } from "../../ir/format-adapter";
import { REDACTED_THINKING_ITEM, type IRResponse, type IRThinkingPart } from "../../ir/ir-types";
import { argumentsToInput, type JsonObject } from "./anthropic-json";
import { irToStopReason } from "./anthropic-stop-reason";
import { irUsageToAnthropic } from "./anthropic-usage";

/** The `msg_…` id an Anthropic client sees: the upstream's when it is one, else ours. */
export function anthropicMessageId(upstreamId: string, context: ClientEncodeContext): string {
  return upstreamId.startsWith("msg_") ? upstreamId : (context.responseId ?? `msg_${context.requestId}`);
}

/** A thinking part as the Anthropic block a client replays to us; null when there is nothing to replay. */
export function thinkingBlock(part: IRThinkingPart): JsonObject | null {
  const signature = part.signature;
  if (signature && signature.format === "anthropic" && signature.itemId === REDACTED_THINKING_ITEM) {
    return { type: "redacted_thinking", data: signature.value };
  }
  if (!signature && part.text === "") return null;
  return { type: "thinking", thinking: part.text, signature: signature ? signatureForClient("anthropic", signature) : "" };
}

/** IR → Anthropic non-stream message for the client. */
export function encodeAnthropicResponse(response: IRResponse, context: ClientEncodeContext): Record<string, unknown> {
  const content: JsonObject[] = [];
  for (const part of response.content) {
    if (part.type === "text") {
      // An empty text block is noise (a tool-only answer has none).
      if (part.text !== "") content.push({ type: "text", text: part.text });
    } else if (part.type === "thinking") {
      const block = thinkingBlock(part);
      if (block) content.push(block);
    } else {
      content.push({ type: "tool_use", id: part.id, name: part.name, input: argumentsToInput(part.arguments) });
    }
  }
  const body: Record<string, unknown> = {
    id: anthropicMessageId(response.id, context),
    type: "message",
    role: "assistant",
    model: context.model,
    content,
    stop_reason: irToStopReason(response.finishReason),
    stop_sequence: response.finishReason === "stop_sequence" ? (response.stopSequence ?? null) : null,
    usage: irUsageToAnthropic(response.usage),
  };
  if (response.finishReason === "content_filter" && response.refusal !== undefined) {
    body.stop_details = { type: "refusal", category: null, explanation: response.refusal };
  }
  return body;
}
