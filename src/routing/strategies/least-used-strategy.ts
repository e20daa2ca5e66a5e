import { compareByPriority } from "./candidate-compare";
import type { Candidate, Strategy } from "./strategy-types";

function compareUses(a: Candidate, b: Candidate): number {
  if (a.uses !== b.uses) return a.uses < b.uses ? -1 : a.uses > b.uses ? 1 : 0;
  return compareByPriority(a, b);
}

/**
 * Fewest requests served first, ties by priority. `uses` counts since start, so an account added later takes
 * the traffic until it has caught up.
 */
export class LeastUsedStrategy implements Strategy {
  readonly name = "least-used" as const;

  order(candidates: readonly Candidate[]): Candidate[] {
    return candidates.slice().sort(compareUses);
  }
}
