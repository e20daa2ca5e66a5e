import { redact } from "../security/redact";

/** A fetch for the gateway's own background calls (OAuth, quota reads): never follows a redirect, always has a deadline. */
export type NoRedirectFetch = (url: string, init: RequestInit) => Promise<Response>;

/** Where a call went, without path or query (which could hold a code or a key). */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "an invalid URL";
  }
}

/**
 * Wraps fetch so that a 3xx is an error instead of being followed (following it could carry a code, a token or a
 * key to another host) and every call ends by `timeoutMs`. Errors name the endpoint's origin only, redacted, and
 * are made by `error` so each caller keeps its own error class (`what` starts the message: "OAuth call").
 */
export function createNoRedirectFetch(options: { what: string; error: (message: string) => Error; timeoutMs: number; fetch?: typeof fetch }): NoRedirectFetch {
  const { what, error: fail, timeoutMs } = options;
  const fetchImpl = options.fetch ?? fetch;
  return async (url, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    let response: Response;
    try {
      response = await fetchImpl(url, { ...init, redirect: "manual", signal });
    } catch (error) {
      if (deadline.aborted) throw fail(`${what} to ${originOf(url)} timed out after ${timeoutMs} ms`);
      const reason = error instanceof Error ? error.message : String(error);
      throw fail(`${what} to ${originOf(url)} failed: ${redact(reason).slice(0, 200)}`);
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel().catch(() => {});
      throw fail(`${what} to ${originOf(url)} answered with a redirect (HTTP ${response.status}); redirects are not followed`);
    }
    return response;
  };
}
