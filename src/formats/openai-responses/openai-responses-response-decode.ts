import { readSignature } from "../../ir/foreign-signature";
import type { IRResponse, IRThinkingPart } from "../../ir/ir-types";
import { isObject, optionalNumber, optionalString, type JsonObject } from "../shared/json";
import { finishFromStatus } from "./openai-responses-status";
import { decodeResponsesUsage } from "./openai-responses-usage";

/** Separator between the summary parts of one reasoning item, which become one IR thinking part. */
export const SUMMARY_SEPARATOR = "\n\n";

/** Upstream Responses object → IR. Unknown output item types (hosted tool calls) are skipped. */
export function decodeResponsesResponse(body: unknown): IRResponse {
  const response = isObject(body) ? body : {};
  const content: IRResponse["content"] = [];
  let refusal: string | undefined;
  let hasToolCalls = false;
  const output = Array.isArray(response.output) ? response.output : [];
  for (const item of output) {
    if (!isObject(item)) continue;
    switch (item.type) {
      case "reasoning": {
        const part = reasoningPart(item);
        if (part) content.push(part);
        break;
      }
      case "message": {
        if (!Array.isArray(item.content)) break;
        for (const part of item.content) {
          if (!isObject(part)) continue;
          if (part.type === "output_text" && typeof part.text === "string" && part.text !== "") content.push({ type: "text", text: part.text });
          else if (part.type === "refusal" && typeof part.refusal === "string") refusal = (refusal ?? "") + part.refusal;
        }
        break;
      }
      case "function_call": {
        if (typeof item.call_id !== "string" || typeof item.name !== "string") break;
        hasToolCalls = true;
        const args = typeof item.arguments === "string" && item.arguments.trim() !== "" ? item.arguments : "{}";
        content.push({ type: "tool_call", id: item.call_id, name: item.name, arguments: args, ...(typeof item.id === "string" ? { itemId: item.id } : {}) });
        break;
      }
    }
  }
  const result: IRResponse = {
    id: optionalString(response.id) ?? "",
    model: optionalString(response.model) ?? "",
    created: optionalNumber(response.created_at) ?? 0,
    content,
    finishReason: finishFromStatus(response.status, response.incomplete_details, hasToolCalls, refusal !== undefined),
  };
  const usage = decodeResponsesUsage(response.usage);
  if (usage) result.usage = usage;
  if (refusal !== undefined) result.refusal = refusal;
  return result;
}

/** A reasoning item → one thinking part (summaries joined), signed when it carries encrypted content. */
export function reasoningPart(item: JsonObject): IRThinkingPart | undefined {
  const texts: string[] = [];
  const sources = Array.isArray(item.summary) && item.summary.length > 0 ? item.summary : Array.isArray(item.content) ? item.content : [];
  for (const entry of sources) if (isObject(entry) && typeof entry.text === "string") texts.push(entry.text);
  const text = texts.join(SUMMARY_SEPARATOR);
  const encrypted = item.encrypted_content;
  const id = optionalString(item.id);
  if (typeof encrypted === "string" && encrypted !== "") return { type: "thinking", text, signature: readSignature("openai-responses", encrypted, id) };
  return text ? { type: "thinking", text } : undefined;
}
