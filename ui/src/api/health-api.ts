import { apiRequest } from "./client";
import { getAnalytics, type AnalyticsSummary } from "./usage-api";

export type BreakerState = "closed" | "open" | "half-open";

export interface Breaker {
  state: BreakerState;
  failures: number;
  successes: number;
  opens: number;
  consecutiveFailures: number;
  lastChange: number | null;
  /** Epoch ms. */
  openUntil: number | null;
  cooldownMs: number;
  probeInFlight: boolean;
}

export type Availability =
  | { available: true }
  | { available: false; until: number | null; reason: "cooldown" | "reauth" | "breaker-open" | "provider-breaker-open" };

export interface AccountHealth {
  connectionId: string;
  /** null when the connection was deleted since. */
  name: string | null;
  providerId: string;
  availability: Availability;
  inflight: number;
  uses: number;
  ewmaTtfbMs: number | null;
  ewmaLatencyMs: number | null;
  lastUsedAt: number | null;
  cooldownUntil: number | null;
  needsReauth: boolean;
  rateLimitStreak: number;
  lastFailure: { class: string; reason: string; at: number } | null;
  breaker: Breaker;
}

export interface RateLimitQueue {
  key: string;
  rpm: number | null;
  minGapMs: number | null;
  maxConcurrent: number | null;
  queueMax: number;
  queueTimeoutMs: number;
  inflight: number;
  queued: number;
  windowCount: number | null;
  nextSlotInMs: number | null;
  admitted: number;
  refused: number;
}

export interface CacheStats {
  enabled: boolean;
  persist: boolean;
  hits: number;
  misses: number;
  bypasses: number;
  stores: number;
  skipped: number;
  evictions: number;
  expired: number;
  entries: number;
  memoryBytes: number;
  maxMemoryBytes: number;
  maxEntryBytes: number;
  persistedEntries: number;
}

/** GET /api/health/details (docs/api.md, Health details and reset). Times are epoch ms. */
export interface HealthDetails {
  status: "ok";
  version: string;
  startedAt: string;
  uptimeSeconds: number;
  memory: { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
  accounts: AccountHealth[];
  providers: Array<{ providerId: string; breaker: Breaker }>;
  coolingDown: Array<{ connectionId: string; providerId: string; until: number; reason: string | null }>;
  needsReauth: Array<{ connectionId: string; providerId: string }>;
  openBreakers: Array<{ scope: "account" | "provider"; id: string; providerId: string; state: "open" | "half-open"; openUntil: number | null }>;
  rateLimits: { waiting: number; limits: RateLimitQueue[] };
  cache: CacheStats;
  requestLog: { enabled: boolean; pending: number; dropped: number };
  monitor: { subscribers: number };
}

export interface QuotaAmounts {
  requests?: number;
  tokens?: number;
  usd?: number;
}

export interface QuotaWindowView {
  id: string;
  description: string;
  limits: QuotaAmounts;
  reservePercent: number;
  used: { requests: number; tokens: number; usd: number };
  remaining: QuotaAmounts;
  /** 0 – 100, may exceed 100. */
  percentUsed: number;
  exhausted: boolean;
  spanStart: string;
  resetAt: string | null;
  resetInSeconds: number | null;
  availableAt: string | null;
  lastManualReset: string | null;
}

export interface ReportedLimitView {
  name: string;
  limit: number | null;
  remaining: number | null;
  utilization: number | null;
  spent: boolean;
  resetAt: string | null;
  resetInSeconds: number | null;
  /** The upstream model this limit is for (providers that meter each model); null: the whole account. */
  model: string | null;
}

export interface AccountQuotaView {
  connectionId: string;
  name: string;
  providerId: string;
  enabled: boolean;
  available: boolean;
  unavailableUntil: string | null;
  unavailableForSeconds: number | null;
  closedBy: string | null;
  windows: QuotaWindowView[];
  reported: { at: string; ageSeconds: number; retryAt: string | null; limits: ReportedLimitView[] } | null;
}

export interface QuotaOverview {
  now: string;
  connections: AccountQuotaView[];
}

export const healthApi = {
  details: () => apiRequest<HealthDetails>("GET", "/api/health/details"),
  /** Clears cool-down, re-auth flag and breaker of one account, or of every account and provider without an id. */
  reset: (connectionId?: string) =>
    apiRequest<{ accountsReset: number; providersReset: boolean }>("POST", "/api/health/reset", { body: connectionId === undefined ? {} : { connectionId } }),
  clearCache: () => apiRequest<CacheStats>("DELETE", "/api/cache"),
  quota: () => apiRequest<QuotaOverview>("GET", "/api/quota"),
  resetQuota: (connectionId: string) => apiRequest<AccountQuotaView>("POST", `/api/quota/${encodeURIComponent(connectionId)}/reset`),
  /** Latency percentiles per provider over the last `windowMs` (GET /api/analytics?groupBy=provider). */
  providerLatency: (windowMs: number): Promise<AnalyticsSummary> => {
    const to = Date.now();
    return getAnalytics({ from: to - windowMs, to, groupBy: "provider" });
  },
};
