import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { CODEX_ACCOUNTS, startCodexOAuthMock, type CodexOAuthMock } from "../fakes/oauth-mock-codex";
import { fixtureReply } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * OpenAI Codex (ChatGPT subscription) end to end through the real gateway, against a mock auth.openai.com and a mock
 * Codex backend on loopback ports: connect by pasting the redirected URL (the manual fallback of the loopback mode)
 * and through the loopback listener on 127.0.0.1:1455; calls through the OpenAI SDK on /v1/responses (non-stream:
 * the upstream always streams and the gateway folds it into one JSON answer; stream) and /v1/chat/completions; an
 * error event inside a folded stream → failover to the other account;
 * two accounts refreshing at once never overlap (one rotation group); a reused refresh token → needs-reauth →
 * routing skips the account; a spent 5 h window reported by wham/usage → skipped until its reset.
 */

/** The registered redirect names a fixed port; if another program holds it, the loopback test cannot run here. */
const PORT_1455_FREE = (() => {
  try {
    const probe = Bun.serve({ port: 1455, hostname: "127.0.0.1", fetch: () => new Response("probe") });
    void probe.stop(true);
    return true;
  } catch {
    console.warn("oauth-codex.test.ts: port 1455 is taken on this machine; the loopback-listener test is skipped (the paste-back test covers the flow).");
    return false;
  }
})();

let gw: TestGateway;
let mock: CodexOAuthMock;
let openai: OpenAI;
const MODEL = "cx/gpt-5.5";

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${gw.url}${path}`, { method, headers: await gw.adminHeaders(), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

interface View {
  id: string;
  name: string;
  auth: { kind: string; state?: string; error?: string | null; account?: Record<string, string> };
}

const connections = () => gw.gateway.runtime.services.connections;
const tokenOf = (id: string) => connections().getRuntime(id)!.apiKey!;
const lastUpstream = () => mock.upstream.requests.at(-1)!;

async function pointAtMock(id: string): Promise<void> {
  expect((await admin("PATCH", `/api/connections/${id}`, { baseUrl: mock.baseUrl })).status).toBe(200);
}

async function connectByPaste(account = CODEX_ACCOUNTS.first, name?: string): Promise<View> {
  const start = await admin("POST", "/api/oauth/codex/start", name ? { name } : {});
  expect(start.status).toBe(200);
  const started = (await start.json()) as { flowId: string; flow: string; authorizeUrl: string; mode: string };
  expect(started.flow).toBe("authorization-code");
  // Loopback when the port could be opened; the paste-back works in both modes (a remote server's browser fails to
  // load http://localhost:1455/… and the user pastes that address).
  expect(started.mode).toBe(PORT_1455_FREE ? "loopback" : "manual");
  const redirected = mock.approve(started.authorizeUrl, account);
  const complete = await admin("POST", `/api/oauth/flows/${started.flowId}/complete`, { input: redirected });
  expect(complete.status).toBe(201);
  const view = (await complete.json()) as View;
  await pointAtMock(view.id);
  // The listener of a finished flow closes shortly after; let it go before the next flow opens the port.
  await Bun.sleep(250);
  return view;
}

let first: View;
let second: View | null = null;

beforeAll(async () => {
  mock = startCodexOAuthMock();
  gw = await startTestGateway();
  gw.gateway.runtime.oauth.registry.overrideEndpoints("codex", mock.endpoints);
  openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "sk-omniroute-test", maxRetries: 0 });
});

afterAll(async () => {
  await gw.stop();
  mock.stop();
});

describe("connect", () => {
  test("the catalog lists Codex as a subscription provider with its OAuth flow and terms note", async () => {
    const providers = (await (await admin("GET", "/api/providers")).json()) as unknown;
    const list = (Array.isArray(providers) ? providers : ((providers as { data?: unknown[]; providers?: unknown[] }).data ?? (providers as { providers?: unknown[] }).providers ?? [])) as Array<Record<string, unknown>>;
    const codex = list.find((p) => p.id === "codex");
    expect(codex).toMatchObject({ format: "openai-responses", tier: "subscription", oauth: { flows: ["authorization-code"] } });
  });

  test("by pasting the redirected URL: an OAuth connection with account id and plan, no token in any answer", async () => {
    first = await connectByPaste(CODEX_ACCOUNTS.first);
    expect(first.name).toBe("OpenAI Codex (ChatGPT subscription) (codex-one@example.com)");
    expect(first.auth).toMatchObject({ kind: "oauth", state: "ok", error: null, account: { accountId: "acct-codex-1111", plan: "pro", email: "codex-one@example.com" } });
    expect(mock.exchanges).toBe(1);
    const list = await (await admin("GET", "/api/connections")).text();
    expect(list).not.toContain(tokenOf(first.id));
    expect(list).not.toContain("codex-rt-mock");
    expect(gw.gateway.runtime.oauthFlows.loopbackPorts()).toEqual([]);
  });

  test.skipIf(!PORT_1455_FREE)("through the loopback listener: the browser's redirect to 127.0.0.1:1455 completes the sign-in", async () => {
    const start = await admin("POST", "/api/oauth/codex/start", {});
    const started = (await start.json()) as { flowId: string; authorizeUrl: string; mode: string };
    expect(started.mode).toBe("loopback");
    expect(gw.gateway.runtime.oauthFlows.loopbackPorts()).toEqual([1455]);
    const redirected = new URL(mock.approve(started.authorizeUrl, CODEX_ACCOUNTS.second));
    expect(`${redirected.origin}${redirected.pathname}`).toBe("http://localhost:1455/auth/callback");
    // What the browser does: load the redirect (127.0.0.1 — the listener binds the loopback address only).
    const page = await fetch(`http://127.0.0.1:1455${redirected.pathname}${redirected.search}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("Signed in");
    const state = (await (await admin("GET", `/api/oauth/flows/${started.flowId}`)).json()) as { status: string; connectionId?: string };
    expect(state.status).toBe("done");
    second = (await (await admin("GET", `/api/connections/${state.connectionId}`)).json()) as View;
    expect(second.auth).toMatchObject({ kind: "oauth", state: "ok", account: { accountId: "acct-codex-2222", plan: "plus" } });
    await pointAtMock(second.id);
    await Bun.sleep(250);
    expect(gw.gateway.runtime.oauthFlows.loopbackPorts()).toEqual([]);
  });

  test("a second account (by paste when the loopback test could not run)", async () => {
    second ??= await connectByPaste(CODEX_ACCOUNTS.second);
    expect(second.auth.account?.accountId).toBe("acct-codex-2222");
  });
});

