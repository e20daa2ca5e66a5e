import type { IRFinishReason } from "../../ir/ir-types";

/** Anthropic `stop_reason` → IR. A stop that carried tool calls is `tool_calls` whatever the upstream said. */
export function stopReasonToIR(stopReason: unknown, sawToolCall: boolean): IRFinishReason {
  switch (stopReason) {
    case "end_turn":
      return sawToolCall ? "tool_calls" : "stop";
    case "tool_use":
      return "tool_calls";
    case "stop_sequence":
      return "stop_sequence";
    case "max_tokens":
    case "model_context_window_exceeded":
      return "length";
    case "refusal":
      return "content_filter";
    case "pause_turn":
      return "pause";
    default:
      return sawToolCall ? "tool_calls" : "other";
  }
}

/** IR → Anthropic `stop_reason`. Reasons Anthropic has no word for read as a natural end. */
export function irToStopReason(reason: IRFinishReason): string {
  switch (reason) {
    case "tool_calls":
      return "tool_use";
    case "stop_sequence":
      return "stop_sequence";
    case "length":
      return "max_tokens";
    case "content_filter":
      return "refusal";
    case "pause":
      return "pause_turn";
    default:
      return "end_turn";
  }
}
