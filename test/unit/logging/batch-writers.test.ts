import { describe, expect, test } from "bun:test";
import { ResponseCache, type CacheSettings } from "../../../src/cache/response-cache";
import { RequestBodyLog } from "../../../src/logging/request-body-log";
import { RequestLogWriter, type LoggableRequest, type RequestLogEntry } from "../../../src/logging/request-log-writer";
import type { RequestBodiesRepo } from "../../../src/store/repos/request-bodies-repo";
import type { RequestLogsRepo } from "../../../src/store/repos/request-logs-repo";
import { TempDirs } from "../support/temp-data";

/**
 * The background writers (request log, request bodies, response cache) write in batches from a timer that the first
 * queued item arms: a change is on disk within the interval without anyone calling flush, and an idle gateway is
 * never woken by them (an idle gateway used to wake ~24 times a second for nothing).
 */
const INTERVAL_MS = 20;
const IDLE_MS = 150;

/** Waits until `done()` (up to 2 s: a loaded machine may run a 20 ms timer late), then lets stray timers show. */
async function until(done: () => boolean): Promise<void> {
  for (let waited = 0; waited < 2000 && !done(); waited += 10) await Bun.sleep(10);
  await Bun.sleep(INTERVAL_MS * 2);
}

describe("RequestLogWriter", () => {
  function writer() {
    const written: RequestLogEntry[][] = [];
    let flushes = 0;
    const repo = { insertBatch: (rows: RequestLogEntry[]) => void written.push(rows) } as unknown as RequestLogsRepo;
    const log = new RequestLogWriter(repo, { intervalMs: INTERVAL_MS, onFlush: () => flushes++ });
    return { log, written, flushes: () => flushes };
  }
  const request = (id: string): LoggableRequest => ({ toLogEntry: () => ({ id }) as unknown as RequestLogEntry });

  test("idle: no flush at all; a pushed entry is written within the interval by itself", async () => {
    const { log, written, flushes } = writer();
    log.start();
    await Bun.sleep(IDLE_MS);
    expect(flushes()).toBe(0);
    log.push(request("a"));
    log.push(request("b"));
    await until(() => written.length > 0);
    expect(written.map((rows) => rows.map((row) => row.id))).toEqual([["a", "b"]]);
    expect(flushes()).toBe(1);
    await Bun.sleep(IDLE_MS);
    expect(flushes()).toBe(1);
    log.stop();
  });

  test("schedule() brings a flush for work queued elsewhere (keys' last use); nothing is armed before start or after stop", async () => {
    const { log, flushes } = writer();
    log.schedule();
    log.push(request("early"));
    await Bun.sleep(IDLE_MS);
    expect(flushes()).toBe(0);
    log.start();
    await until(() => flushes() === 1);
    expect(flushes()).toBe(1);
    log.schedule();
    await until(() => flushes() === 2);
    expect(flushes()).toBe(2);
    log.stop();
    expect(flushes()).toBe(3);
    log.schedule();
    await Bun.sleep(IDLE_MS);
    expect(flushes()).toBe(3);
  });
});

describe("RequestBodyLog", () => {
  test("idle: no write attempt; captured bodies are written within the interval by themselves", async () => {
    const batches: unknown[][] = [];
    const repo = { insertBatch: (rows: unknown[]) => void batches.push(rows) } as unknown as RequestBodiesRepo;
    const bodies = new RequestBodyLog(repo, { enabled: () => true, maxBytes: () => 1000, knownSecrets: () => [], intervalMs: INTERVAL_MS });
    bodies.start();
    await Bun.sleep(IDLE_MS);
    expect(batches).toEqual([]);
    bodies.push({ requestId: "req_1", startedAt: 1, request: "{}", response: [new TextEncoder().encode("ok")], truncated: false });
    await until(() => batches.length > 0);
    expect(batches).toHaveLength(1);
    bodies.stop();
  });
});

describe("ResponseCache", () => {
  const temp = new TempDirs();
  test("idle: no flush; a stored answer reaches SQLite within the interval by itself", async () => {
    const settings: CacheSettings = { enabled: true, maxMemoryBytes: 1 << 20, maxEntryBytes: 1 << 16, persist: true };
    const dataDir = temp.make("cache");
    const cache = new ResponseCache({ settings: () => settings, dataDir, flushIntervalMs: INTERVAL_MS });
    let flushes = 0;
    const flush = cache.flush.bind(cache);
    cache.flush = () => {
      flushes++;
      flush();
    };
    try {
      cache.start();
      await Bun.sleep(IDLE_MS);
      expect(flushes).toBe(0);
      const now = Date.now();
      cache.put({ key: "k".repeat(64), apiKeyId: "key_a", status: 200, contentType: "application/json", stream: false, body: new TextEncoder().encode("{}"), chunkSizes: null, createdAt: now, expiresAt: now + 60_000 });
      await until(() => flushes > 0);
      expect(flushes).toBe(1);
      // Read back by a second cache on the same file (its stats count the rows on disk).
      const reopened = new ResponseCache({ settings: () => settings, dataDir });
      expect(reopened.stats().persistedEntries).toBe(1);
      reopened.stop();
    } finally {
      cache.stop();
      temp.cleanup();
    }
  });
});
