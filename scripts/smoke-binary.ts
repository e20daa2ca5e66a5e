#!/usr/bin/env bun
/**
 * End-to-end smoke test of one compiled OmniRoute binary, exactly as a user would run it.
 *
 *   bun scripts/smoke-binary.ts dist/omniroute-linux-x64
 *   bun scripts/smoke-binary.ts dist/omniroute-linux-arm64 --qemu     (x64 host, qemu-user emulation)
 *
 * Options: --keep (leave the temp dir for inspection), --fixtures DIR (default ../shared/fixtures
 * beside the repo, or $OMNIROUTE_FIXTURES_DIR).
 *
 * Steps: run from an empty temp CWD holding a junk `.env` and `bunfig.toml` (a binary that autoloads
 * either refuses to start) → start on a fresh data dir and a free port → /api/health (cold start) →
 * dashboard HTML + one hashed asset → /openapi/json is OpenAPI 3.1 → dashboard login with
 * INITIAL_PASSWORD → `omniroute config import` into the running server's data dir (hot reload) →
 * /v1/models lists mock/… → one streamed chat completion returns the recorded SSE byte for byte →
 * SIGTERM → exit code 0 → SQLite integrity_check = ok and request_logs has the request.
 * Exits 1 with a message naming the failed step.
 */
import { Database } from "bun:sqlite";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { REPO_ROOT } from "./lib/binary-targets";

const FIXTURE = "openai-chat/tool-stream-usage.turn1.sse";
const FIXTURE_REQUEST = "openai-chat/tool-stream-usage.turn1.request.json";
const PASSWORD = "smoke-test-password";
const QEMU = "qemu-aarch64-static";
const QEMU_LD_PREFIX = "/usr/aarch64-linux-gnu";

class SmokeFailure extends Error {}

function fail(step: string, detail: string): never {
  throw new SmokeFailure(`${step}: ${detail}`);
}

