import { asc, eq } from "drizzle-orm";
import type { Db } from "../db";
import { combos } from "../schema";

export type ComboRow = typeof combos.$inferSelect;
export type NewComboRow = typeof combos.$inferInsert;

export class CombosRepo {
  constructor(private readonly db: Db) {}

  list(): ComboRow[] {
    return this.db.select().from(combos).orderBy(asc(combos.name)).all();
  }

  get(name: string): ComboRow | undefined {
    return this.db.select().from(combos).where(eq(combos.name, name)).get();
  }

  insert(row: NewComboRow): ComboRow {
    return this.db.insert(combos).values(row).returning().get();
  }

  update(name: string, patch: Partial<NewComboRow>): ComboRow | undefined {
    return this.db.update(combos).set(patch).where(eq(combos.name, name)).returning().get();
  }

  delete(name: string): boolean {
    return this.db.delete(combos).where(eq(combos.name, name)).returning({ name: combos.name }).all().length > 0;
  }

  /** Runs several writes atomically (a savepoint when already inside a transaction, e.g. a config import). */
  transaction<T>(action: () => T): T {
    return this.db.transaction(() => action());
  }
}
