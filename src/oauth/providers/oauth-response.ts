import { redact } from "../../security/redact";
import { OAuthRefreshRejected, OAuthTransientError, type DevicePoll } from "../oauth-types";

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

/** The URL of one of a module's endpoints in this context (production data, or a test's mock). */
export function configuredEndpoint(ctx: { endpoints: Readonly<Record<string, string>> }, providerId: string, name: string): string {
  const url = ctx.endpoints[name];
  if (!url) throw new OAuthTransientError(`${providerId}: no '${name}' endpoint configured`);
  return url;
}

const FORM_HEADERS = { "content-type": "application/x-www-form-urlencoded", accept: "application/json" } as const;

/** A form-urlencoded POST (token endpoints, device-code requests) through `send`; `headers` add to the form's. */
export function sendForm(
  fetchFn: (url: string, init: RequestInit) => Promise<Response>,
  what: string,
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Response> {
  return send(fetchFn, what, url, { method: "POST", headers: { ...FORM_HEADERS, ...headers }, body: new URLSearchParams(fields).toString() });
}

/** The JSON of an answer that must be a success (a quota read, a lookup); a refusal is thrown as worth retrying. */
export async function successJson(response: Response, what: string, errorCode: (body: unknown) => string | null = oauthErrorCode): Promise<unknown> {
  const body = await readJson(response);
  if (!response.ok) throw refusal(what, response.status, errorCode(body), false);
  return body;
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

/** The one refusal most providers send for a refresh token that is gone for good. */
export const INVALID_GRANT: ReadonlySet<string> = new Set(["invalid_grant"]);

/**
 * A refused refresh: re-authentication is needed only when a 400 / 401 names one of `permanentCodes` (the refresh
 * token or its client is gone for good). A 429, a 5xx or a refusal for another reason keeps the account and is
 * retried later.
 */
export function refreshRefusal(what: string, status: number, code: string | null, permanentCodes: ReadonlySet<string>): Error {
  return refusal(what, status, code, (status === 400 || status === 401) && code !== null && permanentCodes.has(code));
}

/**
 * A refused authorization-code exchange: a 429 or a 5xx did not judge the code, so the same paste may be tried again
 * (OAuthTransientError); any other answer refused it (expired, used, wrong verifier) and a plain Error ends the flow.
 */
export function codeExchangeRefusal(what: string, status: number, code: string | null): Error {
  if (status === 429 || status >= 500) return refusal(what, status, code, false);
  return new Error(failureText(what, status, code));
}

/** The refresh_token grant (RFC 6749 §6) as a form POST; a refused answer is thrown as `refreshRefusal` says. */
export async function refreshTokenGrant(
  ctx: { fetch: (url: string, init: RequestInit) => Promise<Response> },
  what: string,
  url: string,
  fields: Record<string, string>,
  options: { permanentCodes: ReadonlySet<string>; headers?: Record<string, string>; errorCode?: (body: unknown) => string | null },
): Promise<Response> {
  const response = await sendForm(ctx.fetch, what, url, { grant_type: "refresh_token", ...fields }, options.headers);
  if (!response.ok) throw refreshRefusal(what, response.status, (options.errorCode ?? oauthErrorCode)(await readJson(response)), options.permanentCodes);
  return response;
}

/**
 * A device-code poll's answer read the RFC 8628 way (§3.5): pending, slow down, expired, denied — whatever the HTTP
 * status, since providers differ (GitHub says 200, others 400). A 5xx or 429 is retried on the next poll; any other
 * error ends the flow. Null: the answer is a success for the caller to read.
 */
export function devicePollOutcome(what: string, status: number, code: string | null, deniedOn: string): DevicePoll | null {
  if (code === "authorization_pending") return { status: "pending" };
  if (code === "slow_down") return { status: "slow-down" };
  if (code === "expired_token") return { status: "failed", message: "The device code expired before it was approved" };
  if (code === "access_denied") return { status: "failed", message: `The authorization was denied on ${deniedOn}` };
  if (status >= 500 || status === 429) throw new OAuthTransientError(failureText(what, status, code));
  if (code !== null || status >= 400) return { status: "failed", message: failureText(what, status, code) };
  return null;
}
