import { eq, gte, lt, ne } from "drizzle-orm";
import type { Db } from "../db";
import { adminSessions } from "../schema";

export type AdminSessionRow = typeof adminSessions.$inferSelect;

export class AdminSessionsRepo {
  constructor(private readonly db: Db) {}

  insert(row: AdminSessionRow): void {
    this.db.insert(adminSessions).values(row).run();
  }

  get(id: string): AdminSessionRow | undefined {
    return this.db.select().from(adminSessions).where(eq(adminSessions.id, id)).get();
  }

  /** Sessions not yet expired at `now`, oldest first. */
  listActive(now: number): AdminSessionRow[] {
    return this.db.select().from(adminSessions).where(gte(adminSessions.expiresAt, now)).orderBy(adminSessions.createdAt).all();
  }

  delete(id: string): boolean {
    return this.db.delete(adminSessions).where(eq(adminSessions.id, id)).returning({ id: adminSessions.id }).all().length > 0;
  }

  /** Every session but `keepId`; returns how many were ended. */
  deleteAllExcept(keepId: string, now: number): number {
    // Already-expired ones go too, but only live ones count as revoked.
    const ended = this.db.delete(adminSessions).where(ne(adminSessions.id, keepId)).returning({ expiresAt: adminSessions.expiresAt }).all();
    return ended.filter((row) => row.expiresAt >= now).length;
  }

  deleteAll(): void {
    this.db.delete(adminSessions).run();
  }

  touch(id: string, at: number, expiresAt: number): void {
    this.db.update(adminSessions).set({ lastSeenAt: at, expiresAt }).where(eq(adminSessions.id, id)).run();
  }

  pruneExpired(now: number): void {
    this.db.delete(adminSessions).where(lt(adminSessions.expiresAt, now)).run();
  }
}
