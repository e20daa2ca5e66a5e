import type { ClientEncodeContext } from "../../ir/format-adapter";
import { signatureForClient } from "../../ir/foreign-signature";
import type { IRResponse } from "../../ir/ir-types";
import { encodeGeminiFinishReason } from "./gemini-finish-reason";
import { parseJsonObject, type JsonObject } from "./gemini-json";
import { encodeGeminiUsage } from "./gemini-usage";

/** IR → the GenerateContentResponse a Gemini client expects from generateContent. */
export function encodeGeminiResponse(response: IRResponse, context: ClientEncodeContext): JsonObject {
  const parts: JsonObject[] = [];
  for (const part of response.content) {
    const signature = part.signature ? signatureForClient("gemini", part.signature) : undefined;
    let out: JsonObject;
    if (part.type === "tool_call") {
      out = { functionCall: { id: part.id, name: part.name, args: parseJsonObject(part.arguments) ?? {} } };
    } else if (part.text === "" && !signature) {
      continue;
    } else {
      out = part.type === "thinking" ? { text: part.text, thought: true } : { text: part.text };
    }
    if (signature) out.thoughtSignature = signature;
    parts.push(out);
  }
  const candidate: JsonObject = { content: { parts, role: "model" }, finishReason: encodeGeminiFinishReason(response.finishReason), index: 0 };
  // A refusal is the provider's explanation, not model output: Gemini's place for it is finishMessage.
  if (response.refusal) candidate.finishMessage = response.refusal;
  const body: JsonObject = { candidates: [candidate] };
  if (response.usage) body.usageMetadata = encodeGeminiUsage(response.usage);
  body.modelVersion = context.model;
  body.responseId = response.id || context.responseId || context.requestId;
  return body;
}
