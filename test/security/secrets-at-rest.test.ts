/**
 * A recognisable provider key, a client key and the admin password go through the gateway (requests, an upstream
 * that echoes the key in its errors, body logging, debug logging, a failing connection test, the response cache,
 * an export); afterwards no byte of the data dir, no management answer and no export holds any of them in
 * plaintext, base64 or hex. Only secret.key, the master key itself, is not read.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { chatCompletionReply, jsonReply, type RecordedReply, type SeenRequest } from "../fakes/recorded-upstream";
import { concretePath, managementRoutes, randomTag, secretForms, startSecurityGateway, type SecurityGateway } from "./security-harness";

const CANARY = `sk-omniroute-canary-${randomTag()}`;
/** Files that legitimately hold key material: the master key (and the next one during a rotation). */
const MASTER_KEY_FILES = new Set(["secret.key", "secret.key.next"]);

let sg: SecurityGateway;
let dataDir: string;
let admin: Record<string, string>;

/** Upstream: answers normally, but echoes the key it was sent when asked to fail (as real providers do). */
function upstreamReply(request: SeenRequest): RecordedReply {
  const key = (request.headers.authorization ?? "").replace(/^Bearer /, "");
  if (request.path.endsWith("/models")) return jsonReply(401, { error: { message: `Incorrect API key provided: ${key}.`, type: "invalid_request_error", code: "invalid_api_key" } });
  if (request.body.includes("echo-the-key")) {
    return jsonReply(400, { error: { message: `Bad request made with key ${key}`, type: "invalid_request_error", param: null, code: null } });
  }
  return chatCompletionReply("sec-model");
}

