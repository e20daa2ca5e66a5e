import type { IRError } from "../../ir/ir-types";
import { isObject, optionalString } from "./anthropic-json";

/** Anthropic's error types with the HTTP status each one comes with. */
const STATUS_BY_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

export function anthropicErrorTypeForStatus(status: number): string {
  switch (status) {
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 504:
      return "timeout_error";
    case 529:
      return "overloaded_error";
  }
  return status >= 500 ? "api_error" : "invalid_request_error";
}

/** HTTP status for an Anthropic error type (mid-stream `error` events carry only the type). */
export function statusForAnthropicErrorType(type: string): number {
  return Object.hasOwn(STATUS_BY_TYPE, type) ? STATUS_BY_TYPE[type]! : 500;
}

const MAX_MESSAGE = 2000;

/** Reads an upstream error body in Anthropic's shape, or whatever other shape it came in. */
export function decodeAnthropicError(status: number, bodyText: string): IRError {
  const fallbackType = anthropicErrorTypeForStatus(status);
  const trimmed = bodyText.trim();
  if (!trimmed) return { status, type: fallbackType, message: `Upstream returned HTTP ${status} with an empty body.` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return { status, type: fallbackType, message: trimmed.slice(0, MAX_MESSAGE) };
  }
  if (!isObject(parsed)) return { status, type: fallbackType, message: trimmed.slice(0, MAX_MESSAGE) };
  const inner = parsed.error;
  if (isObject(inner)) {
    // Anthropic {type:"error", error:{type,message}}, OpenAI {error:{message,type,param,code}}, Gemini {error:{code,message,status}}.
    const message = optionalString(inner.message) ?? trimmed.slice(0, MAX_MESSAGE);
    const type = optionalString(inner.type) ?? fallbackType;
    const error: IRError = { status, type, message };
    const code = inner.code;
    if (typeof code === "string") error.code = code;
    const param = optionalString(inner.param);
    if (param !== undefined) error.param = param;
    return error;
  }
  if (typeof inner === "string") return { status, type: optionalString(parsed.type) ?? fallbackType, message: inner };
  const message = optionalString(parsed.message) ?? optionalString(parsed.detail);
  if (message !== undefined) return { status, type: fallbackType, message };
  return { status, type: fallbackType, message: trimmed.slice(0, MAX_MESSAGE) };
}

/** The type to show an Anthropic client: the IR's own when it is an Anthropic type, else the status's. */
export function anthropicErrorType(error: IRError): string {
  return Object.hasOwn(STATUS_BY_TYPE, error.type) ? error.type : anthropicErrorTypeForStatus(error.status);
}

/** `{"type":"error","error":{"type","message"},"request_id"}` */
export function encodeAnthropicError(error: IRError, requestId: string): string {
  return JSON.stringify({
    type: "error",
    error: { type: anthropicErrorType(error), message: error.message },
    request_id: requestId,
  });
}
