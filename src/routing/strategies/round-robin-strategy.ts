import { candidateWeight, compareByPriority } from "./candidate-compare";
import type { Candidate, Strategy, StrategyOptions } from "./strategy-types";

/** `stickyRequests` as a whole number ≥ 1 (anything else means "rotate every time"). */
export function stickyCount(value: number | undefined): number {
  return value !== undefined && value >= 1 && value < Infinity ? Math.floor(value) : 1;
}

/**
 * Rotation within priority levels, weighted by smooth weighted round-robin (nginx's: each turn every candidate
 * gains its weight, the one with the most is chosen and pays back the level's total). Over any run of
 * `Σweight` turns each candidate is first exactly `weight` times, spread out rather than in bursts.
 *
 * The best priority level comes first, the other levels follow in priority order as the fallback. Every level
 * rotates on its own each call, so fallback traffic is spread too; within a level the chosen one leads and the
 * rest follow in the order they would be chosen next. With `stickyRequests` N the first choice is kept for N
 * consecutive calls (nothing rotates meanwhile); it moves on early if that candidate leaves the best level.
 *
 * Stateful: one instance per combo or provider group. State is keyed by candidate key, so the candidate list may
 * change between calls.
 */
export class RoundRobinStrategy implements Strategy {
  readonly name = "round-robin" as const;
  readonly #sticky: number;
  /** Smooth-WRR "current weight" per key; the entries of one level sum to 0 while its membership is stable. */
  readonly #current = new Map<string, number>();
  /** The key each level leads with in this call (reused, cleared per call). */
  readonly #leaders = new Set<string>();
  #stickyKey: string | null = null;
  #stickyLeft = 0;

  constructor(options: StrategyOptions = {}) {
    this.#sticky = stickyCount(options.stickyRequests);
  }

  order(candidates: readonly Candidate[]): Candidate[] {
    const out = candidates.slice().sort(compareByPriority);
    if (out.length === 0) return out;
    this.#leaders.clear();
    if (this.#stickyLeft > 0 && this.#stickyKey !== null && bestLevelHas(out, this.#stickyKey)) {
      this.#stickyLeft--;
      this.#leaders.add(this.#stickyKey);
    } else {
      for (let start = 0; start < out.length; ) {
        let end = start + 1;
        while (end < out.length && out[end]!.priority === out[start]!.priority) end++;
        const leader = this.#advance(out, start, end);
        this.#leaders.add(leader);
        if (start === 0) {
          this.#stickyKey = leader;
          this.#stickyLeft = this.#sticky - 1;
        }
        start = end;
      }
    }
    out.sort(this.#compareTurn);
    if (this.#current.size > 2 * out.length + 16) this.#forgetAbsent(out);
    return out;
  }

  /** One smooth-WRR turn over `out[start..end)`; returns the chosen key. */
  #advance(out: readonly Candidate[], start: number, end: number): string {
    let total = 0;
    let best = start;
    let bestCurrent = -Infinity;
    for (let i = start; i < end; i++) {
      const candidate = out[i]!;
      const weight = candidateWeight(candidate);
      const current = (this.#current.get(candidate.key) ?? 0) + weight;
      this.#current.set(candidate.key, current);
      total += weight;
      if (current > bestCurrent) {
        bestCurrent = current;
        best = i;
      }
    }
    const key = out[best]!.key;
    this.#current.set(key, bestCurrent - total);
    return key;
  }

  /** Priority level, then the level's leader, then who would be chosen next (current + weight, highest first). */
  readonly #compareTurn = (a: Candidate, b: Candidate): number => {
    if (a.priority !== b.priority) return compareByPriority(a, b);
    const leadA = this.#leaders.has(a.key);
    if (leadA !== this.#leaders.has(b.key)) return leadA ? -1 : 1;
    const nextA = (this.#current.get(a.key) ?? 0) + candidateWeight(a);
    const nextB = (this.#current.get(b.key) ?? 0) + candidateWeight(b);
    if (nextA !== nextB) return nextB - nextA;
    return compareByPriority(a, b);
  };

  /** Drops the state of keys that left (called only once the map has clearly outgrown the candidate list). */
  #forgetAbsent(present: readonly Candidate[]): void {
    const live = new Set<string>();
    for (const candidate of present) live.add(candidate.key);
    for (const key of this.#current.keys()) if (!live.has(key)) this.#current.delete(key);
  }
}

function bestLevelHas(sorted: readonly Candidate[], key: string): boolean {
  const best = sorted[0]!.priority;
  for (let i = 0; i < sorted.length && sorted[i]!.priority === best; i++) if (sorted[i]!.key === key) return true;
  return false;
}
