import type { IRError } from "../ir/ir-types";
import { DEFAULT_MAX_RETRY_DELAY_MS, retryAtFromHints } from "./retry-after";

/**
 * What a failed upstream call means for routing:
 * - `rate-limited`: a short window (requests/tokens per minute) is spent; this account cools down, others may serve.
 * - `quota-exhausted`: a plan, billing or daily quota is spent; same handling, named apart for logs and the UI.
 * - `auth`: the key/token is refused; the account waits for its owner to fix it.
 * - `transient`: server error, overload, timeout, dropped connection, an error inside a 200, an empty answer.
 * - `context-length`: the request is too big for this target; a bigger one may take it, no penalty.
 * - `client-error`: the request itself is wrong; the next target would refuse it too, so answer at once.
 */
export type FailureClass = "rate-limited" | "quota-exhausted" | "auth" | "transient" | "context-length" | "client-error";

/** How a call failed when there was no usable HTTP error answer. */
export type FailureKind = "unreachable" | "connect-timeout" | "first-byte-timeout" | "reset" | "empty" | "error-in-200";

export interface FailureInput {
  /** HTTP status of the answer (0 when none came). */
  status: number;
  /** The error as the upstream format's adapter decoded it. */
  error?: IRError;
  /** Response headers (rate-limit and retry hints); names in any case. */
  headers?: Record<string, string>;
  /** Raw response body text, when there was one. */
  body?: string;
  kind?: FailureKind;
}

export interface ClassifiedFailure {
  class: FailureClass;
  /** When the upstream said the account may be used again (absolute ms), when it said. */
  retryAt: number | null;
  /** Short, ASCII, for logs and headers: e.g. "429 insufficient_quota", "first-byte-timeout". */
  reason: string;
}

/** Whether another target (account, provider, combo member) is worth trying after this failure. */
export function worthTryingElsewhere(failure: ClassifiedFailure): boolean {
  return failure.class !== "client-error";
}

/** A spent window or quota (429 and friends): the account, or the model on it, waits for a reset. */
export function isRateLimit(failure: ClassifiedFailure): boolean {
  return failure.class === "rate-limited" || failure.class === "quota-exhausted";
}

/** Whether the failure says something about the account's or provider's health (cool-down, re-auth, breaker). */
export function penalisesAccount(failure: ClassifiedFailure): boolean {
  return failure.class !== "client-error" && failure.class !== "context-length";
}

const NETWORK_KINDS = new Set<FailureKind>(["unreachable", "connect-timeout", "first-byte-timeout", "reset", "empty"]);

// Machine-readable markers (error type / code / status / ErrorInfo reason), lower-cased.
const QUOTA_MARKERS = new Set([
  "insufficient_quota",
  "usage_limit_reached",
  "billing_error",
  "billing_hard_limit_reached",
  "insufficient_balance",
  "insufficient_credits",
  "quota_exceeded",
  "payment_required",
]);
const RATE_MARKERS = new Set(["rate_limit_exceeded", "rate_limit_error", "resource_exhausted", "too_many_requests", "rate_limited"]);
const AUTH_MARKERS = new Set([
  "invalid_api_key",
  "api_key_invalid",
  "api_key_expired",
  "authentication_error",
  "permission_error",
  "unauthenticated",
  "permission_denied",
  "invalid_authentication",
  "token_expired",
]);
const CONTEXT_MARKERS = new Set(["context_length_exceeded", "model_context_window_exceeded"]);
const OVERLOAD_MARKERS = new Set(["overloaded_error", "unavailable", "server_error", "api_error", "internal", "deadline_exceeded"]);

