import type { RouteTarget } from "../routing/model-router";

/** Upstream response headers worth passing to the client: rate-limit state and retry hints (Codex: `x-codex-*`). */
export function copyRateLimitHeaders(from: Headers, to: Record<string, string>): void {
  from.forEach((value, name) => {
    if (name === "retry-after" || name.startsWith("x-ratelimit-") || name.startsWith("anthropic-ratelimit-") || name.startsWith("x-codex-")) to[name] = value;
  });
}

/** Headers every routed response carries: the request id and what served it. */
export function routedResponseHeaders(requestId: string, target: RouteTarget): Record<string, string> {
  return {
    "x-request-id": requestId,
    "x-omniroute-provider": target.connection.provider.id,
    "x-omniroute-model": `${target.prefix}/${target.upstreamModel}`,
  };
}
