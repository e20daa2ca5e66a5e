import { asc, eq } from "drizzle-orm";
import type { Db } from "../db";
import { connections } from "../schema";

export type ConnectionRow = typeof connections.$inferSelect;
export type NewConnectionRow = typeof connections.$inferInsert;

export class ConnectionsRepo {
  constructor(private readonly db: Db) {}

  list(): ConnectionRow[] {
    return this.db.select().from(connections).orderBy(asc(connections.priority), asc(connections.createdAt)).all();
  }

  get(id: string): ConnectionRow | undefined {
    return this.db.select().from(connections).where(eq(connections.id, id)).get();
  }

  insert(row: NewConnectionRow): ConnectionRow {
    return this.db.insert(connections).values(row).returning().get();
  }

  update(id: string, patch: Partial<NewConnectionRow>): ConnectionRow | undefined {
    return this.db.update(connections).set(patch).where(eq(connections.id, id)).returning().get();
  }

  delete(id: string): boolean {
    return this.db.delete(connections).where(eq(connections.id, id)).returning({ id: connections.id }).all().length > 0;
  }
}
