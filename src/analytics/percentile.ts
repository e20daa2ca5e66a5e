/** p50 / p95 / p99 of one set of values (null when the set is empty). */
export interface Percentiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

/**
 * Nearest-rank percentile of values sorted ascending: the smallest value with at least p % of the values at or
 * below it. Always a value that was observed (no interpolation), so "p99 = 1 840 ms" is a real request's latency.
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  if (p <= 0) return sorted[0]!;
  // p × n first: exact for integer percentiles, where (p / 100) × n can land a hair above an integer.
  const rank = Math.ceil((p * n) / 100);
  return sorted[Math.min(n, rank) - 1]!;
}

/** Sorts a copy of the values (numerically) and reads p50, p95 and p99. */
export function percentilesOf(values: ArrayLike<number>): Percentiles {
  const sorted = Float64Array.from(values).sort();
  return { p50: nearestRank(sorted, 50), p95: nearestRank(sorted, 95), p99: nearestRank(sorted, 99) };
}
