import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixtureReply, startRecordedUpstream } from "../fakes/recorded-upstream";

/**
 * kill -9 of the gateway under load: every config row whose write was acknowledged survives, the store opens
 * consistent, and the request log loses at most the rows not yet flushed — those of requests that finished in
 * the last flush interval (100 ms) before the kill. Documented in docs/ARCHITECTURE.md (state and durability).
 */
const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");
const PASSWORD = "crash-test-password";
const dataDir = mkdtempSync(join(tmpdir(), "omniroute-crash-"));
const upstream = startRecordedUpstream(() => fixtureReply("openai-chat", "text-nonstream").reply);

afterAll(() => {
  upstream.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

async function startProcess(port: number) {
  const proc = Bun.spawn(["bun", MAIN, "--port", String(port), "--data-dir", dataDir, "--no-open"], {
    stdout: "ignore",
    stderr: "ignore",
    env: { ...process.env, INITIAL_PASSWORD: PASSWORD, LOG_LEVEL: "error" },
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 500; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) return { proc, url };
    } catch {
      // not listening yet
    }
    await Bun.sleep(10);
  }
  throw new Error("the gateway did not start");
}

async function login(url: string): Promise<Record<string, string>> {
  const csrf = { "content-type": "application/json", "x-omniroute-request": "1" };
  const response = await fetch(`${url}/api/auth/login`, { method: "POST", headers: csrf, body: JSON.stringify({ password: PASSWORD }) });
  expect(response.status).toBe(200);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith("omniroute_session="))!.split(";")[0]!;
  return { ...csrf, cookie };
}

describe("kill -9 under load", () => {
  test("acknowledged config survives, the store is consistent, at most the last unflushed log batch is lost", async () => {
    const first = await startProcess(await freePort());
    const admin = await login(first.url);
    const created = await fetch(`${first.url}/api/connections`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ providerId: "openai-compatible", alias: "crash", baseUrl: `${upstream.url}/v1`, apiKey: "sk-crash-upstream", models: ["m"] }),
    });
    expect(created.status).toBe(201);
    const key = ((await (await fetch(`${first.url}/api/keys`, { method: "POST", headers: admin, body: JSON.stringify({ name: "crash" }) })).json()) as { key: string }).key;

    // Load: 16 clients in a loop, each finished request timed; config writes acknowledged during the load.
    const finishedAt: number[] = [];
    let stop = false;
    let sequence = 0;
    const client = async () => {
      while (!stop) {
        try {
          const response = await fetch(`${first.url}/v1/chat/completions`, {
            method: "POST",
            headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
            body: JSON.stringify({ model: "crash/m", messages: [{ role: "user", content: `hi ${++sequence}` }] }),
          });
          await response.arrayBuffer();
          if (response.status === 200) finishedAt.push(performance.now());
        } catch {
          return; // the server is gone
        }
      }
    };
    const clients = Array.from({ length: 16 }, client);
    const combos: string[] = [];
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        try {
          const response = await fetch(`${first.url}/api/combos`, { method: "POST", headers: admin, body: JSON.stringify({ name: `lane-${i}`, targets: [{ model: "crash/m" }] }) });
          if (response.status === 201) combos.push(`lane-${i}`);
        } catch {
          return;
        }
        await Bun.sleep(5);
      }
    })();
    await Bun.sleep(1500);
    const killedAt = performance.now();
    first.proc.kill("SIGKILL");
    await first.proc.exited;
    stop = true;
    await Promise.all([...clients, writer]);

    expect(finishedAt.length).toBeGreaterThan(200);
    expect(combos.length).toBeGreaterThan(20);

    // Opening the file directly first: WAL recovery, then an integrity check.
    const db = new Database(join(dataDir, "omniroute.sqlite"));
    expect(db.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get()!.integrity_check).toBe("ok");
    const names = new Set(db.query<{ name: string }, []>("SELECT name FROM combos").all().map((row) => row.name));
    for (const name of combos) expect(names.has(name)).toBe(true);
    const logged = db.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM request_logs WHERE requested_model = 'crash/m'").get()!.n;
    db.close();
    // The writer flushes every 100 ms (a timer, so later while the process is saturated): only requests that
    // finished since the last flush may be missing. Half a second of margin covers a late timer on a busy CI core.
    const settledBeforeKill = finishedAt.filter((t) => t < killedAt - 500).length;
    expect(logged).toBeGreaterThanOrEqual(settledBeforeKill);
    expect(logged).toBeLessThanOrEqual(finishedAt.length + 16);

    // And the gateway starts again on it, with its connection, key and combos.
    const second = await startProcess(await freePort());
    try {
      const again = await fetch(`${second.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify({ model: combos.at(-1), messages: [{ role: "user", content: "after the crash" }] }),
      });
      expect(again.status).toBe(200);
    } finally {
      second.proc.kill("SIGTERM");
      await second.proc.exited;
    }
  }, 30_000);
});
