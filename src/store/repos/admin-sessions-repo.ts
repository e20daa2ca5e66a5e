import { eq, lt } from "drizzle-orm";
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

  delete(id: string): void {
    this.db.delete(adminSessions).where(eq(adminSessions.id, id)).run();
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
