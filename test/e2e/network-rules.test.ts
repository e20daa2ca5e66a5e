import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import net from "node:net";
import { clientAddressOf, resolveClientAddress } from "../../src/security/client-address";
import { assertNetworkSettingsPatch } from "../../src/server/admin/security-network-routes";
import { ApiError } from "../../src/server/admin/api-error";
import { apiRoutes } from "../../src/server/api-routes";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * Network rules (settings.security): API and dashboard allow / block lists over IPv4 and IPv6, X-Forwarded-For
 * believed only from trusted proxies, per-address limits answered in each client's format, split-port mode.
 */

const PASSWORD = "test-password-123";

type Headers = Record<string, string>;

async function login(baseUrl: string): Promise<Headers> {
  const response = await fetch(`${baseUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-omniroute-request": "1" },
    body: JSON.stringify({ password: PASSWORD }),
  });
  expect(response.status).toBe(200);
  return { cookie: response.headers.get("set-cookie")!.split(";")[0]!, "x-omniroute-request": "1", "content-type": "application/json" };
}

async function patchSecurity(baseUrl: string, admin: Headers, security: Record<string, unknown>, headers: Headers = {}): Promise<Response> {
  return fetch(`${baseUrl}/api/settings`, { method: "PATCH", headers: { ...admin, ...headers }, body: JSON.stringify({ security }) });
}

const NO_RULES = {
  apiAccess: { allow: [], block: [] },
  dashboardAccess: { allow: [], block: [] },
  trustedProxies: [],
  ipRateLimit: { api: { requests: 0, windowSeconds: 60 }, dashboard: { requests: 0, windowSeconds: 60 } },
};

async function resetRules(baseUrl: string, admin: Headers): Promise<void> {
  const response = await patchSecurity(baseUrl, admin, NO_RULES);
  expect(response.status).toBe(200);
}

/** One call per API format (native routes and the Elysia-served GET /v1/models). */
function apiCalls(baseUrl: string, headers: Headers = {}) {
  const post = (path: string, body: unknown) =>
    fetch(`${baseUrl}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return {
    openaiChat: () => post("/v1/chat/completions", { model: "nope/none", messages: [{ role: "user", content: "hi" }] }),
    openaiResponses: () => post("/v1/responses", { model: "nope/none", input: "hi" }),
    anthropic: () => post("/v1/messages", { model: "nope/none", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }),
    gemini: () => post("/v1beta/models/none:generateContent", { contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    models: () => fetch(`${baseUrl}/v1/models`, { headers }),
  };
}

type ErrorBody = Record<string, unknown> & { error?: Record<string, unknown> };

/**
 * A refusal in the caller's own error shape: OpenAI formats carry our code (`ip_not_allowed`, `ip_rate_limited`),
 * Anthropic its error type, Gemini its status name.
 */
async function expectApiRefusal(response: Response, status: 403 | 429, format: "openai" | "anthropic" | "gemini"): Promise<ErrorBody> {
  expect(response.status).toBe(status);
  const text = await response.text();
  const body = JSON.parse(text) as ErrorBody;
  if (format === "openai") {
    expect(body.error).toMatchObject({
      code: status === 403 ? "ip_not_allowed" : "ip_rate_limited",
      type: status === 403 ? "permission_error" : "rate_limit_error",
      message: expect.any(String),
    });
  }
  if (format === "anthropic") {
    expect(body).toMatchObject({ type: "error", error: { type: status === 403 ? "permission_error" : "rate_limit_error", message: expect.any(String) } });
  }
  if (format === "gemini") {
    expect(body.error).toMatchObject({ code: status, status: status === 403 ? "PERMISSION_DENIED" : "RESOURCE_EXHAUSTED", message: expect.any(String) });
  }
  if (status === 429) expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
  // A fresh copy: toMatchObject may leave its matchers in the object it checked.
  return JSON.parse(text) as ErrorBody;
}

function ipv6LoopbackAvailable(): boolean {
  try {
    Bun.serve({ hostname: "::1", port: 0, fetch: () => new Response() }).stop(true);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!ipv6LoopbackAvailable())("allow / block lists over IPv4 and IPv6 loopback (dual-stack gateway)", () => {
  let gw: TestGateway;
  let v4: string;
  let v6: string;
  let key: string;
  let admin6: Headers;
  let dataDir: string;

  beforeAll(async () => {
    // Binding "::" is not loopback-only, so the gateway needs a client key first: create one on a loopback start.
    const setup = await startTestGateway();
    dataDir = setup.dataDir;
    const created = await fetch(`${setup.url}/api/keys`, { method: "POST", headers: await setup.adminHeaders(), body: JSON.stringify({ name: "network-e2e" }) });
    key = ((await created.json()) as { key: string }).key;
    await setup.gateway.stop();
    gw = await startTestGateway({ host: "::", dataDir });
    const port = new URL(gw.url).port;
    v4 = `http://127.0.0.1:${port}`;
    v6 = `http://[::1]:${port}`;
    admin6 = await login(v6);
  });

  afterAll(async () => {
    await gw.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("the gateway sees 127.0.0.1 (IPv4-mapped on a dual-stack socket) and ::1", async () => {
    const seen4 = (await (await fetch(`${v4}/api/security/network`, { headers: await login(v4) })).json()) as Record<string, unknown>;
    expect(seen4).toEqual({ clientIp: "127.0.0.1", viaProxy: false, apiAllowed: true, dashboardAllowed: true, splitPort: { enabled: false, port: null } });
    const seen6 = (await (await fetch(`${v6}/api/security/network`, { headers: admin6 })).json()) as Record<string, unknown>;
    expect(seen6).toMatchObject({ clientIp: "::1", viaProxy: false });
  });

  test("API blocklist: 127.0.0.1 refused in every format, ::1 served; the dashboard is not affected", async () => {
    expect((await patchSecurity(v6, admin6, { apiAccess: { allow: [], block: ["127.0.0.1"] } })).status).toBe(200);
    try {
      const auth = { authorization: `Bearer ${key}` };
      const blocked = apiCalls(v4, auth);
      const body = await expectApiRefusal(await blocked.openaiChat(), 403, "openai");
      expect(JSON.stringify(body)).toContain("127.0.0.1");
      await expectApiRefusal(await blocked.openaiResponses(), 403, "openai");
      await expectApiRefusal(await blocked.anthropic(), 403, "anthropic");
      await expectApiRefusal(await blocked.gemini(), 403, "gemini");
      await expectApiRefusal(await blocked.models(), 403, "openai");
      const allowed = apiCalls(v6, auth);
      expect((await allowed.models()).status).toBe(200);
      expect((await allowed.openaiChat()).status).not.toBe(403);
      expect((await fetch(`${v4}/api/health`)).status).toBe(200);
      const report = (await (await fetch(`${v4}/api/security/network`, { headers: await login(v4) })).json()) as Record<string, unknown>;
      expect(report).toMatchObject({ clientIp: "127.0.0.1", apiAllowed: false, dashboardAllowed: true });
    } finally {
      await resetRules(v6, admin6);
    }
  });

  test("API allowlist of ::1 only: IPv4 loopback refused, IPv6 loopback served", async () => {
    expect((await patchSecurity(v6, admin6, { apiAccess: { allow: ["::1"], block: [] } })).status).toBe(200);
    try {
      const auth = { authorization: `Bearer ${key}` };
      await expectApiRefusal(await apiCalls(v4, auth).models(), 403, "openai");
      await expectApiRefusal(await apiCalls(v4, auth).anthropic(), 403, "anthropic");
      expect((await apiCalls(v6, auth).models()).status).toBe(200);
    } finally {
      await resetRules(v6, admin6);
    }
  });

  test("dashboard allowlist of ::1 only: pages, /api, /docs and the native /api/health refuse 127.0.0.1; the API does not", async () => {
    expect((await patchSecurity(v6, admin6, { dashboardAccess: { allow: ["::1"], block: [] } })).status).toBe(200);
    try {
      const status = await fetch(`${v4}/api/status`);
      expect(status.status).toBe(403);
      expect(await status.json()).toMatchObject({ error: { code: "ip_not_allowed", message: expect.stringContaining("127.0.0.1") } });
      const health = await fetch(`${v4}/api/health`);
      expect(health.status).toBe(403);
      expect(((await health.json()) as ErrorBody).error?.code).toBe("ip_not_allowed");
      for (const page of ["/", "/docs", "/openapi/json", "/metrics"]) {
        const response = await fetch(`${v4}${page}`);
        expect(response.status).toBe(403);
        expect(response.headers.get("content-type")).toStartWith("text/plain");
        expect(await response.text()).toContain("security.dashboardAccess.allow");
      }
      // Login from the refused address is refused before the password is even looked at.
      const loginAttempt = await fetch(`${v4}/api/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-omniroute-request": "1" },
        body: JSON.stringify({ password: PASSWORD }),
      });
      expect(loginAttempt.status).toBe(403);
      expect((await fetch(`${v6}/api/status`, { headers: admin6 })).status).toBe(200);
      expect((await fetch(`${v6}/docs`)).status).toBe(200);
      expect((await apiCalls(v4, { authorization: `Bearer ${key}` }).models()).status).toBe(200);
    } finally {
      await resetRules(v6, admin6);
    }
  });

  test("dashboard blocklist of 127.0.0.1", async () => {
    const admin4 = await login(v4);
    expect((await patchSecurity(v6, admin6, { dashboardAccess: { allow: [], block: ["127.0.0.0/8"] } })).status).toBe(200);
    try {
      expect((await fetch(`${v4}/api/status`, { headers: admin4 })).status).toBe(403);
      expect((await fetch(`${v6}/api/status`, { headers: admin6 })).status).toBe(200);
    } finally {
      await resetRules(v6, admin6);
    }
    expect((await fetch(`${v4}/api/status`, { headers: admin4 })).status).toBe(200);
  });
});

describe("X-Forwarded-For, trusted proxies and per-address limits", () => {
  let gw: TestGateway;
  let admin: Headers;

  beforeAll(async () => {
    gw = await startTestGateway();
    admin = await gw.adminHeaders();
  });

  afterAll(async () => {
    await gw.stop();
  });

  const networkReport = async (headers: Headers = {}) =>
    (await (await fetch(`${gw.url}/api/security/network`, { headers: { ...admin, ...headers } })).json()) as Record<string, unknown>;

  test("from an untrusted peer X-Forwarded-For is ignored: no spoofing into an allowlist", async () => {
    expect((await patchSecurity(gw.url, admin, { apiAccess: { allow: ["198.51.100.0/24"], block: [] }, trustedProxies: ["10.0.0.0/8"] })).status).toBe(200);
    try {
      const spoofed = { "x-forwarded-for": "198.51.100.7", "x-forwarded-proto": "https" };
      await expectApiRefusal(await apiCalls(gw.url, spoofed).openaiChat(), 403, "openai");
      await expectApiRefusal(await apiCalls(gw.url, spoofed).models(), 403, "openai");
      expect(await networkReport(spoofed)).toMatchObject({ clientIp: "127.0.0.1", viaProxy: false, apiAllowed: false });
    } finally {
      await resetRules(gw.url, admin);
    }
  });

  test("from a trusted proxy X-Forwarded-For is believed, walked from the right", async () => {
    expect((await patchSecurity(gw.url, admin, { apiAccess: { allow: [], block: ["203.0.113.0/24"] }, trustedProxies: ["127.0.0.1"] })).status).toBe(200);
    try {
      const forwarded = { "x-forwarded-for": "203.0.113.9" };
      await expectApiRefusal(await apiCalls(gw.url, forwarded).openaiChat(), 403, "openai");
      await expectApiRefusal(await apiCalls(gw.url, forwarded).gemini(), 403, "gemini");
      expect(await networkReport(forwarded)).toMatchObject({ clientIp: "203.0.113.9", viaProxy: true, apiAllowed: false, dashboardAllowed: true });
      // A client putting an address of its choice first cannot hide: our proxy appended the real one on the right.
      const disguised = { "x-forwarded-for": "198.51.100.1, 203.0.113.9" };
      await expectApiRefusal(await apiCalls(gw.url, disguised).anthropic(), 403, "anthropic");
      // Without the header the trusted proxy itself is the client.
      expect((await apiCalls(gw.url).models()).status).toBe(200);
      expect(await networkReport()).toMatchObject({ clientIp: "127.0.0.1", viaProxy: false });
    } finally {
      await resetRules(gw.url, admin);
    }
  });

  test("per-address API limit: 429 with Retry-After in each format; other addresses and the dashboard unaffected", async () => {
    const security = { trustedProxies: ["127.0.0.1"], ipRateLimit: { api: { requests: 1, windowSeconds: 60 }, dashboard: { requests: 0, windowSeconds: 60 } } };
    expect((await patchSecurity(gw.url, admin, security)).status).toBe(200);
    try {
      const client = apiCalls(gw.url, { "x-forwarded-for": "198.51.100.20" });
      expect((await client.models()).status).toBe(200);
      const body = await expectApiRefusal(await client.openaiChat(), 429, "openai");
      expect(JSON.stringify(body)).toContain("1 per 60 s");
      await expectApiRefusal(await client.openaiResponses(), 429, "openai");
      await expectApiRefusal(await client.anthropic(), 429, "anthropic");
      await expectApiRefusal(await client.gemini(), 429, "gemini");
      await expectApiRefusal(await client.models(), 429, "openai");
      expect((await apiCalls(gw.url, { "x-forwarded-for": "198.51.100.21" }).models()).status).toBe(200);
      expect((await fetch(`${gw.url}/api/status`, { headers: { ...admin, "x-forwarded-for": "198.51.100.20" } })).status).toBe(200);
    } finally {
      await resetRules(gw.url, admin);
    }
  });

  test("per-address dashboard limit: 429 in the /api shape and as plain text for pages", async () => {
    const security = { trustedProxies: ["127.0.0.1"], ipRateLimit: { api: { requests: 0, windowSeconds: 60 }, dashboard: { requests: 2, windowSeconds: 60 } } };
    expect((await patchSecurity(gw.url, admin, security)).status).toBe(200);
    try {
      const asClient = { ...admin, "x-forwarded-for": "198.51.100.30" };
      expect((await fetch(`${gw.url}/api/status`, { headers: asClient })).status).toBe(200);
      expect((await fetch(`${gw.url}/api/health`, { headers: asClient })).status).toBe(200);
      const limited = await fetch(`${gw.url}/api/status`, { headers: asClient });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(await limited.json()).toMatchObject({ error: { code: "ip_rate_limited", message: expect.stringContaining("198.51.100.30") } });
      const page = await fetch(`${gw.url}/docs`, { headers: asClient });
      expect(page.status).toBe(429);
      expect(page.headers.get("content-type")).toStartWith("text/plain");
      expect(page.headers.get("retry-after")).not.toBeNull();
      // The API side has its own (here: no) limit.
      expect((await apiCalls(gw.url, { "x-forwarded-for": "198.51.100.30" }).models()).status).toBe(200);
    } finally {
      // The admin's own address (127.0.0.1, no forwarding header) has spent 1 of its 2.
      await resetRules(gw.url, admin);
    }
  });

  test("assertNetworkSettingsPatch (the check behind PATCH /api/settings)", () => {
    const runtime = gw.gateway.runtime;
    const request = new Request(`${gw.url}/api/settings`, { method: "PATCH", headers: { "x-forwarded-for": "198.51.100.50" } });
    const refusal = (patch: Parameters<typeof assertNetworkSettingsPatch>[2]) => {
      try {
        assertNetworkSettingsPatch(runtime, request, patch);
        return null;
      } catch (error) {
        expect(error).toBeInstanceOf(ApiError);
        return error as ApiError;
      }
    };
    const allowEmpty = { allow: [], block: [] };
    expect(refusal({ trustedProxies: ["proxy.example"] })).toMatchObject({ status: 400, code: "invalid_network_rule" });
    expect(refusal({ trustedProxies: ["proxy.example"] })!.message).toContain('security.trustedProxies: "proxy.example"');
    // No recorded address (an in-process call): nothing to lock out.
    expect(refusal({ dashboardAccess: { allow: ["10.0.0.0/8"], block: [] } })).toBeNull();
    resolveClientAddress(request, "127.0.0.1", null);
    expect(clientAddressOf(request).ip).toBe("127.0.0.1");
    expect(refusal({ dashboardAccess: { allow: ["10.0.0.0/8"], block: [] } })?.code).toBe("would_lock_out");
    expect(refusal({ dashboardAccess: { allow: ["127.0.0.1", "10.0.0.0/8"], block: [] } })).toBeNull();
    expect(refusal({ dashboardAccess: { allow: [], block: ["127.0.0.0/8"] } })?.message).toContain("your address 127.0.0.1");
    // Trusting the peer makes the forwarded address the one that must stay allowed.
    expect(refusal({ trustedProxies: ["127.0.0.1"], dashboardAccess: { allow: ["127.0.0.1"], block: [] } })?.message).toContain("198.51.100.50 (from X-Forwarded-For)");
    expect(refusal({ trustedProxies: ["127.0.0.1"], dashboardAccess: { allow: ["198.51.100.0/24"], block: [] } })).toBeNull();
    // API rules never lock the admin out of the dashboard.
    expect(refusal({ apiAccess: { allow: ["10.0.0.0/8"], block: [] }, dashboardAccess: allowEmpty })).toBeNull();
  });

  test("a short or missing Host header cannot make the router see another path than the guards (/v1/api/keys with Host: x)", async () => {
    const port = Number(new URL(gw.url).port);
    const raw = (path: string, host: string | null) =>
      new Promise<string>((resolve, reject) => {
        const head = host === null ? `GET ${path} HTTP/1.0\r\n\r\n` : `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;
        const socket = net.connect(port, "127.0.0.1", () => socket.write(head));
        let data = "";
        socket.on("data", (chunk) => (data += chunk));
        socket.on("end", () => resolve(data));
        socket.on("error", reject);
      });
    for (const [path, host] of [["/v1/api/keys", "x"], ["/v1/api/settings", "ab"], ["/api/settings", "abc"], ["/api/settings", null], ["/api/settings", ""]] as const) {
      const answer = await raw(path, host);
      expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 400 Bad Request");
      expect(answer).not.toContain("keyHash");
      expect(answer).not.toContain("timeouts");
    }
    expect((await raw("/api/keys", `127.0.0.1:${port}`)).split("\r\n")[0]).toBe("HTTP/1.1 401 Unauthorized");
  });

  test("with no API rule the native routes never look the client address up (one boolean on the hot path)", async () => {
    const runtime = gw.gateway.runtime;
    expect(runtime.network.apiActive).toBe(false);
    let lookups = 0;
    const server = {
      timeout: () => {},
      requestIP: () => {
        lookups++;
        return { address: "127.0.0.1", family: "IPv4", port: 1 };
      },
    } as unknown as Bun.Server<undefined>;
    const call = () =>
      apiRoutes(runtime)["/v1/chat/completions"]!.POST(
        new Request(`${gw.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify({ model: "nope/none", messages: [{ role: "user", content: "hi" }] }) }),
        server,
      );
    expect((await call()).status).not.toBe(403);
    expect(lookups).toBe(0);
    expect((await patchSecurity(gw.url, admin, { apiAccess: { allow: [], block: ["127.0.0.1"] } })).status).toBe(200);
    try {
      expect(runtime.network.apiActive).toBe(true);
      expect((await call()).status).toBe(403);
      expect(lookups).toBe(1);
    } finally {
      await resetRules(gw.url, admin);
    }
    expect(runtime.network.apiActive).toBe(false);
  });
});

// Its own gateway: a failed refusal here would store rules that lock the other tests out.
describe("PATCH /api/settings refuses unusable network rules", () => {
  let gw: TestGateway;
  let admin: Headers;

  beforeAll(async () => {
    gw = await startTestGateway();
    admin = await gw.adminHeaders();
  });

  afterAll(async () => {
    await gw.stop();
  });

  test("settings validation: an invalid CIDR is refused naming the entry; a change that would lock the admin out is refused", async () => {
    const invalid = await patchSecurity(gw.url, admin, { apiAccess: { allow: ["10.0.0.0/8", "10.0.0.0/33"], block: [] } });
    expect(invalid.status).toBe(400);
    const message = String(((await invalid.json()) as ErrorBody).error?.message);
    expect(message).toContain("security.apiAccess.allow");
    expect(message).toContain('"10.0.0.0/33"');
    const lockout = await patchSecurity(gw.url, admin, { dashboardAccess: { allow: ["10.0.0.0/8"], block: [] } });
    expect(lockout.status).toBe(400);
    expect(((await lockout.json()) as ErrorBody).error?.message).toStartWith("This would lock you out: your address 127.0.0.1");
    // Through a trusted proxy, the forwarded address is the one protected.
    const viaProxy = await patchSecurity(gw.url, admin, { trustedProxies: ["127.0.0.1"], dashboardAccess: { allow: ["127.0.0.1"], block: [] } }, { "x-forwarded-for": "198.51.100.40" });
    expect(viaProxy.status).toBe(400);
    expect(((await viaProxy.json()) as ErrorBody).error?.message).toContain("198.51.100.40");
    expect((await fetch(`${gw.url}/api/status`, { headers: admin })).status).toBe(200);
  });

});

describe("split-port mode", () => {
  let gw: TestGateway;
  let adminUrl: string;

  beforeAll(async () => {
    gw = await startTestGateway({ env: { ADMIN_PORT: "0" } });
    adminUrl = gw.gateway.adminUrl!;
  });

  afterAll(async () => {
    await gw.stop();
  });

  test("the admin listener is loopback and on its own port", () => {
    expect(adminUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(gw.gateway.runtime.adminListen).toEqual({ host: "127.0.0.1", port: Number(new URL(adminUrl).port) });
    expect(new URL(adminUrl).port).not.toBe(new URL(gw.url).port);
  });

  test("the API port serves /v1, /v1beta and GET /api/health, and nothing of the management plane", async () => {
    expect((await fetch(`${gw.url}/api/health`)).status).toBe(200);
    expect((await fetch(`${gw.url}/v1/models`)).status).toBe(200);
    // Served by the Gemini handler (no such model here), not the split-port refusal.
    const gemini = await apiCalls(gw.url).gemini();
    expect(((await gemini.json()) as ErrorBody).error?.status).toBeString();
    const login = await fetch(`${gw.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-omniroute-request": "1" },
      body: JSON.stringify({ password: PASSWORD }),
    });
    expect(login.status).toBe(404);
    expect(login.headers.get("set-cookie")).toBeNull();
    for (const path of ["/api/status", "/api/settings", "/api/security/network"]) {
      const response = await fetch(`${gw.url}${path}`);
      expect(response.status).toBe(404);
      expect(((await response.json()) as ErrorBody).error?.code).toBe("not_found");
    }
    for (const path of ["/", "/docs", "/openapi/json", "/metrics", "/providers", "/assets/index.js"]) {
      const response = await fetch(`${gw.url}${path}`);
      expect(response.status).toBe(404);
      expect(await response.text()).toBe("Not found\n");
    }
  });

  test("the admin port serves the dashboard, /api (session cookies work), /docs and /openapi, and not the API", async () => {
    const admin = await login(adminUrl);
    expect((await fetch(`${adminUrl}/api/status`, { headers: admin })).status).toBe(200);
    expect((await fetch(`${adminUrl}/api/status`)).status).toBe(401);
    expect((await fetch(`${adminUrl}/docs`)).status).toBe(200);
    expect((await fetch(`${adminUrl}/openapi/json`)).status).toBe(200);
    expect((await fetch(`${adminUrl}/metrics`, { headers: admin })).status).toBe(200);
    expect((await fetch(`${adminUrl}/api/health`)).status).toBe(200);
    const report = (await (await fetch(`${adminUrl}/api/security/network`, { headers: admin })).json()) as Record<string, unknown>;
    expect(report).toEqual({
      clientIp: "127.0.0.1",
      viaProxy: false,
      apiAllowed: true,
      dashboardAllowed: true,
      splitPort: { enabled: true, port: Number(new URL(adminUrl).port) },
    });
    const api = await fetch(`${adminUrl}/v1/models`);
    expect(api.status).toBe(404);
    expect(((await api.json()) as ErrorBody).error?.code).toBe("not_found");
    expect((await apiCalls(adminUrl).anthropic()).status).toBe(404);
  });

  test("stop closes both listeners", async () => {
    const other = await startTestGateway({ env: { ADMIN_PORT: "0" } });
    const otherAdmin = other.gateway.adminUrl!;
    expect((await fetch(`${otherAdmin}/api/health`)).status).toBe(200);
    await other.stop();
    await expect(fetch(`${otherAdmin}/api/health`)).rejects.toThrow();
    await expect(fetch(`${other.url}/api/health`)).rejects.toThrow();
  });
});
