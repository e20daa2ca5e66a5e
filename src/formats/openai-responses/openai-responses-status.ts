import type { IRError, IRFinishReason } from "../../ir/ir-types";
import { isObject, optionalString } from "../shared/json";

/**
 * Response `status` (+ `incomplete_details.reason`) → IR finish reason. Responses has no tool-call status:
 * a completed response with function_call items is `tool_calls`; one that refused is `content_filter`.
 */
export function finishFromStatus(status: unknown, incompleteDetails: unknown, hasToolCalls: boolean, refused: boolean): IRFinishReason {
  switch (status) {
    case "incomplete": {
      const reason = isObject(incompleteDetails) ? incompleteDetails.reason : undefined;
      return reason === "content_filter" ? "content_filter" : "length";
    }
    case "failed":
      return "error";
    case "cancelled":
      return "other";
    default:
      return hasToolCalls ? "tool_calls" : refused ? "content_filter" : "stop";
  }
}

/** IR finish reason → the status fields of a Responses object. A refusal text is expressed by its own part. */
export function statusForFinish(
  reason: IRFinishReason | undefined,
  hasRefusal: boolean,
): { status: "completed" | "incomplete" | "failed"; incomplete_details: { reason: string } | null } {
  if (reason === "length") return { status: "incomplete", incomplete_details: { reason: "max_output_tokens" } };
  if (reason === "content_filter" && !hasRefusal) return { status: "incomplete", incomplete_details: { reason: "content_filter" } };
  if (reason === "error") return { status: "failed", incomplete_details: null };
  return { status: "completed", incomplete_details: null };
}

/** HTTP status that best describes a Responses error code (stream errors carry a code, not a status). */
export function statusForErrorCode(code: string | undefined, type: string | undefined): number {
  const key = code ?? type ?? "";
  if (key === "insufficient_quota" || key === "rate_limit_exceeded" || key === "rate_limit_error" || key === "tokens" || key === "requests") return 429;
  if (key === "invalid_api_key" || key === "authentication_error") return 401;
  if (key === "permission_error") return 403;
  if (key === "server_error" || key === "" || key === "api_error") return 500;
  if (key === "invalid_request_error" || key.startsWith("invalid_") || key.startsWith("image_") || key.endsWith("_image") || key === "context_length_exceeded") return 400;
  return 500;
}

/** An error object found in a stream event or a failed response (`{code, message, type?, param?}`). */
export function irErrorFrom(error: unknown, fallbackMessage: string): IRError {
  const record = isObject(error) ? error : {};
  const code = optionalString(record.code);
  const type = optionalString(record.type);
  const status = statusForErrorCode(code, type);
  return {
    status,
    type: type ?? (status === 429 ? "rate_limit_error" : status === 400 ? "invalid_request_error" : "server_error"),
    message: optionalString(record.message) ?? fallbackMessage,
    code: code ?? null,
    param: optionalString(record.param) ?? null,
  };
}
