import { compareByPriority, compareKnownAscending, finiteOrNull } from "./candidate-compare";
import type { Candidate, Strategy } from "./strategy-types";

function compareCost(a: Candidate, b: Candidate): number {
  return compareKnownAscending(finiteOrNull(a.costPer1M), finiteOrNull(b.costPer1M)) || compareByPriority(a, b);
}

/** Cheapest blended price first; candidates the pricing table does not know come after every priced one, by priority. */
export class CostOptimizedStrategy implements Strategy {
  readonly name = "cost-optimized" as const;

  order(candidates: readonly Candidate[]): Candidate[] {
    return candidates.slice().sort(compareCost);
  }
}
