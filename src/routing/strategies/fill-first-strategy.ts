import { compareByPriority } from "./candidate-compare";
import type { Candidate, Strategy } from "./strategy-types";

/** Always the best priority first (then the heavier weight, then the key): one account is filled before the next. */
export class FillFirstStrategy implements Strategy {
  readonly name = "fill-first" as const;

  order(candidates: readonly Candidate[]): Candidate[] {
    return candidates.slice().sort(compareByPriority);
  }
}