describe("calls through the OpenAI SDK", () => {
  test("/v1/responses non-stream: streamed upstream (store false, account id, originator), one JSON answer", async () => {
    const sent = mock.upstream.requests.length;
    const response = await openai.responses.create({ model: MODEL, input: "say pong", temperature: 0.3, max_output_tokens: 64 });
    expect(response.object).toBe("response");
    expect(response.status).toBe("completed");
    expect(response.output_text).toBe("pong");
    expect(mock.upstream.requests.length - sent).toBe(1);
    const upstream = lastUpstream();
    const body = JSON.parse(upstream.body) as Record<string, unknown>;
    expect(body).toMatchObject({ model: "gpt-5.5", stream: true, store: false, include: ["reasoning.encrypted_content"] });
    expect(body.temperature).toBeUndefined();
    expect(body.max_output_tokens).toBeUndefined();
    expect(typeof body.instructions).toBe("string");
    expect(upstream.headers).toMatchObject({ originator: "codex_cli_rs", "openai-beta": "responses=experimental", accept: "text/event-stream" });
    expect(["acct-codex-1111", "acct-codex-2222"]).toContain(upstream.headers["chatgpt-account-id"]!);
    expect(upstream.headers["user-agent"]).toStartWith("codex_cli_rs/");
    expect(upstream.headers.authorization).toStartWith("Bearer codex-at-mock");
  });

  test("/v1/responses stream: the recorded events reach the SDK; session_id follows prompt_cache_key", async () => {
    const stream = await openai.responses.create({ model: MODEL, input: "say pong", stream: true, prompt_cache_key: "conversation-abc" });
    let text = "";
    let completed = false;
    for await (const event of stream) {
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed") completed = true;
    }
    expect(text).toBe("pong");
    expect(completed).toBe(true);
    const upstream = lastUpstream();
    expect(upstream.headers.session_id).toBe("conversation-abc");
    expect(upstream.headers.session_id).not.toBe(upstream.headers["chatgpt-account-id"]);
  });

  test("/v1/chat/completions non-stream and stream: translated to the Responses stream and back", async () => {
    const completion = await openai.chat.completions.create({ model: MODEL, messages: [{ role: "system", content: "be brief" }, { role: "user", content: "say pong" }], max_tokens: 32 });
    expect(completion.choices[0]!.message.content).toBe("pong");
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    const body = JSON.parse(lastUpstream().body) as Record<string, unknown>;
    expect(body).toMatchObject({ stream: true, store: false, instructions: "be brief" });
    const chunks = await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "say pong" }], stream: true });
    let text = "";
    for await (const chunk of chunks) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("pong");
  });
});

