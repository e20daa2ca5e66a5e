import type { IRFormat } from "../ir/ir-types";
import { isSensitiveKey } from "../security/redact";
import type { ConnectionRuntime } from "../services/connection-service";

/** The request as it went to the upstream: no credential headers, ever. */
export interface TracedUpstreamRequest {
  method: string;
  url: string;
  /** The headers sent, credentials (authorization, x-api-key, …) left out. */
  headers: Record<string, string>;
  body: string;
}

export interface TracedUpstreamResponse {
  status: number;
  /** A subset: content type, request ids, rate-limit and retry hints. */
  headers: Record<string, string>;
  /** The body as the upstream sent it (a stream's raw SSE text), read off a copy while the pipeline reads the original. */
  body: Promise<string>;
}

/** Upstream response headers worth showing: what the body is, the upstream's request id, limits and retry hints. */
function isShownResponseHeader(name: string): boolean {
  return (
    name === "content-type" ||
    name === "retry-after" ||
    name.endsWith("request-id") ||
    name.includes("ratelimit") ||
    name === "openai-processing-ms" ||
    name === "openai-model"
  );
}

/**
 * What one request looked like on each side of the gateway: set on a RequestRecord only by the dashboard's round
 * trip (`POST /api/translate/round-trip`) and filled by sendUpstream. Every ordinary request carries null and pays
 * nothing for it. With failover, the last attempt wins (the one that answered, or the last that failed).
 */
export class RequestTrace {
  upstreamFormat: IRFormat | null = null;
  upstreamRequest: TracedUpstreamRequest | null = null;
  upstreamResponse: TracedUpstreamResponse | null = null;
  /** Upstream calls made (retries and failover included). */
  attempts = 0;
  /** Credentials of every connection tried, so the caller can scrub them from whatever it shows. */
  readonly secrets = new Set<string>();

  /** The request about to go to `connection`. */
  sent(connection: ConnectionRuntime, request: { url: string; method?: string; headers: Record<string, string>; body?: string }): void {
    this.attempts++;
    this.upstreamFormat = connection.provider.format;
    this.upstreamResponse = null;
    if (connection.apiKey) this.secrets.add(connection.apiKey);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (isSensitiveKey(name)) {
        // Whatever the value looks like (a bearer token, an OAuth token), it is a secret: scrub it everywhere.
        this.secrets.add(value.replace(/^bearer\s+/i, ""));
        continue;
      }
      headers[name] = value;
    }
    this.upstreamRequest = { method: request.method ?? "POST", url: request.url, headers, body: request.body ?? "" };
  }

  /** The upstream's answer; `body` is its text (already read for an error, or read off a copy of a success). */
  received(status: number, responseHeaders: Headers, body: Promise<string>): void {
    const headers: Record<string, string> = {};
    responseHeaders.forEach((value, name) => {
      if (isShownResponseHeader(name) && !isSensitiveKey(name)) headers[name] = value;
    });
    // A failed read (the call was cut off) still shows what arrived as far as the trace can tell: nothing.
    this.upstreamResponse = { status, headers, body: body.catch(() => "") };
  }
}

const pending = new WeakMap<Request, RequestTrace>();
/** Traces attached and not yet claimed: while 0 (always, outside a round trip) claimTrace is one comparison. */
let pendingCount = 0;

/** Marks an in-process request as traced; the surface handler claims the trace when it reads the request. */
export function attachTrace(request: Request, trace: RequestTrace): void {
  if (!pending.has(request)) pendingCount++;
  pending.set(request, trace);
}

/**
 * The trace attached to this exact Request object, if any (removed once claimed). Only code in this process can
 * attach one, so a client cannot ask for a trace (nor for the authentication it implies) over HTTP.
 */
export function claimTrace(request: Request): RequestTrace | null {
  if (pendingCount === 0) return null;
  const trace = pending.get(request);
  if (!trace) return null;
  pending.delete(request);
  pendingCount--;
  return trace;
}

/** Drops a trace the handler never claimed (it answered before reading the request). */
export function releaseTrace(request: Request): void {
  if (pending.delete(request)) pendingCount--;
}
