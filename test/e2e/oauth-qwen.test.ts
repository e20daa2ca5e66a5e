import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { clientProfile } from "../../src/providers/executors/client-profiles";
import { startQwenOAuthMock, startQwenUpstream, type QwenOAuthMock } from "../fakes/oauth-mock-qwen";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * A Qwen Code account's whole life through the real gateway, against the mock Qwen OAuth server and a mock portal on
 * loopback ports: connect through the device flow (PKCE) via /api/oauth, the account's API base taken from the token
 * answer's `resource_url`, calls through /v1/chat/completions and /v1/messages carrying the access token and Qwen
 * Code's headers, expiry → exactly one refresh under 50 concurrent requests, a revoked refresh token → needs-reauth →
 * routing skips the account.
 */
let gw: TestGateway;
let mock: QwenOAuthMock;
let upstream: ReturnType<typeof startQwenUpstream>;
const MODEL = "qw/qwen3-coder-plus";
const profile = clientProfile("qwen-code");

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${gw.url}${path}`, { method, headers: await gw.adminHeaders(), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

interface View {
  id: string;
  name: string;
  auth: { kind: string; state?: string; error?: string | null; expiresAt?: string | null; account?: Record<string, string> };
}

let sequence = 0;

function chat(model = MODEL, stream = false) {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, stream, messages: [{ role: "user", content: `hi ${++sequence}` }] }),
  });
}

function messages(model = MODEL) {
  return fetch(`${gw.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({ model, max_tokens: 16, messages: [{ role: "user", content: `hi ${++sequence}` }] }),
  });
}

const connections = () => gw.gateway.runtime.services.connections;
const tokenOf = (id: string) => connections().getRuntime(id)!.apiKey;
const lastAuth = () => upstream.requests.at(-1)!.headers.authorization;

/** Starts the device flow through the management API and waits for the gateway's background polling to finish it. */
async function connectQwen(name?: string): Promise<string> {
  const start = await admin("POST", "/api/oauth/qwen-code/start", name ? { name } : {});
  expect(start.status).toBe(200);
  const started = (await start.json()) as Record<string, unknown> & { flowId: string; flow: string; userCode: string };
  expect(started).toMatchObject({ flow: "device-code", verificationUri: "https://chat.qwen.ai/authorize" });
  expect(started.userCode).toMatch(/^QW\d{4}$/);
  // The PKCE verifier and the device code stay on the server.
  expect(JSON.stringify(started)).not.toContain("qwen-mock-device-");
  expect(Object.keys(started)).not.toContain("verifier");
  let state: { status: string; connectionId?: string; error?: string } = { status: "pending" };
  for (let i = 0; i < 200 && state.status === "pending"; i++) {
    await Bun.sleep(20);
    state = (await (await admin("GET", `/api/oauth/flows/${started.flowId}`)).json()) as typeof state;
  }
  expect(state).toMatchObject({ status: "done" });
  return state.connectionId!;
}

let firstId: string;

beforeAll(async () => {
  mock = startQwenOAuthMock({ pendingPolls: 2 });
  upstream = startQwenUpstream(mock);
  gw = await startTestGateway();
  gw.gateway.runtime.oauth.registry.overrideEndpoints("qwen-code", mock.endpoints);
  gw.gateway.runtime.oauthFlows.minPollIntervalMs = 10;
});

afterAll(async () => {
  await gw.stop();
  upstream.stop();
  mock.stop();
});

