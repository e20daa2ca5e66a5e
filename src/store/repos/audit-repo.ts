import { and, desc, eq, gte, lt, or, sql, type SQL } from "drizzle-orm";
import type { AuditCursor, AuditFilter } from "../../audit/audit-query";
import type { Database } from "bun:sqlite";
import type { Db } from "../db";
import { auditLog } from "../schema";

export type AuditRow = typeof auditLog.$inferSelect;
export type NewAuditRow = typeof auditLog.$inferInsert;

/** The audit log table: appended one row per audited call, read newest first, pruned by age. */
export class AuditRepo {
  constructor(
    private readonly db: Db,
    private readonly sqlite: Database,
  ) {}

  insert(row: NewAuditRow): void {
    this.db.insert(auditLog).values(row).run();
  }

  /** Up to `limit` rows matching the filter, newest first, strictly after `cursor` in that order. */
  page(filter: AuditFilter, limit: number, cursor: AuditCursor | null = null): AuditRow[] {
    const conditions = conditionsOf(filter);
    if (cursor) {
      // (at, id) descending: rows within the same millisecond are ordered by id, so none is skipped or repeated.
      conditions.push(or(lt(auditLog.at, cursor.at), and(eq(auditLog.at, cursor.at), lt(auditLog.id, cursor.id)))!);
    }
    return this.db
      .select()
      .from(auditLog)
      .where(conditions.length > 0 ? and(...conditions) : undefined)
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(limit)
      .all();
  }

  /** Deletes rows older than `before`; returns how many. */
  pruneOlderThan(before: number): number {
    // Through the driver for the count: a long-retention table may hold many rows, not worth returning.
    return this.sqlite.query("DELETE FROM audit_log WHERE at < ?").run(before).changes;
  }
}

/** `value%` with LIKE's own wildcards in the value escaped. */
function prefixPattern(value: string): string {
  return `${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function nameCondition(column: typeof auditLog.action | typeof auditLog.actor, match: { value: string; prefix: boolean }): SQL {
  return match.prefix ? sql`${column} LIKE ${prefixPattern(match.value)} ESCAPE '\\'` : eq(column, match.value);
}

function conditionsOf(filter: AuditFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.action) conditions.push(nameCondition(auditLog.action, filter.action));
  if (filter.actor) conditions.push(nameCondition(auditLog.actor, filter.actor));
  const status = filter.status;
  if (status?.kind === "ok") conditions.push(lt(auditLog.status, 400));
  else if (status?.kind === "error") conditions.push(gte(auditLog.status, 400));
  else if (status?.kind === "code") conditions.push(eq(auditLog.status, status.code));
  if (filter.from !== undefined) conditions.push(gte(auditLog.at, filter.from));
  if (filter.to !== undefined) conditions.push(lt(auditLog.at, filter.to));
  return conditions;
}
