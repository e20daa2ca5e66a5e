import { and, asc, eq, gt, gte, sql } from "drizzle-orm";
import type { Db } from "../db";
import { budgets, requestLogs } from "../schema";

export type BudgetRow = typeof budgets.$inferSelect;
export type NewBudgetRow = typeof budgets.$inferInsert;

/** What budgets need of a request-log row: who spent how much, when, through what. */
export interface SpendRow {
  startedAt: number;
  apiKeyId: string | null;
  providerId: string | null;
  combo: string | null;
  comboTarget: string | null;
  costUsd: number | null;
}

export class BudgetsRepo {
  constructor(private readonly db: Db) {}

  list(): BudgetRow[] {
    // Creation order; rowid breaks ties between budgets created in the same millisecond (an import).
    return this.db.select().from(budgets).orderBy(asc(budgets.createdAt), sql`rowid`).all();
  }

  get(id: string): BudgetRow | undefined {
    return this.db.select().from(budgets).where(eq(budgets.id, id)).get();
  }

  insert(row: NewBudgetRow): BudgetRow {
    return this.db.insert(budgets).values(row).returning().get();
  }

  update(id: string, patch: Partial<NewBudgetRow>): BudgetRow | undefined {
    return this.db.update(budgets).set(patch).where(eq(budgets.id, id)).returning().get();
  }

  delete(id: string): boolean {
    return this.db.delete(budgets).where(eq(budgets.id, id)).returning({ id: budgets.id }).all().length > 0;
  }

  /**
   * Every priced request since `since` (one range scan over the started_at index): how spend is rebuilt at start
   * and when a budget is added or re-scoped. Unpriced rows (null cost) spend nothing and are not read.
   */
  spendSince(since: number): SpendRow[] {
    return this.db
      .select({
        startedAt: requestLogs.startedAt,
        apiKeyId: requestLogs.apiKeyId,
        providerId: requestLogs.providerId,
        combo: requestLogs.combo,
        comboTarget: requestLogs.comboTarget,
        costUsd: requestLogs.costUsd,
      })
      .from(requestLogs)
      .where(and(gte(requestLogs.startedAt, since), gt(requestLogs.costUsd, 0)))
      .all();
  }
}
