import type { IRReasoningEffort } from "./ir-types";

/**
 * One table for turning effort levels into thinking-token budgets and back, shared by every adapter so a
 * request keeps the same reasoning depth whichever way it is translated.
 */
const BUDGETS: Record<Exclude<IRReasoningEffort, "none">, number> = {
  minimal: 1024,
  low: 4096,
  medium: 12288,
  high: 24576,
  xhigh: 49152,
  max: 65536,
};

export function budgetForEffort(effort: IRReasoningEffort): number {
  return effort === "none" ? 0 : BUDGETS[effort];
}

/** The effort whose budget is nearest at or above `budget` (0 → none; -1, "dynamic", → medium). */
export function effortForBudget(budget: number): IRReasoningEffort {
  if (budget === 0) return "none";
  if (budget < 0) return "medium";
  if (budget <= BUDGETS.minimal) return "minimal";
  if (budget <= BUDGETS.low) return "low";
  if (budget <= BUDGETS.medium) return "medium";
  if (budget <= BUDGETS.high) return "high";
  if (budget <= BUDGETS.xhigh) return "xhigh";
  return "max";
}
