import { compareByPriority, compareKnownAscending, finiteOrNull } from "./candidate-compare";
import { RoundRobinStrategy } from "./round-robin-strategy";
import type { Candidate, Strategy, StrategyOptions } from "./strategy-types";

/** Has headroom and a known reset: the sooner the window resets, the sooner its unused quota is lost. */
const READY = 0;
/** Quota unknown (no reading, a reading without reset time, or one whose window has already reset). */
const OPEN = 1;
/** No headroom left until its window resets. */
const SPENT = 2;

/**
 * Use quota before it expires. Candidates in three tiers:
 *
 * 1. headroom > 0 (or unknown) with a known future reset — soonest reset first;
 * 2. no usable quota reading — in round-robin rotation among themselves;
 * 3. headroom ≤ 0 — soonest reset first (they come back first), unknown reset last.
 *
 * Ties by priority. A reading whose `quotaResetAt` has passed describes a finished window, so it counts as
 * unknown. While no candidate has a usable reading everything is tier 2, and the order is exactly what
 * round-robin (same options) would give. Stateful through that rotation: one instance per combo or group.
 */
export class ResetAwareStrategy implements Strategy {
  readonly name = "reset-aware" as const;
  readonly #now: () => number;
  readonly #rotation: RoundRobinStrategy;
  /** `now` of the current call, for the comparator. */
  #at = 0;

  constructor(options: StrategyOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#rotation = new RoundRobinStrategy(options);
  }

  order(candidates: readonly Candidate[]): Candidate[] {
    const now = (this.#at = this.#now());
    let open = 0;
    for (const candidate of candidates) if (tierOf(candidate, now) === OPEN) open++;
    if (open === candidates.length) return this.#rotation.order(candidates);
    const out = candidates.slice().sort(this.#compare);
    if (open > 1) {
      let start = 0;
      while (tierOf(out[start]!, now) !== OPEN) start++;
      const rotated = this.#rotation.order(out.slice(start, start + open));
      for (let i = 0; i < open; i++) out[start + i] = rotated[i]!;
    }
    return out;
  }

  readonly #compare = (a: Candidate, b: Candidate): number => {
    const tierA = tierOf(a, this.#at);
    const tierB = tierOf(b, this.#at);
    if (tierA !== tierB) return tierA - tierB;
    if (tierA === OPEN) return compareByPriority(a, b);
    return compareKnownAscending(finiteOrNull(a.quotaResetAt), finiteOrNull(b.quotaResetAt)) || compareByPriority(a, b);
  };
}

function tierOf(candidate: Candidate, now: number): number {
  const resetAt = finiteOrNull(candidate.quotaResetAt);
  if (resetAt !== null && resetAt <= now) return OPEN;
  const headroom = finiteOrNull(candidate.quotaHeadroom);
  if (headroom !== null && headroom <= 0) return SPENT;
  return resetAt !== null ? READY : OPEN;
}
