import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { AccountHealth } from "../../src/routing/account-health";
import { connectFormat, fixtureReply, startRecordedUpstream, type RecordedReply } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/** The opt-in response cache: exact-signature, deterministic requests only, streams replayed as streams. */
let gw: TestGateway;
let dataDir: string;
let upstream: ReturnType<typeof startRecordedUpstream>;
let reply: () => RecordedReply;
let model: string;
let keyA: { id: string; key: string };
let keyB: { id: string; key: string };
let plainKey: { id: string; key: string };
const COMBO = "cached-lane";

const encoder = new TextEncoder();
const text = () => fixtureReply("openai-chat", "text-nonstream").reply;
const textB = () => fixtureReply("openai-chat", "text-nonstream-b").reply;
const textStream = () => fixtureReply("openai-chat", "text-stream").reply;

type Body = Record<string, unknown>;
const chatBody = (content: string, extra: Body = {}): Body => ({ model, temperature: 0, messages: [{ role: "user", content }], ...extra });

const chat = (key: { key: string }, body: Body, headers: Record<string, string> = {}) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key.key}`, ...headers },
    body: JSON.stringify(body),
  });

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${gw.url}${path}`, { method, headers: await gw.adminHeaders(), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

interface Stats {
  hits: number;
  misses: number;
  bypasses: number;
  stores: number;
  skipped: number;
  entries: number;
  memoryBytes: number;
  persistedEntries: number;
}
const stats = async () => (await (await admin("GET", "/api/cache")).json()) as Stats;

/** Stores happen when a stream ends, a moment after the client read its last frame. */
async function waitForStores(count: number): Promise<void> {
  for (let i = 0; i < 100 && (await stats()).stores < count; i++) await Bun.sleep(10);
  expect((await stats()).stores).toBeGreaterThanOrEqual(count);
}

async function createKey(name: string, cacheTtlSeconds: number | null) {
  const response = await admin("POST", "/api/keys", { name, cacheTtlSeconds });
  expect(response.status).toBe(201);
  const created = (await response.json()) as { id: string; key: string; cacheTtlSeconds: number | null };
  expect(created.cacheTtlSeconds).toBe(cacheTtlSeconds);
  return created;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "omniroute-cache-e2e-"));
  upstream = startRecordedUpstream(() => reply());
  gw = await startTestGateway({ dataDir });
  model = await connectFormat(gw, "openai-chat", upstream.url);
  keyA = await createKey("a", 600);
  keyB = await createKey("b", 600);
  plainKey = await createKey("plain", null);
  const combo = await admin("POST", "/api/combos", { name: COMBO, targets: [{ model }], cacheTtlSeconds: 600 });
  expect(combo.status).toBe(201);
  expect(((await combo.json()) as { cacheTtlSeconds: number }).cacheTtlSeconds).toBe(600);
  // One upstream call per failed request, so the counts below are exact.
  expect((await admin("PATCH", "/api/settings", { routing: { transientRetries: 0 } })).status).toBe(200);
});

afterAll(async () => {
  await gw.stop();
  upstream.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  upstream.requests.length = 0;
  reply = text;
  gw.gateway.runtime.health = new AccountHealth();
});

