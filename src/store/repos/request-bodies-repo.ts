import type { Database, Statement } from "bun:sqlite";

export interface RequestBodyRow {
  requestId: string;
  startedAt: number;
  requestBody: string | null;
  responseBody: string | null;
}

/** Optional request/response bodies (settings.requestLog.bodies), one row per request. */
export class RequestBodiesRepo {
  #insert: Statement | undefined;

  constructor(private readonly sqlite: Database) {}

  insertBatch(rows: readonly RequestBodyRow[]): void {
    this.#insert ??= this.sqlite.prepare(
      "INSERT OR REPLACE INTO request_bodies (request_id, started_at, request_body, response_body) VALUES (?, ?, ?, ?)",
    );
    const insert = this.#insert;
    this.sqlite.transaction((batch: readonly RequestBodyRow[]) => {
      for (const r of batch) insert.run(r.requestId, r.startedAt, r.requestBody, r.responseBody);
    })(rows);
  }

  get(requestId: string): RequestBodyRow | null {
    return (
      this.sqlite
        .query<RequestBodyRow, [string]>(
          "SELECT request_id AS requestId, started_at AS startedAt, request_body AS requestBody, response_body AS responseBody FROM request_bodies WHERE request_id = ?",
        )
        .get(requestId) ?? null
    );
  }

  pruneOlderThan(cutoff: number): number {
    return this.sqlite.query("DELETE FROM request_bodies WHERE started_at < ?").run(cutoff).changes;
  }
}
