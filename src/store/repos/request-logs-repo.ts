import type { Database, Statement } from "bun:sqlite";
import { desc, lt } from "drizzle-orm";
import type { Db } from "../db";
import { requestLogs } from "../schema";

export type RequestLogRow = typeof requestLogs.$inferSelect;

const COLUMNS = [
  "id", "started_at", "api_key_id", "surface", "requested_model", "provider_id", "connection_id", "upstream_model",
  "stream", "status", "latency_ms", "ttfb_ms", "tokens_in", "tokens_out", "tokens_cached", "tokens_reasoning", "error",
  "attempts_json", "shared_with", "cache", "cost_usd", "usage_estimated", "combo", "combo_target",
  "guard",
] as const;

export class RequestLogsRepo {
  #insert: Statement | undefined;

  constructor(
    private readonly db: Db,
    private readonly sqlite: Database,
  ) {}

  /** Many rows in one transaction with one prepared statement: the batch writer's only job. */
  insertBatch(rows: readonly RequestLogRow[]): void {
    this.#insert ??= this.sqlite.prepare(
      `INSERT OR IGNORE INTO request_logs (${COLUMNS.join(", ")}) VALUES (${COLUMNS.map(() => "?").join(", ")})`,
    );
    const insert = this.#insert;
    this.sqlite.transaction((batch: readonly RequestLogRow[]) => {
      for (const r of batch) {
        insert.run(
          r.id, r.startedAt, r.apiKeyId, r.surface, r.requestedModel, r.providerId, r.connectionId, r.upstreamModel,
          r.stream ? 1 : 0, r.status, r.latencyMs, r.ttfbMs, r.tokensIn, r.tokensOut, r.tokensCached, r.tokensReasoning,
          r.error, r.attemptsJson, r.sharedWith, r.cache, r.costUsd, r.usageEstimated ? 1 : 0, r.combo, r.comboTarget,
          r.guard,
        );
      }
    })(rows);
  }

  recent(limit: number): RequestLogRow[] {
    return this.db.select().from(requestLogs).orderBy(desc(requestLogs.startedAt)).limit(limit).all();
  }

  pruneOlderThan(cutoff: number): number {
    return this.db.delete(requestLogs).where(lt(requestLogs.startedAt, cutoff)).returning({ id: requestLogs.id }).all().length;
  }
}
