import { and, desc, eq, gte, lt, or, sql, type SQL } from "drizzle-orm";
import type { LogCursor, LogFilter } from "../../analytics/log-query";
import type { Db } from "../db";
import { requestLogs } from "../schema";
import type { RequestLogRow } from "./request-logs-repo";

/** The request log as the dashboard browses it: filtered, newest first, one page at a time. */
export class RequestLogSearchRepo {
  constructor(private readonly db: Db) {}

  /** Up to `limit` rows matching the filter, newest first, strictly after `cursor` in that order. */
  page(filter: LogFilter, limit: number, cursor: LogCursor | null = null): RequestLogRow[] {
    const conditions = conditionsOf(filter);
    if (cursor) {
      // (started_at, id) descending: ties on the millisecond are broken by id, so no row is skipped or repeated.
      conditions.push(or(lt(requestLogs.startedAt, cursor.startedAt), and(eq(requestLogs.startedAt, cursor.startedAt), lt(requestLogs.id, cursor.id)))!);
    }
    return this.db
      .select()
      .from(requestLogs)
      .where(conditions.length > 0 ? and(...conditions) : undefined)
      .orderBy(desc(requestLogs.startedAt), desc(requestLogs.id))
      .limit(limit)
      .all();
  }

  get(id: string): RequestLogRow | null {
    return this.db.select().from(requestLogs).where(eq(requestLogs.id, id)).get() ?? null;
  }
}

function conditionsOf(filter: LogFilter): SQL[] {
  const conditions: SQL[] = [];
  const status = filter.status;
  if (status?.kind === "ok") conditions.push(lt(requestLogs.status, 400));
  else if (status?.kind === "error") conditions.push(gte(requestLogs.status, 400));
  else if (status?.kind === "code") conditions.push(eq(requestLogs.status, status.code));
  if (filter.model !== undefined) conditions.push(or(eq(requestLogs.requestedModel, filter.model), eq(requestLogs.upstreamModel, filter.model))!);
  if (filter.provider !== undefined) conditions.push(eq(requestLogs.providerId, filter.provider));
  if (filter.connection !== undefined) conditions.push(eq(requestLogs.connectionId, filter.connection));
  if (filter.key !== undefined) conditions.push(eq(requestLogs.apiKeyId, filter.key));
  if (filter.combo !== undefined) conditions.push(eq(requestLogs.combo, filter.combo));
  if (filter.surface !== undefined) conditions.push(eq(requestLogs.surface, filter.surface));
  if (filter.from !== undefined) conditions.push(gte(requestLogs.startedAt, filter.from));
  if (filter.to !== undefined) conditions.push(lt(requestLogs.startedAt, filter.to));
  if (filter.search !== undefined) {
    // The text is matched literally: LIKE's own wildcards in it are escaped.
    const pattern = `%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(sql`${requestLogs.error} LIKE ${pattern} ESCAPE '\\'`);
  }
  return conditions;
}
