import type { Database } from "bun:sqlite";
import type { GroupBy } from "../../analytics/analytics-query";
import { percentilesOf, type Percentiles } from "../../analytics/percentile";

/** Columns a group may be keyed by: fixed SQL, never text from the request. */
const GROUP_COLUMN: Readonly<Record<GroupBy, string>> = {
  model: "requested_model",
  provider: "provider_id",
  account: "connection_id",
  key: "api_key_id",
  combo: "combo",
  surface: "surface",
  none: "NULL",
};

/**
 * Percentiles are exact, so every latency in the range is read into memory (two numbers a row): a range holding
 * more rows than this is refused rather than sampled, so a figure shown is never silently approximate.
 * 1,000,000 rows ≈ 16 MB of samples and well under a second of scanning.
 */
export const MAX_ANALYTICS_ROWS = 1_000_000;

export interface AnalyticsFilter {
  from: number;
  to: number;
  groupBy: GroupBy;
  /** Time-series bucket size (UTC-aligned), or null for one figure per group. */
  bucketMs: number | null;
}

export interface GroupFigures {
  /** The group's value (model, provider id, connection id, key id, combo, surface); null = none recorded (or groupBy none). */
  key: string | null;
  /** Start of the time bucket (ms), or null without buckets. */
  bucketStart: number | null;
  requests: number;
  /** Status below 400. */
  succeeded: number;
  failed: number;
  /** succeeded / requests; null with no requests. */
  successRate: number | null;
  cacheHits: number;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  tokensReasoning: number;
  /** Requests whose token counts are the gateway's estimate. */
  estimatedUsage: number;
  costUsd: number;
  /** Requests that have a cost (a priced model with known usage). */
  costedRequests: number;
  latencyMs: Percentiles;
  /** Over the requests that got a first byte. */
  ttfbMs: Percentiles;
}

export interface AnalyticsSummary {
  totals: GroupFigures;
  groups: GroupFigures[];
}

export class AnalyticsRangeTooLargeError extends Error {
  override name = "AnalyticsRangeTooLargeError";
}

interface AggregateRow {
  grp: string | null;
  bucket: number | null;
  requests: number;
  succeeded: number;
  cacheHits: number;
  tokensIn: number;
  tokensOut: number;
  tokensCached: number;
  tokensReasoning: number;
  estimatedUsage: number;
  costUsd: number;
  costedRequests: number;
}

interface SampleRow {
  grp: string | null;
  bucket: number | null;
  latency: number;
  ttfb: number | null;
}

const EMPTY_PERCENTILES: Percentiles = Object.freeze({ p50: null, p95: null, p99: null });

/** Request-log analytics: counts and sums in SQL, percentiles exact per group from the group's own values. */
export class AnalyticsRepo {
  constructor(
    private readonly sqlite: Database,
    private readonly maxRows: number = MAX_ANALYTICS_ROWS,
  ) {}

