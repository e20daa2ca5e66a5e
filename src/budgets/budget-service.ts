import type { ZodError } from "zod";
import type { AppServices } from "../services/app-services";
import { BudgetsRepo, type BudgetRow, type NewBudgetRow } from "../store/repos/budgets-repo";
import { newId } from "../util/ids";
import { usageWindowSchema } from "../usage/usage-window";
import {
  budgetCreateSchema,
  budgetScopeSchema,
  budgetUpdateSchema,
  splitComboTarget,
  type Budget,
  type BudgetCreateInput,
  type BudgetScope,
  type BudgetUpdateInput,
} from "./budget-config";

export class BudgetValidationError extends Error {
  override name = "BudgetValidationError";
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

/** What the service checks a scope id against: the keys, providers and combos that exist now. */
export interface BudgetScopeLookup {
  keyExists(id: string): boolean;
  providerExists(id: string): boolean;
  /** The combo's entries as stored (`ds/deepseek-v4-pro`, `combo:free`), or undefined when there is no such combo. */
  comboEntries(name: string): readonly string[] | undefined;
}

function firstIssue(error: ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.join(".");
  return path ? `${path}: ${issue.message}` : issue.message;
}

/**
 * Budgets: CRUD with scope ids checked against what exists, so a typo is a 400 rather than a budget that never
 * matches. Keeps no cache (the tracker holds the live figures); every change is announced to `onChange`.
 */
export class BudgetService {
  #listeners: Array<() => void> = [];

  constructor(
    private readonly repo: BudgetsRepo,
    private readonly scopes: BudgetScopeLookup,
  ) {}

  onChange(listener: () => void): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /** Tells listeners the stored budgets may have changed (another process, a config import, a rollback). */
  reload(): void {
    for (const listener of this.#listeners) listener();
  }

  list(): Budget[] {
    return this.repo.list().flatMap((row) => {
      const budget = toBudget(row);
      return budget ? [budget] : [];
    });
  }

  get(id: string): Budget | undefined {
    const row = this.repo.get(id);
    return row ? (toBudget(row) ?? undefined) : undefined;
  }

  create(input: BudgetCreateInput, options: { id?: string; now?: number } = {}): Budget {
    const parsed = budgetCreateSchema.safeParse(input);
    if (!parsed.success) throw new BudgetValidationError(firstIssue(parsed.error));
    const value = parsed.data;
    this.#checkScope(value.scope, value.scopeId);
    const now = options.now ?? Date.now();
    const id = options.id ?? newId("bdg");
    if (this.repo.get(id)) throw new BudgetValidationError(`A budget with id "${id}" already exists.`, 409);
    const row = this.repo.insert({
      id,
      name: value.name,
      scope: value.scope,
      scopeId: value.scopeId,
      windowJson: JSON.stringify(value.window),
      limitUsd: value.limitUsd,
      enabled: value.enabled ?? true,
      createdAt: now,
      updatedAt: now,
    });
    this.reload();
    return toBudget(row)!;
  }

  update(id: string, patch: BudgetUpdateInput): Budget {
    const current = this.get(id);
    if (!current) throw new BudgetValidationError(`Budget "${id}" does not exist (GET /api/budgets lists them).`, 404);
    const parsed = budgetUpdateSchema.safeParse(patch);
    if (!parsed.success) throw new BudgetValidationError(firstIssue(parsed.error));
    const value = parsed.data;
    const scope = value.scope ?? current.scope;
    const scopeId = value.scopeId ?? current.scopeId;
    // A new scope without a new id (or the reverse) is checked as the pair it makes.
    if (value.scope !== undefined || value.scopeId !== undefined) this.#checkScope(scope, scopeId);
    const next: Partial<NewBudgetRow> = { updatedAt: Date.now() };
    if (value.name !== undefined) next.name = value.name;
    if (value.scope !== undefined) next.scope = value.scope;
    if (value.scopeId !== undefined) next.scopeId = value.scopeId;
    if (value.window !== undefined) next.windowJson = JSON.stringify(value.window);
    if (value.limitUsd !== undefined) next.limitUsd = value.limitUsd;
    if (value.enabled !== undefined) next.enabled = value.enabled;
    const row = this.repo.update(id, next)!;
    this.reload();
    return toBudget(row)!;
  }

  delete(id: string): boolean {
    const removed = this.repo.delete(id);
    if (removed) this.reload();
    return removed;
  }

  #checkScope(scope: BudgetScope, scopeId: string): void {
    if (scope === "key") {
      if (!this.scopes.keyExists(scopeId)) throw new BudgetValidationError(`scopeId: client key "${scopeId}" does not exist (GET /api/keys lists the key ids).`);
    } else if (scope === "provider") {
      if (!this.scopes.providerExists(scopeId)) throw new BudgetValidationError(`scopeId: provider "${scopeId}" does not exist (GET /api/providers lists the provider ids).`);
    } else if (scope === "combo") {
      if (!this.scopes.comboEntries(scopeId)) throw new BudgetValidationError(`scopeId: combo "${scopeId}" does not exist (GET /api/combos lists the combos).`);
    } else {
      const parts = splitComboTarget(scopeId);
      if (!parts) {
        throw new BudgetValidationError(`scopeId: a combo-target budget names "<combo> <entry>", e.g. "coding ds/deepseek-v4-pro"; got "${scopeId}".`);
      }
      const entries = this.scopes.comboEntries(parts.combo);
      if (!entries) throw new BudgetValidationError(`scopeId: combo "${parts.combo}" does not exist (GET /api/combos lists the combos).`);
      if (!entries.includes(parts.entry)) {
        throw new BudgetValidationError(`scopeId: combo "${parts.combo}" has no entry "${parts.entry}"; its entries are ${entries.map((e) => `"${e}"`).join(", ")}.`);
      }
    }
  }
}

function toBudget(row: BudgetRow): Budget | null {
  const scope = budgetScopeSchema.safeParse(row.scope);
  let window;
  try {
    window = usageWindowSchema.safeParse(JSON.parse(row.windowJson));
  } catch {
    return null;
  }
  // Rows are only written through this service; one edited by hand into nonsense is left out rather than guessed at.
  if (!scope.success || !window.success) return null;
  return {
    id: row.id,
    name: row.name,
    scope: scope.data,
    scopeId: row.scopeId,
    window: window.data,
    limitUsd: row.limitUsd,
    enabled: row.enabled,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const servicesByStore = new WeakMap<AppServices, BudgetService>();

/**
 * The budget service of an open store. One per store, so a config import through the API reaches the same
 * service the gateway's tracker listens to.
 */
export function budgetServiceOf(services: AppServices): BudgetService {
  let service = servicesByStore.get(services);
  if (!service) {
    service = new BudgetService(new BudgetsRepo(services.store.db), {
      keyExists: (id) => services.apiKeys.rows().some((key) => key.id === id),
      providerExists: (id) => services.registry.get(id) !== undefined,
      comboEntries: (name) => services.combos.get(name)?.targets.map((target) => target.model),
    });
    servicesByStore.set(services, service);
  }
  return service;
}
