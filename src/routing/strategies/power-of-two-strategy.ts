import { compareByPriority, compareKnownAscending, finiteOrNull, moveToFront, weightedIndex } from "./candidate-compare";
import type { Candidate, Strategy, StrategyOptions } from "./strategy-types";

/**
 * Load score: fewer requests in flight first, then the lower time-to-first-byte EWMA (unknown latency after
 * known), then priority.
 */
export function compareLoad(a: Candidate, b: Candidate): number {
  if (a.inflight !== b.inflight) return a.inflight < b.inflight ? -1 : a.inflight > b.inflight ? 1 : 0;
  return compareKnownAscending(finiteOrNull(a.ewmaTtfbMs), finiteOrNull(b.ewmaTtfbMs)) || compareByPriority(a, b);
}

/**
 * Power of two choices: draw two distinct candidates (weighted), the less loaded of the pair goes first; the
 * others — the loser included — follow by the same load score. Sampling only two keeps a herd of simultaneous
 * requests from all picking the one momentarily idle account, while still steering away from busy ones.
 */
export class PowerOfTwoStrategy implements Strategy {
  readonly name = "power-of-two" as const;
  readonly #random: () => number;

  constructor(options: StrategyOptions = {}) {
    this.#random = options.random ?? Math.random;
  }

  order(candidates: readonly Candidate[]): Candidate[] {
    const out = candidates.slice();
    if (out.length < 2) return out;
    const first = weightedIndex(out, this.#random);
    const second = weightedIndex(out, this.#random, first);
    const winner = compareLoad(out[first]!, out[second]!) <= 0 ? out[first]! : out[second]!;
    out.sort(compareLoad);
    moveToFront(out, out.indexOf(winner));
    return out;
  }
}
