import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { ONBOARD_POLL } from "../../src/oauth/providers/antigravity";
import { ANTIGRAVITY_ACCOUNTS, startAntigravityOAuthMock, type AntigravityMockAccount, type AntigravityOAuthMock } from "../fakes/oauth-mock-antigravity";
import { jsonReply } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * Google Antigravity end to end through the real gateway, against mock Google OAuth / Cloud Code servers and a mock
 * Cloud Code generation upstream on loopback ports: connect by pasting the redirected URL (the manual fallback of the
 * loopback mode) and through the loopback listener on 127.0.0.1:51121, with the project bootstrap (loadCodeAssist,
 * onboardUser for a new account); calls through the OpenAI SDK (/v1/chat/completions, stream and not), the Google
 * GenAI SDK (/v1beta/models/…:streamGenerateContent — never passed through: the answers are wrapped) and the
 * Anthropic SDK (/v1/messages); a project lost from the token set is re-discovered by the first request; expiry →
 * refresh with the refresh token kept; a revoked refresh token → needs-reauth → routing skips the account; a model's
 * one model's quota exhausted in fetchAvailableModels → the account skipped for that model until the reset.
 */

const PORT_51121_FREE = (() => {
  try {
    const probe = Bun.serve({ port: 51121, hostname: "127.0.0.1", fetch: () => new Response("probe") });
    void probe.stop(true);
    return true;
  } catch {
    console.warn("oauth-antigravity.test.ts: port 51121 is taken on this machine; the loopback-listener test is skipped (the paste-back test covers the flow).");
    return false;
  }
})();

let gw: TestGateway;
let mock: AntigravityOAuthMock;
let openai: OpenAI;
let anthropic: Anthropic;
let genai: GoogleGenAI;
const MODEL = "agy/gemini-3-flash";

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
const lastEnvelope = () => JSON.parse(lastUpstream().body) as { project?: string; model: string; userAgent: string; requestType: string; requestId: string; request: Record<string, unknown> };

async function pointAtMock(id: string): Promise<void> {
  expect((await admin("PATCH", `/api/connections/${id}`, { baseUrl: mock.baseUrl })).status).toBe(200);
}

async function connectByPaste(account: AntigravityMockAccount): Promise<View> {
  const start = await admin("POST", "/api/oauth/antigravity/start", {});
  expect(start.status).toBe(200);
  const started = (await start.json()) as { flowId: string; flow: string; authorizeUrl: string; mode: string };
  expect(started.flow).toBe("authorization-code");
  expect(started.mode).toBe(PORT_51121_FREE ? "loopback" : "manual");
  const redirected = mock.approve(started.authorizeUrl, account);
  const complete = await admin("POST", `/api/oauth/flows/${started.flowId}/complete`, { input: redirected });
  expect(complete.status).toBe(201);
  const view = (await complete.json()) as View;
  await pointAtMock(view.id);
  await Bun.sleep(250);
  return view;
}

let first: View;
let second: View;

beforeAll(async () => {
  ONBOARD_POLL.delayMs = 10;
  mock = startAntigravityOAuthMock();
  gw = await startTestGateway();
  gw.gateway.runtime.oauth.registry.overrideEndpoints("antigravity", mock.endpoints);
  openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "sk-omniroute-test", maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gw.url, apiKey: "sk-omniroute-test", maxRetries: 0 });
  genai = new GoogleGenAI({ apiKey: "sk-omniroute-test", httpOptions: { baseUrl: gw.url } });
});

afterAll(async () => {
  await gw.stop();
  mock.stop();
});

