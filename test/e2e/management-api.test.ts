import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startOpenAIMockUpstream } from "../fakes/openai-mock-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

let gw: TestGateway;
let upstream: ReturnType<typeof startOpenAIMockUpstream>;
const PUBLIC = new Set(["GET /api/health", "POST /api/auth/login", "GET /api/auth/session"]);

beforeAll(async () => {
  gw = await startTestGateway();
  upstream = startOpenAIMockUpstream({
    "POST /v1/chat/completions": () => Response.json({ choices: [{ index: 0, message: { role: "assistant", content: "p" }, finish_reason: "length" }] }),
    "GET /v1/models": () => new Response("not here", { status: 404 }),
  });
});
afterAll(async () => {
  await gw.stop();
  upstream.stop();
});

describe("management API protection", () => {
  test("every registered /api route except the public ones needs a session", async () => {
    const routes = (await gw.gateway.loadApp()).routes.filter((r) => r.path.startsWith("/api/") && r.path !== "/api/*");
    expect(routes.length).toBeGreaterThan(12);
    for (const route of routes) {
      const key = `${route.method} ${route.path}`;
      if (PUBLIC.has(key)) continue;
      const path = route.path.replace(/:(\w+)/g, "x");
      const response = await fetch(`${gw.url}${path}`, {
        method: route.method,
        headers: { "x-omniroute-request": "1", "content-type": "application/json" },
        body: route.method === "GET" ? undefined : "{}",
      });
      expect({ key, status: response.status }).toEqual({ key, status: 401 });
    }
  });

  test("state-changing calls without the CSRF header are refused even with a session", async () => {
    const cookie = (await gw.adminHeaders()).cookie!;
    const response = await fetch(`${gw.url}/api/keys`, { method: "POST", headers: { cookie, "content-type": "application/json" }, body: '{"name":"x"}' });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("csrf_header_missing");
  });

  test("login: wrong password 401, lock-out after repeated failures", async () => {
    const { adminAuth, settings } = gw.gateway.runtime.services;
    // Each attempt is an argon2id check: a low limit keeps the test quick (test/e2e/management-plane.test.ts has the rest).
    settings.update({ security: { ...settings.get().security, login: { maxFailures: 3, windowMinutes: 15 } } });
    try {
      const attempt = (password: string) =>
        fetch(`${gw.url}/api/auth/login`, { method: "POST", headers: { "x-omniroute-request": "1", "content-type": "application/json" }, body: JSON.stringify({ password }) });
      const first = await attempt("wrong-password");
      expect(first.status).toBe(401);
      for (let i = 0; i < 2; i++) await attempt("wrong-password");
      const locked = await attempt(gw.password);
      expect(locked.status).toBe(429);
      expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      adminAuth.resetLockouts();
      settings.update({ security: { ...settings.get().security, login: { maxFailures: 10, windowMinutes: 15 } } });
    }
  });

  test("the session cookie is HttpOnly and SameSite=Strict", async () => {
    const response = await fetch(`${gw.url}/api/auth/login`, {
      method: "POST",
      headers: { "x-omniroute-request": "1", "content-type": "application/json" },
      body: JSON.stringify({ password: gw.password }),
    });
    expect(response.headers.get("set-cookie")).toMatch(/^omniroute_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
  });
});

describe("connections", () => {
  test("create → list (no key material) → patch → test with chat fallback → delete", async () => {
    const headers = await gw.adminHeaders();
    const bad = await fetch(`${gw.url}/api/connections`, { method: "POST", headers, body: JSON.stringify({ providerId: "openai-compatible", alias: "x", baseUrl: "http://169.254.169.254/v1" }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("metadata");
    const missingKey = await fetch(`${gw.url}/api/connections`, { method: "POST", headers, body: JSON.stringify({ providerId: "groq" }) });
    expect(missingKey.status).toBe(400);
    const unknownField = await fetch(`${gw.url}/api/connections`, { method: "POST", headers, body: JSON.stringify({ providerId: "groq", apiKey: "k", role: "admin" }) });
    expect(unknownField.status).toBe(400);

    const created = await fetch(`${gw.url}/api/connections`, {
      method: "POST",
      headers,
      body: JSON.stringify({ providerId: "openai-compatible", alias: "vllm-box", baseUrl: `${upstream.baseUrl}/`, apiKey: "sk-abcdef-9876", models: ["qwen"] }),
    });
    expect(created.status).toBe(201);
    const connection = (await created.json()) as { id: string; baseUrl: string; apiKeyPreview: string };
    expect(connection.baseUrl).toBe(upstream.baseUrl);
    expect(connection.apiKeyPreview).toBe("…9876");
    const listed = await (await fetch(`${gw.url}/api/connections`, { headers })).text();
    expect(listed).not.toContain("sk-abcdef");

    const clash = await fetch(`${gw.url}/api/connections`, { method: "POST", headers, body: JSON.stringify({ providerId: "openai-compatible", alias: "ds", baseUrl: upstream.baseUrl }) });
    expect(clash.status).toBe(409);

    const tested = (await (await fetch(`${gw.url}/api/connections/${connection.id}/test`, { method: "POST", headers })).json()) as Record<string, unknown>;
    expect(tested).toMatchObject({ ok: true, method: "chat" });
    const probe = upstream.requests.at(-1)!;
    expect(JSON.parse(probe.body)).toMatchObject({ model: "qwen", max_tokens: 1 });
    expect(probe.headers.authorization).toBe("Bearer sk-abcdef-9876");

    const patched = (await (await fetch(`${gw.url}/api/connections/${connection.id}`, { method: "PATCH", headers, body: JSON.stringify({ enabled: false }) })).json()) as {
      enabled: boolean;
      lastTest: { ok: boolean };
    };
    expect(patched.enabled).toBe(false);
    expect(patched.lastTest.ok).toBe(true);
    const models = (await (await fetch(`${gw.url}/v1/models`)).json()) as { data: Array<{ id: string }> };
    expect(models.data.map((m) => m.id)).not.toContain("vllm-box/qwen");

    expect((await fetch(`${gw.url}/api/connections/${connection.id}`, { method: "DELETE", headers })).status).toBe(204);
    expect((await fetch(`${gw.url}/api/connections/${connection.id}`, { headers })).status).toBe(404);
  });

  test("a local server's reported models are remembered on test and listed", async () => {
    const headers = await gw.adminHeaders();
    const local = startOpenAIMockUpstream();
    try {
      const created = (await (await fetch(`${gw.url}/api/connections`, { method: "POST", headers, body: JSON.stringify({ providerId: "ollama", baseUrl: local.baseUrl }) })).json()) as { id: string };
      const tested = (await (await fetch(`${gw.url}/api/connections/${created.id}/test`, { method: "POST", headers })).json()) as Record<string, unknown>;
      expect(tested).toMatchObject({ ok: true, method: "models", modelCount: 2 });
      const models = (await (await fetch(`${gw.url}/v1/models`)).json()) as { data: Array<{ id: string }> };
      expect(models.data.map((m) => m.id)).toEqual(expect.arrayContaining(["ollama/gpt-4o", "ollama/gpt-4o-mini"]));
    } finally {
      local.stop();
    }
  });
});

describe("settings and docs", () => {
  test("settings validate and apply", async () => {
    const headers = await gw.adminHeaders();
    const bad = await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers, body: JSON.stringify({ timeouts: { idleMs: 5 } }) });
    expect(bad.status).toBe(400);
    const good = (await (await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers, body: JSON.stringify({ requestLog: { retentionDays: 7 } }) })).json()) as {
      requestLog: { retentionDays: number };
      timeouts: { idleMs: number };
    };
    expect(good.requestLog.retentionDays).toBe(7);
    expect(good.timeouts.idleMs).toBe(120000);
  });

  test("OpenAPI 3.1 JSON renders zod schemas, and /docs works offline", async () => {
    const spec = (await (await fetch(`${gw.url}/openapi/json`)).json()) as { openapi: string; paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>> };
    expect(spec.openapi).toStartWith("3.1");
    const create = spec.paths["/api/connections"]!.post!.requestBody!.content["application/json"]!.schema;
    expect(Object.keys(create.properties!)).toEqual(expect.arrayContaining(["providerId", "apiKey", "baseUrl", "alias"]));
    expect(JSON.stringify(spec)).not.toContain('"def"');
    expect(spec.paths["/v1/chat/completions"]).toBeDefined();
    const docs = await fetch(`${gw.url}/docs`);
    expect(docs.headers.get("content-type")).toContain("text/html");
    const html = await docs.text();
    expect(html).toContain("/api/connections");
    expect(html).not.toMatch(/<script|(?:src|href)=["']?https?:/i);
  });

  test("status reports version, counts and listen address", async () => {
    const status = (await (await fetch(`${gw.url}/api/status`, { headers: await gw.adminHeaders() })).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ version: expect.any(String), listen: { host: "127.0.0.1", port: Number(new URL(gw.url).port) } });
  });
});

describe("request ids and the config schema", () => {
  test("management and dashboard responses carry x-request-id too", async () => {
    for (const path of ["/api/health", "/api/status", "/", "/docs"]) {
      const response = await fetch(`${gw.url}${path}`);
      expect({ path, id: response.headers.get("x-request-id") }).toEqual({ path, id: expect.stringMatching(/^req_/) });
    }
    const echoed = await fetch(`${gw.url}/api/health`, { headers: { "x-request-id": "trace-123" } });
    expect(echoed.headers.get("x-request-id")).toBe("trace-123");
  });

  test("the config document's JSON Schema is served and accepts an exported document's shape", async () => {
    const headers = await gw.adminHeaders();
    const schema = (await (await fetch(`${gw.url}/api/config/schema`, { headers })).json()) as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(["format", "version", "connections", "apiKeys", "settings", "secrets"]));
    expect(schema.required).toEqual(expect.arrayContaining(["format", "version"]));
  });
});

describe("path tricks never reach a management handler without a session", () => {
  test("dot segments, doubled slashes, case and percent-encoding", async () => {
    const { connect } = await import("node:net");
    const port = Number(new URL(gw.url).port);
    // Raw HTTP, so the client library cannot normalise the path before it is sent.
    const get = (path: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(port, "127.0.0.1", () => socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
        let out = "";
        socket.on("data", (data) => (out += data));
        socket.on("end", () => resolve(out));
      });
    const paths = ["/v1/../api/status", "/x/../api/status", "//api/status", "/API/status", "/api%2Fstatus", "/%61pi/status", "/api/./status", "/api//status", "/./api/status", "/api/status/"];
    for (const path of paths) {
      const response = await get(path);
      expect({ path, leaked: response.includes('"uptimeSeconds"') || response.includes('"dataDir"') }).toEqual({ path, leaked: false });
    }
  });
});
