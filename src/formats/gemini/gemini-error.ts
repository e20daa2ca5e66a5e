import type { IRError } from "../../ir/ir-types";
import { isRecord, type JsonObject } from "./gemini-json";

/** google.rpc.Code names Gemini uses in `error.status`. */
const GEMINI_STATUSES = new Set([
  "INVALID_ARGUMENT",
  "FAILED_PRECONDITION",
  "OUT_OF_RANGE",
  "UNAUTHENTICATED",
  "PERMISSION_DENIED",
  "NOT_FOUND",
  "ABORTED",
  "ALREADY_EXISTS",
  "RESOURCE_EXHAUSTED",
  "CANCELLED",
  "DATA_LOSS",
  "UNKNOWN",
  "INTERNAL",
  "UNIMPLEMENTED",
  "UNAVAILABLE",
  "DEADLINE_EXCEEDED",
]);

const RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";
const ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";

export function geminiStatusForHttp(status: number): string {
  switch (status) {
    case 400:
    case 413:
      return "INVALID_ARGUMENT";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 408:
    case 504:
      return "DEADLINE_EXCEEDED";
    case 409:
      return "ABORTED";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 499:
      return "CANCELLED";
    case 501:
      return "UNIMPLEMENTED";
    case 502:
    case 503:
    case 529:
      return "UNAVAILABLE";
    default:
      return status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT";
  }
}

/**
 * Reads an upstream error body of any shape: Gemini `{error:{code,message,status,details}}` (also wrapped in
 * an array, as the JSON-array stream sends it), OpenAI / Anthropic error objects, `{error:"text"}`,
 * `{message}`, `{detail}` or plain text.
 */
export function decodeGeminiError(status: number, bodyText: string): IRError {
  const trimmed = bodyText.trim();
  if (!trimmed) return { status, type: geminiStatusForHttp(status), message: `Upstream returned HTTP ${status} with an empty body.` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return { status, type: geminiStatusForHttp(status), message: trimmed.slice(0, 2000) };
  }
  const body = Array.isArray(parsed) ? parsed[0] : parsed;
  if (isRecord(body)) {
    const error = body.error;
    if (isRecord(error)) return errorFromObject(error, status);
    const message =
      typeof error === "string" ? error : typeof body.message === "string" ? body.message : typeof body.detail === "string" ? body.detail : undefined;
    if (message !== undefined) return { status, type: geminiStatusForHttp(status), message };
  }
  return { status, type: geminiStatusForHttp(status), message: trimmed.slice(0, 2000) };
}

/**
 * The `error` object of a Gemini body (or another format's). `httpStatus` is the response status; inside a
 * 200 stream it is 0 and the object's own numeric `code` is used. A RetryInfo delay is kept in the message
 * ("Please retry in 34.4s.") so that any client format can show it and encodeGeminiError can rebuild it.
 */
export function errorFromObject(error: JsonObject, httpStatus: number): IRError {
  const ownCode = typeof error.code === "number" ? error.code : undefined;
  const status = httpStatus >= 400 ? httpStatus : ownCode && ownCode >= 400 ? ownCode : 500;
  let message = typeof error.message === "string" ? error.message : JSON.stringify(error).slice(0, 2000);
  const type =
    typeof error.status === "string" ? error.status : typeof error.type === "string" ? error.type : geminiStatusForHttp(status);
  let code: string | null = typeof error.code === "string" ? error.code : null;
  const param = typeof error.param === "string" ? error.param : null;
  if (Array.isArray(error.details)) {
    for (const detail of error.details) {
      if (!isRecord(detail)) continue;
      if (detail["@type"] === ERROR_INFO && typeof detail.reason === "string") code = detail.reason;
      else if (detail["@type"] === RETRY_INFO && typeof detail.retryDelay === "string" && !/retry in/i.test(message)) {
        message = `${message} Please retry in ${detail.retryDelay}.`;
      }
    }
  }
  return { status, type, message, code, param };
}

/** IR error → Gemini `{"error":{code,message,status}}`, with ErrorInfo / RetryInfo details rebuilt when known. */
export function encodeGeminiError(error: IRError, _requestId: string): string {
  return JSON.stringify({ error: geminiErrorObject(error) });
}

export function geminiErrorObject(error: IRError): JsonObject {
  const status = GEMINI_STATUSES.has(error.type) ? error.type : geminiStatusForHttp(error.status);
  const object: JsonObject = { code: error.status, message: error.message, status };
  const details: JsonObject[] = [];
  if (error.code && /^[A-Z][A-Z0-9_]+$/.test(error.code)) {
    details.push({ "@type": ERROR_INFO, reason: error.code, domain: "googleapis.com" });
  }
  const retry = status === "RESOURCE_EXHAUSTED" ? /retry in (\d+(?:\.\d+)?)s/i.exec(error.message) : null;
  if (retry) details.push({ "@type": RETRY_INFO, retryDelay: `${retry[1]}s` });
  if (details.length > 0) object.details = details;
  return object;
}