describe("connect", () => {
  test("the catalog lists Antigravity (alias agy) as a Gemini-format subscription with a plain suspension warning", async () => {
    const providers = (await (await admin("GET", "/api/providers")).json()) as unknown;
    const list = (Array.isArray(providers) ? providers : ((providers as { data?: unknown[]; providers?: unknown[] }).data ?? (providers as { providers?: unknown[] }).providers ?? [])) as Array<Record<string, any>>;
    const agy = list.find((p) => p.id === "antigravity");
    expect(agy).toMatchObject({ format: "gemini", tier: "subscription", oauth: { flows: ["authorization-code"] } });
    expect(agy!.oauth.termsNote).toContain("suspended");
  });

  test("by pasting the redirected URL: email and project (loadCodeAssist), no token in any answer", async () => {
    first = await connectByPaste(ANTIGRAVITY_ACCOUNTS.first);
    expect(first.name).toBe("Google Antigravity (Google account) (agy-one@example.com)");
    expect(first.auth).toMatchObject({ kind: "oauth", state: "ok", error: null, account: { email: "agy-one@example.com", accountId: "useful-fuze-11111", plan: "standard-tier" } });
    expect(mock.exchanges).toBe(1);
    const list = await (await admin("GET", "/api/connections")).text();
    expect(list).not.toContain(tokenOf(first.id));
    expect(list).not.toContain("agy-rt-mock");
    expect(gw.gateway.runtime.oauthFlows.loopbackPorts()).toEqual([]);
  });

  test.skipIf(!PORT_51121_FREE)("through the loopback listener on 127.0.0.1:51121; a new account is onboarded", async () => {
    const start = await admin("POST", "/api/oauth/antigravity/start", {});
    const started = (await start.json()) as { flowId: string; authorizeUrl: string; mode: string };
    expect(started.mode).toBe("loopback");
    expect(gw.gateway.runtime.oauthFlows.loopbackPorts()).toEqual([51121]);
    const redirected = new URL(mock.approve(started.authorizeUrl, ANTIGRAVITY_ACCOUNTS.second));
    expect(`${redirected.origin}${redirected.pathname}`).toBe("http://localhost:51121/oauth-callback");
    const page = await fetch(`http://127.0.0.1:51121${redirected.pathname}${redirected.search}`);
    expect(page.status).toBe(200);
    let state = { status: "pending" } as { status: string; connectionId?: string };
    for (let i = 0; i < 50 && state.status === "pending"; i++) {
      state = (await (await admin("GET", `/api/oauth/flows/${started.flowId}`)).json()) as typeof state;
      if (state.status === "pending") await Bun.sleep(20);
    }
    expect(state.status).toBe("done");
    second = (await (await admin("GET", `/api/connections/${state.connectionId}`)).json()) as View;
    await pointAtMock(second.id);
    await Bun.sleep(250);
  });

  test("the second account (by paste when the loopback test could not run) was onboarded onto a project", async () => {
    second ??= await connectByPaste(ANTIGRAVITY_ACCOUNTS.second);
    expect(second.auth).toMatchObject({ kind: "oauth", state: "ok", account: { email: "agy-two@example.com", accountId: "bright-wave-22222" } });
    expect(mock.onboards).toBe(2);
    expect(mock.projectOf(ANTIGRAVITY_ACCOUNTS.second)).toBe("bright-wave-22222");
  });
});

const PROJECTS = ["useful-fuze-11111", "bright-wave-22222"];

describe("calls through the SDKs", () => {
  test("/v1/chat/completions non-stream: the envelope at v1internal:generateContent, the wrapped answer unwrapped", async () => {
    const completion = await openai.chat.completions.create({ model: MODEL, messages: [{ role: "system", content: "be brief" }, { role: "user", content: "where is Google?" }], max_tokens: 100_000 });
    expect(completion.choices[0]!.message.content).toContain("Mountain View");
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    const upstream = lastUpstream();
    expect(upstream.path).toBe("/v1internal:generateContent");
    expect(upstream.headers["user-agent"]).toStartWith("antigravity/");
    expect(upstream.headers.authorization).toStartWith("Bearer ya29.agy-at-mock");
    const envelope = lastEnvelope();
    expect(envelope).toMatchObject({ model: "gemini-3-flash", userAgent: "antigravity", requestType: "agent" });
    expect(PROJECTS).toContain(envelope.project!);
    expect(envelope.requestId).toStartWith("agent-");
    expect(envelope.request.systemInstruction).toEqual({ parts: [{ text: "be brief" }] });
    expect((envelope.request.generationConfig as { maxOutputTokens: number }).maxOutputTokens).toBe(64_000);
    expect(typeof envelope.request.sessionId).toBe("string");
  });

  test("/v1/chat/completions stream: v1internal:streamGenerateContent?alt=sse, each wrapped event unwrapped", async () => {
    const chunks = await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "capital of France?" }], stream: true, stream_options: { include_usage: true } });
    let text = "";
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of chunks) {
      text += chunk.choices[0]?.delta.content ?? "";
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe("The capital of France is Paris.\n");
    expect(usage?.completion_tokens).toBe(8);
    expect(lastUpstream().path).toBe("/v1internal:streamGenerateContent");
    expect(lastUpstream().query).toBe("?alt=sse");
  });

  test("/v1beta/models/…:streamGenerateContent (Google GenAI SDK): a Gemini client is served through the IR, not passed through", async () => {
    const stream = await genai.models.generateContentStream({ model: MODEL, contents: "capital of France?" });
    let text = "";
    for await (const chunk of stream) text += chunk.text ?? "";
    expect(text).toBe("The capital of France is Paris.\n");
    expect(lastUpstream().path).toBe("/v1internal:streamGenerateContent");
    expect(lastEnvelope().request.contents).toEqual([{ role: "user", parts: [{ text: "capital of France?" }] }]);
    const result = await genai.models.generateContent({ model: MODEL, contents: "where is Google?" });
    expect(result.text).toContain("Mountain View");
  });

  test("/v1/messages (Anthropic SDK), stream and not", async () => {
    const message = await anthropic.messages.create({ model: MODEL, max_tokens: 64, messages: [{ role: "user", content: "where is Google?" }] });
    expect(message.content[0]).toMatchObject({ type: "text" });
    expect((message.content[0] as { text: string }).text).toContain("Mountain View");
    const stream = anthropic.messages.stream({ model: MODEL, max_tokens: 64, messages: [{ role: "user", content: "capital of France?" }] });
    const final = await stream.finalMessage();
    expect((final.content[0] as { text: string }).text).toBe("The capital of France is Paris.\n");
  });
});

