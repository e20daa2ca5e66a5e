import type { IRError } from "../ir/ir-types";
import { redact } from "../security/redact";
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

/** The connection's headers plus the client's own feature-flag headers the format forwards (e.g. anthropic-beta). */
export function withForwardedHeaders(base: Record<string, string>, names: readonly string[], client: Headers | undefined): Record<string, string> {
  if (!client || names.length === 0) return base;
  let headers = base;
  for (const name of names) {
    const value = client.get(name);
    if (value) headers = { ...headers, [name]: value };
  }
  return headers;
}
