import type { RouteTarget } from "../routing/model-router";
import { OPEN, type GateContext, type GateVerdict, type RequestGate, type RequestRefusal, type TargetGate } from "../routing/target-gate";
import { describeWindow } from "../usage/usage-window";
import { formatUsd } from "./budget-config";
import type { BudgetTracker, TrackedBudget } from "./budget-tracker";

/** The spent budget among `list` that reopens last (all must reopen before the request may pass), if any. */
function latestClosed(list: readonly TrackedBudget[] | undefined, now: number, closed: { tracked: TrackedBudget; until: number } | null) {
  if (!list) return closed;
  for (const tracked of list) {
    if (!tracked.budget.enabled) continue;
    const until = tracked.counter.reopensAt(tracked.budget.limitUsd, now);
    if (until !== null && (closed === null || until > closed.until)) closed = { tracked, until };
  }
  return closed;
}

/**
 * Refuses every request of a client key whose own budget is spent: a 429 in the client's format naming the
 * budget, what it allows and spent, and when it resets. The tracker's clock is the one that counts (not the
 * dispatcher's `now`), so spend, views and refusals agree on which window is current.
 */
export class KeyBudgetGate implements RequestGate {
  readonly name = "budget";

  constructor(private readonly tracker: BudgetTracker) {}

  check(context: GateContext, _now: number): RequestRefusal | null {
    if (!this.tracker.guardsKeys || context.apiKeyId === null) return null;
    const list = this.tracker.index.byKey.get(context.apiKeyId);
    if (!list) return null;
    const closed = latestClosed(list, this.tracker.now(), null);
    if (!closed) return null;
    const { budget, counter } = closed.tracked;
    const now = this.tracker.now();
    const spent = counter.spent(now);
    const reset = new Date(closed.until).toISOString();
    return {
      status: 429,
      code: "budget_exceeded",
      message:
        `Budget "${budget.name}" of this API key is used up: ${formatUsd(spent)} spent of its ${formatUsd(budget.limitUsd)} limit ` +
        `(${describeWindow(budget.window)}). It resets at ${reset}. To continue sooner, raise the limit or disable the budget ` +
        `(PATCH /api/budgets/${budget.id}).`,
      retryAt: closed.until,
    };
  }
}

/**
 * Closes targets whose provider, combo or combo entry (tier) has spent its budget: the dispatcher passes them
 * over and the next tier serves; with none left the client gets a 429 with the earliest reopening time.
 */
export class TargetBudgetGate implements TargetGate {
  readonly name = "budget";

  constructor(private readonly tracker: BudgetTracker) {}

  check(target: RouteTarget, context: GateContext, _now: number): GateVerdict {
    if (!this.tracker.guardsTargets) return OPEN;
    const index = this.tracker.index;
    const now = this.tracker.now();
    let closed = latestClosed(index.byProvider.get(target.connection.provider.id), now, null);
    const combo = context.combo;
    if (combo !== null) {
      closed = latestClosed(index.byCombo.get(combo), now, closed);
      if (target.comboTarget !== undefined) closed = latestClosed(index.byComboTarget.get(combo)?.get(target.comboTarget), now, closed);
    }
    return closed ? { open: false, until: closed.until, reason: "budget" } : OPEN;
  }
}
