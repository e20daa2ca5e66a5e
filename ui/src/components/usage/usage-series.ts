import type { AnalyticsBucket, AnalyticsFigures, AnalyticsGroup } from "../../api/usage-api";

export type UsageMetric = "requests" | "tokens" | "cost";
export const USAGE_METRICS: readonly UsageMetric[] = ["requests", "tokens", "cost"];

export const BUCKET_MS: Readonly<Record<AnalyticsBucket, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** More lines than this are unreadable: the quietest groups are summed into one "other" line. */
export const MAX_CHART_SERIES = 8;

/** Bucket size for a range: minutes up to 6 hours, hours up to 8 days, days beyond (the API allows 10,000 buckets). */
export function bucketFor(range: { from: number; to: number }): AnalyticsBucket {
  const span = range.to - range.from;
  if (span <= 6 * 3_600_000) return "minute";
  if (span <= 8 * 86_400_000) return "hour";
  return "day";
}

export function metricValue(figures: AnalyticsFigures, metric: UsageMetric): number {
  if (metric === "requests") return figures.requests;
  if (metric === "tokens") return figures.tokensIn + figures.tokensOut;
  return figures.costUsd;
}

export interface ChartSeries {
  /** The group key (null: none recorded); undefined for the summed "other" line. */
  key: string | null | undefined;
  label: string;
  values: number[];
}

export interface ChartData {
  /** Bucket starts in seconds (uPlot's time scale), every bucket of the range, empty ones included. */
  xs: number[];
  series: ChartSeries[];
}

/**
 * Turns bucketed analytics groups into aligned lines. Buckets the API leaves out had no requests: they are
 * real zeros, so every bucket of the range is on the x axis and missing values are 0.
 */
export function buildChartData(
  groups: readonly AnalyticsGroup[],
  options: { from: number; to: number; bucket: AnalyticsBucket; metric: UsageMetric; labelOf: (group: AnalyticsGroup) => string; otherLabel: string },
): ChartData {
  const size = BUCKET_MS[options.bucket];
  const first = Math.floor(options.from / size) * size;
  const starts: number[] = [];
  for (let start = first; start < options.to; start += size) starts.push(start);
  const index = new Map(starts.map((start, i) => [start, i]));

  const byKey = new Map<string | null, { label: string; values: number[]; total: number }>();
  for (const group of groups) {
    if (group.bucketStart === null) continue;
    const position = index.get(Date.parse(group.bucketStart));
    if (position === undefined) continue;
    let line = byKey.get(group.key);
    if (!line) {
      line = { label: options.labelOf(group), values: starts.map(() => 0), total: 0 };
      byKey.set(group.key, line);
    }
    const value = metricValue(group, options.metric);
    line.values[position] = (line.values[position] ?? 0) + value;
    line.total += value;
  }

  const ranked = [...byKey.entries()].sort((a, b) => b[1].total - a[1].total);
  const shown = ranked.length > MAX_CHART_SERIES ? ranked.slice(0, MAX_CHART_SERIES - 1) : ranked;
  const series: ChartSeries[] = shown.map(([key, line]) => ({ key, label: line.label, values: line.values }));
  if (shown.length < ranked.length) {
    const other = starts.map(() => 0);
    for (const [, line] of ranked.slice(shown.length)) line.values.forEach((value, i) => (other[i] = (other[i] ?? 0) + value));
    series.push({ key: undefined, label: options.otherLabel, values: other });
  }
  return { xs: starts.map((start) => start / 1000), series };
}
