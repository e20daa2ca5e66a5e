import type { RequestEvents } from "../usage/request-events";
import { describeWindow } from "../usage/usage-window";
import type { SpendRow } from "../store/repos/budgets-repo";
import { splitComboTarget, type Budget, type BudgetView } from "./budget-config";
import { SpendCounter } from "./spend-counter";

/** One budget's live state: its definition and what was spent in its window. */
export interface TrackedBudget {
  budget: Budget;
  counter: SpendCounter;
  /** Scope and window: while these stay the same an edit keeps the counted spend. */
  identity: string;
}

/** Budgets that may close a request's target or its client key, indexed by what they match. */
interface BudgetIndex {
  byKey: Map<string, TrackedBudget[]>;
  byProvider: Map<string, TrackedBudget[]>;
  byCombo: Map<string, TrackedBudget[]>;
  /** combo name → combo entry → budgets (no string building on the request path). */
  byComboTarget: Map<string, Map<string, TrackedBudget[]>>;
}

export interface BudgetTrackerOptions {
  /** The stored budgets (the service's `list`). */
  budgets: () => readonly Budget[];
  /** Priced request-log rows since a time (the rebuild after a start or a re-scoped budget). */
  spendSince: (since: number) => readonly SpendRow[];
  events: RequestEvents;
  /** The clock spend, windows and the gates go by; tests move it to cross a window boundary. */
  now?: () => number;
}

const emptyIndex = (): BudgetIndex => ({ byKey: new Map(), byProvider: new Map(), byCombo: new Map(), byComboTarget: new Map() });

function push<K>(map: Map<K, TrackedBudget[]>, key: K, tracked: TrackedBudget): void {
  const list = map.get(key);
  if (list) list.push(tracked);
  else map.set(key, [tracked]);
}

const identityOf = (budget: Budget) => `${budget.scope}\u0000${budget.scopeId}\u0000${JSON.stringify(budget.window)}`;

/**
 * Spend per budget in its current window. Fed by the request events (in the log writer's batch, off the request
 * path); rebuilt from the request log at start and for a budget whose scope or window changes. Listens to the
 * request events only while a budget exists, so a gateway without budgets does no work for them.
 */
export class BudgetTracker {
  now: () => number;
  #tracked = new Map<string, TrackedBudget>();
  #index: BudgetIndex = emptyIndex();
  #enabledKeyBudgets = 0;
  #enabledTargetBudgets = 0;
  #unsubscribe: (() => void) | null = null;

