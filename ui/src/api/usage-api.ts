import { apiRequest } from "./client";

/** `groupBy` values of GET /api/analytics that the usage page offers. */
export const USAGE_GROUP_BY = ["model", "provider", "key", "combo"] as const;
export type UsageGroupBy = (typeof USAGE_GROUP_BY)[number];
export type AnalyticsGroupBy = UsageGroupBy | "account" | "surface" | "none";
export type AnalyticsBucket = "minute" | "hour" | "day";

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/** The figures of GET /api/analytics, for the totals and for each group (docs/api.md, Analytics). */
export interface AnalyticsFigures {
  requests: number;
  succeeded: number;
  failed: number;
  /** 0 – 1; null with no requests. */
  successRate: number | null;
  cacheHits: number;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  tokensReasoning: number;
  estimatedUsage: number;
  costUsd: number;
  costedRequests: number;
  latencyMs: Percentiles;
  ttfbMs: Percentiles;
}

export interface AnalyticsGroup extends AnalyticsFigures {
  /** Model, provider id, connection id, key id, combo or surface; null when none was recorded. */
  key: string | null;
  /** The connection's or key's name for account / key groups. */
  label: string | null;
  /** ISO start of the UTC bucket when `bucket` was asked for. */
  bucketStart: string | null;
}

export interface AnalyticsSummary {
  from: string;
  to: string;
  groupBy: AnalyticsGroupBy;
  bucket: AnalyticsBucket | null;
  totals: AnalyticsFigures;
  groups: AnalyticsGroup[];
}

export interface AnalyticsQuery {
  /** Epoch milliseconds, inclusive. */
  from: number;
  /** Epoch milliseconds, exclusive. */
  to: number;
  groupBy: AnalyticsGroupBy;
  bucket?: AnalyticsBucket;
}

function analyticsSearch(query: AnalyticsQuery): string {
  const params = new URLSearchParams({ from: String(query.from), to: String(query.to), groupBy: query.groupBy });
  if (query.bucket) params.set("bucket", query.bucket);
  return params.toString();
}

/** GET /api/analytics: totals and per-group figures over a range, optionally split into time buckets. */
export function getAnalytics(query: AnalyticsQuery): Promise<AnalyticsSummary> {
  return apiRequest<AnalyticsSummary>("GET", `/api/analytics?${analyticsSearch(query)}`);
}

/** The address of GET /api/logs/export.csv for the request-log rows started in [from, to). A link, not a fetch: the browser downloads it. */
export function logExportUrl(range: { from: number; to: number }): string {
  const params = new URLSearchParams({ from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() });
  return `/api/logs/export.csv?${params.toString()}`;
}
