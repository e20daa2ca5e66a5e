import { z } from "zod";
import { acceptRequestId } from "../util/ids";
import type { GatewayRuntime } from "./gateway-runtime";

export const healthReportSchema = z.object({
  status: z.literal("ok"),
  version: z.string(),
  routing: z.object({ accountsCoolingDown: z.number(), accountsNeedingReauth: z.number(), openBreakers: z.number() }),
});
export type HealthReport = z.infer<typeof healthReportSchema>;

/** The public liveness report: counts only; per-account detail is at /api/health/routing behind the login. */
export function healthReport(runtime: GatewayRuntime): HealthReport {
  const { accounts, providers } = runtime.health.snapshot();
  const now = Date.now();
  return {
    status: "ok",
    version: runtime.version,
    routing: {
      accountsCoolingDown: accounts.filter((a) => a.cooldownUntil !== null && a.cooldownUntil > now).length,
      accountsNeedingReauth: accounts.filter((a) => a.needsReauth).length,
      openBreakers: accounts.filter((a) => a.breaker.state !== "closed").length + providers.filter((p) => p.breaker.state !== "closed").length,
    },
  };
}

/**
 * `GET /api/health` as a native route: it answers as soon as the API does, without building the management app
 * (the Elysia route of the same path documents it in the OpenAPI document).
 */
export function healthResponse(runtime: GatewayRuntime, request: Request): Response {
  return Response.json(healthReport(runtime), { headers: { "x-request-id": acceptRequestId(request.headers.get("x-request-id")) } });
}