describe("response cache", () => {
  test("an opted-in key's second identical temperature-0 request is a hit: no upstream call, the same bytes, its own request id", async () => {
    reply = () => ({ ...text(), headers: { "x-ratelimit-remaining-requests": "41" } });
    const body = chatBody("cache me");
    const first = await chat(keyA, body);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-omniroute-cache")).toBe("miss");
    expect(first.headers.get("x-ratelimit-remaining-requests")).toBe("41");
    const firstBytes = new Uint8Array(await first.arrayBuffer());
    expect(upstream.requests).toHaveLength(1);

    const second = await chat(keyA, body, { "x-request-id": "client-id-42" });
    expect(second.status).toBe(200);
    expect(second.headers.get("x-omniroute-cache")).toBe("hit");
    expect(second.headers.get("x-request-id")).toBe("client-id-42");
    expect(second.headers.get("content-type")).toBe(first.headers.get("content-type"));
    // Nothing of the original call's upstream is replayed.
    expect(second.headers.get("x-ratelimit-remaining-requests")).toBeNull();
    expect(second.headers.get("x-omniroute-route")).toBeNull();
    expect(new Uint8Array(await second.arrayBuffer())).toEqual(firstBytes);
    expect(upstream.requests).toHaveLength(1);

    // The log: the hit has no provider and no usage of its own, only its marker.
    const logs = (await (await admin("GET", "/api/logs?limit=2")).json()) as Array<{ id: string; cache: string | null; providerId: string | null; tokensIn: number | null; status: number }>;
    expect(logs[0]).toMatchObject({ id: "client-id-42", cache: "hit", providerId: null, tokensIn: null, status: 200 });
    expect(logs[1]).toMatchObject({ cache: "miss", providerId: "openai-compatible" });
    expect(logs[1]!.tokensIn).toBeGreaterThan(0);
  });

  test("a stream is replayed as a stream that the openai SDK reads like the original", async () => {
    reply = textStream;
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: keyA.key, maxRetries: 0 });
    const read = async (content: string) => {
      const stream = await client.chat.completions.create({ model, temperature: 0, messages: [{ role: "user", content }], stream: true });
      let out = "";
      let finish: string | null = null;
      for await (const chunk of stream) {
        out += chunk.choices[0]?.delta.content ?? "";
        finish = chunk.choices[0]?.finish_reason ?? finish;
      }
      return { out, finish };
    };
    // The SDK stores the miss (it may hang up right after the final frame) and reads the replay.
    const storesBefore = (await stats()).stores;
    const first = await read("stream me");
    expect(first.out.length).toBeGreaterThan(0);
    expect(first.finish).toBe("stop");
    await waitForStores(storesBefore + 1);
    expect(await read("stream me")).toEqual(first);
    expect(upstream.requests).toHaveLength(1);

    // Byte for byte: a raw miss, then its replay.
    const rawBody = { model, temperature: 0, messages: [{ role: "user", content: "stream me raw" }], stream: true };
    const miss = await chat(keyA, rawBody);
    expect(miss.headers.get("x-omniroute-cache")).toBe("miss");
    const original = await miss.text();
    expect(original).toContain("data: [DONE]");
    await waitForStores(storesBefore + 2);
    const hit = await chat(keyA, rawBody);
    expect(hit.headers.get("x-omniroute-cache")).toBe("hit");
    expect(hit.headers.get("content-type")).toBe(miss.headers.get("content-type"));
    expect(await hit.text()).toBe(original);
    expect(upstream.requests).toHaveLength(2);
    // The replay arrives in the recorded chunks, not as one block.
    const again = await chat(keyA, rawBody);
    const reader = again.body!.getReader();
    let reads = 0;
    while (!(await reader.read()).done) reads++;
    expect(reads).toBeGreaterThan(1);
  });

  test("a translated stream (Anthropic client, Chat upstream) is stored and replayed too", async () => {
    reply = textStream;
    const messages = (headers: Record<string, string> = {}) =>
      fetch(`${gw.url}/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": keyA.key, ...headers },
        body: JSON.stringify({ model, temperature: 0, max_tokens: 100, stream: true, messages: [{ role: "user", content: "translate me" }] }),
      });
    const first = await messages();
    expect(first.headers.get("x-omniroute-cache")).toBe("miss");
    const firstText = await first.text();
    expect(firstText).toContain("message_stop");
    const second = await messages();
    expect(second.headers.get("x-omniroute-cache")).toBe("hit");
    expect(await second.text()).toBe(firstText);
    expect(upstream.requests).toHaveLength(1);
  });

  test("a changed global system prompt never replays an answer made without it", async () => {
    reply = text;
    const body = chatBody("policy-sensitive");
    expect((await chat(keyA, body)).headers.get("x-omniroute-cache")).toBe("miss");
    expect((await chat(keyA, body)).headers.get("x-omniroute-cache")).toBe("hit");
    expect((await admin("PATCH", "/api/settings", { requests: { systemPrompt: "Answer in French." } })).status).toBe(200);
    try {
      const after = await chat(keyA, body);
      expect(after.headers.get("x-omniroute-cache")).toBe("miss");
      await after.arrayBuffer();
      expect(upstream.requests).toHaveLength(2);
      expect(upstream.requests.at(-1)!.body).toContain("Answer in French.");
      expect((await chat(keyA, body)).headers.get("x-omniroute-cache")).toBe("hit");
    } finally {
      await admin("PATCH", "/api/settings", { requests: { systemPrompt: "" } });
    }
    // Back to no prompt: the first answer is served again.
    expect((await chat(keyA, body)).headers.get("x-omniroute-cache")).toBe("hit");
    expect(upstream.requests).toHaveLength(2);
  });

  test("temperature other than 0, or none, is not cached and gets no cache header", async () => {
    for (const body of [chatBody("warm", { temperature: 0.7 }), { model, messages: [{ role: "user", content: "unset" }] }, chatBody("two", { n: 2 })]) {
      const a = await chat(keyA, body);
      const b = await chat(keyA, body);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(a.headers.get("x-omniroute-cache")).toBeNull();
      expect(b.headers.get("x-omniroute-cache")).toBeNull();
    }
    expect(upstream.requests).toHaveLength(6);
  });

  test("a combo's opt-in caches requests naming it, even from a key that did not opt in; the key alone caches nothing", async () => {
    const viaCombo = { ...chatBody("combo question"), model: COMBO };
    expect((await chat(plainKey, viaCombo)).headers.get("x-omniroute-cache")).toBe("miss");
    const hit = await chat(plainKey, viaCombo);
    expect(hit.headers.get("x-omniroute-cache")).toBe("hit");
    expect(upstream.requests).toHaveLength(1);

    const direct = chatBody("combo question");
    expect((await chat(plainKey, direct)).headers.get("x-omniroute-cache")).toBeNull();
    expect((await chat(plainKey, direct)).headers.get("x-omniroute-cache")).toBeNull();
    expect(upstream.requests).toHaveLength(3);
  });

  test("the bypass header skips the lookup and refreshes the entry; Cache-Control: no-cache does the same", async () => {
    const body = chatBody("bypass me");
    const original = await (await chat(keyA, body)).text();
    reply = textB;
    const bypassed = await chat(keyA, body, { "x-omniroute-cache": "bypass" });
    expect(bypassed.headers.get("x-omniroute-cache")).toBe("bypass");
    const fresh = await bypassed.text();
    expect(fresh).not.toBe(original);
    expect(upstream.requests).toHaveLength(2);
    const hit = await chat(keyA, body);
    expect(hit.headers.get("x-omniroute-cache")).toBe("hit");
    expect(await hit.text()).toBe(fresh);
    expect((await chat(keyA, body, { "cache-control": "no-cache" })).headers.get("x-omniroute-cache")).toBe("bypass");
    expect(upstream.requests).toHaveLength(3);
  });

  test("an upstream error is not stored", async () => {
    const body = chatBody("fails first");
    reply = () => ({ status: 500, contentType: "application/json", pieces: [encoder.encode('{"error":{"message":"boom","type":"server_error"}}')] });
    const failed = await chat(keyA, body);
    expect(failed.status).toBe(500);
    await failed.text();
    reply = text;
    const retried = await chat(keyA, body);
    expect(retried.status).toBe(200);
    expect(retried.headers.get("x-omniroute-cache")).toBe("miss");
    await retried.text();
    expect(upstream.requests).toHaveLength(2);
    expect((await chat(keyA, body)).headers.get("x-omniroute-cache")).toBe("hit");
    expect(upstream.requests).toHaveLength(2);
  });

  test("a stream broken mid-way is not stored", async () => {
    const body = chatBody("breaks mid-way", { stream: true });
    const before = await stats();
    reply = () => ({ ...textStream(), breakAfterPieces: 2 });
    const broken = await chat(keyA, body);
    expect(broken.status).toBe(200);
    expect(await broken.text()).toContain("upstream_stream_error");
    for (let i = 0; i < 50 && (await stats()).skipped === before.skipped; i++) await Bun.sleep(10);
    const after = await stats();
    expect(after.skipped).toBe(before.skipped + 1);
    expect(after.stores).toBe(before.stores);
    reply = textStream;
    const again = await chat(keyA, body);
    expect(again.headers.get("x-omniroute-cache")).toBe("miss");
    expect(await again.text()).toContain("[DONE]");
    expect(upstream.requests).toHaveLength(2);
  });

  test("another client key never gets a key's cached answer", async () => {
    const body = chatBody("per key");
    await (await chat(keyA, body)).text();
    expect((await chat(keyA, body)).headers.get("x-omniroute-cache")).toBe("hit");
    const other = await chat(keyB, body);
    expect(other.headers.get("x-omniroute-cache")).toBe("miss");
    await other.text();
    expect(upstream.requests).toHaveLength(2);
  });

  test("stats count hits, misses, bypasses and stores; /api/health/routing summarises them; /api/cache needs the login", async () => {
    const before = await stats();
    const body = chatBody("count me");
    await (await chat(keyA, body)).text(); // miss + store
    await (await chat(keyA, body)).text(); // hit
    await (await chat(keyA, body)).text(); // hit
    await (await chat(keyA, body, { "x-omniroute-cache": "bypass" })).text(); // bypass + store (refresh)
    await (await chat(keyA, chatBody("count me", { temperature: 1 }))).text(); // not cacheable: not counted
    const after = await stats();
    expect({
      hits: after.hits - before.hits,
      misses: after.misses - before.misses,
      bypasses: after.bypasses - before.bypasses,
      stores: after.stores - before.stores,
      entries: after.entries - before.entries,
    }).toEqual({ hits: 2, misses: 1, bypasses: 1, stores: 2, entries: 1 });
    expect(after.memoryBytes).toBeGreaterThan(before.memoryBytes);
    expect(after.persistedEntries).toBe(after.entries);

    const routing = (await (await admin("GET", "/api/health/routing")).json()) as { cache: { hits: number; entries: number } };
    expect(routing.cache).toMatchObject({ hits: after.hits, entries: after.entries });
    expect((await fetch(`${gw.url}/api/cache`)).status).toBe(401);
  });

  test("keys and combos expose and change the opt-in; 0 turns it off", async () => {
    const patched = await admin("PATCH", `/api/keys/${plainKey.id}`, { cacheTtlSeconds: 30 });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as { cacheTtlSeconds: number }).cacheTtlSeconds).toBe(30);
    const body = chatBody("plain key opted in now");
    await (await chat(plainKey, body)).text();
    expect((await chat(plainKey, body)).headers.get("x-omniroute-cache")).toBe("hit");
    const off = await admin("PATCH", `/api/keys/${plainKey.id}`, { cacheTtlSeconds: 0 });
    expect(((await off.json()) as { cacheTtlSeconds: number | null }).cacheTtlSeconds).toBeNull();
    expect((await chat(plainKey, body)).headers.get("x-omniroute-cache")).toBeNull();
    expect((await admin("PATCH", "/api/keys/key_missing", { cacheTtlSeconds: 5 })).status).toBe(404);
    expect((await admin("PATCH", `/api/keys/${plainKey.id}`, { cacheTtlSeconds: -1 })).status).toBe(400);

    const combos = (await (await admin("GET", "/api/combos")).json()) as Array<{ name: string; cacheTtlSeconds: number | null }>;
    expect(combos.find((c) => c.name === COMBO)?.cacheTtlSeconds).toBe(600);
    const document = (await (await admin("POST", "/api/config/export", {})).json()) as {
      combos: Array<{ name: string; cacheTtlSeconds?: number }>;
      apiKeys: Array<{ id: string; cacheTtlSeconds?: number }>;
    };
    expect(document.combos.find((c) => c.name === COMBO)?.cacheTtlSeconds).toBe(600);
    expect(document.apiKeys.find((k) => k.id === keyA.id)?.cacheTtlSeconds).toBe(600);
    expect(document.apiKeys.find((k) => k.id === plainKey.id)?.cacheTtlSeconds).toBeUndefined();
  });

  test("DELETE /api/cache empties memory and SQLite", async () => {
    const body = chatBody("clear me");
    await (await chat(keyA, body)).text();
    expect((await stats()).entries).toBeGreaterThan(0);
    const cleared = await admin("DELETE", "/api/cache");
    expect(cleared.status).toBe(200);
    expect((await cleared.json()) as Stats).toMatchObject({ entries: 0, memoryBytes: 0, persistedEntries: 0 });
    expect((await chat(keyA, body)).headers.get("x-omniroute-cache")).toBe("miss");
    expect(upstream.requests).toHaveLength(2);
  });

  test("a restart on the same data dir keeps the entries (persist)", async () => {
    const body = chatBody("survive a restart");
    const original = await (await chat(keyA, body)).text();
    expect(upstream.requests).toHaveLength(1);
    await gw.stop();
    gw = await startTestGateway({ dataDir });
    expect((await stats()).entries).toBe(0);
    const after = await chat(keyA, body);
    expect(after.headers.get("x-omniroute-cache")).toBe("hit");
    expect(await after.text()).toBe(original);
    expect(upstream.requests).toHaveLength(1);
  });
});
