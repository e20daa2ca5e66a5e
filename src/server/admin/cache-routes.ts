import { Elysia } from "elysia";
import { z } from "zod";
import type { GatewayRuntime } from "../gateway-runtime";

const count = (what: string) => z.number().int().min(0).describe(what);

export const cacheStatsSchema = z.object({
  enabled: z.boolean().describe("settings.cache.enabled (the master switch)"),
  persist: z.boolean().describe("settings.cache.persist: answers also kept in SQLite across restarts"),
  hits: count("Answered from the cache (no upstream call)"),
  misses: count("Looked up and not found, or expired: sent upstream"),
  bypasses: count("Sent with `x-omniroute-cache: bypass` or `Cache-Control: no-cache`"),
  stores: count("Answers stored (refreshes included)"),
  skipped: count("Cacheable answers not stored: error status, broken or cancelled stream, over maxEntryBytes"),
  evictions: count("Entries dropped from memory to stay under maxMemoryBytes"),
  expired: count("Entries found or purged past their TTL"),
  entries: count("Entries in memory"),
  memoryBytes: count("Bytes counted against maxMemoryBytes"),
  maxMemoryBytes: count("settings.cache.maxMemoryBytes"),
  maxEntryBytes: count("settings.cache.maxEntryBytes"),
  persistedEntries: count("Rows in <data-dir>/response-cache.sqlite"),
});

/** `GET /api/cache` (statistics) and `DELETE /api/cache` (empty it); behind the dashboard login like all of /api. */
export function cacheRoutes(runtime: GatewayRuntime) {
  return new Elysia({ name: "admin:cache", detail: { tags: ["Status"] } })
    .get("/api/cache", () => runtime.responseCache.stats(), {
      response: cacheStatsSchema,
      detail: { summary: "Response cache statistics: hits, misses, bypasses, stores, evictions, entries and bytes in memory, rows in SQLite" },
    })
    .delete(
      "/api/cache",
      () => {
        runtime.responseCache.clear();
        return runtime.responseCache.stats();
      },
      { response: cacheStatsSchema, detail: { summary: "Empty the response cache (memory and SQLite); answers the statistics after" } },
    );
}
