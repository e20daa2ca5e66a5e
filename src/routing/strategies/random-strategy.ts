import { candidateWeight } from "./candidate-compare";
import type { Candidate, Strategy, StrategyOptions } from "./strategy-types";

/**
 * A weighted random permutation: the first choice with probability weight / Σweight, each next one likewise
 * among those left. Drawn in one pass by Efraimidis–Spirakis (key = ln(u) / weight, highest first), which gives
 * exactly that distribution with one random number per candidate and one sort.
 */
export class RandomStrategy implements Strategy {
  readonly name = "random" as const;
  readonly #random: () => number;
  /** Scratch buffers reused across calls: each candidate's key, and the indices being sorted. */
  readonly #keys: number[] = [];
  readonly #indices: number[] = [];

  constructor(options: StrategyOptions = {}) {
    this.#random = options.random ?? Math.random;
  }

  order(candidates: readonly Candidate[]): Candidate[] {
    const n = candidates.length;
    const keys = this.#keys;
    const indices = this.#indices;
    keys.length = n;
    indices.length = n;
    for (let i = 0; i < n; i++) {
      // 1 - random() lies in (0, 1], so the logarithm is finite and ≤ 0.
      keys[i] = Math.log(1 - this.#random()) / candidateWeight(candidates[i]!);
      indices[i] = i;
    }
    indices.sort(this.#compareKeys);
    const out: Candidate[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = candidates[indices[i]!]!;
    return out;
  }

  readonly #compareKeys = (a: number, b: number): number => {
    const ka = this.#keys[a]!;
    const kb = this.#keys[b]!;
    return ka > kb ? -1 : ka < kb ? 1 : a - b;
  };
}
