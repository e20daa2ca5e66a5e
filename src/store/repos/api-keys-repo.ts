import { desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../db";
import { apiKeys } from "../schema";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

export class ApiKeysRepo {
  constructor(private readonly db: Db) {}

  list(): ApiKeyRow[] {
    return this.db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt)).all();
  }

  listActive(): ApiKeyRow[] {
    return this.db.select().from(apiKeys).where(isNull(apiKeys.revokedAt)).all();
  }

  get(id: string): ApiKeyRow | undefined {
    return this.db.select().from(apiKeys).where(eq(apiKeys.id, id)).get();
  }

  insert(row: typeof apiKeys.$inferInsert): ApiKeyRow {
    return this.db.insert(apiKeys).values(row).returning().get();
  }

  update(id: string, patch: Partial<Pick<ApiKeyRow, "name" | "cacheTtlSeconds" | "permissionsJson" | "expiresAt" | "rateLimitJson">>): ApiKeyRow | undefined {
    return this.db.update(apiKeys).set(patch).where(eq(apiKeys.id, id)).returning().get();
  }

  revoke(id: string, at: number): boolean {
    return this.db.update(apiKeys).set({ revokedAt: at }).where(eq(apiKeys.id, id)).returning({ id: apiKeys.id }).all().length > 0;
  }

  touchLastUsed(entries: Iterable<[id: string, at: number]>): void {
    for (const [id, at] of entries) this.db.update(apiKeys).set({ lastUsedAt: at }).where(eq(apiKeys.id, id)).run();
  }
}
