import { apiRequest } from "./client";

const encodeId = encodeURIComponent;

/** Calendar windows reset at `resetHour` of a fixed UTC offset, or of an IANA `timeZone` when set (docs/api.md, Budgets). */
interface CalendarZone {
  resetHour?: number;
  utcOffsetMinutes?: number;
  timeZone?: string;
}

/** The period a budget counts spend over (src/usage/usage-window.ts). */
export type BudgetWindow =
  | { kind: "rolling"; hours: number }
  | ({ kind: "daily" } & CalendarZone)
  | ({ kind: "weekly"; /** 0 = Sunday … 6 = Saturday. */ resetDay?: number } & CalendarZone)
  | ({ kind: "monthly"; /** 1–28. */ resetDay?: number } & CalendarZone);
export type BudgetWindowKind = BudgetWindow["kind"];

export type BudgetScope = "key" | "provider" | "combo" | "combo-target";

/** GET /api/budgets row: the budget and what it spent in its current window. */
export interface BudgetView {
  id: string;
  name: string;
  scope: BudgetScope;
  scopeId: string;
  window: BudgetWindow;
  /** The server's short label, e.g. `daily @ 00:00 UTC`, `5h rolling`. */
  windowLabel: string;
  limitUsd: number;
  enabled: boolean;
  spentUsd: number;
  remainingUsd: number;
  percent: number;
  exceeded: boolean;
  resetAt: string;
  /** When an exceeded budget lets requests through again; null while not exceeded. */
  reopensAt: string | null;
}

export interface BudgetInput {
  name: string;
  scope: BudgetScope;
  scopeId: string;
  window: BudgetWindow;
  limitUsd: number;
  enabled?: boolean;
}
export type BudgetChanges = Partial<BudgetInput>;

/** The largest limit the server takes. */
export const BUDGET_LIMIT_MAX_USD = 1_000_000_000;

export const budgetsApi = {
  list: () => apiRequest<BudgetView[]>("GET", "/api/budgets"),
  create: (input: BudgetInput) => apiRequest<BudgetView>("POST", "/api/budgets", { body: input }),
  update: (id: string, changes: BudgetChanges) => apiRequest<BudgetView>("PATCH", `/api/budgets/${encodeId(id)}`, { body: changes }),
  remove: (id: string) => apiRequest<void>("DELETE", `/api/budgets/${encodeId(id)}`),
};

/** Key-scoped budgets by client key id. */
export function budgetsByKey(budgets: readonly BudgetView[]): ReadonlyMap<string, BudgetView[]> {
  const byKey = new Map<string, BudgetView[]>();
  for (const budget of budgets) {
    if (budget.scope !== "key") continue;
    const list = byKey.get(budget.scopeId);
    if (list) list.push(budget);
    else byKey.set(budget.scopeId, [budget]);
  }
  return byKey;
}
