import { afterEach, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { entrySize, ResponseCache, type CacheSettings, type CacheTicket, type CachedAnswer } from "../../../src/cache/response-cache";
import { RESPONSE_CACHE_FILE } from "../../../src/store/repos/response-cache-repo";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
const caches: ResponseCache[] = [];
afterEach(() => {
  for (const cache of caches.splice(0)) cache.stop();
  temp.cleanup();
});

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const KEY_LENGTH = 64;

function makeCache(options: { settings?: Partial<CacheSettings>; dataDir?: string | null; clock?: { now: number } } = {}) {
  const settings: CacheSettings = { enabled: true, maxMemoryBytes: 32 * 1024 * 1024, maxEntryBytes: 1024 * 1024, persist: true, ...options.settings };
  const clock = options.clock ?? { now: 1_000_000 };
  const cache = new ResponseCache({ settings: () => settings, dataDir: options.dataDir === undefined ? null : options.dataDir, now: () => clock.now });
  caches.push(cache);
  return { cache, settings, clock };
}

function answer(name: string, body: string | Uint8Array, fields: Partial<CachedAnswer> = {}): CachedAnswer {
  return {
    key: name.padEnd(KEY_LENGTH, "0"),
    apiKeyId: "key_a",
    status: 200,
    contentType: "application/json",
    stream: false,
    body: typeof body === "string" ? encoder.encode(body) : body,
    chunkSizes: null,
    createdAt: 1_000_000,
    expiresAt: 1_000_000 + 60_000,
    ...fields,
  };
}

const keyOf = (name: string) => name.padEnd(KEY_LENGTH, "0");

function ticket(name: string, fields: Partial<CacheTicket> = {}): CacheTicket {
  return { key: keyOf(name), keyId: "key_a", ttlSeconds: 60, format: "openai-chat", stream: false, bypass: false, hit: null, ...fields };
}

/** A stream of the given pieces, then its end (or an error after them). */
function streamOf(pieces: string[], failAfter = false): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (i < pieces.length) controller.enqueue(encoder.encode(pieces[i++]!));
      else if (failAfter) controller.error(new Error("upstream reset"));
      else controller.close();
    },
  });
}

async function chunksOf(response: Response): Promise<string[]> {
  const out: string[] = [];
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(decoder.decode(value));
  }
}

describe("memory: an LRU bounded by bytes", () => {
  test("the least recently used entries go first once the byte bound is passed", () => {
    const size = entrySize(answer("a", "x".repeat(1000)));
    const { cache } = makeCache({ settings: { maxMemoryBytes: size * 3 } });
    for (const name of ["a", "b", "c"]) cache.put(answer(name, "x".repeat(1000)));
    expect(cache.stats()).toMatchObject({ entries: 3, memoryBytes: size * 3, evictions: 0 });
    // Using "a" makes "b" the least recently used.
    expect(cache.get(keyOf("a"), 60)).not.toBeNull();
    cache.put(answer("d", "x".repeat(1000)));
    expect(cache.get(keyOf("b"), 60)).toBeNull();
    for (const name of ["a", "c", "d"]) expect(cache.get(keyOf(name), 60)).not.toBeNull();
    expect(cache.stats()).toMatchObject({ entries: 3, memoryBytes: size * 3, evictions: 1 });
  });

  test("a big entry evicts as many small ones as it takes; one over the whole bound is not kept", () => {
    const small = entrySize(answer("a", "x".repeat(100)));
    const { cache } = makeCache({ settings: { maxMemoryBytes: small * 4 } });
    for (const name of ["a", "b", "c", "d"]) cache.put(answer(name, "x".repeat(100)));
    cache.put(answer("big", "y".repeat(small * 2)));
    const stats = cache.stats();
    expect(stats.memoryBytes).toBeLessThanOrEqual(small * 4);
    expect(stats.evictions).toBe(3);
    expect(cache.get(keyOf("big"), 60)).not.toBeNull();
    expect(cache.get(keyOf("d"), 60)).not.toBeNull();
    cache.put(answer("huge", "z".repeat(small * 5)));
    expect(cache.get(keyOf("huge"), 60)).toBeNull();
    expect(cache.get(keyOf("d"), 60)).not.toBeNull();
  });

  test("replacing an entry counts its bytes once", () => {
    const { cache } = makeCache();
    cache.put(answer("a", "x".repeat(500)));
    cache.put(answer("a", "x".repeat(200)));
    expect(cache.stats()).toMatchObject({ entries: 1, memoryBytes: entrySize(answer("a", "x".repeat(200))), stores: 2 });
  });
});

