import { Elysia } from "elysia";
import { z } from "zod";
import { LOG_LEVELS } from "../../logging/log-level";
import { entryMatches, type ConsoleLogEntry } from "../../logging/log-ring";
import type { GatewayRuntime } from "../gateway-runtime";
import { sseResponse } from "./sse-response";

const levelSchema = z.enum(LOG_LEVELS);

const entrySchema = z.object({
  seq: z.number().int().describe("Increases by one per entry since the start; pass the last one seen as `after`"),
  time: z.string().describe("ISO 8601, UTC"),
  level: levelSchema,
  component: z.string(),
  msg: z.string(),
  fields: z.record(z.string(), z.unknown()),
});

const pageSchema = z.object({
  entries: z.array(entrySchema).describe("Oldest first (newest last)"),
  cursor: z.number().int().describe("Pass as `after` on the next poll"),
  hasMore: z.boolean().describe("More entries after `cursor` already match (only with `after`)"),
  oldestSeq: z.number().int().describe("The oldest entry still held in memory"),
});

const filterFields = {
  level: levelSchema.optional().describe("Only entries at least this severe"),
  search: z.string().max(200).optional().describe("Case-insensitive text in the message, component or fields"),
};

const pageQuery = z.object({
  ...filterFields,
  limit: z.coerce.number().int().min(1).max(2000).default(200),
  after: z.coerce.number().int().min(0).optional().describe("Only entries with a larger seq (the oldest `limit` of them)"),
});

const streamQuery = z.object({
  ...filterFields,
  after: z.coerce.number().int().min(0).optional().describe("Replay held entries after this seq first (also read from Last-Event-ID)"),
});

function sseEntry(entry: ConsoleLogEntry): string {
  return `id: ${entry.seq}\ndata: ${JSON.stringify(entry)}\n\n`;
}

export function consoleLogRoutes(runtime: GatewayRuntime) {
  const consoleLog = () => runtime.consoleLog;
  return new Elysia({ name: "admin:console-log", detail: { tags: ["Status"] } })
    .get("/api/logs/console", ({ query }) => consoleLog().query(query), {
      query: pageQuery,
      response: pageSchema,
      detail: { summary: "The gateway's console log from memory (latest 2,000 entries), filtered; poll with `after` for new entries" },
    })
    .get(
      "/api/logs/console/stream",
      ({ query, request, server }) => {
        // Open for as long as the dashboard watches: exempt from the server's idle timeout (heartbeats also keep proxies awake).
        server?.timeout(request, 0);
        const log = consoleLog();
        const needle = query.search ? query.search.toLowerCase() : undefined;
        const lastEventId = Number.parseInt(request.headers.get("last-event-id") ?? "", 10);
        const after = query.after ?? (Number.isFinite(lastEventId) && lastEventId >= 0 ? lastEventId : undefined);
        return sseResponse(({ send, close }) => {
          if (after !== undefined) {
            for (const entry of log.since(after)) if (entryMatches(entry, query.level, needle)) send(sseEntry(entry));
          }
          send(`retry: 2000\nevent: ready\ndata: ${JSON.stringify({ cursor: log.lastSeq })}\n\n`);
          return log.subscribe({
            entry: (entry) => {
              if (entryMatches(entry, query.level, needle)) send(sseEntry(entry));
            },
            end: close,
          });
        });
      },
      {
        query: streamQuery,
        detail: {
          summary: "Live console log as server-sent events: one `data:` event per new entry (`id` = seq), after an initial `ready` event",
        },
      },
    );
}
