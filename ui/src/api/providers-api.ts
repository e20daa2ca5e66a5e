import { apiRequest } from "./client";
import type { AccountHealth, Breaker, QuotaOverview } from "./health-api";
import type { Connection, Provider } from "./management-types";
import type { ConnectionAuth, ProviderOAuth } from "./oauth-api";
import { getAnalytics, type AnalyticsSummary } from "./usage-api";

const encodeId = encodeURIComponent;

/** GET /api/providers: the catalog entry plus whether the whole provider is switched on. */
export interface CatalogProvider extends Provider {
  enabled: boolean;
  /** Present when accounts are connected by signing in (OAuth) rather than with an API key. */
  oauth?: ProviderOAuth;
}

/** A quota window as PUT /api/connections/{id}/quota takes it (docs/api.md, Quota; docs/configuration.md). */
export interface QuotaWindowConfig {
  id: string;
  window:
    | { kind: "rolling"; hours: number }
    | { kind: "daily"; resetHour?: number; utcOffsetMinutes?: number; timeZone?: string }
    | { kind: "weekly"; resetDay?: number; resetHour?: number; utcOffsetMinutes?: number; timeZone?: string }
    | { kind: "monthly"; resetDay?: number; resetHour?: number; utcOffsetMinutes?: number; timeZone?: string };
  limits: { requests?: number; tokens?: number; usd?: number };
  reservePercent?: number;
}

/** GET /api/connections rows also carry the account's quota windows. */
export interface ProviderConnection extends Connection {
  quota: QuotaWindowConfig[] | null;
  /** How the account authenticates; absent from a gateway older than the OAuth accounts. */
  auth?: ConnectionAuth;
}

/** One account in GET /api/health/routing (the same as the health details, without the name). */
export type RoutingAccount = Omit<AccountHealth, "name">;

/** GET /api/health/routing: accounts and providers used since the start. Times are epoch ms. */
export interface RoutingHealth {
  accounts: RoutingAccount[];
  providers: Array<{ providerId: string; breaker: Breaker }>;
}

/** Lowest and highest priority the connection schema accepts. */
export const PRIORITY_MIN = -1000;
export const PRIORITY_MAX = 1000;

/** Days of usage the API keys page shows per key. */
export const KEY_USAGE_DAYS = 30;

export const providersApi = {
  listProviders: () => apiRequest<CatalogProvider[]>("GET", "/api/providers"),
  /** Switches a whole provider off (its connections serve nothing, combos skip it) or back on. */
  setProviderEnabled: (id: string, enabled: boolean) =>
    apiRequest<{ id: string; enabled: boolean }>("PATCH", `/api/providers/${encodeId(id)}`, { body: { enabled } }),

  listConnections: () => apiRequest<ProviderConnection[]>("GET", "/api/connections"),
  setPriority: (id: string, priority: number) =>
    apiRequest<ProviderConnection>("PATCH", `/api/connections/${encodeId(id)}`, { body: { priority } }),
  setQuota: (id: string, windows: QuotaWindowConfig[]) =>
    apiRequest<ProviderConnection>("PUT", `/api/connections/${encodeId(id)}/quota`, { body: { windows } }),

  quota: () => apiRequest<QuotaOverview>("GET", "/api/quota"),
  routingHealth: () => apiRequest<RoutingHealth>("GET", "/api/health/routing"),
  /** Clears one account's cool-down, re-auth flag and breaker (POST /api/health/reset). */
  resetRouting: (connectionId: string) =>
    apiRequest<{ accountsReset: number; providersReset: boolean }>("POST", "/api/health/reset", { body: { connectionId } }),
};

export const apiKeysApi = {
  /** Requests, tokens and cost per client key over the last `days` days (GET /api/analytics?groupBy=key). */
  usage: (days: number = KEY_USAGE_DAYS): Promise<AnalyticsSummary> => {
    const to = Date.now();
    return getAnalytics({ from: to - days * 86_400_000, to, groupBy: "key" });
  },
};
