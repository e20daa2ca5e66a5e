import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startOAuthMocks } from "../fakes/oauth-mock-servers";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * The whole life of subscription accounts through the real gateway, against mock OAuth servers and mock upstreams
 * on loopback ports: connect (manual paste for Claude Code, device code for GitHub Copilot), calls through the
 * OpenAI Chat and Anthropic Messages surfaces, expiry → exactly one refresh under 50 concurrent requests, a 401 →
 * one refresh-and-retry, a revoked refresh token → needs-reauth → routing skips the account → reconnect clears it,
 * and a provider-reported spent quota window → the account is skipped until the reset.
 */
let gw: TestGateway;
let mocks: ReturnType<typeof startOAuthMocks>;
const CLAUDE_MODEL = "cc/claude-sonnet-4-5";
const COPILOT_MODEL = "gh/gpt-4.1";

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${gw.url}${path}`, { method, headers: await gw.adminHeaders(), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

interface View {
  id: string;
  name: string;
  auth: { kind: string; state?: string; error?: string | null; expiresAt?: string | null; account?: Record<string, string> };
}

async function connectClaude(name?: string): Promise<View> {
  const start = await admin("POST", "/api/oauth/claude-code/start", name ? { name } : {});
  expect(start.status).toBe(200);
  const started = (await start.json()) as { flowId: string; flow: string; authorizeUrl: string; mode: string };
  expect(started).toMatchObject({ flow: "authorization-code", mode: "manual" });
  const pasted = mocks.claude.approve(started.authorizeUrl);
  const complete = await admin("POST", `/api/oauth/flows/${started.flowId}/complete`, { input: pasted });
  expect(complete.status).toBe(201);
  const view = (await complete.json()) as View;
  // The account's API calls go to the mock upstream.
  expect((await admin("PATCH", `/api/connections/${view.id}`, { baseUrl: `${mocks.upstreams.anthropic.url}/v1` })).status).toBe(200);
  return view;
}

// Every request its own text: identical bodies in flight together would share one upstream call (request coalescing).
let sequence = 0;

function chat(model: string) {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: `hi ${++sequence}` }] }),
  });
}

function messages(model: string) {
  return fetch(`${gw.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({ model, max_tokens: 16, messages: [{ role: "user", content: `hi ${++sequence}` }] }),
  });
}

const tokenOf = (id: string) => gw.gateway.runtime.services.connections.getRuntime(id)!.apiKey;
const lastClaudeAuth = () => mocks.upstreams.anthropic.requests.at(-1)!.headers.authorization;

let first: View;
let copilotId: string;

beforeAll(async () => {
  mocks = startOAuthMocks({ claude: { expiresInSeconds: 3600 } });
  gw = await startTestGateway();
  const registry = gw.gateway.runtime.oauth.registry;
  registry.overrideEndpoints("claude-code", mocks.claude.endpoints);
  registry.overrideEndpoints("github-copilot", mocks.copilot.endpoints);
  gw.gateway.runtime.oauthFlows.minPollIntervalMs = 10;
});

afterAll(async () => {
  await gw.stop();
  mocks.stop();
});

