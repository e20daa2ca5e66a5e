import { z } from "zod";
import { instantSchema, parseInstant } from "./analytics-query";

/** Filters of the request-log list and its CSV export. */
export const logFilterFields = {
  status: z
    .string()
    .regex(/^(ok|error|[1-5]\d\d)$/, "expected ok, error or a status code")
    .optional()
    .describe("`ok` (status < 400), `error` (≥ 400) or one status code"),
  model: z.string().min(1).max(300).optional().describe("The model asked for or the upstream model"),
  provider: z.string().min(1).max(200).optional().describe("Provider id"),
  connection: z.string().min(1).max(200).optional().describe("Connection (account) id"),
  key: z.string().min(1).max(200).optional().describe("Client API key id"),
  combo: z.string().min(1).max(200).optional(),
  surface: z.string().min(1).max(100).optional(),
  from: instantSchema.optional().describe("Started at or after (ISO 8601 or epoch ms)"),
  to: instantSchema.optional().describe("Started before (ISO 8601 or epoch ms)"),
  search: z.string().min(1).max(200).optional().describe("Case-insensitive text in the error message"),
};

export const logListQuerySchema = z.object({
  ...logFilterFields,
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().max(400).optional().describe("`x-omniroute-next-cursor` of the previous page"),
});

export const logExportQuerySchema = z.object({
  ...logFilterFields,
  limit: z.coerce.number().int().min(1).max(1_000_000).optional().describe("At most this many rows (default: all that match)"),
});

/** A position in the newest-first order: rows strictly older than it come next. */
export interface LogCursor {
  startedAt: number;
  id: string;
}

export interface LogFilter {
  status?: { kind: "ok" } | { kind: "error" } | { kind: "code"; code: number };
  model?: string;
  provider?: string;
  connection?: string;
  key?: string;
  combo?: string;
  surface?: string;
  from?: number;
  to?: number;
  search?: string;
}

type FilterQuery = { [K in keyof typeof logFilterFields]?: string | undefined };

export function toLogFilter(query: FilterQuery): LogFilter {
  const filter: LogFilter = {};
  if (query.status === "ok" || query.status === "error") filter.status = { kind: query.status };
  else if (query.status !== undefined) filter.status = { kind: "code", code: Number(query.status) };
  for (const field of ["model", "provider", "connection", "key", "combo", "surface", "search"] as const) {
    const value = query[field];
    if (value !== undefined) filter[field] = value;
  }
  if (query.from !== undefined) filter.from = parseInstant(query.from)!;
  if (query.to !== undefined) filter.to = parseInstant(query.to)!;
  return filter;
}

/** Opaque to clients: base64url of `<startedAt>:<id>`. */
export function encodeCursor(cursor: LogCursor): string {
  return Buffer.from(`${cursor.startedAt}:${cursor.id}`).toString("base64url");
}

export function decodeCursor(text: string): LogCursor | null {
  const plain = Buffer.from(text, "base64url").toString("utf8");
  const colon = plain.indexOf(":");
  if (colon < 1) return null;
  const startedAt = Number(plain.slice(0, colon));
  const id = plain.slice(colon + 1);
  return Number.isSafeInteger(startedAt) && id.length > 0 ? { startedAt, id } : null;
}