describe("connect", () => {
  test("device flow with PKCE through /api/oauth: an OAuth account whose API base comes from resource_url", async () => {
    firstId = await connectQwen();
    expect(mock.issued).toBe(1);
    expect(mock.verifierMismatches).toBe(0);
    const view = (await (await admin("GET", `/api/connections/${firstId}`)).json()) as View;
    expect(view.name).toBe("Qwen Code (subscription)");
    expect(view.auth).toMatchObject({ kind: "oauth", state: "ok", error: null });
    // resource_url "portal.qwen.ai" → https://portal.qwen.ai/v1 as the account's base URL.
    const runtime = connections().getRuntime(firstId)!;
    expect(runtime.baseUrl).toBe("https://portal.qwen.ai/v1");
    expect(runtime.chatUrl).toBe("https://portal.qwen.ai/v1/chat/completions");
    expect(runtime.oauth?.extra).toMatchObject({ resourceUrl: "portal.qwen.ai", apiBase: "https://portal.qwen.ai/v1" });
    const list = await (await admin("GET", "/api/connections")).text();
    expect(list).not.toContain(tokenOf(firstId)!);
    expect(list).not.toContain("qwen-mock-rt-");
    // This test's portal is on loopback: an admin base URL wins over the account's own host.
    expect((await admin("PATCH", `/api/connections/${firstId}`, { baseUrl: `${upstream.url}/v1` })).status).toBe(200);
  });

  test("a hostile resource_url is not used: the account stays on the catalog's host", async () => {
    mock.settings.resourceUrl = "evil.example";
    try {
      const id = await connectQwen("hostile host");
      const runtime = connections().getRuntime(id)!;
      expect(runtime.baseUrl).toBe("https://portal.qwen.ai/v1");
      expect(runtime.oauth?.extra.apiBase).toBeUndefined();
      expect(JSON.stringify(runtime.oauth?.extra)).not.toContain("evil.example");
      expect((await admin("DELETE", `/api/connections/${id}`)).status).toBeLessThan(300);
    } finally {
      mock.settings.resourceUrl = "portal.qwen.ai";
    }
  });
});

describe("calls", () => {
  test("/v1/chat/completions (plain and streamed) carries the access token and Qwen Code's headers", async () => {
    const answer = await chat();
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe("ok");
    const seen = upstream.requests.at(-1)!;
    expect(seen.path).toBe("/v1/chat/completions");
    expect(seen.headers.authorization).toBe(`Bearer ${tokenOf(firstId)}`);
    expect(mock.isValidAccessToken(tokenOf(firstId)!)).toBe(true);
    for (const name of [
      "user-agent",
      "x-dashscope-useragent",
      "x-dashscope-authtype",
      "x-dashscope-cachecontrol",
      "x-stainless-lang",
      "x-stainless-package-version",
      "x-stainless-os",
      "x-stainless-arch",
      "x-stainless-runtime",
      "x-stainless-runtime-version",
    ]) {
      expect(seen.headers[name], name).toBe(profile.headers[name]!);
    }
    expect(seen.headers["x-dashscope-authtype"]).toBe("qwen-oauth");
    expect(seen.headers["x-dashscope-cachecontrol"]).toBe("enable");
    expect(seen.headers["user-agent"]).toMatch(/^QwenCode\/\d+\.\d+\.\d+ \([a-z0-9]+; [a-z0-9]+\)$/);
    expect(JSON.parse(seen.body)).toMatchObject({ model: "qwen3-coder-plus" });

    const streamed = await chat(MODEL, true);
    expect(streamed.status).toBe(200);
    expect(await streamed.text()).toContain("[DONE]");
    const streamedSeen = upstream.requests.at(-1)!;
    expect(streamedSeen.headers["x-dashscope-authtype"]).toBe("qwen-oauth");
    // The portal reports usage at the end of a stream when asked: the gateway asks.
    expect(JSON.parse(streamedSeen.body)).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  test("/v1/messages is translated to the portal's Chat format with the same token and headers", async () => {
    const answer = await messages();
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { type: string; content: Array<{ text: string }> };
    expect(body.type).toBe("message");
    expect(body.content[0]!.text).toBe("ok");
    const seen = upstream.requests.at(-1)!;
    expect(seen.path).toBe("/v1/chat/completions");
    expect(seen.headers.authorization).toBe(`Bearer ${tokenOf(firstId)}`);
    expect(seen.headers["x-dashscope-authtype"]).toBe("qwen-oauth");
    expect(seen.headers["user-agent"]).toBe(profile.headers["user-agent"]!);
  });

  test("Qwen Code itself as the client: its own user agent and Stainless headers go up as sent", async () => {
    const ua = "QwenCode/0.99.1 (darwin; arm64)";
    const answer = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": ua, "x-dashscope-useragent": ua, "x-stainless-os": "MacOS", "x-dashscope-authtype": "openai" },
      body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: `hi ${++sequence}` }] }),
    });
    expect(answer.status).toBe(200);
    const seen = upstream.requests.at(-1)!;
    expect(seen.headers["user-agent"]).toBe(ua);
    expect(seen.headers["x-dashscope-useragent"]).toBe(ua);
    expect(seen.headers["x-stainless-os"]).toBe("MacOS");
    // The OAuth token is served only with the qwen-oauth auth type, whatever the client said.
    expect(seen.headers["x-dashscope-authtype"]).toBe("qwen-oauth");
  });
});