describe("TTL (injected clock)", () => {
  test("an answer is served until its expiry and not a millisecond after", () => {
    const { cache, clock } = makeCache();
    cache.put(answer("a", "{}", { createdAt: clock.now, expiresAt: clock.now + 10_000 }));
    clock.now += 9_999;
    expect(cache.get(keyOf("a"), 10)).not.toBeNull();
    clock.now += 1;
    expect(cache.get(keyOf("a"), 10)).toBeNull();
    expect(cache.stats()).toMatchObject({ entries: 0, memoryBytes: 0, expired: 1 });
  });

  test("a TTL shortened since the answer was stored applies at once", () => {
    const { cache, clock } = makeCache();
    cache.put(answer("a", "{}", { createdAt: clock.now, expiresAt: clock.now + 3_600_000 }));
    clock.now += 6_000;
    expect(cache.get(keyOf("a"), 3600)).not.toBeNull();
    expect(cache.get(keyOf("a"), 5)).toBeNull();
  });

  test("purgeExpired drops expired entries from memory and from SQLite", () => {
    const dataDir = temp.make("cache");
    const { cache, clock } = makeCache({ dataDir });
    cache.put(answer("old", "{}", { createdAt: clock.now, expiresAt: clock.now + 1_000 }));
    cache.put(answer("new", "{}", { createdAt: clock.now, expiresAt: clock.now + 100_000 }));
    cache.flush();
    clock.now += 5_000;
    expect(cache.purgeExpired()).toBe(1);
    expect(cache.stats()).toMatchObject({ entries: 1, persistedEntries: 1, expired: 1 });
  });
});

describe("persistence", () => {
  test("answers survive a reopen of the store: stream chunk sizes and content type included", async () => {
    const dataDir = temp.make("cache");
    const first = makeCache({ dataDir });
    first.cache.put(answer("s", "data: 1\n\ndata: 2\n\n", { stream: true, chunkSizes: [9, 9], contentType: "text/event-stream" }));
    first.cache.put(answer("j", '{"ok":true}'));
    // Written off the request path: nothing on disk until the batch is flushed.
    expect(existsSync(join(dataDir, RESPONSE_CACHE_FILE))).toBe(false);
    first.cache.stop();

    const again = makeCache({ dataDir, clock: { now: first.clock.now + 1_000 } });
    expect(again.cache.stats()).toMatchObject({ entries: 0, persistedEntries: 2 });
    const stored = again.cache.get(keyOf("s"), 60)!;
    expect(stored).toMatchObject({ stream: true, chunkSizes: [9, 9], contentType: "text/event-stream", apiKeyId: "key_a" });
    expect(await chunksOf(again.cache.replay(stored, "req_2"))).toEqual(["data: 1\n\n", "data: 2\n\n"]);
    // Read once from SQLite, then kept in memory.
    expect(again.cache.stats().entries).toBe(1);
    expect(decoder.decode(again.cache.get(keyOf("j"), 60)!.body)).toBe('{"ok":true}');
  });

  test("an expired row is not served after a reopen, and is deleted", () => {
    const dataDir = temp.make("cache");
    const first = makeCache({ dataDir });
    first.cache.put(answer("a", "{}", { expiresAt: first.clock.now + 1_000 }));
    first.cache.stop();
    const again = makeCache({ dataDir, clock: { now: first.clock.now + 2_000 } });
    expect(again.cache.get(keyOf("a"), 60)).toBeNull();
    expect(again.cache.stats().persistedEntries).toBe(0);
  });

  test("with persist off nothing is written", () => {
    const dataDir = temp.make("cache");
    const { cache } = makeCache({ dataDir, settings: { persist: false } });
    cache.put(answer("a", "{}"));
    cache.stop();
    expect(existsSync(join(dataDir, RESPONSE_CACHE_FILE))).toBe(false);
  });

  test("an entry evicted from memory before its write is still found", () => {
    const dataDir = temp.make("cache");
    const size = entrySize(answer("a", "x".repeat(100)));
    const { cache } = makeCache({ dataDir, settings: { maxMemoryBytes: size } });
    cache.put(answer("a", "x".repeat(100)));
    cache.put(answer("b", "x".repeat(100)));
    expect(cache.get(keyOf("a"), 60)).not.toBeNull();
  });

  test("clear empties memory and the file", () => {
    const dataDir = temp.make("cache");
    const { cache } = makeCache({ dataDir });
    cache.put(answer("a", "{}"));
    cache.flush();
    cache.put(answer("b", "{}"));
    cache.clear();
    expect(cache.stats()).toMatchObject({ entries: 0, memoryBytes: 0, persistedEntries: 0 });
    expect(cache.get(keyOf("a"), 60)).toBeNull();
    const file = new Database(join(dataDir, RESPONSE_CACHE_FILE));
    expect(file.query<{ n: number }, []>("SELECT count(*) AS n FROM response_cache").get()!.n).toBe(0);
    file.close();
  });
});

