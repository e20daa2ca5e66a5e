import { z } from "zod";
import { instantSchema, parseInstant } from "../analytics/analytics-query";

/** A name, or a prefix ending in `*` (`keys.*`, `session:*`). */
const nameFilter = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^*]*\*?$/, "a `*` may only end the value (a prefix match, e.g. keys.*)");

/** Filters of the audit list and its CSV export. */
export const auditFilterFields = {
  action: nameFilter.optional().describe("An action (`keys.create`) or a prefix ending in `*` (`keys.*`)"),
  actor: nameFilter.optional().describe("`session:<id>`, `anonymous`, `cli`, or a prefix ending in `*` (`session:*`)"),
  status: z
    .string()
    .regex(/^(ok|error|[1-5]\d\d)$/, "expected ok, error or a status code")
    .optional()
    .describe("`ok` (status < 400), `error` (≥ 400) or one status code"),
  from: instantSchema.optional().describe("At or after (ISO 8601 or epoch ms)"),
  to: instantSchema.optional().describe("Before (ISO 8601 or epoch ms)"),
};

export const auditListQuerySchema = z.object({
  ...auditFilterFields,
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(200).optional().describe("`nextCursor` of the previous page"),
});

export const auditExportQuerySchema = z.object({
  ...auditFilterFields,
  limit: z.coerce.number().int().min(1).max(1_000_000).optional().describe("At most this many rows (default: all that match)"),
});

export interface AuditFilter {
  action?: { value: string; prefix: boolean };
  actor?: { value: string; prefix: boolean };
  status?: { kind: "ok" } | { kind: "error" } | { kind: "code"; code: number };
  from?: number;
  to?: number;
}

/** A position in the newest-first order: rows strictly older than it come next. */
export interface AuditCursor {
  at: number;
  id: number;
}

type FilterQuery = { [K in keyof typeof auditFilterFields]?: string | undefined };

function nameMatch(value: string): { value: string; prefix: boolean } {
  return value.endsWith("*") ? { value: value.slice(0, -1), prefix: true } : { value, prefix: false };
}

export function toAuditFilter(query: FilterQuery): AuditFilter {
  const filter: AuditFilter = {};
  if (query.action !== undefined) filter.action = nameMatch(query.action);
  if (query.actor !== undefined) filter.actor = nameMatch(query.actor);
  if (query.status === "ok" || query.status === "error") filter.status = { kind: query.status };
  else if (query.status !== undefined) filter.status = { kind: "code", code: Number(query.status) };
  if (query.from !== undefined) filter.from = parseInstant(query.from)!;
  if (query.to !== undefined) filter.to = parseInstant(query.to)!;
  return filter;
}

/** Opaque to clients: base64url of `<at>:<id>`. */
export function encodeAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(`${cursor.at}:${cursor.id}`).toString("base64url");
}

export function decodeAuditCursor(text: string): AuditCursor | null {
  const match = /^(\d{1,16}):(\d{1,16})$/.exec(Buffer.from(text, "base64url").toString("utf8"));
  if (!match) return null;
  const at = Number(match[1]);
  const id = Number(match[2]);
  return Number.isSafeInteger(at) && Number.isSafeInteger(id) ? { at, id } : null;
}
