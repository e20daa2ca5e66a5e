import type { IRFinishReason } from "../../ir/ir-types";

const CONTENT_FILTER = new Set(["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"]);

/** Gemini finishReason → IR. STOP with functionCall parts means the model is waiting for tool results. */
export function decodeGeminiFinishReason(reason: string, sawToolCall: boolean): IRFinishReason {
  if (reason === "STOP") return sawToolCall ? "tool_calls" : "stop";
  if (reason === "MAX_TOKENS") return "length";
  if (CONTENT_FILTER.has(reason)) return "content_filter";
  // MALFORMED_FUNCTION_CALL, UNEXPECTED_TOOL_CALL, LANGUAGE, OTHER, FINISH_REASON_UNSPECIFIED, …
  return "other";
}

/** IR → Gemini finishReason: tool calls and stop sequences are a plain STOP in Gemini. */
export function encodeGeminiFinishReason(reason: IRFinishReason): string {
  switch (reason) {
    case "stop":
    case "stop_sequence":
    case "tool_calls":
    case "pause":
      return "STOP";
    case "length":
      return "MAX_TOKENS";
    case "content_filter":
      return "SAFETY";
    case "error":
    case "other":
      return "OTHER";
  }
}
