import type { IRError } from "../../ir/ir-types";
import { isObject, optionalString } from "../shared/json";

/** Error types an OpenAI client knows; any other IR type is replaced by the one its HTTP status implies. */
const OPENAI_TYPES = new Set([
  "invalid_request_error",
  "authentication_error",
  "permission_error",
  "rate_limit_error",
  "insufficient_quota",
  "server_error",
  "tokens",
  "requests",
]);

export function openAIErrorTypeForStatus(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 403) return "permission_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

/**
 * Upstream error body → IR. Reads OpenAI's `{error:{message,type,param,code}}` and tolerates every other
 * shape: Anthropic `{type:"error",error:{type,message}}`, Gemini `{error:{code,message,status}}`,
 * `{error:"text"}`, `{message}`, `{detail}`, an array around any of those, or plain text.
 */
export function decodeResponsesError(status: number, bodyText: string): IRError {
  const fallback = (message: string): IRError => ({ status, type: openAIErrorTypeForStatus(status), message, code: null, param: null });
  const trimmed = bodyText.trim();
  if (!trimmed) return fallback(`Upstream returned HTTP ${status} with an empty body.`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return fallback(trimmed.slice(0, 2000));
  }
  const body = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!isObject(body)) return fallback(trimmed.slice(0, 2000));
  const error = body.error;
  if (isObject(error)) {
    // Gemini puts the HTTP status number in `code` and its kind in `status`: that kind is the type, not a code.
    const code = typeof error.code === "string" ? error.code : null;
    const type = optionalString(error.type) ?? optionalString(error.status) ?? openAIErrorTypeForStatus(status);
    return {
      status,
      type,
      message: optionalString(error.message) ?? JSON.stringify(error).slice(0, 2000),
      code,
      param: optionalString(error.param) ?? null,
    };
  }
  if (typeof error === "string") return fallback(error);
  if (typeof body.message === "string") return fallback(body.message);
  if (typeof body.detail === "string") return fallback(body.detail);
  return fallback(trimmed.slice(0, 2000));
}

/** IR error → `{"error":{"message","type","param","code"}}` text for a Responses client. */
export function encodeResponsesError(error: IRError, _requestId: string): string {
  const type = OPENAI_TYPES.has(error.type) ? error.type : openAIErrorTypeForStatus(error.status);
  return JSON.stringify({ error: { message: error.message, type, param: error.param ?? null, code: error.code ?? null } });
}
