import { z } from "zod";

export const GROUP_BY = ["model", "provider", "account", "key", "combo", "surface", "none"] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export const BUCKETS = ["minute", "hour", "day"] as const;
export type Bucket = (typeof BUCKETS)[number];

export const BUCKET_MS: Readonly<Record<Bucket, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** The default range: the last 24 hours. */
export const DEFAULT_RANGE_MS = 86_400_000;
/** More time buckets than this in one answer is a chart nobody can read: refused. */
export const MAX_BUCKETS = 10_000;

/** An ISO 8601 time or milliseconds since the epoch; null when it is neither. */
export function parseInstant(text: string): number | null {
  const trimmed = text.trim();
  if (/^\d{1,16}$/.test(trimmed)) return Number(trimmed);
  // Date.parse also takes loose forms ("March 7"): insist on an ISO date first.
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return null;
  const ms = Date.parse(trimmed);
  return Number.isFinite(ms) ? ms : null;
}

/** Kept a string (a transform would not survive the OpenAPI document); `resolveRange` turns it into ms. */
export const instantSchema = z
  .string()
  .max(40)
  .refine((text) => parseInstant(text) !== null, "expected an ISO 8601 time (2026-01-31T12:00:00Z) or epoch milliseconds")
  .describe("ISO 8601 or epoch milliseconds");

export const analyticsQuerySchema = z.object({
  from: instantSchema.optional().describe("Start of the range, inclusive (default: 24 h before `to`)"),
  to: instantSchema.optional().describe("End of the range, exclusive (default: now)"),
  groupBy: z.enum(GROUP_BY).default("none").describe("`model` is the model the client asked for (a combo's name for a combo); `account` a connection; `key` a client API key"),
  bucket: z.enum(BUCKETS).optional().describe("Also split each group by time (UTC buckets): a time series"),
});
export type AnalyticsQuery = z.infer<typeof analyticsQuerySchema>;

export class AnalyticsQueryError extends Error {
  override name = "AnalyticsQueryError";
}

export interface TimeRange {
  from: number;
  to: number;
}

/** The query's range in ms; throws AnalyticsQueryError when it is empty or reversed. */
export function resolveRange(query: { from?: string | undefined; to?: string | undefined }, now: number = Date.now()): TimeRange {
  const to = query.to !== undefined ? parseInstant(query.to) : now;
  const from = query.from !== undefined ? parseInstant(query.from) : to === null ? null : to - DEFAULT_RANGE_MS;
  if (from === null || to === null) throw new AnalyticsQueryError("`from` and `to` must be ISO 8601 times or epoch milliseconds.");
  if (from >= to) throw new AnalyticsQueryError(`\`from\` (${new Date(from).toISOString()}) must be before \`to\` (${new Date(to).toISOString()}).`);
  return { from, to };
}

/** The bucket size in ms, refusing a range that would make more than MAX_BUCKETS of them. */
export function resolveBucket(bucket: Bucket | undefined, range: TimeRange): number | null {
  if (!bucket) return null;
  const size = BUCKET_MS[bucket];
  const count = Math.ceil((range.to - range.from) / size);
  if (count > MAX_BUCKETS) {
    throw new AnalyticsQueryError(`${count} ${bucket} buckets is more than ${MAX_BUCKETS}: choose a larger bucket or a shorter range.`);
  }
  return size;
}