  summarize(filter: AnalyticsFilter): AnalyticsSummary {
    const group = GROUP_COLUMN[filter.groupBy];
    // Buckets are aligned to the epoch (UTC midnight for days); the size is a bound parameter.
    const bucket = filter.bucketMs === null ? "NULL" : "(started_at - started_at % $size)";
    const params: Record<string, number> = { $from: filter.from, $to: filter.to };
    if (filter.bucketMs !== null) params.$size = filter.bucketMs;
    const where = "started_at >= $from AND started_at < $to";

    const aggregates = this.sqlite
      .query<AggregateRow, Record<string, number>>(
        `SELECT ${group} AS grp, ${bucket} AS bucket, COUNT(*) AS requests,
           COALESCE(SUM(status < 400), 0) AS succeeded,
           COALESCE(SUM(cache = 'hit'), 0) AS cacheHits,
           COALESCE(SUM(tokens_in), 0) AS tokensIn,
           COALESCE(SUM(tokens_out), 0) AS tokensOut,
           COALESCE(SUM(tokens_cached), 0) AS tokensCached,
           COALESCE(SUM(tokens_reasoning), 0) AS tokensReasoning,
           COALESCE(SUM(usage_estimated), 0) AS estimatedUsage,
           COALESCE(SUM(cost_usd), 0) AS costUsd,
           COUNT(cost_usd) AS costedRequests
         FROM request_logs WHERE ${where}
         GROUP BY grp, bucket
         ORDER BY bucket, requests DESC, grp IS NULL, grp`,
      )
      .all(params);

    const total = aggregates.reduce((sum, row) => sum + row.requests, 0);
    if (total > this.maxRows) {
      throw new AnalyticsRangeTooLargeError(
        `The range holds ${total} requests, more than the ${this.maxRows} analytics reads at once for exact percentiles: choose a shorter range.`,
      );
    }

    // The percentiles' samples, per group and for the totals (the totals are a group of their own).
    const samples = new Map<string, { latency: number[]; ttfb: number[] }>();
    const allLatency: number[] = [];
    const allTtfb: number[] = [];
    const splitGroups = filter.groupBy !== "none" || filter.bucketMs !== null;
    if (total > 0) {
      const rows = this.sqlite
        .query<SampleRow, Record<string, number>>(`SELECT ${group} AS grp, ${bucket} AS bucket, latency_ms AS latency, ttfb_ms AS ttfb FROM request_logs WHERE ${where}`)
        .iterate(params);
      for (const row of rows) {
        allLatency.push(row.latency);
        if (row.ttfb !== null) allTtfb.push(row.ttfb);
        if (!splitGroups) continue;
        const id = groupId(row.grp, row.bucket);
        let own = samples.get(id);
        if (!own) samples.set(id, (own = { latency: [], ttfb: [] }));
        own.latency.push(row.latency);
        if (row.ttfb !== null) own.ttfb.push(row.ttfb);
      }
    }

    const totalsLatency = total > 0 ? percentilesOf(allLatency) : EMPTY_PERCENTILES;
    const totalsTtfb = allTtfb.length > 0 ? percentilesOf(allTtfb) : EMPTY_PERCENTILES;
    const groups = aggregates.map((row) => {
      const own = splitGroups ? samples.get(groupId(row.grp, row.bucket)) : undefined;
      return figures(
        row,
        own ? percentilesOf(own.latency) : totalsLatency,
        own ? (own.ttfb.length > 0 ? percentilesOf(own.ttfb) : EMPTY_PERCENTILES) : totalsTtfb,
      );
    });
    const totals = figures(sumRows(aggregates), totalsLatency, totalsTtfb);
    return { totals, groups };
  }
}

function groupId(grp: string | null, bucket: number | null): string {
  // A NUL cannot appear in stored ids or model names, so it separates the parts unambiguously.
  return `${bucket ?? ""}\u0000${grp === null ? "\u0001" : grp}`;
}

function sumRows(rows: readonly AggregateRow[]): AggregateRow {
  const sum: AggregateRow = {
    grp: null, bucket: null, requests: 0, succeeded: 0, cacheHits: 0, tokensIn: 0, tokensOut: 0, tokensCached: 0,
    tokensReasoning: 0, estimatedUsage: 0, costUsd: 0, costedRequests: 0,
  };
  for (const row of rows) {
    sum.requests += row.requests;
    sum.succeeded += row.succeeded;
    sum.cacheHits += row.cacheHits;
    sum.tokensIn += row.tokensIn;
    sum.tokensOut += row.tokensOut;
    sum.tokensCached += row.tokensCached;
    sum.tokensReasoning += row.tokensReasoning;
    sum.estimatedUsage += row.estimatedUsage;
    sum.costUsd += row.costUsd;
    sum.costedRequests += row.costedRequests;
  }
  return sum;
}

function figures(row: AggregateRow, latencyMs: Percentiles, ttfbMs: Percentiles): GroupFigures {
  return {
    key: row.grp,
    bucketStart: row.bucket,
    requests: row.requests,
    succeeded: row.succeeded,
    failed: row.requests - row.succeeded,
    successRate: row.requests > 0 ? row.succeeded / row.requests : null,
    cacheHits: row.cacheHits,
    tokensIn: row.tokensIn,
    tokensOut: row.tokensOut,
    tokensCached: row.tokensCached,
    tokensReasoning: row.tokensReasoning,
    estimatedUsage: row.estimatedUsage,
    // Sums of per-request costs rounded like each cost (1e-8 $), so float noise does not show.
    costUsd: Math.round(row.costUsd * 1e8) / 1e8,
    costedRequests: row.costedRequests,
    latencyMs,
    ttfbMs,
  };
}