describe("capture: only complete successful answers are stored", () => {
  const ok = { status: 200, error: null };

  test("a 200 non-stream answer is stored and passed on whole", async () => {
    const { cache } = makeCache();
    const response = await cache.capture(ticket("a"), new Response('{"answer":1}', { status: 200, headers: { "content-type": "application/json", "x-ratelimit-remaining": "5" } }), ok);
    expect(response.headers.get("x-omniroute-cache")).toBe("miss");
    expect(await response.text()).toBe('{"answer":1}');
    const stored = cache.get(keyOf("a"), 60)!;
    expect(decoder.decode(stored.body)).toBe('{"answer":1}');
    const replayed = cache.replay(stored, "req_new");
    expect(replayed.headers.get("x-request-id")).toBe("req_new");
    expect(replayed.headers.get("x-omniroute-cache")).toBe("hit");
    expect(replayed.headers.get("x-ratelimit-remaining")).toBeNull();
    expect(await replayed.text()).toBe('{"answer":1}');
  });

  test("error statuses, failed requests and answers over maxEntryBytes are not stored", async () => {
    const { cache } = makeCache({ settings: { maxEntryBytes: 10 } });
    await (await cache.capture(ticket("e"), new Response("{}", { status: 500 }), { status: 500, error: "boom" })).text();
    await (await cache.capture(ticket("f"), new Response("{}", { status: 200 }), { status: 502, error: "broken" })).text();
    await (await cache.capture(ticket("big"), new Response("x".repeat(11), { status: 200 }), ok)).text();
    for (const name of ["e", "f", "big"]) expect(cache.get(keyOf(name), 60)).toBeNull();
    expect(cache.stats()).toMatchObject({ stores: 0, skipped: 3 });
  });

  test("a stream is passed on and stored chunk by chunk when it ended as a success", async () => {
    const { cache } = makeCache();
    const pieces = ["data: a\n\n", "data: b\n\n", "data: [DONE]\n\n"];
    const response = await cache.capture(ticket("s", { stream: true }), new Response(streamOf(pieces), { status: 200, headers: { "content-type": "text/event-stream" } }), ok);
    expect(cache.get(keyOf("s"), 60)).toBeNull(); // not before it ended
    expect(await chunksOf(response)).toEqual(pieces);
    const stored = cache.get(keyOf("s"), 60)!;
    expect(stored.chunkSizes).toEqual(pieces.map((p) => p.length));
    expect(await chunksOf(cache.replay(stored, "r1"))).toEqual(pieces);
    // The stored bytes are shared by every replay: a second one is identical.
    expect(await chunksOf(cache.replay(stored, "r2"))).toEqual(pieces);
  });

  test("a stream whose request finished in error (broken mid-way) or that errored is not stored", async () => {
    const { cache } = makeCache();
    const outcome = { status: 200, error: null as string | null };
    const broken = await cache.capture(ticket("b", { stream: true }), new Response(streamOf(["data: a\n\n"]), { status: 200 }), outcome);
    // The relay finishes the record (502) before it closes the stream with its error frame.
    outcome.status = 502;
    outcome.error = "stream broken";
    await chunksOf(broken);
    const errored = await cache.capture(ticket("c", { stream: true }), new Response(streamOf(["data: a\n\n"], true), { status: 200 }), ok);
    await expect(chunksOf(errored)).rejects.toThrow("upstream reset");
    expect(cache.get(keyOf("b"), 60)).toBeNull();
    expect(cache.get(keyOf("c"), 60)).toBeNull();
    expect(cache.stats()).toMatchObject({ stores: 0, skipped: 2 });
  });

  test("a client that leaves mid-stream stores nothing; one that leaves right after the end frame does", async () => {
    const { cache } = makeCache();
    const early = await cache.capture(ticket("early", { stream: true }), new Response(streamOf(["data: a\n\n", "data: b\n\n"]), { status: 200 }), ok);
    const reader = early.body!.getReader();
    await reader.read();
    await reader.cancel();
    expect(cache.get(keyOf("early"), 60)).toBeNull();

    const late = await cache.capture(ticket("late", { stream: true }), new Response(streamOf(["data: a\n\n", "data: [DONE]\n\n", "\n"]), { status: 200 }), ok);
    const lateReader = late.body!.getReader();
    await lateReader.read();
    await lateReader.read();
    await lateReader.cancel();
    expect(decoder.decode(cache.get(keyOf("late"), 60)!.body)).toBe("data: a\n\ndata: [DONE]\n\n");
  });

  test("a bypass ticket says so and still refreshes the entry", async () => {
    const { cache } = makeCache();
    const response = await cache.capture(ticket("a", { bypass: true }), new Response("{}", { status: 200 }), ok);
    expect(response.headers.get("x-omniroute-cache")).toBe("bypass");
    expect(cache.get(keyOf("a"), 60)).not.toBeNull();
  });
});