describe("token lifecycle", () => {
  test("an expired token: 50 concurrent requests cause exactly one refresh, all answered with the new token", async () => {
    const oauth = gw.gateway.runtime.oauth;
    const before = mock.refreshes;
    const oldToken = tokenOf(firstId);
    mock.settings.refreshDelayMs = 50;
    // The refresh answer names another host: the stored API base follows it (the admin base URL still wins here).
    mock.settings.resourceUrl = "https://dashscope.aliyuncs.com/compatible-mode/v1";
    oauth.setClock(() => Date.now() + 2 * 3600_000);
    try {
      const sent = upstream.requests.length;
      const answers = await Promise.all(Array.from({ length: 50 }, () => chat()));
      expect(answers.map((r) => r.status)).toEqual(Array(50).fill(200));
      expect(upstream.requests.length - sent).toBe(50);
    } finally {
      oauth.setClock(() => Date.now());
      mock.settings.refreshDelayMs = 0;
      mock.settings.resourceUrl = "portal.qwen.ai";
    }
    expect(mock.refreshes - before).toBe(1);
    const newToken = tokenOf(firstId)!;
    expect(newToken).not.toBe(oldToken);
    expect(lastAuth()).toBe(`Bearer ${newToken}`);
    const stored = connections().readOAuthTokens(firstId)!;
    expect(stored.extra).toMatchObject({ resourceUrl: "https://dashscope.aliyuncs.com/compatible-mode/v1", apiBase: "https://dashscope.aliyuncs.com/compatible-mode/v1" });
    expect(mock.validRefreshTokens()).toContain(stored.refreshToken!);
  });

  test("a 401 from the portal: one refresh and a retry on the same account", async () => {
    const before = mock.refreshes;
    mock.expireAccessTokens();
    const answer = await chat();
    expect(answer.status).toBe(200);
    expect(mock.refreshes - before).toBe(1);
    expect(lastAuth()).toBe(`Bearer ${tokenOf(firstId)}`);
  });

  test("a revoked refresh token → needs-reauth → routing skips the account, the other one serves", async () => {
    const backupId = await connectQwen("backup");
    expect((await admin("PATCH", `/api/connections/${backupId}`, { baseUrl: `${upstream.url}/v1`, priority: 5 })).status).toBe(200);
    const firstRefresh = connections().readOAuthTokens(firstId)!.refreshToken!;
    mock.revokeRefreshToken(firstRefresh);
    await gw.gateway.runtime.oauth.refreshNow(firstId).catch(() => {});
    const view = (await (await admin("GET", `/api/connections/${firstId}`)).json()) as View;
    expect(view.auth).toMatchObject({ kind: "oauth", state: "needs-reauth" });
    expect(view.auth.error).toContain("invalid_grant");
    expect(JSON.stringify(view)).not.toContain(firstRefresh);

    const refreshes = mock.refreshes;
    for (let i = 0; i < 3; i++) {
      const served = await chat();
      expect(served.status).toBe(200);
      expect(lastAuth()).toBe(`Bearer ${tokenOf(backupId)}`);
    }
    // Skipped, not retried: no further refresh attempts for the revoked account.
    expect(mock.refreshes).toBe(refreshes);
  });
});