/** Which secret, in which encoding, `bytes` hold; null when none. */
function leakIn(bytes: Buffer, secrets: Array<[string, string]>): string | null {
  const text = bytes.toString("latin1");
  for (const [name, secret] of secrets) {
    for (const [form, encoded] of secretForms(secret)) {
      if (encoded.length >= 12 && text.includes(Buffer.from(encoded, "utf8").toString("latin1"))) return `${name} (${form})`;
    }
  }
  return null;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** A failed login's password is usually a typo of the real one: it must not be kept either. */
const mistypedPassword = () => `${sg.gw.password}-typo`;

function secrets(): Array<[string, string]> {
  return [
    ["the provider key", CANARY],
    ["the client key", sg.clientKey],
    ["the admin password", sg.gw.password],
    ["a mistyped admin password", mistypedPassword()],
    ["the session token", sg.sessionToken],
  ];
}

/** Every file of the data dir but the master key, with the secrets it leaks. */
function leaksAtRest(): string[] {
  const leaks: string[] = [];
  for (const path of filesUnder(dataDir)) {
    const name = relative(dataDir, path);
    if (MASTER_KEY_FILES.has(name)) continue;
    const leak = leakIn(readFileSync(path), secrets());
    if (leak) leaks.push(`${name}: ${leak}`);
  }
  return leaks;
}

const post = (path: string, body: unknown, headers: Record<string, string>) =>
  fetch(`${sg.gw.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "omniroute-secrets-"));
  sg = await startSecurityGateway({ dataDir, providerKey: CANARY, reply: upstreamReply, env: { LOG_LEVEL: "debug" } });
  admin = await sg.gw.adminHeaders();
  const patch = await fetch(`${sg.gw.url}/api/settings`, { method: "PATCH", headers: admin, body: JSON.stringify({ logging: { level: "debug" } }) });
  expect(patch.status).toBe(200);
  // The response cache on for this key, so answers are also written to response-cache.sqlite.
  const cache = await fetch(`${sg.gw.url}/api/keys/${sg.clientKeyId}`, { method: "PATCH", headers: admin, body: JSON.stringify({ cacheTtlSeconds: 600 }) });
  expect(cache.status).toBe(200);
});
afterAll(async () => {
  await sg.stop().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
});

describe("secrets at rest and in management answers", () => {
  test("requests on every surface use the provider key upstream, and the client never sees it", async () => {
    const key = { authorization: `Bearer ${sg.clientKey}` };
    const messages = [{ role: "user", content: "hello" }];
    const answers = await Promise.all([
      post("/v1/chat/completions", { model: sg.model, messages, temperature: 0 }, key),
      post("/v1/chat/completions", { model: sg.model, messages, temperature: 0, stream: true }, key),
      post("/v1/messages", { model: sg.model, max_tokens: 16, messages }, { "x-api-key": sg.clientKey }),
      post("/v1/responses", { model: sg.model, input: "hello" }, key),
      post(`/v1beta/models/${sg.model}:generateContent`, { contents: [{ role: "user", parts: [{ text: "hello" }] }] }, { "x-goog-api-key": sg.clientKey }),
      // The upstream echoes the key in its error: the gateway must redact it on the way back.
      post("/v1/chat/completions", { model: sg.model, messages: [{ role: "user", content: "echo-the-key" }] }, key),
      post("/v1/messages", { model: sg.model, max_tokens: 16, messages: [{ role: "user", content: "echo-the-key" }] }, key),
    ]);
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.slice(0, 5)).toEqual([200, 200, 200, 200, 200]);
    expect(statuses.slice(5)).toEqual([400, 400]);
    for (const answer of answers) expect(leakIn(Buffer.from(await answer.text()), secrets())).toBeNull();
    // The fake upstream recorded the key it was given: the canary really is the key in use.
    expect(sg.upstream.requests.length).toBeGreaterThanOrEqual(7);
    for (const request of sg.upstream.requests) expect(request.headers.authorization).toBe(`Bearer ${CANARY}`);
  });

  test("one request with body logging on, and a failing connection test, leave no key in the logs", async () => {
    const on = await fetch(`${sg.gw.url}/api/settings`, { method: "PATCH", headers: admin, body: JSON.stringify({ requestLog: { bodies: true } }) });
    expect(on.status).toBe(200);
    const key = { authorization: `Bearer ${sg.clientKey}` };
    const logged = await Promise.all([
      post("/v1/chat/completions", { model: sg.model, messages: [{ role: "user", content: "logged body" }] }, key),
      post("/v1/chat/completions", { model: sg.model, messages: [{ role: "user", content: "echo-the-key logged" }] }, key),
    ]);
    expect(logged.map((answer) => answer.status)).toEqual([200, 400]);
    await Promise.all(logged.map((answer) => answer.text()));
    const off = await fetch(`${sg.gw.url}/api/settings`, { method: "PATCH", headers: admin, body: JSON.stringify({ requestLog: { bodies: false } }) });
    expect(off.status).toBe(200);
    // The upstream's /models answer (401) quotes the key; the failed test is logged as a warning.
    const tested = await fetch(`${sg.gw.url}/api/connections/${sg.connectionId}/test`, { method: "POST", headers: admin });
    expect(tested.status).toBe(200);
    expect(leakIn(Buffer.from(await tested.text()), secrets())).toBeNull();
    // A failed login and a mistyped client key: what was presented is not recorded (audit, request log).
    const failedLogin = await post("/api/auth/login", { password: mistypedPassword() }, { "x-omniroute-request": "1" });
    expect(failedLogin.status).toBe(401);
    const mistypedKey = await post("/v1/chat/completions", { model: sg.model, messages: [{ role: "user", content: "x" }] }, { authorization: `Bearer ${sg.clientKey}x` });
    expect(mistypedKey.status).toBe(401);
  });

  test("no management answer holds a secret: connections, logs, bodies, console, settings, health, metrics", async () => {
    await Bun.sleep(300); // the request-log writer flushes every 100 ms
    const read = (path: string) => fetch(`${sg.gw.url}${path}`, { headers: { cookie: sg.cookie } });
    const logs = (await (await read("/api/logs?limit=100")).json()) as { rows?: Array<{ id: string }>; entries?: Array<{ id: string }>; items?: Array<{ id: string }> } | Array<{ id: string }>;
    const rows = Array.isArray(logs) ? logs : (logs.rows ?? logs.entries ?? logs.items ?? []);
    expect(rows.length).toBeGreaterThan(0);
    // Every readable management route (enumerated, so routes added later are read too), plus each log row.
    const readable = (await managementRoutes(sg.gw)).filter((route) => route.method === "GET" && !route.path.endsWith("/stream"));
    const idFor = (path: string) => (path.startsWith("/api/keys") ? sg.clientKeyId : path.startsWith("/api/logs") ? rows[0]!.id : sg.connectionId);
    const paths = [
      ...new Set([
        ...readable.map((route) => concretePath(route.path, { id: idFor(route.path), connectionId: sg.connectionId })),
        "/api/logs?limit=100",
        "/api/logs/console?limit=1000",
        ...rows.map((row) => `/api/logs/${row.id}`),
      ]),
    ];
    expect(paths.length).toBeGreaterThan(25);
    const leaks: string[] = [];
    let answered = 0;
    for (const path of paths) {
      const response = await read(path);
      if (response.status === 200) answered++;
      const leak = leakIn(Buffer.from(await response.arrayBuffer()), secrets());
      if (leak) leaks.push(`${path}: ${leak}`);
    }
    expect(leaks).toEqual([]);
    // Real answers were scanned, not a row of refusals.
    expect(answered).toBeGreaterThan(paths.length * 0.7);
  });

  test("an export without secrets holds none; with secrets, only sealed", async () => {
    const plain = await post("/api/config/export", {}, admin);
    expect(plain.status).toBe(200);
    const plainText = await plain.text();
    expect(plainText).toContain("openai-compatible");
    expect(leakIn(Buffer.from(plainText), secrets())).toBeNull();
    const sealed = await post("/api/config/export", { includeSecrets: true, passphrase: "a long fuzz passphrase" }, admin);
    expect(sealed.status).toBe(200);
    expect(leakIn(Buffer.from(await sealed.text()), secrets())).toBeNull();
  });

  test("the raw bytes of the data dir hold no secret, while running (WAL) and after the stop", async () => {
    await Bun.sleep(300);
    const files = filesUnder(dataDir).map((path) => relative(dataDir, path));
    // The files this test is about are really there and really read.
    expect(files).toContain("omniroute.sqlite");
    expect(files.some((name) => name.startsWith("logs/"))).toBe(true);
    const whileRunning = leaksAtRest();
    await sg.stop();
    const afterStop = leaksAtRest();
    expect({ whileRunning, afterStop }).toEqual({ whileRunning: [], afterStop: [] });
    // The bytes scanned above are not empty shells: the log ran at debug level and holds the failed test (key
    // masked), the store holds the logged bodies, the cache its answers.
    const log = readFileSync(join(dataDir, "logs", "omniroute.log"), "utf8");
    expect(log).toContain('"logLevel":"debug"');
    expect(log).toContain("connection test failed");
    expect(readFileSync(join(dataDir, "omniroute.sqlite")).includes("logged body")).toBe(true);
    expect(files.filter((name) => name.startsWith("response-cache")).length).toBeGreaterThan(0);
  });
});
