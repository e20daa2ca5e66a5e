import { compareByPriority, compareKnownAscending, finiteOrNull, moveToFront } from "./candidate-compare";
import type { Candidate, Strategy, StrategyOptions } from "./strategy-types";

/** How long an explored candidate whose latency is still unknown waits before it is explored again. */
export const LATENCY_EXPLORE_RETRY_MS = 60_000;

function compareLatency(a: Candidate, b: Candidate): number {
  return compareKnownAscending(finiteOrNull(a.ewmaTtfbMs), finiteOrNull(b.ewmaTtfbMs)) || compareByPriority(a, b);
}

/**
 * Lowest time-to-first-byte EWMA first, ties by priority; unknown latency after every known one.
 *
 * Exploration, so a new account gets measured: a candidate whose latency is unknown is put first once — the
 * best-priority such candidate not yet explored, one per call. After that it waits behind the measured ones.
 * If it is still unmeasured `LATENCY_EXPLORE_RETRY_MS` later (that request failed, or never reached a first
 * byte) it is explored again; once it has a latency it is ranked by it, and if its latency is ever forgotten
 * (null again) it is explored anew.
 *
 * Stateful (which keys were explored when): one instance per combo or provider group.
 */
export class LowestLatencyStrategy implements Strategy {
  readonly name = "lowest-latency" as const;
  readonly #now: () => number;
  /** Unmeasured keys already put first, and when. */
  readonly #explored = new Map<string, number>();

  constructor(options: StrategyOptions = {}) {
    this.#now = options.now ?? Date.now;
  }

  order(candidates: readonly Candidate[]): Candidate[] {
    const out = candidates.slice();
    if (out.length === 0) return out;
    const explored = this.#explored;
    let now = Number.NaN;
    let explore: Candidate | null = null;
    for (const candidate of out) {
      if (finiteOrNull(candidate.ewmaTtfbMs) !== null) {
        if (explored.size > 0) explored.delete(candidate.key);
        continue;
      }
      if (explore !== null && compareByPriority(candidate, explore) >= 0) continue;
      const at = explored.get(candidate.key);
      if (at !== undefined) {
        if (Number.isNaN(now)) now = this.#now();
        if (now - at < LATENCY_EXPLORE_RETRY_MS) continue;
      }
      explore = candidate;
    }
    out.sort(compareLatency);
    if (explore !== null) {
      explored.set(explore.key, Number.isNaN(now) ? this.#now() : now);
      moveToFront(out, out.indexOf(explore));
    }
    if (explored.size > 2 * out.length + 16) this.#forgetAbsent(out);
    return out;
  }

  #forgetAbsent(present: readonly Candidate[]): void {
    const live = new Set<string>();
    for (const candidate of present) live.add(candidate.key);
    for (const key of this.#explored.keys()) if (!live.has(key)) this.#explored.delete(key);
  }
}
