import { redact } from "../../security/redact";
import { OAuthRefreshRejected, OAuthTransientError } from "../oauth-types";

/**
 * Reading OAuth providers' answers the same way in every module: a body that is not JSON is `undefined` (never an
 * exception), and an error message carries only the HTTP status and the OAuth error code — never the body, which
 * may echo a code, a token or a verifier back.
 */

/** Fetch through the context's wrapper; a network failure (refused, reset, timeout) is always worth a retry. */
export async function send(
  fetchFn: (url: string, init: RequestInit) => Promise<Response>,
  what: string,
  url: string,
  init: RequestInit,
): Promise<Response> {
  try {
    return await fetchFn(url, init);
  } catch (error) {
    // The wrapper's own message may name the URL; the URLs are ours (data), but redact in case a query carries a key.
    const reason = error instanceof Error ? error.message : String(error);
    throw new OAuthTransientError(`${what} failed: ${redact(reason).slice(0, 200)}`);
  }
}

/** The body as JSON, or undefined when it is empty or not JSON (an HTML error page from a proxy, a truncated body). */
export async function readJson(response: Response): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch {
    return undefined;
  }
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const ERROR_CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * The OAuth error code of an error body: RFC 6749 `{error: "invalid_grant"}`, or Anthropic's API shape
 * `{type: "error", error: {type: "invalid_grant"}}`. Only a short code-shaped string is returned, so nothing the
 * provider echoes back can reach a message.
 */
export function oauthErrorCode(body: unknown): string | null {
  if (!body || typeof body !== "object") return null;
  const error = (body as { error?: unknown }).error;
  const code =
    typeof error === "string"
      ? error
      : error && typeof error === "object"
        ? ((error as { type?: unknown; code?: unknown }).type ?? (error as { code?: unknown }).code)
        : undefined;
  return typeof code === "string" && ERROR_CODE.test(code) ? code : null;
}

/** "<what> failed: HTTP 400 (invalid_grant)" — status and code only. */
export function failureText(what: string, status: number, code: string | null): string {
  return `${what} failed: HTTP ${status}${code ? ` (${code})` : ""}`;
}

/** A refused answer as the right error: permanent (re-auth needed) when `permanent`, else worth retrying. */
export function refusal(what: string, status: number, code: string | null, permanent: boolean): Error {
  const message = failureText(what, status, code);
  return permanent ? new OAuthRefreshRejected(message) : new OAuthTransientError(message);
}

/** Epoch ms from an RFC 3339 / ISO date string; null when absent or unreadable. */
export function parseTime(value: unknown): number | null {
  if (typeof value !== "string" || value.trim() === "") return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}