describe("connect", () => {
  test("Claude Code by pasting code#state: an OAuth connection, no token in any answer", async () => {
    first = await connectClaude();
    expect(first.name).toBe("Claude Code (subscription) (claude-user@example.com)");
    expect(first.auth).toMatchObject({ kind: "oauth", state: "ok", error: null, account: { email: "claude-user@example.com" } });
    expect(mocks.claude.exchanges).toBe(1);
    const list = await (await admin("GET", "/api/connections")).text();
    expect(list).not.toContain(tokenOf(first.id)!);
    expect(list).not.toContain("sk-ant-ort01");
  });

  test("GitHub Copilot by device code, finished by the gateway's background polling", async () => {
    const start = await admin("POST", "/api/oauth/github-copilot/start", { flow: "device-code" });
    expect(start.status).toBe(200);
    const started = (await start.json()) as { flowId: string; flow: string; userCode: string; verificationUri: string };
    expect(started.flow).toBe("device-code");
    expect(started.userCode.length).toBeGreaterThan(0);
    let state: { status: string; connectionId?: string } = { status: "pending" };
    for (let i = 0; i < 200 && state.status === "pending"; i++) {
      await Bun.sleep(20);
      state = (await (await admin("GET", `/api/oauth/flows/${started.flowId}`)).json()) as typeof state;
    }
    expect(state.status).toBe("done");
    copilotId = state.connectionId!;
    const view = (await (await admin("GET", `/api/connections/${copilotId}`)).json()) as View;
    expect(view.auth).toMatchObject({ kind: "oauth", state: "ok" });
    expect((await admin("PATCH", `/api/connections/${copilotId}`, { baseUrl: mocks.upstreams.copilot.url })).status).toBe(200);
  });

  test("a paste with another flow's state is refused in the /api error shape", async () => {
    const started = (await (await admin("POST", "/api/oauth/claude-code/start", {})).json()) as { flowId: string };
    const response = await admin("POST", `/api/oauth/flows/${started.flowId}/complete`, { input: "code#not-the-state" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("state_mismatch");
    expect((await admin("GET", "/api/oauth/flows/flow_unknown")).status).toBe(404);
    expect((await admin("POST", "/api/oauth/openai/start", {})).status).toBe(404);
  });
});

describe("calls", () => {
  test("Claude Code through /v1/chat/completions and /v1/messages carries the access token", async () => {
    const viaChat = await chat(CLAUDE_MODEL);
    expect(viaChat.status).toBe(200);
    expect(lastClaudeAuth()).toBe(`Bearer ${tokenOf(first.id)}`);
    const viaMessages = await messages(CLAUDE_MODEL);
    expect(viaMessages.status).toBe(200);
    expect(((await viaMessages.json()) as { type: string }).type).toBe("message");
  });

  test("GitHub Copilot through /v1/chat/completions and /v1/messages carries the Copilot token", async () => {
    expect((await chat(COPILOT_MODEL)).status).toBe(200);
    expect(mocks.upstreams.copilot.requests.at(-1)!.headers.authorization).toBe(`Bearer ${tokenOf(copilotId)}`);
    expect(mocks.copilot.isValidCopilotToken(tokenOf(copilotId)!)).toBe(true);
    expect((await messages(COPILOT_MODEL)).status).toBe(200);
  });
});

describe("token lifecycle", () => {
  test("an expired token: 50 concurrent requests cause exactly one refresh, all answered", async () => {
    const oauth = gw.gateway.runtime.oauth;
    const before = mocks.claude.refreshes;
    const oldToken = tokenOf(first.id);
    mocks.claude.settings.refreshDelayMs = 50;
    // The gateway's clock moves past the token's expiry (the token manager's clock only).
    oauth.setClock(() => Date.now() + 2 * 3600_000);
    try {
      const sent = mocks.upstreams.anthropic.requests.length;
      const answers = await Promise.all(Array.from({ length: 50 }, () => chat(CLAUDE_MODEL)));
      expect(answers.map((r) => r.status)).toEqual(Array(50).fill(200));
      expect(mocks.upstreams.anthropic.requests.length - sent).toBe(50);
    } finally {
      oauth.setClock(() => Date.now());
      mocks.claude.settings.refreshDelayMs = 0;
    }
    expect(mocks.claude.refreshes - before).toBe(1);
    expect(tokenOf(first.id)).not.toBe(oldToken);
    expect(lastClaudeAuth()).toBe(`Bearer ${tokenOf(first.id)}`);
  });

  test("a 401 from the upstream: one refresh and the same account again, for 50 concurrent requests", async () => {
    const before = mocks.claude.refreshes;
    mocks.claude.expireAccessTokens();
    const sent = mocks.upstreams.anthropic.requests.length;
    const answers = await Promise.all(Array.from({ length: 50 }, () => chat(CLAUDE_MODEL)));
    expect(answers.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(mocks.claude.refreshes - before).toBe(1);
    // Each refused once, each answered by the same account with the new token.
    const upstream = mocks.upstreams.anthropic.requests.slice(sent);
    expect(upstream.filter((r) => r.headers.authorization === `Bearer ${tokenOf(first.id)}`)).toHaveLength(50);
  });

  test("count_tokens and the connection test refresh an expired token first, like requests do", async () => {
    const oauth = gw.gateway.runtime.oauth;
    // Each step's clock past the token the step before got (tokens last an hour from the clock that refreshed them).
    for (const [step, hoursAhead] of [["count_tokens", 2], ["connection test", 4]] as const) {
      const before = mocks.claude.refreshes;
      const oldToken = tokenOf(first.id);
      oauth.setClock(() => Date.now() + hoursAhead * 3600_000);
      try {
        if (step === "count_tokens") {
          const counted = await fetch(`${gw.url}/v1/messages/count_tokens`, {
            method: "POST",
            headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
            body: JSON.stringify({ model: CLAUDE_MODEL, messages: [{ role: "user", content: "count me" }] }),
          });
          expect(counted.status).toBe(200);
          // The upstream counted (the mock answers 10), not the local estimate after a 401.
          expect(counted.headers.get("x-omniroute-token-count")).toBe("upstream");
          expect(await counted.json()).toEqual({ input_tokens: 10 });
        } else {
          const tested = await admin("POST", `/api/connections/${first.id}/test`);
          expect(tested.status).toBe(200);
          expect(await tested.json()).toMatchObject({ ok: true });
        }
      } finally {
        oauth.setClock(() => Date.now());
      }
      expect(mocks.claude.refreshes - before, step).toBe(1);
      expect(tokenOf(first.id), step).not.toBe(oldToken);
      expect(lastClaudeAuth(), step).toBe(`Bearer ${tokenOf(first.id)}`);
    }
  });

  test("a revoked refresh token → needs-reauth → routing skips it, the other account serves → reconnect clears it", async () => {
    const backup = await connectClaude("backup");
    expect((await admin("PATCH", `/api/connections/${backup.id}`, { priority: 5 })).status).toBe(200);
    // The first account's refresh token is revoked at the provider; its next refresh is refused.
    const firstRefresh = gw.gateway.runtime.services.connections.readOAuthTokens(first.id)!.refreshToken!;
    mocks.claude.revokeRefreshToken(firstRefresh);
    await gw.gateway.runtime.oauth.refreshNow(first.id).catch(() => {});
    const view = (await (await admin("GET", `/api/connections/${first.id}`)).json()) as View;
    expect(view.auth).toMatchObject({ kind: "oauth", state: "needs-reauth" });
    expect(view.auth.error).toContain("invalid_grant");
    expect(JSON.stringify(view)).not.toContain(firstRefresh);

    const served = await chat(CLAUDE_MODEL);
    expect(served.status).toBe(200);
    expect(lastClaudeAuth()).toBe(`Bearer ${tokenOf(backup.id)}`);

    const reconnect = await admin("POST", `/api/connections/${first.id}/reconnect`, {});
    expect(reconnect.status).toBe(200);
    const started = (await reconnect.json()) as { flowId: string; authorizeUrl: string };
    const complete = await admin("POST", `/api/oauth/flows/${started.flowId}/complete`, { input: mocks.claude.approve(started.authorizeUrl) });
    expect(complete.status).toBe(201);
    const again = (await complete.json()) as View;
    expect(again.id).toBe(first.id);
    expect(again.auth).toMatchObject({ state: "ok", error: null });
    expect((await chat(CLAUDE_MODEL)).status).toBe(200);
    expect(lastClaudeAuth()).toBe(`Bearer ${tokenOf(first.id)}`);
  });

  test("a spent quota window reported by the provider: skipped until its reset, then served again", async () => {
    const runtime = gw.gateway.runtime;
    const connections = runtime.services.connections.list().filter((c) => c.providerId === "claude-code");
    const backup = connections.find((c) => c.id !== first.id)!;
    const resetAt = Date.now() + 3600_000;
    mocks.claude.setUsage({ five_hour: { utilization: 100, resetsAt: resetAt } });
    await runtime.oauth.fetchQuota(first.id);
    mocks.claude.setUsage({ five_hour: { utilization: 10, resetsAt: null } });
    expect(runtime.oauth.quotaOf(first.id)?.limits.some((l) => l.spent)).toBe(true);

    expect((await chat(CLAUDE_MODEL)).status).toBe(200);
    expect(lastClaudeAuth()).toBe(`Bearer ${tokenOf(backup.id)}`);

    runtime.quota.setClock(() => Date.now() + 3600_000 + 60_000);
    try {
      expect((await chat(CLAUDE_MODEL)).status).toBe(200);
      expect(lastClaudeAuth()).toBe(`Bearer ${tokenOf(first.id)}`);
    } finally {
      runtime.quota.setClock(null);
    }
  });
});

describe("moving to another gateway", () => {
  test("an export with secrets carries the accounts; the other gateway serves with the same token and refreshes it itself", async () => {
    const exported = await admin("POST", "/api/config/export", { includeSecrets: true, passphrase: "moving day passphrase" });
    expect(exported.status).toBe(200);
    const document = await exported.json();
    const other = await startTestGateway();
    try {
      other.gateway.runtime.oauth.registry.overrideEndpoints("claude-code", mocks.claude.endpoints);
      const imported = await fetch(`${other.url}/api/config/import`, {
        method: "POST",
        headers: await other.adminHeaders(),
        body: JSON.stringify({ document, passphrase: "moving day passphrase" }),
      });
      expect(imported.status).toBe(200);
      const moved = other.gateway.runtime.services.connections.getRuntime(first.id)!;
      expect(moved.apiKey).toBe(tokenOf(first.id));
      // Only the first account serves there, so the request shows which token it carried.
      for (const c of other.gateway.runtime.services.connections.list()) {
        if (c.id !== first.id) expect((await fetch(`${other.url}/api/connections/${c.id}`, { method: "DELETE", headers: await other.adminHeaders() })).status).toBe(204);
      }
      const answer = await fetch(`${other.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: CLAUDE_MODEL, messages: [{ role: "user", content: `moved ${++sequence}` }] }),
      });
      expect(answer.status).toBe(200);
      expect(lastClaudeAuth()).toBe(`Bearer ${tokenOf(first.id)}`);
      const before = mocks.claude.refreshes;
      await other.gateway.runtime.oauth.refreshNow(first.id);
      expect(mocks.claude.refreshes - before).toBe(1);
      expect(other.gateway.runtime.services.connections.getRuntime(first.id)!.apiKey).not.toBe(moved.apiKey);
    } finally {
      await other.stop();
    }
  });
});