const CONTEXT_TEXT = [
  /context[_ ]length[_ ]exceeded/i,
  /maximum context length/i,
  /prompt is too long/i,
  /input is too long/i,
  /exceeds? the maximum number of tokens/i,
  /exceeds? (?:the )?(?:model'?s? |available )?context (?:window|length|limit)/i,
  /context window (?:exceeded|is exceeded|limit exceeded)/i,
];
const QUOTA_TEXT =
  /credit balance is too low|insufficient[ _](?:quota|balance|credits?|funds)|billing[ _]hard[ _]limit|usage[ _]limit[ _](?:has been )?(?:reached|exceeded)|quota[ _]exceeded|out of credits/i;
/** Gemini QuotaFailure ids and messages naming a window longer than a minute or an hour. */
const LONG_WINDOW = /per ?day|per ?month|daily|weekly|monthly/i;
const SHORT_WINDOW = /per ?minute|per ?second|per ?hour/i;
const API_KEY_TEXT = /api key (?:not valid|invalid|expired)|invalid api key|incorrect api key/i;

/** A reset further away than this means a plan/quota window rather than a per-minute rate limit. */
const QUOTA_HORIZON_MS = 60 * 60 * 1000;

/** Bodies up to this size are parsed and scanned; larger ones are not error objects worth reading. */
const MAX_BODY = 64 * 1024;

/**
 * Classifies one failed upstream call. Rules, in order:
 * 1. no usable answer (unreachable, timeouts, reset, empty completion) → transient;
 * 2. a quota / rate-limit marker in the error (any status, also inside a 200 stream) → quota-exhausted or rate-limited;
 * 3. 401, 403, auth markers, Gemini 400 `API_KEY_INVALID` → auth;
 * 4. 429 → rate-limited (quota-exhausted when the body or a far reset says so); 402 → quota-exhausted;
 * 5. quota wording on another 4xx ("credit balance is too low") → quota-exhausted;
 * 6. context-window wording or 413 → context-length;
 * 7. an error inside a 200, 5xx, 529, 408, 425, overload markers, anything not 4xx → transient;
 * 8. any other 4xx → client-error.
 */
export function classifyFailure(input: FailureInput, now: () => number = Date.now): ClassifiedFailure {
  const { status, error, kind } = input;
  const body = input.body !== undefined && input.body.length <= MAX_BODY ? input.body : undefined;
  const json = body !== undefined ? parseJson(body) : undefined;
  const markers = collectMarkers(error, json);
  const text = `${error?.message ?? ""}\n${body ?? ""}`;
  const label = reasonLabel(input, markers);
  const retryAt = () => retryAtFromHints({ headers: input.headers, body, json, messages: error ? [error.message] : [] }, now, DEFAULT_MAX_RETRY_DELAY_MS);

  if (kind && NETWORK_KINDS.has(kind)) return { class: "transient", retryAt: null, reason: kind };

  const inBody = kind === "error-in-200" || (status >= 200 && status < 300);
  // An error event inside a 200 carries its own code (Gemini stream errors, IRError.status from the event).
  const effective = inBody && error && error.status >= 400 ? error.status : status;

  const quotaMarker = hasAny(markers, QUOTA_MARKERS);
  const rateMarker = hasAny(markers, RATE_MARKERS);
  if (quotaMarker || rateMarker || effective === 429) {
    const at = retryAt();
    return { class: quotaMarker || isLongWindow(markers, text, at, now) ? "quota-exhausted" : "rate-limited", retryAt: at, reason: label };
  }

  if (!inBody && (status === 401 || status === 403 || hasAny(markers, AUTH_MARKERS) || (status === 400 && API_KEY_TEXT.test(text)))) {
    return { class: "auth", retryAt: null, reason: label };
  }

  if (effective === 402 || (effective >= 400 && effective < 500 && QUOTA_TEXT.test(text))) {
    return { class: "quota-exhausted", retryAt: retryAt(), reason: label };
  }

  if (effective === 413 || hasAny(markers, CONTEXT_MARKERS) || CONTEXT_TEXT.some((re) => re.test(text))) {
    return { class: "context-length", retryAt: null, reason: label };
  }

  if (inBody || effective >= 500 || effective < 400 || effective === 408 || effective === 425 || hasAny(markers, OVERLOAD_MARKERS)) {
    return { class: "transient", retryAt: retryAt(), reason: label };
  }

  return { class: "client-error", retryAt: null, reason: label };
}

/** Quota rather than rate limit: a daily/monthly QuotaFailure id or wording, or a reset more than an hour away. */
function isLongWindow(markers: Markers, text: string, retryAt: number | null, now: () => number): boolean {
  for (const marker of markers.keys()) {
    if (LONG_WINDOW.test(marker)) return true;
    if (SHORT_WINDOW.test(marker)) return false;
  }
  if (retryAt !== null && retryAt - now() > QUOTA_HORIZON_MS) return true;
  return QUOTA_TEXT.test(text);
}

const MARKER_KEYS = new Set(["type", "code", "status", "reason", "quotaId", "quota_id"]);

/** Machine-readable strings from the IR error and the body's error object(s), lower-cased → as written. */
type Markers = Map<string, string>;

function collectMarkers(error: IRError | undefined, json: unknown): Markers {
  const markers: Markers = new Map();
  if (error?.code) markers.set(error.code.toLowerCase(), error.code);
  if (error?.type) markers.set(error.type.toLowerCase(), error.type);
  walk(json, 0, markers);
  return markers;
}

function walk(node: unknown, depth: number, markers: Markers): void {
  if (depth > 6 || node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const item of node.slice(0, 32)) walk(item, depth + 1, markers);
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === "string") {
      if (MARKER_KEYS.has(key) && value.length <= 200) markers.set(value.toLowerCase(), value);
    } else if (value !== null && typeof value === "object") walk(value, depth + 1, markers);
  }
}

function hasAny(markers: Markers, wanted: Set<string>): boolean {
  for (const marker of markers.keys()) if (wanted.has(marker)) return true;
  return false;
}

/** "429 insufficient_quota": the status (or kind) and the most telling code, header-safe and short. */
function reasonLabel(input: FailureInput, markers: Markers): string {
  const head = input.kind ?? String(input.status);
  const code = pickCode(input.error, markers);
  const text = code ? `${head} ${code}` : head;
  return text.replace(/[^\w .:/-]/g, "").slice(0, 80);
}

function pickCode(error: IRError | undefined, markers: Markers): string | undefined {
  // Prefer a specific code (insufficient_quota, API_KEY_INVALID) over a generic type (invalid_request_error).
  if (error?.code) return error.code;
  for (const set of [QUOTA_MARKERS, AUTH_MARKERS, CONTEXT_MARKERS, RATE_MARKERS]) {
    for (const [lower, written] of markers) if (set.has(lower)) return written;
  }
  return error?.type || undefined;
}

function parseJson(text: string): unknown {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}
