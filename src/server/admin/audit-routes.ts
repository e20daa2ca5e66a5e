import { Elysia } from "elysia";
import { z } from "zod";
import { csvLine, pagedCsvResponse } from "../../analytics/csv";
import { auditExportQuerySchema, auditListQuerySchema, decodeAuditCursor, encodeAuditCursor, toAuditFilter, type AuditCursor } from "../../audit/audit-query";
import { AuditRepo, type AuditRow } from "../../store/repos/audit-repo";
import type { GatewayRuntime } from "../gateway-runtime";
import { ApiError } from "./api-error";

const auditEntrySchema = z.object({
  id: z.number().int(),
  at: z.string().describe("ISO 8601"),
  actor: z.string().describe("`session:<public session id>`, `anonymous` (no valid session) or `cli`"),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  action: z.string().describe("e.g. `keys.create`, `auth.login_failed`, `settings.update`"),
  method: z.string(),
  path: z.string().describe("Without the query string, redacted"),
  status: z.number().int(),
  detail: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe("`fields`: top-level body field names (never values); `ids`: ids in the path; `error`: the error code; `session`: a login's new session"),
});

const CSV_COLUMNS = ["id", "at", "actor", "ip", "userAgent", "action", "method", "path", "status", "detail"] as const;

function entryOf(row: AuditRow) {
  let detail: Record<string, unknown> | null = null;
  if (row.detailJson) {
    try {
      detail = JSON.parse(row.detailJson) as Record<string, unknown>;
    } catch {
      detail = null;
    }
  }
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    ip: row.ip,
    userAgent: row.userAgent,
    action: row.action,
    method: row.method,
    path: row.path,
    status: row.status,
    detail,
  };
}

function csvRow(row: AuditRow): string {
  const entry = entryOf(row);
  return csvLine(CSV_COLUMNS.map((column) => (column === "detail" ? row.detailJson : entry[column])));
}

/** The management plane's audit log: filtered pages and a CSV export. */
export function auditRoutes(runtime: GatewayRuntime) {
  const { services } = runtime;
  const repo = new AuditRepo(services.store.db, services.store.sqlite);
  return new Elysia({ name: "admin:audit", detail: { tags: ["Audit"] } })
    .get(
      "/api/audit",
      async ({ query }) => {
        // Calls answered a moment ago may still be being written.
        await services.audit.settled();
        let cursor: AuditCursor | null = null;
        if (query.cursor !== undefined) {
          cursor = decodeAuditCursor(query.cursor);
          if (!cursor) throw new ApiError(400, "`cursor` is not one this API gave out (nextCursor of the previous page).", "invalid_request");
        }
        // One row more than asked says whether there is a next page.
        const rows = repo.page(toAuditFilter(query), query.limit + 1, cursor);
        let nextCursor: string | null = null;
        if (rows.length > query.limit) {
          rows.length = query.limit;
          const last = rows[rows.length - 1]!;
          nextCursor = encodeAuditCursor({ at: last.at, id: last.id });
        }
        return { entries: rows.map(entryOf), nextCursor };
      },
      {
        query: auditListQuerySchema,
        response: z.object({ entries: z.array(auditEntrySchema), nextCursor: z.string().nullable().describe("`cursor` of the next page; null on the last") }),
        detail: { summary: "Audit log entries (management actions, logins, refused calls), newest first, filtered and paged" },
      },
    )
    .get(
      "/api/audit/export.csv",
      async ({ query }) => {
        await services.audit.settled();
        const filter = toAuditFilter(query);
        return pagedCsvResponse<AuditRow>({
          columns: CSV_COLUMNS,
          page: (take, after) => repo.page(filter, take, after && { at: after.at, id: after.id }),
          line: csvRow,
          max: query.limit ?? Number.POSITIVE_INFINITY,
          filePrefix: "omniroute-audit",
        });
      },
      {
        query: auditExportQuerySchema,
        detail: { summary: "The filtered audit log as CSV (RFC 4180, newest first, header row first; `detail` as JSON); same filters as GET /api/audit" },
      },
    );
}
