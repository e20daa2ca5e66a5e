import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

interface Entry {
  seq: number;
  time: string;
  level: string;
  component: string;
  msg: string;
  fields: Record<string, unknown>;
}
interface Page {
  entries: Entry[];
  cursor: number;
  hasMore: boolean;
  oldestSeq: number;
}

/** Reads a server-sent-event stream until `done(text so far)` holds, or fails after `ms`. */
async function readUntil(reader: ReadableStreamDefaultReader<Uint8Array>, state: { text: string }, done: (text: string) => boolean, ms = 3000): Promise<void> {
  const decoder = new TextDecoder();
  const deadline = Date.now() + ms;
  while (!done(state.text)) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`stream did not deliver in time; got:\n${state.text}`);
    const chunk = await Promise.race([reader.read(), Bun.sleep(left).then(() => null)]);
    if (chunk === null) continue;
    if (chunk.done) throw new Error(`stream ended early; got:\n${state.text}`);
    state.text += decoder.decode(chunk.value, { stream: true });
  }
}

describe("console log API", () => {
  let gw: TestGateway;
  let headers: Record<string, string>;
  const get = async (path: string) => fetch(`${gw.url}${path}`, { headers });

  beforeAll(async () => {
    gw = await startTestGateway({ env: { LOG_LEVEL: "info" } });
    headers = await gw.adminHeaders();
  });
  afterAll(async () => {
    await gw.stop();
  });

  test("without the dashboard session: 401, for the list and the stream", async () => {
    for (const path of ["/api/logs/console", "/api/logs/console/stream", "/api/logs/console?level=error"]) {
      const response = await fetch(`${gw.url}${path}`);
      expect(response.status).toBe(401);
      expect((await response.json()).error.code).toBe("unauthenticated");
    }
  });

  test("logged in: the start-up entry, level and search filters, newest last, and the cursor", async () => {
    const log = gw.gateway.runtime.consoleLog.child("e2e");
    log.info("needle-alpha informational");
    log.warn("needle-alpha something odd", { providerId: "deepseek" });
    log.error("needle-beta broke");
    log.warn("unrelated warning");

    const all = (await (await get("/api/logs/console")).json()) as Page;
    expect(all.entries.find((e) => e.component === "gateway" && e.msg.startsWith("listening on "))).toBeDefined();
    const seqs = all.entries.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(all.cursor).toBe(seqs.at(-1)!);

    const response = await get("/api/logs/console?level=warn&search=NEEDLE");
    expect(response.status).toBe(200);
    const page = (await response.json()) as Page;
    expect(page.entries.map((e) => [e.level, e.msg])).toEqual([
      ["warn", "needle-alpha something odd"],
      ["error", "needle-beta broke"],
    ]);
    expect(page.entries[0]).toMatchObject({ component: "e2e", fields: { providerId: "deepseek" } });
    expect(Number.isNaN(Date.parse(page.entries[0]!.time))).toBe(false);

    // Polling from the cursor returns only what came later.
    log.warn("needle-gamma later");
    const next = (await (await get(`/api/logs/console?after=${all.cursor}&search=needle`)).json()) as Page;
    expect(next.entries.map((e) => e.msg)).toEqual(["needle-gamma later"]);
    const limited = (await (await get(`/api/logs/console?after=${all.cursor - 3}&limit=1`)).json()) as Page;
    expect(limited.entries).toHaveLength(1);
    expect(limited.hasMore).toBe(true);

    expect((await get("/api/logs/console?level=loud")).status).toBe(400);
    expect((await get("/api/logs/console?limit=0")).status).toBe(400);
  });

  test("a provider key in use is masked in every entry, even one without a recognisable shape", async () => {
    gw.gateway.runtime.services.connections.create({
      providerId: "openai-compatible",
      alias: "box",
      baseUrl: "http://127.0.0.1:9/v1",
      apiKey: "plainlookingcredential77",
      models: ["m"],
    });
    gw.gateway.runtime.consoleLog.child("e2e").warn("upstream said plainlookingcredential77 is wrong", { header: "x plainlookingcredential77" });
    const text = await (await get("/api/logs/console?search=upstream%20said")).text();
    expect(text).toContain("[REDACTED]");
    expect(text).not.toContain("plainlookingcredential77");
  });

  test("settings: logging is readable and a level change applies at once", async () => {
    const settings = await (await get("/api/settings")).json();
    expect(settings.logging).toEqual({ level: "info", fileMaxBytes: 5 * 1024 * 1024, fileCount: 5 });
    const log = gw.gateway.runtime.consoleLog.child("e2e");
    log.debug("needle-debug-1 hidden");
    const patched = await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers, body: JSON.stringify({ logging: { level: "debug" } }) });
    expect(patched.status).toBe(200);
    expect((await patched.json()).logging.level).toBe("debug");
    log.debug("needle-debug-2 shown");
    const page = (await (await get("/api/logs/console?search=needle-debug")).json()) as Page;
    expect(page.entries.map((e) => e.msg)).toEqual(["needle-debug-2 shown"]);
    const refused = await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers, body: JSON.stringify({ logging: { fileMaxBytes: 10 } }) });
    expect(refused.status).toBe(400);
    await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers, body: JSON.stringify({ logging: { level: "info" } }) });
  });

  test("the stream delivers an entry logged after connecting, filtered, with its seq as the event id", async () => {
    const controller = new AbortController();
    const response = await fetch(`${gw.url}/api/logs/console/stream?level=warn`, { headers, signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toStartWith("text/event-stream");
    const reader = response.body!.getReader();
    const state = { text: "" };
    await readUntil(reader, state, (text) => text.includes("event: ready"));
    const log = gw.gateway.runtime.consoleLog.child("e2e");
    log.info("stream-needle too quiet for the filter");
    log.warn("stream-needle arrives live", { n: 1 });
    await readUntil(reader, state, (text) => text.includes("stream-needle arrives live"));
    const event = state.text.split("\n\n").find((block) => block.includes("stream-needle arrives live"))!;
    const id = Number(event.match(/^id: (\d+)$/m)![1]);
    const entry = JSON.parse(event.match(/^data: (.*)$/m)![1]!) as Entry;
    expect(entry).toMatchObject({ seq: id, level: "warn", component: "e2e", msg: "stream-needle arrives live", fields: { n: 1 } });
    expect(state.text).not.toContain("too quiet");
    controller.abort();

    // A reconnect with Last-Event-ID replays what it missed.
    log.error("stream-needle missed while away");
    const again = await fetch(`${gw.url}/api/logs/console/stream?search=stream-needle`, { headers: { ...headers, "last-event-id": String(id) } });
    const replay = { text: "" };
    const reader2 = again.body!.getReader();
    await readUntil(reader2, replay, (text) => text.includes("event: ready"));
    expect(replay.text).toContain("stream-needle missed while away");
    // Only what came after the last event seen.
    expect(replay.text).not.toContain("stream-needle too quiet");
    expect(replay.text).not.toContain("stream-needle arrives live");
    await reader2.cancel();
  });

  test("entries reach <dataDir>/logs/omniroute.log as JSON lines", async () => {
    gw.gateway.runtime.consoleLog.child("e2e").warn("file-needle", { k: "v" });
    await gw.gateway.runtime.consoleLog.flush();
    const lines = readFileSync(join(gw.dataDir, "logs", "omniroute.log"), "utf8").trim().split("\n").map((line) => JSON.parse(line));
    expect(lines.find((line) => line.msg === "file-needle")).toMatchObject({ level: "warn", component: "e2e", k: "v" });
    expect(lines.find((line) => String(line.msg).startsWith("listening on "))).toBeDefined();
  });
});

describe("console log and shutdown", () => {
  test("an open stream does not hold the drain open; LOG_LEVEL applies from the start", async () => {
    const gw = await startTestGateway({ env: { LOG_LEVEL: "warn" } });
    const headers = await gw.adminHeaders();
    const page = (await (await fetch(`${gw.url}/api/logs/console`, { headers })).json()) as Page;
    expect(page.entries.filter((e) => e.level === "info")).toEqual([]);
    const response = await fetch(`${gw.url}/api/logs/console/stream`, { headers });
    const reader = response.body!.getReader();
    await readUntil(reader, { text: "" }, (text) => text.includes("event: ready"));
    const started = performance.now();
    await gw.stop();
    expect(performance.now() - started).toBeLessThan(3000);
    const ended = await Promise.race([
      (async () => {
        try {
          while (!(await reader.read()).done);
        } catch {}
        return "ended";
      })(),
      Bun.sleep(2000).then(() => "hung"),
    ]);
    expect(ended).toBe("ended");
  });
});
