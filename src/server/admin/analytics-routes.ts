import { Elysia } from "elysia";
import { z } from "zod";
import { AnalyticsQueryError, analyticsQuerySchema, BUCKETS, GROUP_BY, resolveBucket, resolveRange, type AnalyticsQuery } from "../../analytics/analytics-query";
import { csvLine, pagedCsvResponse } from "../../analytics/csv";
import { decodeCursor, encodeCursor, logExportQuerySchema, logListQuerySchema, toLogFilter } from "../../analytics/log-query";
import { AnalyticsRangeTooLargeError, AnalyticsRepo, type GroupFigures } from "../../store/repos/analytics-repo";
import { RequestBodiesRepo } from "../../store/repos/request-bodies-repo";
import type { RequestLogRow } from "../../store/repos/request-logs-repo";
import { RequestLogSearchRepo } from "../../store/repos/request-log-search-repo";
import type { GatewayRuntime } from "../gateway-runtime";
import { ApiError } from "./api-error";

const percentilesSchema = z.object({ p50: z.number().nullable(), p95: z.number().nullable(), p99: z.number().nullable() });

const figuresFields = {
  requests: z.number().int(),
  succeeded: z.number().int().describe("Status below 400"),
  failed: z.number().int(),
  successRate: z.number().nullable().describe("succeeded / requests (0 – 1); null with no requests"),
  cacheHits: z.number().int(),
  tokensIn: z.number().int().describe("Input tokens, cached ones included"),
  tokensOut: z.number().int().describe("Output tokens, reasoning included"),
  tokensCached: z.number().int(),
  tokensReasoning: z.number().int(),
  estimatedUsage: z.number().int().describe("Requests whose token counts are the gateway's estimate"),
  costUsd: z.number(),
  costedRequests: z.number().int().describe("Requests with a cost (a priced model and known usage)"),
  latencyMs: percentilesSchema.describe("Nearest-rank percentiles of the time to the end of the answer"),
  ttfbMs: percentilesSchema.describe("Nearest-rank percentiles of the time to the first byte, over requests that got one"),
};

const analyticsSchema = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(GROUP_BY),
  bucket: z.enum(BUCKETS).nullable(),
  totals: z.object(figuresFields),
  groups: z.array(
    z.object({
      key: z.string().nullable().describe("The group's value (model, provider id, connection id, key id, combo, surface); null = none recorded"),
      label: z.string().nullable().describe("The connection's or client key's name, for account and key groups"),
      bucketStart: z.string().nullable().describe("Start of the UTC time bucket, with `bucket`"),
      ...figuresFields,
    }),
  ),
});

const logRowSchema = z.object({
  id: z.string(),
  startedAt: z.number(),
  apiKeyId: z.string().nullable(),
  surface: z.string(),
  requestedModel: z.string().nullable(),
  providerId: z.string().nullable(),
  connectionId: z.string().nullable(),
  upstreamModel: z.string().nullable(),
  stream: z.boolean(),
  status: z.number(),
  latencyMs: z.number(),
  ttfbMs: z.number().nullable(),
  tokensIn: z.number().nullable(),
  tokensOut: z.number().nullable(),
  tokensCached: z.number().nullable(),
  tokensReasoning: z.number().nullable(),
  error: z.string().nullable(),
  attemptsJson: z.string().nullable().describe("JSON array of the attempts that failed before the outcome: `[{target, status, error}]`"),
  sharedWith: z.string().nullable(),
  cache: z.string().nullable(),
  costUsd: z.number().nullable(),
  usageEstimated: z.boolean(),
  combo: z.string().nullable(),
  comboTarget: z.string().nullable(),
  guard: z.string().nullable().describe("Prompt guard: the rule ids the request matched (comma-separated) when it was flagged or blocked"),
});

const logDetailSchema = logRowSchema.extend({
  attempts: z.array(z.object({ target: z.string(), status: z.number(), error: z.string() })).describe("attemptsJson, parsed"),
  bodies: z
    .object({ request: z.string().nullable(), response: z.string().nullable() })
    .nullable()
    .describe("The logged request and response bodies (redacted, cut at requestLog.maxBodyBytes); null when not logged"),
});

const idParams = z.object({ id: z.string().min(1).max(200) });

/** CSV columns, in order: the row's fields with the time as ISO 8601 for spreadsheets. */
const CSV_COLUMNS = [
  "id", "startedAt", "apiKeyId", "surface", "requestedModel", "combo", "comboTarget", "providerId", "connectionId", "upstreamModel",
  "stream", "status", "latencyMs", "ttfbMs", "tokensIn", "tokensOut", "tokensCached", "tokensReasoning", "usageEstimated",
  "costUsd", "cache", "sharedWith", "error", "attemptsJson", "guard",
] as const satisfies ReadonlyArray<keyof RequestLogRow>;

function csvRow(row: RequestLogRow): string {
  return csvLine(CSV_COLUMNS.map((column) => (column === "startedAt" ? new Date(row.startedAt).toISOString() : row[column])));
}

function parseAttempts(json: string | null): Array<{ target: string; status: number; error: string }> {
  if (!json) return [];
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? (parsed as Array<{ target: string; status: number; error: string }>) : [];
  } catch {
    return [];
  }
}

