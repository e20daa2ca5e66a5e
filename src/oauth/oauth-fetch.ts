import { createNoRedirectFetch, type NoRedirectFetch } from "../upstream/no-redirect-fetch";
import { OAuthTransientError } from "./oauth-types";

/**
 * The `fetch` every OAuth call goes through (OAuthContext.fetch): redirects are never followed (a 3xx from a token or
 * device endpoint is an error — following it could carry a code or a refresh token to another host), and every call
 * has a deadline. Its failures are transient: the flow or the refresh is tried again.
 */

export const OAUTH_TIMEOUT_MS = 15_000;

export type OAuthFetch = NoRedirectFetch;

export function createOAuthFetch(options: { timeoutMs?: number; fetch?: typeof fetch } = {}): OAuthFetch {
  return createNoRedirectFetch({
    what: "OAuth call",
    error: (message) => new OAuthTransientError(message),
    timeoutMs: options.timeoutMs ?? OAUTH_TIMEOUT_MS,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
