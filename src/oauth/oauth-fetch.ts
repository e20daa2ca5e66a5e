import { redact } from "../security/redact";
import { OAuthTransientError } from "./oauth-types";

/**
 * The `fetch` every OAuth call goes through (OAuthContext.fetch): redirects are never followed (`redirect:
 * "manual"`; a 3xx from a token or device endpoint is an error — following it could carry a code or a refresh
 * token to another host), and every call has a deadline. Errors name the endpoint's origin only and are redacted.
 */

export const OAUTH_TIMEOUT_MS = 15_000;

export type OAuthFetch = (url: string, init: RequestInit) => Promise<Response>;

/** Where a call went, without path or query (which could hold a code). */
function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "an invalid URL";
  }
}

export function createOAuthFetch(options: { timeoutMs?: number; fetch?: typeof fetch } = {}): OAuthFetch {
  const timeoutMs = options.timeoutMs ?? OAUTH_TIMEOUT_MS;
  const fetchImpl = options.fetch ?? fetch;
  return async (url, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    let response: Response;
    try {
      response = await fetchImpl(url, { ...init, redirect: "manual", signal });
    } catch (error) {
      if (deadline.aborted) throw new OAuthTransientError(`OAuth call to ${originOf(url)} timed out after ${timeoutMs} ms`);
      const reason = error instanceof Error ? error.message : String(error);
      throw new OAuthTransientError(`OAuth call to ${originOf(url)} failed: ${redact(reason).slice(0, 200)}`);
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => {});
      throw new OAuthTransientError(`OAuth call to ${originOf(url)} answered with a redirect (HTTP ${response.status}); redirects are not followed`);
    }
    return response;
  };
}

/** POST an `application/x-www-form-urlencoded` body (token and device endpoints, RFC 6749). */
export function postForm(fetchFn: OAuthFetch, url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetchFn(url, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/** POST a JSON body. */
export function postJson(fetchFn: OAuthFetch, url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetchFn(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

/** The body as JSON; a body that is not JSON is an OAuthTransientError naming only the status (never the text). */
export async function readJsonBody(response: Response, what: string): Promise<unknown> {
  const text = await response.text().catch(() => "");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new OAuthTransientError(`${what}: HTTP ${response.status} with a body that is not JSON`);
  }
}