/** Analytics over the request log, and the log itself: filtered pages, one row in detail, a CSV export. */
export function analyticsRoutes(runtime: GatewayRuntime) {
  const { services } = runtime;
  const analytics = new AnalyticsRepo(services.store.sqlite);
  const logs = new RequestLogSearchRepo(services.store.db);
  const bodies = new RequestBodiesRepo(services.store.sqlite);

  const labelOf = (groupBy: AnalyticsQuery["groupBy"]): ((key: string | null) => string | null) => {
    if (groupBy === "account") {
      const names = new Map(services.connections.runtime().map((c) => [c.id, c.name]));
      return (key) => (key === null ? null : (names.get(key) ?? null));
    }
    if (groupBy === "key") {
      const names = new Map(services.apiKeys.list().map((k) => [k.id, k.name]));
      return (key) => (key === null ? null : (names.get(key) ?? null));
    }
    return () => null;
  };

  const summarize = (query: AnalyticsQuery) => {
    // Requests finished a moment ago are still in the writer's queue.
    runtime.logWriter.flush();
    try {
      const range = resolveRange(query);
      const bucketMs = resolveBucket(query.bucket, range);
      const { totals, groups } = analytics.summarize({ ...range, groupBy: query.groupBy, bucketMs });
      const label = labelOf(query.groupBy);
      const { key: _key, bucketStart: _bucket, ...totalFigures } = totals;
      return {
        from: new Date(range.from).toISOString(),
        to: new Date(range.to).toISOString(),
        groupBy: query.groupBy,
        bucket: query.bucket ?? null,
        totals: totalFigures,
        groups: groups.map((group: GroupFigures) => ({
          ...group,
          label: label(group.key),
          bucketStart: group.bucketStart === null ? null : new Date(group.bucketStart).toISOString(),
        })),
      };
    } catch (error) {
      if (error instanceof AnalyticsQueryError) throw new ApiError(400, error.message, "invalid_request");
      if (error instanceof AnalyticsRangeTooLargeError) throw new ApiError(400, error.message, "range_too_large");
      throw error;
    }
  };

  return new Elysia({ name: "admin:analytics", detail: { tags: ["Analytics"] } })
    .get("/api/analytics", ({ query }) => summarize(query), {
      query: analyticsQuerySchema,
      response: analyticsSchema,
      detail: {
        summary: "Requests, success rate, tokens, cost and p50/p95/p99 latency and TTFB over a time range, per model, provider, account, key, combo or surface",
      },
    })
    .get("/api/analytics/timeseries", ({ query }) => summarize({ ...query, bucket: query.bucket ?? "hour" }), {
      query: analyticsQuerySchema,
      response: analyticsSchema,
      detail: { summary: "GET /api/analytics split into UTC time buckets (`bucket` defaults to hour); buckets without requests are absent" },
    })
    .get(
      "/api/logs",
      ({ query, set }) => {
        runtime.logWriter.flush();
        let cursor = null;
        if (query.cursor !== undefined) {
          cursor = decodeCursor(query.cursor);
          if (!cursor) throw new ApiError(400, "`cursor` is not one this API gave out (x-omniroute-next-cursor).", "invalid_request");
        }
        // One row more than asked says whether there is a next page.
        const rows = logs.page(toLogFilter(query), query.limit + 1, cursor);
        if (rows.length > query.limit) {
          rows.length = query.limit;
          const last = rows[rows.length - 1]!;
          set.headers["x-omniroute-next-cursor"] = encodeCursor({ startedAt: last.startedAt, id: last.id });
        }
        return rows;
      },
      {
        query: logListQuerySchema,
        response: z.array(logRowSchema),
        detail: {
          summary: "Request log rows, newest first, filtered; when more match, the header `x-omniroute-next-cursor` is the `cursor` of the next page",
        },
      },
    )
    .get(
      "/api/logs/export.csv",
      ({ query }) => {
        runtime.logWriter.flush();
        const filter = toLogFilter(query);
        return pagedCsvResponse<RequestLogRow>({
          columns: CSV_COLUMNS,
          page: (take, after) => logs.page(filter, take, after && { startedAt: after.startedAt, id: after.id }),
          line: csvRow,
          max: query.limit ?? Number.POSITIVE_INFINITY,
          filePrefix: "omniroute-requests",
        });
      },
      {
        query: logExportQuerySchema,
        detail: { summary: "The filtered request log as CSV (RFC 4180, newest first, header row first); same filters as GET /api/logs" },
      },
    )
    .get(
      "/api/logs/:id",
      ({ params }) => {
        runtime.logWriter.flush();
        const row = logs.get(params.id);
        if (!row) throw new ApiError(404, `No request-log row with id "${params.id}" (it may have been pruned, or logging was off).`, "not_found");
        runtime.bodyLog.flush();
        const stored = bodies.get(params.id);
        return {
          ...row,
          attempts: parseAttempts(row.attemptsJson),
          bodies: stored ? { request: stored.requestBody, response: stored.responseBody } : null,
        };
      },
      {
        params: idParams,
        response: logDetailSchema,
        detail: { summary: "One request-log row with its failed attempts parsed and, when body logging kept them, the request and response bodies" },
      },
    );
}