describe("a stream that fails, for a non-stream client", () => {
  test("an error event in the folded stream fails the attempt: the other account answers", async () => {
    const failing = fixtureReply("openai-responses", "error-in-stream").reply;
    let failures = 0;
    mock.setReply((_request, account) => {
      if (account.accountId !== "acct-codex-1111") return null;
      failures++;
      return failing;
    });
    try {
      // Whichever account routing tries first, the answer is the working account's.
      for (let i = 0; i < 2; i++) {
        const response = await openai.responses.create({ model: MODEL, input: `fail over ${i}` });
        expect(response.output_text).toBe("pong");
        expect(lastUpstream().headers["chatgpt-account-id"]).toBe("acct-codex-2222");
      }
      expect(failures).toBeGreaterThan(0);
    } finally {
      mock.setReply(null);
    }
    // The failed attempts cooled the first account down (insufficient_quota): clear that for the tests that follow.
    gw.gateway.runtime.health.reset(first.id);
  });
});

describe("token lifecycle", () => {
  test("two accounts due for refresh at once: both refreshed, never two refreshes in flight (one rotation group)", async () => {
    const oauth = gw.gateway.runtime.oauth;
    const before = mock.refreshes;
    const oldTokens = [tokenOf(first.id), tokenOf(second!.id)];
    mock.settings.refreshDelayMs = 100;
    mock.resetInFlight();
    oauth.setClock(() => Date.now() + 2 * 3600_000);
    try {
      await Promise.all([oauth.ensureFresh(first.id), oauth.ensureFresh(second!.id), oauth.ensureFresh(first.id)]);
    } finally {
      oauth.setClock(() => Date.now());
      mock.settings.refreshDelayMs = 0;
    }
    expect(mock.refreshes - before).toBe(2);
    expect(mock.maxInFlight).toBe(1);
    expect(tokenOf(first.id)).not.toBe(oldTokens[0]!);
    expect(tokenOf(second!.id)).not.toBe(oldTokens[1]!);
    // The rotated tokens work: each account is still served.
    expect((await openai.responses.create({ model: MODEL, input: "again" })).output_text).toBe("pong");
  });

  test("a spent 5 h window reported by wham/usage: the account is skipped until its reset", async () => {
    const runtime = gw.gateway.runtime;
    // The x-codex-* headers of the last answers reach the quota tracker with the request log's batch (every 100 ms):
    // let them land first, so they do not supersede the figures fetched next.
    await Bun.sleep(300);
    mock.setUsage("acct-codex-1111", { usedPercent: 100, resetAt: Date.now() + 3600_000 });
    await runtime.oauth.fetchQuota(first.id);
    expect(runtime.oauth.quotaOf(first.id)?.limits.find((l) => l.name === "codex-5h")).toMatchObject({ spent: true, utilization: 1 });
    mock.setUsage("acct-codex-1111", { usedPercent: 10, resetAt: null });
    for (let i = 0; i < 3; i++) {
      await openai.responses.create({ model: MODEL, input: `skip ${i}` });
      expect(lastUpstream().headers["chatgpt-account-id"]).toBe("acct-codex-2222");
    }
    runtime.quota.setClock(() => Date.now() + 3600_000 + 60_000);
    try {
      const seen = new Set<string>();
      for (let i = 0; i < 4; i++) {
        await openai.responses.create({ model: MODEL, input: `back ${i}` });
        seen.add(lastUpstream().headers["chatgpt-account-id"]!);
      }
      // With the window reset the first account is eligible again (it leads in the default order).
      expect(seen.has("acct-codex-1111")).toBe(true);
    } finally {
      runtime.quota.setClock(null);
    }
    // Back at the real time the fetched report still says spent: the next poll (usage back at 10 %) reopens it.
    await runtime.oauth.fetchQuota(first.id);
    expect(runtime.oauth.quotaOf(first.id)?.limits.find((l) => l.name === "codex-5h")).toMatchObject({ spent: false });
  });

  test("a reused refresh token → needs-reauth → routing skips the account; the other one serves", async () => {
    const refreshToken = connections().readOAuthTokens(second!.id)!.refreshToken!;
    // Another client (the real Codex CLI with a copied auth.json) spent it first.
    mock.spendRefreshToken(refreshToken);
    await gw.gateway.runtime.oauth.refreshNow(second!.id).catch(() => {});
    const view = (await (await admin("GET", `/api/connections/${second!.id}`)).json()) as View;
    expect(view.auth).toMatchObject({ kind: "oauth", state: "needs-reauth" });
    expect(view.auth.error).toContain("refresh_token_reused");
    expect(JSON.stringify(view)).not.toContain(refreshToken);
    for (let i = 0; i < 3; i++) {
      expect((await openai.responses.create({ model: MODEL, input: `only first ${i}` })).output_text).toBe("pong");
      expect(lastUpstream().headers["chatgpt-account-id"]).toBe("acct-codex-1111");
    }
  });
});