const { values, positionals } = parseArgs({
  args: Bun.argv.slice(2),
  allowPositionals: true,
  strict: true,
  options: {
    qemu: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    fixtures: { type: "string" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (values.help || positionals.length !== 1) {
  console.log("Usage: bun scripts/smoke-binary.ts <binary> [--qemu] [--keep] [--fixtures DIR]");
  process.exit(values.help ? 0 : 2);
}

const binary = resolve(positionals[0]!);
const useQemu = values.qemu ?? false;
/** Emulation is ~30-60x slower to start; every wait scales with it. */
const SCALE = useQemu ? 6 : 1;
const HEALTH_TIMEOUT_MS = 15_000 * SCALE;
const REQUEST_TIMEOUT_MS = 10_000 * SCALE;
const RELOAD_TIMEOUT_MS = 5_000 * SCALE;
const SHUTDOWN_TIMEOUT_MS = 5_000 * SCALE;

const fixturesDir = resolve(values.fixtures ?? process.env.OMNIROUTE_FIXTURES_DIR ?? join(REPO_ROOT, "..", "shared", "fixtures"));
const timings: Array<[string, number]> = [];

function log(message: string): void {
  console.log(`  ${message}`);
}

function ms(since: number): number {
  return Math.round(performance.now() - since);
}

/** The command prefix that runs the binary (through qemu-user when asked). */
function launcher(): string[] {
  return useQemu ? [QEMU, "-L", QEMU_LD_PREFIX, binary] : [binary];
}

function preflight(): void {
  if (!existsSync(binary)) fail("preflight", `${binary} does not exist. Build it first: bun run build (or bun scripts/build.ts --target host).`);
  if (!(statSync(binary).mode & 0o111)) fail("preflight", `${binary} is not executable.`);
  if (useQemu) {
    if (!Bun.which(QEMU)) fail("preflight", `${QEMU} not found. Install it: apt-get install -y qemu-user-static libc6-arm64-cross`);
    if (!existsSync(join(QEMU_LD_PREFIX, "lib"))) fail("preflight", `${QEMU_LD_PREFIX} is missing. Install it: apt-get install -y libc6-arm64-cross`);
  }
  for (const file of [FIXTURE, FIXTURE_REQUEST]) {
    if (!existsSync(join(fixturesDir, file))) fail("preflight", `fixture ${join(fixturesDir, file)} is missing (use --fixtures DIR).`);
  }
}

async function freePort(): Promise<number> {
  const probe = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = probe.port!;
  await probe.stop(true);
  return port;
}

/**
 * A planted `.env` and `bunfig.toml`. If the binary autoloaded the `.env`, OMNIROUTE_SECRET (too short) and
 * HOST (a documentation address) would stop it from starting; if it autoloaded the bunfig, the preload would
 * leave a marker file and crash it.
 */
function plantJunk(cwd: string): string {
  const marker = join(cwd, "bunfig-was-autoloaded");
  writeFileSync(
    join(cwd, ".env"),
    [
      "# Planted by scripts/smoke-binary.ts: a compiled OmniRoute must never autoload this file.",
      "OMNIROUTE_SECRET=too-short",
      "HOST=203.0.113.77",
      "ENABLE_REQUEST_LOGS=definitely",
      "this line is junk ===",
      "",
    ].join("\n"),
  );
  writeFileSync(join(cwd, "bunfig.toml"), ['# Planted by scripts/smoke-binary.ts', 'preload = ["./bunfig-trap.js"]', "", "[define]", 'process.env.NODE_ENV = "junk"', ""].join("\n"));
  writeFileSync(
    join(cwd, "bunfig-trap.js"),
    `require("node:fs").writeFileSync(${JSON.stringify(marker)}, "loaded");\nthrow new Error("bunfig.toml in the CWD was autoloaded");\n`,
  );
  return marker;
}

/** The mock OpenAI upstream: replays the recorded stream one SSE event per write. */
function startMockUpstream(fixture: Uint8Array) {
  const events = new TextDecoder()
    .decode(fixture)
    .split(/(?<=\n\n)/)
    .map((part) => new TextEncoder().encode(part));
  const requests: Array<{ method: string; path: string; body: string }> = [];
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    idleTimeout: 0,
    async fetch(request) {
      const path = new URL(request.url).pathname;
      const body = request.method === "GET" ? "" : await request.text();
      requests.push({ method: request.method, path, body });
      if (request.method === "GET" && path === "/v1/models") {
        return Response.json({ object: "list", data: [{ id: "gpt-4o-mini", object: "model", created: 0, owned_by: "mock" }] });
      }
      if (request.method === "POST" && path === "/v1/chat/completions") {
        const parsed = JSON.parse(body) as { stream?: boolean };
        if (!parsed.stream) {
          return Response.json({ error: { message: "the smoke mock only streams", type: "invalid_request_error" } }, { status: 400 });
        }
        let i = 0;
        const stream = new ReadableStream<Uint8Array>({
          async pull(controller) {
            if (i >= events.length) return controller.close();
            if (i > 0) await Bun.sleep(2);
            controller.enqueue(events[i++]!);
          },
        });
        return new Response(stream, { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" } });
      }
      return Response.json({ error: { message: `mock has no ${request.method} ${path}`, type: "invalid_request_error" } }, { status: 404 });
    },
  });
  return { baseUrl: `http://127.0.0.1:${server.port}/v1`, requests, stop: () => server.stop(true) };
}

/** Child process with its output collected, for diagnostics when a step fails. */
function spawnBinary(args: string[], cwd: string, env: Record<string, string>) {
  const proc = Bun.spawn([...launcher(), ...args], { cwd, env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  let output = "";
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) output += decoder.decode(chunk, { stream: true });
  };
  const drained = Promise.all([pump(proc.stdout), pump(proc.stderr)]);
  return {
    proc,
    get output() {
      return output;
    },
    drained,
  };
}

function tail(text: string, lines = 30): string {
  const all = text.trimEnd().split("\n");
  return all.slice(-lines).map((line) => `    | ${line}`).join("\n");
}

/** Resolves with the promise's value, or "timeout" after `ms` (the timer is cleared, so it never holds the process open). */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function http(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS), redirect: "manual" });
}

async function main(): Promise<void> {
  preflight();
  const fixture = new Uint8Array(readFileSync(join(fixturesDir, FIXTURE)));
  const requestBody = JSON.parse(readFileSync(join(fixturesDir, FIXTURE_REQUEST), "utf8")) as Record<string, unknown>;
  const root = mkdtempSync(join(tmpdir(), "omniroute-smoke-"));
  const cwd = join(root, "cwd");
  const home = join(root, "home");
  const dataDir = join(root, "data");
  mkdirSync(cwd);
  mkdirSync(home);
  const marker = plantJunk(cwd);
  // A minimal, explicit environment: nothing OmniRoute reads leaks in from the caller's shell.
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: home,
    TMPDIR: root,
    INITIAL_PASSWORD: PASSWORD,
  };
  const upstream = startMockUpstream(fixture);
  let server: ReturnType<typeof spawnBinary> | undefined;
  let passed = false;

  console.log(`Smoke test: ${binary}${useQemu ? ` (under ${QEMU})` : ""}`);
  try {
    // 1. Start on a fresh data dir: the cold start includes the first-boot migrations.
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const spawnedAt = performance.now();
    server = spawnBinary(["--port", String(port), "--data-dir", dataDir, "--no-open"], cwd, env);
    let healthy = false;
    while (performance.now() - spawnedAt < HEALTH_TIMEOUT_MS) {
      if (server.proc.exitCode !== null || server.proc.signalCode !== null) break;
      try {
        const response = await fetch(`${base}/api/health`, { signal: AbortSignal.timeout(1000 * SCALE) });
        if (response.status === 200) {
          const body = (await response.json()) as { status?: string };
          if (body.status !== "ok") fail("health", `GET /api/health answered ${JSON.stringify(body)}`);
          healthy = true;
          break;
        }
      } catch {
        // not listening yet
      }
      await Bun.sleep(useQemu ? 50 : 5);
    }
    const coldStart = ms(spawnedAt);
    if (existsSync(marker)) fail("startup", "the binary autoloaded bunfig.toml from its working directory (build without --no-compile-autoload-bunfig?)");
    if (!healthy) {
      await within(server.drained, 500);
      const exited = server.proc.exitCode !== null ? `exited with code ${server.proc.exitCode}` : `not healthy after ${HEALTH_TIMEOUT_MS} ms`;
      const hint = /OMNIROUTE_SECRET|203\.0\.113\.77/.test(server.output) ? " — it read the planted .env (build without --no-compile-autoload-dotenv?)" : "";
      fail("startup", `the server ${exited}${hint}. Output:\n${tail(server.output)}`);
    }
    timings.push(["cold start to /api/health 200 (fresh data dir)", coldStart]);
    log(`health ok: cold start ${coldStart} ms (spawn → first 200, incl. first-boot migrations)`);

    // 2. The embedded dashboard.
    const index = await http(`${base}/`);
    const html = await index.text();
    if (index.status !== 200) fail("dashboard", `GET / answered ${index.status}: ${html.slice(0, 200)}`);
    if (!index.headers.get("content-type")?.startsWith("text/html") || !/<html/i.test(html)) {
      fail("dashboard", `GET / is not HTML (content-type ${index.headers.get("content-type")}): ${html.slice(0, 200)}`);
    }
    const assetPath = html.match(/(?:src|href)="(\/assets\/[^"]+\.js)"/)?.[1];
    if (!assetPath) fail("dashboard", "index.html references no /assets/*.js script");
    const asset = await http(`${base}${assetPath}`);
    const assetBytes = (await asset.arrayBuffer()).byteLength;
    if (asset.status !== 200 || !asset.headers.get("content-type")?.includes("javascript") || assetBytes === 0) {
      fail("dashboard", `GET ${assetPath} answered ${asset.status} ${asset.headers.get("content-type")} (${assetBytes} bytes)`);
    }
    if (!asset.headers.get("cache-control")?.includes("immutable")) fail("dashboard", `${assetPath} is not served as immutable`);
    log(`dashboard ok: / is HTML (${html.length} B), ${assetPath} ${assetBytes} B immutable`);

    // 3. OpenAPI document.
    const openapiResponse = await http(`${base}/openapi/json`);
    if (openapiResponse.status !== 200) fail("openapi", `GET /openapi/json answered ${openapiResponse.status}`);
    const spec = (await openapiResponse.json()) as { openapi?: string; info?: { title?: string }; paths?: Record<string, unknown> };
    if (!spec.openapi?.startsWith("3.1")) fail("openapi", `expected OpenAPI 3.1.x, got openapi=${JSON.stringify(spec.openapi)}`);
    const paths = Object.keys(spec.paths ?? {});
    if (!spec.info?.title || !paths.includes("/v1/chat/completions")) {
      fail("openapi", `document lacks info.title or /v1/chat/completions (paths: ${paths.join(", ")})`);
    }
    log(`openapi ok: ${spec.openapi}, ${paths.length} paths`);

    // 4. INITIAL_PASSWORD took effect: dashboard login.
    const login = await http(`${base}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-omniroute-request": "1" },
      body: JSON.stringify({ password: PASSWORD }),
    });
    const cookie = login.headers.get("set-cookie")?.split(";")[0];
    if (login.status !== 200 || !cookie) fail("login", `POST /api/auth/login with INITIAL_PASSWORD answered ${login.status}: ${await login.text()}`);
    log("login ok: INITIAL_PASSWORD accepted, session cookie set");

    // 5. Configure headlessly with `config import`, while the server runs (it reloads within ~1 s).
    const configFile = join(root, "omniroute-config.json");
    writeFileSync(
      configFile,
      JSON.stringify({
        format: "omniroute-config",
        version: 1,
        connections: [{ providerId: "openai-compatible", alias: "mock", baseUrl: upstream.baseUrl, apiKey: "sk-smoke", models: ["gpt-4o-mini"] }],
      }),
    );
    const importStarted = performance.now();
    const importer = spawnBinary(["config", "import", configFile, "--data-dir", dataDir], cwd, env);
    const importCode = await within(importer.proc.exited, REQUEST_TIMEOUT_MS);
    await importer.drained;
    if (importCode === "timeout") importer.proc.kill("SIGKILL");
    if (importCode !== 0) fail("config import", `exit ${importCode}. Output:\n${tail(importer.output)}`);
    if (!/1 connection\(s\) created/.test(importer.output)) fail("config import", `unexpected output:\n${tail(importer.output)}`);
    timings.push(["config import (separate process)", ms(importStarted)]);
    log(`config import ok (${ms(importStarted)} ms): ${importer.output.trim()}`);

    const reloadStarted = performance.now();
    let models: string[] = [];
    while (performance.now() - reloadStarted < RELOAD_TIMEOUT_MS) {
      const response = await http(`${base}/v1/models`);
      if (response.status !== 200) fail("models", `GET /v1/models answered ${response.status}: ${await response.text()}`);
      models = ((await response.json()) as { data: Array<{ id: string }> }).data.map((model) => model.id);
      if (models.some((id) => id.startsWith("mock/"))) break;
      await Bun.sleep(100);
    }
    if (!models.includes("mock/gpt-4o-mini")) {
      fail("models", `GET /v1/models did not list mock/gpt-4o-mini within ${RELOAD_TIMEOUT_MS} ms of the import: ${JSON.stringify(models)}`);
    }
    timings.push(["import → visible in /v1/models (hot reload)", ms(reloadStarted)]);
    log(`models ok: ${models.join(", ")} (visible ${ms(reloadStarted)} ms after the import)`);

    const connections = await http(`${base}/api/connections`, { headers: { cookie } });
    const connectionList = (await connections.json()) as Array<{ alias: string }>;
    if (connections.status !== 200 || !connectionList.some((c) => c.alias === "mock")) {
      fail("connections", `GET /api/connections (logged in) answered ${connections.status}: ${JSON.stringify(connectionList).slice(0, 300)}`);
    }

    // 6. One streamed chat completion through the gateway: the client must get the upstream bytes untouched.
    const streamStarted = performance.now();
    const completion = await http(`${base}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer unused-on-loopback" },
      body: JSON.stringify({ ...requestBody, model: "mock/gpt-4o-mini", stream: true }),
    });
    const received = new Uint8Array(await completion.arrayBuffer());
    if (completion.status !== 200) fail("chat stream", `POST /v1/chat/completions answered ${completion.status}: ${new TextDecoder().decode(received).slice(0, 400)}`);
    if (!completion.headers.get("content-type")?.startsWith("text/event-stream")) {
      fail("chat stream", `content-type is ${completion.headers.get("content-type")}, expected text/event-stream`);
    }
    const upstreamCall = upstream.requests.find((r) => r.path === "/v1/chat/completions");
    if (!upstreamCall) fail("chat stream", "the mock upstream never received the chat request");
    if ((JSON.parse(upstreamCall.body) as { model?: string }).model !== "gpt-4o-mini") {
      fail("chat stream", `upstream got model ${JSON.stringify(JSON.parse(upstreamCall.body).model)}, expected "gpt-4o-mini"`);
    }
    if (!Bun.deepEquals(received, fixture)) {
      let at = 0;
      while (at < received.length && at < fixture.length && received[at] === fixture[at]) at++;
      const show = (bytes: Uint8Array) => JSON.stringify(new TextDecoder().decode(bytes.slice(Math.max(0, at - 40), at + 80)));
      fail("chat stream", `response differs from ${FIXTURE} at byte ${at} (got ${received.length} B, want ${fixture.length} B)\n    got:  ${show(received)}\n    want: ${show(fixture)}`);
    }
    timings.push(["streamed chat completion", ms(streamStarted)]);
    log(`chat stream ok: ${received.length} bytes identical to ${FIXTURE} (${ms(streamStarted)} ms)`);

    // 7. Graceful shutdown.
    const stopStarted = performance.now();
    server.proc.kill("SIGTERM");
    const code = await within(server.proc.exited, SHUTDOWN_TIMEOUT_MS);
    if (code === "timeout") fail("shutdown", `still running ${SHUTDOWN_TIMEOUT_MS} ms after SIGTERM. Output:\n${tail(server.output)}`);
    await server.drained;
    if (code !== 0) fail("shutdown", `exit code ${code} (signal ${server.proc.signalCode}) after SIGTERM, expected 0. Output:\n${tail(server.output)}`);
    timings.push(["SIGTERM → exit 0", ms(stopStarted)]);
    log(`shutdown ok: exit 0 ${ms(stopStarted)} ms after SIGTERM`);

    // 8. The store survived intact and recorded the request.
    const dbFile = join(dataDir, "omniroute.sqlite");
    if (!existsSync(dbFile)) fail("database", `${dbFile} does not exist`);
    const db = new Database(dbFile, { readwrite: true });
    try {
      const integrity = db.query<{ integrity_check: string }, []>("PRAGMA integrity_check").all();
      if (integrity.length !== 1 || integrity[0]!.integrity_check !== "ok") fail("database", `integrity_check: ${JSON.stringify(integrity)}`);
      const logs = db.query<{ n: number }, []>("SELECT count(*) AS n FROM request_logs").get()!.n;
      if (logs < 1) fail("database", "request_logs is empty: the streamed request was not logged before exit");
      const row = db.query<{ status: number; requested_model: string }, []>("SELECT status, requested_model FROM request_logs ORDER BY started_at DESC LIMIT 1").get()!;
      log(`database ok: integrity_check = ok, request_logs = ${logs} (last: ${row.requested_model} → ${row.status})`);
    } finally {
      db.close();
    }
    if (existsSync(marker)) fail("bunfig", "bunfig.toml from the CWD was autoloaded");
    passed = true;
  } finally {
    if (server && server.proc.exitCode === null && server.proc.signalCode === null) server.proc.kill("SIGKILL");
    await upstream.stop();
    if (values.keep || !passed) console.log(`  temp dir kept: ${root}`);
    else rmSync(root, { recursive: true, force: true });
  }

  console.log(`Smoke test passed: ${binary}${useQemu ? " (qemu)" : ""}`);
  for (const [label, value] of timings) console.log(`  ${label.padEnd(48)} ${String(value).padStart(6)} ms`);
}

try {
  await main();
  process.exit(0);
} catch (error) {
  const message = error instanceof SmokeFailure ? error.message : (error as Error).stack ?? String(error);
  console.error(`SMOKE TEST FAILED (${isAbsolute(binary) ? binary : resolve(binary)}): ${message}`);
  process.exit(1);
}
