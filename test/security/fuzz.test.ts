/**
 * Seeded fuzzing of /v1, /v1beta and /api: ≥ 10 000 malformed and hostile requests, each of which must end in a
 * 4xx in its surface's own error shape, with a request id, no stack trace and no secret; afterwards the gateway
 * is alive, the store intact, the log free of unhandled errors. Replay: FUZZ_SEED=<seed> [FUZZ_ONLY=<index>].
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { EVALUATED_TEMPLATE, FILE_CONTENT_SIGNS, fuzzCase, type FuzzCase, type FuzzContext, type JsonSchema, type Surface } from "./fuzz-cases";
import { isStateChanging, managementRoutes, rawHttp, stackTraceSign, startSecurityGateway, UPSTREAM_REFUSAL, type SecurityGateway } from "./security-harness";

const PUBLIC_ROUTES = new Set(["GET /api/health", "POST /api/auth/login", "GET /api/auth/session"]);
const CASES = Number(process.env.FUZZ_COUNT ?? 10_000);
const CONCURRENCY = 16;
const SEED = process.env.FUZZ_SEED !== undefined ? Number(process.env.FUZZ_SEED) >>> 0 : (Math.random() * 2 ** 32) >>> 0;
const ONLY = process.env.FUZZ_ONLY !== undefined ? process.env.FUZZ_ONLY.split(",").map(Number) : null;
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

let sg: SecurityGateway;
let dataDir: string;
let toolsHome: string;
let ctx: FuzzContext;
let unhandled: unknown[] = [];
/** The management state before the run: refused calls must leave it exactly as it was. */
let stateBefore: string;
const onUnhandled = (error: unknown) => unhandled.push(error);

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "omniroute-fuzz-"));
  // The CLI-tools routes write into this home if a call ever got through: never the real one.
  toolsHome = mkdtempSync(join(tmpdir(), "omniroute-fuzz-tools-"));
  sg = await startSecurityGateway({ dataDir, env: { OMNIROUTE_TOOLS_HOME: toolsHome } });
  const routes = await managementRoutes(sg.gw);
  const app = await sg.gw.gateway.loadApp();
  const bodyRoutes = app.routes
    .filter((route) => route.path.startsWith("/api/") && isStateChanging(route.method) && (route.hooks as { body?: unknown }).body)
    .map((route) => ({ method: route.method, path: route.path, schema: jsonSchemaOf((route.hooks as { body?: unknown }).body) }));
  const readRoutes = app.routes
    .filter((route) => route.method === "GET" && route.path.startsWith("/api/") && !route.path.endsWith("/stream") && !PUBLIC_ROUTES.has(`GET ${route.path}`))
    .map((route) => ({ path: route.path, queryKeys: Object.keys(jsonSchemaOf((route.hooks as { query?: unknown }).query)?.properties ?? {}) }));
  const limits = sg.gw.gateway.runtime.services.settings.get().limits as { maxJsonDepth?: number; maxArrayLength?: number; maxHeaderBytes?: number };
  ctx = {
    clientKey: sg.clientKey,
    model: sg.model,
    cookie: sg.cookie,
    maxJsonDepth: limits.maxJsonDepth ?? 64,
    maxArrayLength: limits.maxArrayLength ?? 100_000,
    maxHeaderBytes: limits.maxHeaderBytes ?? null,
    protectedRoutes: routes.filter((route) => !PUBLIC_ROUTES.has(`${route.method} ${route.path}`)),
    publicRoutes: PUBLIC_ROUTES,
    readRoutes,
    bodyRoutes,
  };
  stateBefore = await managementState();
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUnhandled);
});

afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUnhandled);
  await sg?.stop().catch(() => {});
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(toolsHome, { recursive: true, force: true });
});

