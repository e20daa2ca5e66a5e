import { Elysia } from "elysia";
import { z } from "zod";
import { settingsPatchSchema, settingsSchema } from "../../config/settings-schema";
import type { GatewayRuntime } from "../gateway-runtime";
import { healthReport, healthReportSchema } from "../health-report";
import { assertPromptGuardSettingsPatch } from "./prompt-guard-routes";
import { assertNetworkSettingsPatch } from "./security-network-routes";

const statusSchema = z.object({
  version: z.string(),
  startedAt: z.string(),
  uptimeSeconds: z.number(),
  listen: z.object({ host: z.string(), port: z.number() }),
  dataDir: z.string(),
  connections: z.object({ total: z.number(), enabled: z.number() }),
  models: z.object({ total: z.number() }),
  apiKeys: z.object({ active: z.number() }),
});

export function statusRoutes(runtime: GatewayRuntime) {
  const { services } = runtime;
  return new Elysia({ name: "admin:status", detail: { tags: ["Status"] } })
    .get("/api/health", () => healthReport(runtime), {
      response: healthReportSchema,
      detail: { summary: "Liveness probe with routing health counts (no login needed)" },
    })
    .get(
      "/api/health/routing",
      () => {
        const cache = runtime.responseCache.stats();
        return {
          ...runtime.health.snapshot(),
          rateLimits: runtime.rateLimiter.snapshot(),
          // The response cache in brief; GET /api/cache has every figure.
          cache: { enabled: cache.enabled, hits: cache.hits, misses: cache.misses, entries: cache.entries, memoryBytes: cache.memoryBytes, persistedEntries: cache.persistedEntries },
        };
      },
      {
        detail: {
          summary: "Every account's and provider's routing state: cool-down, re-auth, circuit breaker, in-flight, latency, rate-limit queues; response cache summary",
        },
      },
    )
    .get(
      "/api/status",
      () => {
        const connections = services.connections.runtime();
        return {
          version: runtime.version,
          startedAt: new Date(runtime.startedAt).toISOString(),
          uptimeSeconds: Math.floor((Date.now() - runtime.startedAt) / 1000),
          listen: runtime.listen,
          dataDir: services.dataDir,
          connections: { total: connections.length, enabled: connections.filter((c) => c.enabled).length },
          models: { total: runtime.router.listModels().length },
          apiKeys: { active: services.apiKeys.activeCount() },
        };
      },
      { response: statusSchema, detail: { summary: "Version, uptime, listen address and counts for the dashboard" } },
    )
    .get("/api/models", () => ({ object: "list" as const, data: [...runtime.router.listModels()] }), {
      detail: { summary: "The same list as GET /v1/models, for the dashboard session" },
    })
    .get("/api/settings", () => services.settings.get(), { response: settingsSchema, detail: { summary: "Run-time settings" } })
    .patch(
      "/api/settings",
      ({ body, request }) => {
        // Security rules that do not compile, or that would shut out the admin making the change, are refused whole.
        assertNetworkSettingsPatch(runtime, request, body.security);
        assertPromptGuardSettingsPatch(body.security);
        const updated = services.settings.update(body);
        // Strategies are built per provider group and combo from the defaults: rebuild them.
        if (body.routing) {
          runtime.router.rebuild();
          runtime.rateLimiter.configure(updated.routing.rateLimits);
        }
        return updated;
      },
      {
        body: settingsPatchSchema,
        response: settingsSchema,
        detail: { summary: "Change run-time settings (timeouts, limits, request log, routing, security); applies immediately" },
      },
    );
  // GET /api/logs (filters, cursor, detail, CSV export) lives in analytics-routes.ts.
}
