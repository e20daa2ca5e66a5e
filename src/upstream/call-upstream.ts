import { isOriginWarm, markOriginWarm, probeTcpConnect } from "./connect-probe";
import { UpstreamDeadline, UpstreamTimeoutError } from "./upstream-deadline";

export interface UpstreamRequest {
  url: string;
  /** `url`'s origin, when the caller has it precomputed (saves parsing the URL per request). */
  origin?: string;
  method?: "POST" | "GET";
  headers: Record<string, string>;
  body?: string;
  /** The client's request signal: a disconnect aborts the upstream call. */
  clientSignal?: AbortSignal;
  timeouts: { connectMs: number; firstByteMs: number; idleMs: number };
}

export type UpstreamFailureKind = "connect-timeout" | "first-byte-timeout" | "unreachable" | "client-closed";

export class UpstreamFailure extends Error {
  override name = "UpstreamFailure";
  constructor(
    readonly kind: UpstreamFailureKind,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Sends one request upstream with our own deadlines (Bun's built-in fetch timeout is disarmed so it can't
 * cut long generations), never following redirects (credentials must not travel to another host).
 * Resolves with the response once headers arrive; the deadline keeps running for the body.
 */
export async function callUpstream(request: UpstreamRequest): Promise<{ response: Response; deadline: UpstreamDeadline }> {
  const deadline = new UpstreamDeadline(request.timeouts);
  // Stays attached for the body too: a client that leaves mid-response aborts the upstream read.
  const onClientAbort = () => deadline.abort(new UpstreamFailure("client-closed", "client closed the connection"));
  const clientSignal = request.clientSignal;
  if (clientSignal) {
    if (clientSignal.aborted) onClientAbort();
    else clientSignal.addEventListener("abort", onClientAbort, { once: true });
  }
  const origin = request.origin ?? new URL(request.url).origin;
  if (!isOriginWarm(origin)) {
    void probeTcpConnect(new URL(request.url), request.timeouts.connectMs, deadline.signal).then((result) => {
      if (result === "timeout" && deadline.phase === "first-byte") deadline.failConnect();
    });
  }
  try {
    const response = await fetch(request.url, {
      method: request.method ?? "POST",
      headers: request.headers,
      body: request.body,
      signal: deadline.signal,
      redirect: "manual",
      // Bun-specific: disarm the built-in 300 s socket timeout; UpstreamDeadline governs instead.
      timeout: false,
    } as RequestInit);
    markOriginWarm(origin);
    return { response, deadline };
  } catch (error) {
    deadline.finish();
    clientSignal?.removeEventListener("abort", onClientAbort);
    const reason = deadline.signal.aborted ? deadline.signal.reason : error;
    if (reason instanceof UpstreamFailure) throw reason;
    if (reason instanceof UpstreamTimeoutError) {
      throw new UpstreamFailure(reason.phase === "connect" ? "connect-timeout" : "first-byte-timeout", reason.message);
    }
    throw new UpstreamFailure("unreachable", describeNetworkError(reason));
  }
}

function describeNetworkError(error: unknown): string {
  const code = (error as { code?: string })?.code;
  if (code === "ConnectionRefused" || code === "ECONNREFUSED") return "refused the connection";
  if (code === "ConnectionClosed" || code === "ECONNRESET") return "closed the connection unexpectedly";
  if (code === "FailedToOpenSocket" || code === "ENOTFOUND") return "could not be reached (DNS or network failure)";
  const message = (error as Error)?.message ?? String(error);
  return `could not be reached: ${message}`;
}
