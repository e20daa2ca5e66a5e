import type { IRError } from "../ir/ir-types";
import { isSensitiveKey, redact } from "../security/redact";
import type { ConnectionRuntime } from "../services/connection-service";
import { callUpstream, UpstreamFailure, type UpstreamRequest } from "../upstream/call-upstream";
import type { UpstreamDeadline } from "../upstream/upstream-deadline";
import type { RequestTrace } from "./request-trace";
import { copyRateLimitHeaders } from "./upstream-response-headers";
import { redirectError, upstreamFailureError } from "./upstream-failure-error";

export type UpstreamOutcome =
  | { ok: true; response: Response; deadline: UpstreamDeadline }
  /** `error` null: the client left. `headers`: rate-limit hints worth passing on with the error. */
  | { ok: false; error: IRError | null; headers: Record<string, string> };

/**
 * One upstream call, with every way it can fail before a usable answer — unreachable, timed out, redirected,
 * an error status — turned into an IR error (secrets redacted), read by the upstream format's decoder.
 */
export async function sendUpstream(
  connection: ConnectionRuntime,
  request: UpstreamRequest,
  decodeError: (status: number, bodyText: string) => IRError,
  /** The record's trace (the dashboard's round trip); null on every ordinary request. */
  trace: RequestTrace | null = null,
): Promise<UpstreamOutcome> {
  trace?.sent(connection, request);
  let upstream: Awaited<ReturnType<typeof callUpstream>>;
  try {
    upstream = await callUpstream(request);
  } catch (error) {
    if (error instanceof UpstreamFailure) return { ok: false, error: upstreamFailureError(error, connection), headers: {} };
    throw error;
  }
  const { response, deadline } = upstream;
  if (response.ok) {
    // A copy of the body for the trace; the pipeline reads the original as usual.
    if (trace) trace.received(response.status, response.headers, response.clone().text());
    return { ok: true, response, deadline };
  }
  const text = await response.text().catch(() => "");
  deadline.finish();
  trace?.received(response.status, response.headers, Promise.resolve(text));
  const headers: Record<string, string> = {};
  copyRateLimitHeaders(response.headers, headers);
  if (response.status >= 300 && response.status < 400) return { ok: false, error: redirectError(response.status, connection), headers };
  const error = decodeError(response.status, text);
  error.message = redact(error.message, connection.apiKey ? [connection.apiKey] : []);
  return { ok: false, error, headers };
}

/**
 * Client headers that never reach an upstream, even if a format's allowlist named one by mistake: credentials
 * (the client's key is OmniRoute's, not the provider's), cookies, proxy and forwarding headers, hop-by-hop
 * headers, and OmniRoute's own `x-omniroute-*`.
 */
const NEVER_FORWARDED = new Set(["host", "forwarded", "x-real-ip", "via", "connection", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade", "content-length"]);

export function isNeverForwarded(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    NEVER_FORWARDED.has(lower) ||
    lower.startsWith("x-forwarded-") ||
    lower.startsWith("x-omniroute-") ||
    lower.startsWith("proxy-") ||
    lower.includes("cookie") ||
    isSensitiveKey(lower)
  );
}

/** Each format's allowlist with the never-forwarded names taken out, computed once per list. */
const safeLists = new WeakMap<readonly string[], readonly string[]>();
function safeNames(names: readonly string[]): readonly string[] {
  let safe = safeLists.get(names);
  if (!safe) {
    safe = names.filter((name) => !isNeverForwarded(name)).map((name) => name.toLowerCase());
    safeLists.set(names, safe);
  }
  return safe;
}

/**
 * The connection's headers plus the client's own feature-flag headers the format forwards (e.g. anthropic-beta):
 * upstream headers are an allowlist, no other client header ever goes up.
 */
export function withForwardedHeaders(base: Record<string, string>, names: readonly string[], client: Headers | undefined): Record<string, string> {
  if (!client || names.length === 0) return base;
  let headers = base;
  for (const name of safeNames(names)) {
    const value = client.get(name);
    if (value) headers = { ...headers, [name]: value };
  }
  return headers;
}
