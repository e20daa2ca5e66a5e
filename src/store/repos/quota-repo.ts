import type { Database } from "bun:sqlite";
import { and, eq } from "drizzle-orm";
import type { Db } from "../db";
import { quotaResets } from "../schema";

/** One request that counts against its account's quota: what it used, and when it started. */
export interface QuotaUsageRow {
  connectionId: string;
  startedAt: number;
  tokens: number;
  usd: number;
}

export interface QuotaResetRow {
  connectionId: string;
  windowId: string;
  resetAt: number;
}

/**
 * The request log read as quota usage, and the manual resets. A request counts when an upstream served it: not a
 * cache hit, not a twin that shared another request's call, and either successful or reporting tokens.
 */
export class QuotaRepo {
  constructor(
    private readonly db: Db,
    private readonly sqlite: Database,
  ) {}

  /** Usage since `since` (one range scan of the started_at index), oldest first; optionally of one account only. */
  usageSince(since: number, connectionId?: string): QuotaUsageRow[] {
    const sql =
      "SELECT connection_id AS connectionId, started_at AS startedAt, " +
      "COALESCE(tokens_in, 0) + COALESCE(tokens_out, 0) AS tokens, COALESCE(cost_usd, 0) AS usd " +
      "FROM request_logs WHERE started_at >= ? AND connection_id IS NOT NULL AND shared_with IS NULL " +
      "AND (cache IS NULL OR cache <> 'hit') AND (status < 400 OR COALESCE(tokens_in, 0) + COALESCE(tokens_out, 0) > 0)" +
      (connectionId === undefined ? "" : " AND connection_id = ?") +
      " ORDER BY started_at";
    const query = this.sqlite.query<QuotaUsageRow, [number] | [number, string]>(sql);
    return connectionId === undefined ? query.all(since) : query.all(since, connectionId);
  }

  resets(): QuotaResetRow[] {
    return this.db.select().from(quotaResets).all();
  }

  /** A manual reset of one window: usage before `resetAt` no longer counts in it. */
  setReset(connectionId: string, windowId: string, resetAt: number): void {
    this.db
      .insert(quotaResets)
      .values({ connectionId, windowId, resetAt })
      .onConflictDoUpdate({ target: [quotaResets.connectionId, quotaResets.windowId], set: { resetAt } })
      .run();
  }

  deleteResets(connectionId: string, windowId?: string): void {
    const where = windowId === undefined ? eq(quotaResets.connectionId, connectionId) : and(eq(quotaResets.connectionId, connectionId), eq(quotaResets.windowId, windowId));
    this.db.delete(quotaResets).where(where).run();
  }
}
