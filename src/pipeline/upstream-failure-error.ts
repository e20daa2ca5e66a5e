import type { IRError } from "../ir/ir-types";
import type { ConnectionRuntime } from "../services/connection-service";
import { UpstreamFailure } from "../upstream/call-upstream";
import { UpstreamTimeoutError } from "../upstream/upstream-deadline";

/** A failed upstream call (no usable HTTP answer) as an IR error; null when the client itself left. */
export function upstreamFailureError(error: UpstreamFailure, connection: ConnectionRuntime): IRError | null {
  if (error.kind === "client-closed") return null;
  const timeout = error.kind === "connect-timeout" || error.kind === "first-byte-timeout";
  return {
    status: timeout ? 504 : 502,
    type: timeout ? "timeout_error" : "api_error",
    code: timeout ? "upstream_timeout" : "upstream_unreachable",
    message: `Provider ${connection.provider.name} (connection "${connection.name}") ${error.message}.`,
  };
}

/** Why a stream broke off, in words for the client. */
export function describeStreamError(error: unknown): string {
  if (error instanceof UpstreamTimeoutError) return error.message;
  if (error instanceof UpstreamFailure) return error.message;
  return "broke off the stream";
}

/** An upstream redirect is never followed (credentials must not travel to another host). */
export function redirectError(status: number, connection: ConnectionRuntime): IRError {
  return {
    status: 502,
    type: "api_error",
    code: "upstream_redirect",
    message: `Provider ${connection.provider.name} answered with a redirect (HTTP ${status}), which OmniRoute does not follow. Check the connection's base URL.`,
  };
}