describe("open: the lookup for an opted-in request", () => {
  const request = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    new Request("http://gw/v1/chat/completions", { method: "POST", headers, body: JSON.stringify(body) });

  test("misses, then hits after a store; counts bypasses; skips non-deterministic requests and a disabled cache", async () => {
    const { cache, settings } = makeCache();
    const body = { model: "m", temperature: 0, messages: [] };
    const raw = JSON.stringify(body);
    const miss = cache.open("openai-chat", request(body), raw, body, "key_a", 60, false)!;
    expect(miss.hit).toBeNull();
    await (await cache.capture(miss, new Response("{}", { status: 200 }), { status: 200, error: null })).text();
    expect(cache.open("openai-chat", request(body), raw, body, "key_a", 60, false)!.hit).not.toBeNull();
    expect(cache.open("openai-chat", request(body), raw, body, "key_b", 60, false)!.hit).toBeNull();
    const bypass = cache.open("openai-chat", request(body, { "x-omniroute-cache": "bypass" }), raw, body, "key_a", 60, false)!;
    expect(bypass).toMatchObject({ bypass: true, hit: null });
    const warm = { ...body, temperature: 0.7 };
    expect(cache.open("openai-chat", request(warm), JSON.stringify(warm), warm, "key_a", 60, false)).toBeNull();
    settings.enabled = false;
    expect(cache.open("openai-chat", request(body), raw, body, "key_a", 60, false)).toBeNull();
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 2, bypasses: 1, stores: 1 });
  });
});
