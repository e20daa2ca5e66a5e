import { readSignature } from "../../ir/foreign-signature";
import { REDACTED_THINKING_ITEM, type IRResponse } from "../../ir/ir-types";
import { isObject, optionalString } from "./anthropic-json";
import { stopReasonToIR } from "./anthropic-stop-reason";
import { anthropicUsageToIR, readAnthropicUsage, type AnthropicUsageCounts } from "./anthropic-usage";

/** Upstream Anthropic non-stream message → IR. Server-tool blocks (web search results, …) have no IR form. */
export function decodeAnthropicResponse(body: unknown): IRResponse {
  const message = isObject(body) ? body : {};
  const content: IRResponse["content"] = [];
  let sawToolCall = false;
  if (Array.isArray(message.content)) {
    for (const block of message.content) {
      if (!isObject(block)) continue;
      switch (block.type) {
        case "text":
          if (typeof block.text === "string") content.push({ type: "text", text: block.text });
          break;
        case "thinking": {
          const signature = optionalString(block.signature);
          content.push({
            type: "thinking",
            text: optionalString(block.thinking) ?? "",
            ...(signature ? { signature: readSignature("anthropic", signature) } : {}),
          });
          break;
        }
        case "redacted_thinking": {
          const data = optionalString(block.data);
          if (data) content.push({ type: "thinking", text: "", signature: readSignature("anthropic", data, REDACTED_THINKING_ITEM) });
          break;
        }
        case "tool_use":
          if (typeof block.id === "string" && typeof block.name === "string") {
            sawToolCall = true;
            content.push({
              type: "tool_call",
              id: block.id,
              name: block.name,
              arguments: block.input === undefined || block.input === null ? "{}" : JSON.stringify(block.input),
            });
          }
          break;
      }
    }
  }

  const response: IRResponse = {
    id: optionalString(message.id) ?? "",
    model: optionalString(message.model) ?? "",
    created: Math.floor(Date.now() / 1000),
    content,
    finishReason: stopReasonToIR(message.stop_reason, sawToolCall),
  };
  const stopSequence = optionalString(message.stop_sequence);
  if (stopSequence !== undefined) response.stopSequence = stopSequence;
  const counts: AnthropicUsageCounts = {};
  if (readAnthropicUsage(message.usage, counts)) response.usage = anthropicUsageToIR(counts);
  const refusal = refusalExplanation(message.stop_details);
  if (refusal !== undefined) response.refusal = refusal;
  return response;
}

/** `stop_details: {type:"refusal", explanation}` → the refusal text, when the upstream gave one. */
export function refusalExplanation(details: unknown): string | undefined {
  if (!isObject(details) || details.type !== "refusal") return undefined;
  return optionalString(details.explanation);
}
