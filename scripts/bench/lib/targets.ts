// Starting the three things under test: mock upstream, floor proxy, and OmniRoute (or a stand-in).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COMBO } from "./cases";
import { freePort, spawnPinned, tail, waitFor200, type Server } from "./proc";

const BENCH_DIR = join(import.meta.dir, "..");
export const REPO_ROOT = join(BENCH_DIR, "..", "..");

export type Target = Server & { name: string; auth: string; chatUrl: string };

export const workDir = mkdtempSync(join(tmpdir(), "omniroute-bench-"));

export async function startMock(cpu: string | null): Promise<Server> {
  const port = freePort();
  const log = join(workDir, "mock.log");
  const proc = spawnPinned(cpu, ["bun", join(BENCH_DIR, "mock-upstream.ts"), "--port", String(port)], { log });
  const url = `http://127.0.0.1:${port}`;
  await waitFor200(`${url}/v1/models`, Bun.nanoseconds(), 15000, proc);
  return { proc, pid: proc.pid, port, url, log };
}

export type FloorTarget = Target & { coldMs: number };

export async function startFloor(cpu: string | null, mockUrl: string, label = "floor"): Promise<FloorTarget> {
  const port = freePort();
  const log = join(workDir, `${label}.log`);
  const start = Bun.nanoseconds();
  const proc = spawnPinned(cpu, ["bun", join(BENCH_DIR, "floor-proxy.ts"), "--port", String(port), "--upstream", mockUrl], { log });
  const url = `http://127.0.0.1:${port}`;
  const coldMs = await waitFor200(`${url}/api/health`, start, 15000, proc);
  return { proc, pid: proc.pid, port, url, log, name: label, auth: "sk-bench", chatUrl: `${url}/v1/chat/completions`, coldMs };
}

export function directTarget(mock: Server): Target {
  return { ...mock, name: "direct", auth: "sk-bench", chatUrl: `${mock.url}/v1/chat/completions` };
}

/** Spawns the gateway on a fresh data dir; resolves at its first 200 on /api/health. */
export async function startGateway(cpu: string | null, cmd: string[], label: string) {
  const port = freePort();
  const dataDir = mkdtempSync(join(workDir, "data-"));
  const password = crypto.randomUUID();
  const log = join(workDir, `${label}.log`);
  const argv = [...cmd, "--port", String(port), "--host", "127.0.0.1", "--data-dir", dataDir, "--no-open"];
  const start = Bun.nanoseconds();
  const proc = spawnPinned(cpu, argv, { cwd: REPO_ROOT, env: { INITIAL_PASSWORD: password }, log });
  const url = `http://127.0.0.1:${port}`;
  try {
    const coldMs = await waitFor200(`${url}/api/health`, start, 15000, proc);
    return { proc, pid: proc.pid, port, url, log, password, coldMs };
  } catch (e) {
    throw new Error(`${(e as Error).message}\n--- gateway stdout ---\n${await tail(log)}\n--- stderr ---\n${await tail(log + ".err")}`);
  }
}

/**
 * Login → add the mock as an OpenAI-compatible connection (alias `mock`, for pass-through and
 * anthropic→chat) and as an Anthropic-compatible one (alias `mock-anthropic`, for chat→anthropic)
 * → mint a client key. With `combo` (only when a combo case runs, so the other cases' setup is unchanged):
 * also create the combo `bench-combo` and check that each of its targets answers 200 on its own.
 */
export async function provisionGateway(url: string, password: string, mockUrl: string, options: { combo?: boolean; settings?: Record<string, unknown> } = {}): Promise<string> {
  const csrf = { "content-type": "application/json", "x-omniroute-request": "1" };
  const login = await call(`${url}/api/auth/login`, { method: "POST", headers: csrf, body: JSON.stringify({ password }) }, 200);
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith("omniroute_session="))?.split(";")[0];
  if (!cookie) throw new Error("login answered 200 but set no omniroute_session cookie");
  const headers = { ...csrf, cookie };
  const connections = [
    { providerId: "openai-compatible", name: "bench mock", alias: "mock", baseUrl: `${mockUrl}/v1`, apiKey: "sk-bench" },
    {
      providerId: "anthropic-compatible",
      name: "bench mock (Anthropic)",
      alias: "mock-anthropic",
      baseUrl: `${mockUrl}/v1`,
      apiKey: "sk-bench",
      models: ["claude-bench"],
    },
  ];
  for (const connection of connections) {
    await call(`${url}/api/connections`, { method: "POST", headers, body: JSON.stringify(connection) }, 201);
  }
  // wrk sends one identical body on every connection, which OmniRoute would coalesce into shared upstream calls
  // (routing.dedupWindowMs); real traffic is distinct, so the bench turns coalescing off. Its in-flight check
  // costs ~0.6 µs per small request (micro-benchmark), see docs/benchmarks.md.
  await call(`${url}/api/settings`, { method: "PATCH", headers, body: JSON.stringify({ routing: { dedupWindowMs: 0 }, ...options.settings }) }, 200);
  const keyRes = await call(`${url}/api/keys`, { method: "POST", headers, body: JSON.stringify({ name: "bench" }) }, 201);
  const { key } = (await keyRes.json()) as { key?: string };
  if (!key) throw new Error("POST /api/keys answered 201 without a key");
  if (options.combo) await provisionCombo(url, headers, key);
  return key;
}

/** `POST /api/combos`, then one request per target so a target that does not resolve fails here, not silently. */
async function provisionCombo(url: string, headers: Record<string, string>, key: string): Promise<void> {
  await call(`${url}/api/combos`, { method: "POST", headers, body: JSON.stringify(COMBO) }, 201);
  for (const { model } of COMBO.targets) {
    const body = JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], stream: false });
    await call(`${url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body }, 200);
  }
}

async function call(url: string, init: RequestInit, expect: number): Promise<Response> {
  const res = await fetch(url, init);
  if (res.status !== expect) {
    throw new Error(`${init.method} ${new URL(url).pathname} → ${res.status} (expected ${expect}): ${(await res.text()).slice(0, 500)}`);
  }
  return res;
}