/** Keys, connections, combos, budgets and settings as the admin sees them. */
async function managementState(): Promise<string> {
  const read = async (path: string) => (await fetch(`${sg.gw.url}${path}`, { headers: { cookie: sg.cookie } })).text();
  const parts = await Promise.all(["/api/keys", "/api/connections", "/api/combos", "/api/budgets", "/api/settings"].map(read));
  // lastUsedAt moves with every accepted request; it is not state a refused call could change.
  return parts.join("\n").replace(/"lastUsedAt":(?:null|"[^"]*")/g, '"lastUsedAt":…');
}

function jsonSchemaOf(schema: unknown): JsonSchema | null {
  try {
    return z.toJSONSchema(schema as z.ZodType, { unrepresentable: "any" }) as JsonSchema;
  } catch {
    return null;
  }
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

async function send(c: FuzzCase): Promise<Answer> {
  if (!c.raw) {
    try {
      const response = await fetch(`${sg.gw.url}${c.target}`, { method: c.method, headers: c.headers, body: c.body, redirect: "manual" });
      return { status: response.status, headers: Object.fromEntries(response.headers), body: await response.text() };
    } catch (error) {
      // fetch refused to send it (a header value it will not carry): put the same bytes on the wire ourselves.
      if (!(error instanceof TypeError)) throw error;
    }
  }
  const head = [`${c.method} ${c.target} HTTP/1.1`, `Host: ${new URL(sg.gw.url).host}`];
  for (const [name, value] of Object.entries(c.headers)) head.push(`${name}: ${value}`);
  if (c.body) head.push(`Content-Length: ${c.body.length}`);
  head.push("Connection: close", "", "");
  const prefix = Buffer.from(head.join("\r\n"), "latin1");
  return rawHttp(sg.gw.url, c.body ? Buffer.concat([prefix, c.body]) : prefix, 15_000);
}

/** What is wrong with the answer to `c`, or null. */
function problemWith(c: FuzzCase, answer: Answer): string | null {
  const { status, headers, body } = answer;
  if (c.bareStatusAllowed === status && body === "") return null;
  const success = c.allowSuccess && status >= 200 && status < 300;
  if (!success && (status < 400 || status > 499)) return `status ${status}`;
  const sign = stackTraceSign(body);
  // The console-log viewer shows logged errors, stacks included, to the signed-in admin by design.
  const logViewer = c.allowSuccess && c.target.startsWith("/api/logs/console");
  if (sign && !logViewer) return `body shows a ${sign}`;
  const secrets: Array<[string, string]> = [
    ["the provider key", sg.providerKey],
    ["the admin password", sg.gw.password],
    ["the session token", sg.sessionToken],
    ["the client key", sg.clientKey],
  ];
  for (const [name, secret] of secrets) if (body.includes(secret)) return `body holds ${name}`;
  for (const text of [...c.forbidden, ...FILE_CONTENT_SIGNS, EVALUATED_TEMPLATE]) if (body.includes(text)) return `body holds ${JSON.stringify(text)}`;
  if (c.refusedByGateway && body.includes(UPSTREAM_REFUSAL)) return "reached the upstream (the gateway must refuse this itself)";
  const requestId = headers["x-request-id"];
  if (!requestId) return "no x-request-id header";
  if (!REQUEST_ID.test(requestId)) return `x-request-id ${JSON.stringify(requestId.slice(0, 80))} is not a clean id`;
  if (Object.keys(headers).some((name) => name.includes("injected"))) return "an injected header came back";
  if (headers["set-cookie"] && c.surface !== "api") return `set-cookie on an API answer: ${headers["set-cookie"]}`;
  if (c.method === "HEAD" || success) return null;
  return formatProblem(c.surface, body);
}

function formatProblem(surface: Surface, text: string): string | null {
  let body: Record<string, any>;
  try {
    body = JSON.parse(text);
  } catch {
    return `not JSON: ${JSON.stringify(text.slice(0, 120))}`;
  }
  const error = body?.error;
  const ok =
    surface === "openai"
      ? typeof error?.message === "string" && typeof error?.type === "string"
      : surface === "anthropic"
        ? body.type === "error" && typeof error?.type === "string" && typeof error?.message === "string"
        : surface === "gemini"
          ? typeof error?.code === "number" && typeof error?.message === "string" && typeof error?.status === "string"
          : typeof error?.message === "string" && typeof error?.code === "string";
  return ok ? null : `not the ${surface} error shape`;
}

function describeCase(c: FuzzCase): string {
  const body = c.body ? Buffer.from(c.body).toString("latin1") : "";
  const shownBody = body.length > 400 ? `${body.slice(0, 300)}… (${body.length} bytes)` : body;
  const headers = Object.fromEntries(Object.entries(c.headers).map(([name, value]) => [name, value.length > 200 ? `${value.slice(0, 60)}… (${value.length} chars)` : value]));
  return `${c.method} ${c.target.length > 300 ? `${c.target.slice(0, 300)}…` : c.target}${c.raw ? " (raw socket)" : ""}\n    headers ${JSON.stringify(headers)}\n    body ${JSON.stringify(shownBody)}`;
}

interface Failure {
  index: number;
  kind: string;
  problem: string;
  request: string;
  answer: string;
}

describe("fuzzing the API and management surfaces", () => {
  const failures: Failure[] = [];
  let sent = 0;

  test(`${CASES} seeded hostile requests are all answered 4xx, in the surface's shape, without leaks`, async () => {
    console.log(`fuzz seed ${SEED} — replay with FUZZ_SEED=${SEED} bun test test/security/fuzz.test.ts (FUZZ_ONLY=<index> for one case)`);
    const indices = ONLY ?? Array.from({ length: CASES }, (_, i) => i);
    const kinds = new Map<string, number>();
    let next = 0;
    const started = performance.now();
    const worker = async () => {
      while (next < indices.length) {
        const index = indices[next++]!;
        const c = fuzzCase(SEED, index, ctx);
        const family = c.kind.split(/[:+]/)[0]!;
        kinds.set(family, (kinds.get(family) ?? 0) + 1);
        let problem: string | null;
        let answer: Answer | undefined;
        try {
          answer = await send(c);
          problem = problemWith(c, answer);
        } catch (error) {
          problem = `no answer: ${(error as Error).message}`;
        }
        sent++;
        if (problem) {
          failures.push({ index, kind: c.kind, problem, request: describeCase(c), answer: answer ? `${answer.status} ${answer.body.slice(0, 300)}` : "—" });
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`fuzz: ${sent} requests in ${seconds} s; mutations: ${[...kinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ")}`);
    if (failures.length > 0) {
      // One example per (mutation, problem) so a single bug does not bury the others.
      const groups = new Map<string, Failure[]>();
      for (const failure of failures) {
        const key = `${failure.kind.split(/[:+]/)[0]} | ${failure.problem.replace(/req_\w+/g, "req_…").slice(0, 100)}`;
        groups.set(key, [...(groups.get(key) ?? []), failure]);
      }
      const report = [...groups].map(([key, list]) => {
        const first = list[0]!;
        return `● ${key} — ${list.length}× (indices ${list.slice(0, 8).map((f) => f.index).join(",")}${list.length > 8 ? ",…" : ""})\n  case ${first.index}: ${first.request}\n    → ${first.answer}`;
      });
      console.log(`fuzz failures (seed ${SEED}): ${failures.length}\n${report.join("\n")}`);
    }
    expect(sent).toBe(indices.length);
    expect({ seed: SEED, failures: failures.map((f) => `#${f.index} ${f.kind}: ${f.problem}`).slice(0, 40) }).toEqual({ seed: SEED, failures: [] });
  }, 120_000);

  test("the JSON depth and array limits guard the management API too (POST /api/translate)", async () => {
    const translate = (inner: string) =>
      fetch(`${sg.gw.url}/api/translate`, {
        method: "POST",
        headers: { cookie: sg.cookie, "x-omniroute-request": "1", "content-type": "application/json" },
        body: `{"from":"openai-chat","to":"anthropic","kind":"request","body":{"model":"x","messages":[{"role":"user","content":"hi"}],"metadata":${inner}}}`,
      });
    const deep = await translate(`${"[".repeat(ctx.maxJsonDepth + 5)}${"]".repeat(ctx.maxJsonDepth + 5)}`);
    const long = await translate(`[${Array.from({ length: ctx.maxArrayLength + 1 }, () => "0").join(",")}]`);
    const answers = [
      { case: "deep", status: deep.status, body: await deep.text() },
      { case: "long", status: long.status, body: await long.text() },
    ];
    expect(answers.map((a) => ({ case: a.case, status: a.status, namesTheLimit: /depth|nest|array|limit/i.test(a.body) }))).toEqual([
      { case: "deep", status: 400, namesTheLimit: true },
      { case: "long", status: 400, namesTheLimit: true },
    ]);
  });

  test("afterwards: the gateway answers, no unhandled error, no prototype pollution, the upstream saw only provider calls", async () => {
    const health = await fetch(`${sg.gw.url}/api/health`);
    expect(health.status).toBe(200);
    // Every management call was refused: nothing was created, changed or deleted.
    expect(await managementState()).toBe(stateBefore);
    expect(unhandled.map(String)).toEqual([]);
    expect(({} as Record<string, unknown>).pollutedByFuzz).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
    // Model names and paths never steer the upstream URL, and the client's key never travels upstream.
    const paths = new Set(sg.upstream.requests.map((request) => request.path));
    expect([...paths].filter((path) => path !== "/v1/chat/completions")).toEqual([]);
    const carriedClientKey = sg.upstream.requests.filter((request) => JSON.stringify(request.headers).includes(sg.clientKey) || request.body.includes(sg.clientKey));
    expect(carriedClientKey.length).toBe(0);
    for (const request of sg.upstream.requests.slice(0, 50)) expect(request.headers.authorization).toBe(`Bearer ${sg.providerKey}`);
    // No CLI tool config was written by any call.
    expect(existsSync(join(toolsHome, ".claude"))).toBe(false);
  });

  test("afterwards: the store passes integrity_check and the console log holds no unhandled error", async () => {
    await sg.stop();
    const db = new Database(join(dataDir, "omniroute.sqlite"), { readonly: true });
    try {
      expect(db.query("PRAGMA integrity_check").all()).toEqual([{ integrity_check: "ok" }]);
    } finally {
      db.close();
    }
    const logPath = join(dataDir, "logs", "omniroute.log");
    const lines = existsSync(logPath) ? readFileSync(logPath, "utf8").split("\n").filter(Boolean) : [];
    const unhandledLines = lines.filter((line) => /internal error|uncaught|unhandled/i.test(line) || stackTraceSign(line.replace(/\\n/g, "\n")) === "stack frame");
    expect(unhandledLines.map((line) => line.slice(0, 400))).toEqual([]);
  });
});