describe("project re-discovery", () => {
  test("a token set without its project: the first request refreshes the account, which finds the project again", async () => {
    for (const view of [first, second]) {
      const tokens = connections().readOAuthTokens(view.id)!;
      const { projectId: _dropped, ...extra } = tokens.extra;
      connections().storeOAuthTokens(view.id, { ...tokens, extra }, { email: tokens.extra.email! });
    }
    const refreshes = mock.refreshes;
    const loads = mock.loads;
    const completion = await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "where is Google?" }] });
    expect(completion.choices[0]!.message.content).toContain("Mountain View");
    expect(mock.refreshes).toBeGreaterThan(refreshes);
    expect(mock.loads).toBeGreaterThan(loads);
    expect(PROJECTS).toContain(lastEnvelope().project!);
    // Both accounts serve again (whichever was tried first got its project back; the other on its first request).
    for (let i = 0; i < 3; i++) await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: `again ${i}` }] });
    expect(connections().readOAuthTokens(first.id)!.extra.projectId ?? connections().readOAuthTokens(second.id)!.extra.projectId).toBeDefined();
  });
});

describe("token lifecycle and quota", () => {
  test("expiry: refreshed with the refresh token kept (Google does not rotate)", async () => {
    const oauth = gw.gateway.runtime.oauth;
    const before = mock.refreshes;
    const oldAccess = tokenOf(first.id);
    const oldRefresh = connections().readOAuthTokens(first.id)!.refreshToken;
    oauth.setClock(() => Date.now() + 2 * 3600_000);
    try {
      await Promise.all([oauth.ensureFresh(first.id), oauth.ensureFresh(first.id), oauth.ensureFresh(first.id)]);
    } finally {
      oauth.setClock(() => Date.now());
    }
    expect(mock.refreshes - before).toBe(1);
    expect(tokenOf(first.id)).not.toBe(oldAccess);
    expect(connections().readOAuthTokens(first.id)!.refreshToken).toBe(oldRefresh);
    expect((await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "after refresh" }] })).choices[0]!.message.content).toContain("Mountain View");
  });

  test("one model's quota exhausted (fetchAvailableModels): the account is skipped for that model until the reset, and keeps serving the others", async () => {
    const runtime = gw.gateway.runtime;
    // Both accounts know their project again (re-discovered above) before the quota is read.
    for (const view of [first, second]) {
      if (!connections().readOAuthTokens(view.id)!.extra.projectId) await runtime.oauth.refreshNow(view.id);
    }
    await Bun.sleep(300);
    const projectsServing = async (model: string, label: string) => {
      const seen = new Set<string>();
      for (let i = 0; i < 4; i++) {
        await openai.chat.completions.create({ model, messages: [{ role: "user", content: `${label} ${i}` }] });
        seen.add(lastEnvelope().project!);
      }
      return seen;
    };
    mock.setQuota("agy-one@example.com", "gemini-3-flash", { remainingFraction: 0, resetAt: Date.now() + 3600_000 });
    await runtime.oauth.fetchQuota(first.id);
    expect(runtime.oauth.quotaOf(first.id)?.limits.find((l) => l.name === "model-gemini-3-flash")).toMatchObject({ spent: true, utilization: 1, model: "gemini-3-flash" });
    // The account stays open; only that model is closed on it.
    const state = runtime.quota.check(first.id, Date.now())!;
    expect(state.closedUntil).toBeNull();
    expect([...(state.closedModels ?? new Map()).keys()]).toEqual(["gemini-3-flash"]);
    // The quota page says so per model.
    const overview = (await (await admin("GET", "/api/quota")).json()) as { connections: Array<{ connectionId: string; available: boolean; reported: { limits: Array<{ name: string; model?: string | null; spent: boolean }> } | null }> };
    const firstView = overview.connections.find((c) => c.connectionId === first.id)!;
    expect(firstView.available).toBe(true);
    expect(firstView.reported!.limits.find((l) => l.name === "model-gemini-3-flash")).toMatchObject({ model: "gemini-3-flash", spent: true });

    expect(await projectsServing(MODEL, "skip")).toEqual(new Set(["bright-wave-22222"]));
    expect(await projectsServing("agy/gemini-3.1-pro-high", "other model")).toContain("useful-fuze-11111");

    mock.setQuota("agy-one@example.com", "gemini-3-flash", { remainingFraction: 1, resetAt: Date.now() + 5 * 3600_000 });
    runtime.quota.setClock(() => Date.now() + 3600_000 + 60_000);
    try {
      expect(await projectsServing(MODEL, "back")).toContain("useful-fuze-11111");
    } finally {
      runtime.quota.setClock(null);
    }
    await runtime.oauth.fetchQuota(first.id);
    expect(runtime.oauth.quotaOf(first.id)?.limits.find((l) => l.name === "model-gemini-3-flash")).toMatchObject({ spent: false });
  });

  test("a 429 for one model closes that model on the account until its retry time; the account keeps serving the others", async () => {
    const runtime = gw.gateway.runtime;
    const refusedFor = new Set<string>();
    // The first account's gemini-3-flash is out of capacity for 90 s (Google's RetryInfo); everything else answers.
    mock.setReply((request, account) => {
      const envelope = JSON.parse(request.body) as { model: string };
      if (account.email !== "agy-one@example.com" || envelope.model !== "gemini-3-flash") return null;
      refusedFor.add(envelope.model);
      return jsonReply(429, {
        error: {
          code: 429,
          message: "Resource has been exhausted (e.g. check quota).",
          status: "RESOURCE_EXHAUSTED",
          details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "90s" }],
        },
      });
    });
    try {
      const projects = new Set<string>();
      const sentBefore = mock.upstream.requests.length;
      for (let i = 0; i < 4; i++) {
        const answer = await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: `limited ${i}` }] });
        expect(answer.choices[0]!.message.content).toContain("Mountain View");
        projects.add(lastEnvelope().project!);
      }
      // At most one refusal: after it, gemini-3-flash goes to the other account without asking the first again.
      expect(refusedFor).toEqual(new Set(["gemini-3-flash"]));
      expect(mock.upstream.requests.length - sentBefore).toBeLessThanOrEqual(5);
      expect(projects).toEqual(new Set(["bright-wave-22222"]));
      const until = runtime.quota.check(first.id, Date.now())!.closedModels!.get("gemini-3-flash")!;
      expect(until).toBeGreaterThan(Date.now() + 80_000);
      expect(until).toBeLessThanOrEqual(Date.now() + 90_000);
      // The account itself is neither cooled down nor closed: another model is still served by it.
      expect(runtime.health.check(first.id, "antigravity").available).toBe(true);
      expect(runtime.quota.check(first.id, Date.now())!.closedUntil).toBeNull();
      const other = new Set<string>();
      for (let i = 0; i < 4; i++) {
        await openai.chat.completions.create({ model: "agy/gemini-3.1-pro-high", messages: [{ role: "user", content: `other ${i}` }] });
        other.add(lastEnvelope().project!);
      }
      expect(other).toContain("useful-fuze-11111");
    } finally {
      mock.setReply(null);
      // The next quota read replaces the closure with the provider's own figures.
      await runtime.oauth.fetchQuota(first.id);
    }
    expect(runtime.quota.check(first.id, Date.now())?.closedModels ?? null).toBeNull();
  });

  test("a revoked refresh token → needs-reauth → routing skips the account; the other one serves", async () => {
    const refreshToken = connections().readOAuthTokens(second.id)!.refreshToken!;
    mock.revokeRefreshToken(refreshToken);
    await gw.gateway.runtime.oauth.refreshNow(second.id).catch(() => {});
    const view = (await (await admin("GET", `/api/connections/${second.id}`)).json()) as View;
    expect(view.auth).toMatchObject({ kind: "oauth", state: "needs-reauth" });
    expect(view.auth.error).toContain("invalid_grant");
    expect(JSON.stringify(view)).not.toContain(refreshToken);
    // The refresh token is kept (a reconnect replaces it; nothing drops it on a failed refresh).
    expect(connections().readOAuthTokens(second.id)!.refreshToken).toBe(refreshToken);
    for (let i = 0; i < 3; i++) {
      await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: `only first ${i}` }] });
      expect(lastEnvelope().project).toBe("useful-fuze-11111");
    }
  });
});