  constructor(private readonly options: BudgetTrackerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Enabled `key` budgets exist (the request gate's O(1) test). */
  get guardsKeys(): boolean {
    return this.#enabledKeyBudgets > 0;
  }

  /** Enabled provider / combo / combo-target budgets exist (the target gate's O(1) test). */
  get guardsTargets(): boolean {
    return this.#enabledTargetBudgets > 0;
  }

  get index(): Readonly<BudgetIndex> {
    return this.#index;
  }

  /**
   * Brings the tracked budgets in line with the stored ones: new or re-scoped budgets are counted afresh from the
   * request log (one range query for all of them), edits that keep scope and window keep their spend, deleted
   * ones are dropped.
   */
  sync(): void {
    const now = this.now();
    const next = new Map<string, TrackedBudget>();
    const fresh: TrackedBudget[] = [];
    for (const budget of this.options.budgets()) {
      const identity = identityOf(budget);
      const current = this.#tracked.get(budget.id);
      if (current && current.identity === identity) {
        current.budget = budget;
        next.set(budget.id, current);
      } else {
        const tracked: TrackedBudget = { budget, counter: new SpendCounter(budget.window), identity };
        next.set(budget.id, tracked);
        fresh.push(tracked);
      }
    }
    if (fresh.length > 0) {
      const since = Math.min(...fresh.map((t) => t.counter.countsFrom(now)));
      const freshIndex = buildIndex(fresh);
      for (const row of this.options.spendSince(since)) {
        if (row.costUsd) for (const tracked of matching(freshIndex, row)) tracked.counter.add(row.startedAt, row.costUsd, now);
      }
    }
    this.#tracked = next;
    const all = [...next.values()];
    this.#index = buildIndex(all);
    this.#enabledKeyBudgets = all.filter((t) => t.budget.enabled && t.budget.scope === "key").length;
    this.#enabledTargetBudgets = all.filter((t) => t.budget.enabled && t.budget.scope !== "key").length;
    if (next.size > 0 && !this.#unsubscribe) this.#unsubscribe = this.options.events.subscribe(({ entry }) => this.record(entry));
    else if (next.size === 0 && this.#unsubscribe) this.stop();
  }

  /** Counts a finished request against every budget it falls under (unpriced requests cost nothing). */
  record(entry: SpendRow): void {
    const usd = entry.costUsd;
    if (!usd || !(usd > 0)) return;
    const now = this.now();
    for (const tracked of matching(this.#index, entry)) tracked.counter.add(entry.startedAt, usd, now);
  }

  tracked(id: string): TrackedBudget | undefined {
    return this.#tracked.get(id);
  }

  view(budget: Budget): BudgetView {
    const now = this.now();
    // A budget stored a moment ago may not have been synced yet (e.g. inside an import): it has spent nothing.
    const counter = this.#tracked.get(budget.id)?.counter ?? new SpendCounter(budget.window);
    const reading = counter.reading(now);
    const reopensAt = counter.reopensAt(budget.limitUsd, now);
    const spentUsd = round(reading.spentUsd);
    return {
      id: budget.id,
      name: budget.name,
      scope: budget.scope,
      scopeId: budget.scopeId,
      window: budget.window,
      windowLabel: describeWindow(budget.window),
      limitUsd: budget.limitUsd,
      enabled: budget.enabled,
      spentUsd,
      remainingUsd: round(Math.max(0, budget.limitUsd - reading.spentUsd)),
      percent: Math.round((reading.spentUsd / budget.limitUsd) * 10_000) / 100,
      exceeded: reopensAt !== null,
      windowStart: new Date(reading.start).toISOString(),
      resetAt: new Date(reading.resetAt).toISOString(),
      reopensAt: reopensAt === null ? null : new Date(reopensAt).toISOString(),
      createdAt: new Date(budget.createdAt).toISOString(),
      updatedAt: new Date(budget.updatedAt).toISOString(),
    };
  }

  stop(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }
}

/** Sums are kept exact-ish (a millionth of a cent, like request costs) so views read cleanly. */
const round = (usd: number) => Math.round(usd * 1e8) / 1e8;

function buildIndex(tracked: readonly TrackedBudget[]): BudgetIndex {
  const index = emptyIndex();
  for (const t of tracked) {
    const { scope, scopeId } = t.budget;
    if (scope === "key") push(index.byKey, scopeId, t);
    else if (scope === "provider") push(index.byProvider, scopeId, t);
    else if (scope === "combo") push(index.byCombo, scopeId, t);
    else {
      const parts = splitComboTarget(scopeId);
      if (!parts) continue;
      let entries = index.byComboTarget.get(parts.combo);
      if (!entries) index.byComboTarget.set(parts.combo, (entries = new Map()));
      push(entries, parts.entry, t);
    }
  }
  return index;
}

/** The budgets a request-log row counts against. */
function* matching(index: BudgetIndex, row: SpendRow): Generator<TrackedBudget> {
  if (row.apiKeyId !== null) yield* index.byKey.get(row.apiKeyId) ?? [];
  if (row.providerId !== null) yield* index.byProvider.get(row.providerId) ?? [];
  if (row.combo !== null) {
    yield* index.byCombo.get(row.combo) ?? [];
    if (row.comboTarget !== null) yield* index.byComboTarget.get(row.combo)?.get(row.comboTarget) ?? [];
  }
}
