import { z } from "zod";
import { cacheStatsSchema } from "./admin/cache-routes";
import type { GatewayRuntime } from "./gateway-runtime";

const breakerSchema = z.object({
  state: z.enum(["closed", "open", "half-open"]),
  failures: z.number(),
  successes: z.number(),
  opens: z.number(),
  consecutiveFailures: z.number(),
  lastChange: z.number().nullable(),
  openUntil: z.number().nullable(),
  cooldownMs: z.number(),
  probeInFlight: z.boolean(),
});

const availabilitySchema = z.union([
  z.object({ available: z.literal(true) }),
  z.object({ available: z.literal(false), until: z.number().nullable(), reason: z.enum(["cooldown", "reauth", "breaker-open", "provider-breaker-open"]) }),
]);

const accountSchema = z.object({
  connectionId: z.string(),
  name: z.string().nullable().describe("The connection's name; null when it was deleted since"),
  providerId: z.string(),
  availability: availabilitySchema,
  inflight: z.number(),
  uses: z.number(),
  ewmaTtfbMs: z.number().nullable(),
  ewmaLatencyMs: z.number().nullable(),
  lastUsedAt: z.number().nullable(),
  cooldownUntil: z.number().nullable(),
  needsReauth: z.boolean(),
  rateLimitStreak: z.number(),
  lastFailure: z.object({ class: z.enum(["rate-limited", "quota-exhausted", "auth", "transient", "context-length", "client-error"]), reason: z.string(), at: z.number() }).nullable(),
  breaker: breakerSchema,
});

const rateLimitSchema = z.object({
  key: z.string(),
  rpm: z.number().nullable(),
  minGapMs: z.number().nullable(),
  maxConcurrent: z.number().nullable(),
  queueMax: z.number(),
  queueTimeoutMs: z.number(),
  inflight: z.number(),
  queued: z.number(),
  windowCount: z.number().nullable(),
  nextSlotInMs: z.number().nullable(),
  admitted: z.number(),
  refused: z.number(),
});

export const healthDetailsSchema = z.object({
  status: z.literal("ok"),
  version: z.string(),
  startedAt: z.string(),
  uptimeSeconds: z.number(),
  memory: z.object({ rss: z.number(), heapTotal: z.number(), heapUsed: z.number(), external: z.number(), arrayBuffers: z.number() }),
  accounts: z.array(accountSchema).describe("Every account used since the start, as in GET /api/health/routing, with its connection name"),
  providers: z.array(z.object({ providerId: z.string(), breaker: breakerSchema })),
  coolingDown: z.array(z.object({ connectionId: z.string(), providerId: z.string(), until: z.number(), reason: z.string().nullable() })),
  needsReauth: z.array(z.object({ connectionId: z.string(), providerId: z.string() })),
  openBreakers: z.array(
    z.object({ scope: z.enum(["account", "provider"]), id: z.string(), providerId: z.string(), state: z.enum(["open", "half-open"]), openUntil: z.number().nullable() }),
  ),
  rateLimits: z.object({ waiting: z.number(), limits: z.array(rateLimitSchema) }),
  cache: cacheStatsSchema,
  requestLog: z.object({ enabled: z.boolean(), pending: z.number(), dropped: z.number() }),
  monitor: z.object({ subscribers: z.number() }),
});
export type HealthDetails = z.infer<typeof healthDetailsSchema>;

/** Everything the dashboard's health page shows, read now (GET /api/health/details). */
export function healthDetails(runtime: GatewayRuntime, now: number = Date.now()): HealthDetails {
  const { accounts, providers } = runtime.health.snapshot();
  const names = new Map(runtime.services.connections.runtime().map((c) => [c.id, c.name]));
  const memory = process.memoryUsage();
  const coolingDown = accounts
    .filter((a) => a.cooldownUntil !== null && a.cooldownUntil > now)
    .map((a) => ({ connectionId: a.connectionId, providerId: a.providerId, until: a.cooldownUntil!, reason: a.lastFailure?.reason ?? null }));
  const openBreakers: HealthDetails["openBreakers"] = [];
  for (const a of accounts) {
    if (a.breaker.state !== "closed") openBreakers.push({ scope: "account", id: a.connectionId, providerId: a.providerId, state: a.breaker.state, openUntil: a.breaker.openUntil });
  }
  for (const p of providers) {
    if (p.breaker.state !== "closed") openBreakers.push({ scope: "provider", id: p.providerId, providerId: p.providerId, state: p.breaker.state, openUntil: p.breaker.openUntil });
  }
  return {
    status: "ok",
    version: runtime.version,
    startedAt: new Date(runtime.startedAt).toISOString(),
    uptimeSeconds: Math.floor((now - runtime.startedAt) / 1000),
    memory: { rss: memory.rss, heapTotal: memory.heapTotal, heapUsed: memory.heapUsed, external: memory.external, arrayBuffers: memory.arrayBuffers },
    accounts: accounts.map((a) => ({ ...a, name: names.get(a.connectionId) ?? null })),
    providers,
    coolingDown,
    needsReauth: accounts.filter((a) => a.needsReauth).map((a) => ({ connectionId: a.connectionId, providerId: a.providerId })),
    openBreakers,
    rateLimits: runtime.rateLimiter.snapshot(),
    cache: runtime.responseCache.stats(),
    requestLog: { enabled: runtime.services.settings.get().requestLog.enabled, pending: runtime.logWriter.pending(), dropped: runtime.logWriter.dropped },
    monitor: { subscribers: runtime.liveMonitor.subscriberCount },
  };
}
