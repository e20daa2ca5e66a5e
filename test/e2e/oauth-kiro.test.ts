import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { clientProfile } from "../../src/providers/executors/client-profiles";
import { startKiroOAuthMock, startKiroUpstream, type KiroOAuthMock } from "../fakes/oauth-mock-kiro";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * A Kiro (AWS Builder ID) account's life through the real gateway, against a mock AWS SSO OIDC server and a mock
 * CodeWhisperer upstream answering binary event-stream frames: connect through the device flow (client
 * registration, device authorization, pending / slow_down polls) via /api/oauth; /v1/chat/completions streamed and
 * not, and /v1/messages with a tool call, through the OpenAI and Anthropic SDKs; the conversationState the upstream
 * receives; expiry → one refresh with the registered client; a revoked refresh token → needs-reauth → skipped; quota
 * exhausted (getUsageLimits) → skipped until the reset.
 */
let gw: TestGateway;
let mock: KiroOAuthMock;
let upstream: ReturnType<typeof startKiroUpstream>;
let openai: OpenAI;
let anthropic: Anthropic;
const MODEL = "kr/claude-sonnet-4.5";
const profile = clientProfile("kiro");

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${gw.url}${path}`, { method, headers: await gw.adminHeaders(), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

interface View {
  id: string;
  name: string;
  auth: { kind: string; state?: string; error?: string | null; account?: Record<string, string> };
}

const connections = () => gw.gateway.runtime.services.connections;
const tokenOf = (id: string) => connections().getRuntime(id)!.apiKey;
const lastSeen = () => upstream.requests.at(-1)!;
const lastState = () => (JSON.parse(lastSeen().body) as { conversationState: Record<string, any> }).conversationState;

async function connectKiro(name?: string): Promise<string> {
  const start = await admin("POST", "/api/oauth/kiro/start", name ? { name } : {});
  expect(start.status).toBe(200);
  const started = (await start.json()) as Record<string, unknown> & { flowId: string; userCode: string };
  expect(started).toMatchObject({ flow: "device-code", verificationUri: "https://device.sso.us-east-1.amazonaws.com/" });
  expect(started.userCode).toMatch(/^KIRO-\d{4}$/);
  // The device code and the registered client's secret stay on the server.
  const shown = JSON.stringify(started);
  expect(shown).not.toContain("kiro-mock-device-");
  expect(shown).not.toContain("kiro-mock-secret-");
  let state: { status: string; connectionId?: string; error?: string } = { status: "pending" };
  for (let i = 0; i < 300 && state.status === "pending"; i++) {
    await Bun.sleep(20);
    state = (await (await admin("GET", `/api/oauth/flows/${started.flowId}`)).json()) as typeof state;
  }
  expect(state).toMatchObject({ status: "done" });
  const id = state.connectionId!;
  // The upstream is on loopback in this test: an admin base URL wins over the catalog's.
  expect((await admin("PATCH", `/api/connections/${id}`, { baseUrl: upstream.url })).status).toBe(200);
  return id;
}

let firstId: string;

beforeAll(async () => {
  mock = startKiroOAuthMock({ pendingPolls: 2 });
  upstream = startKiroUpstream(mock);
  gw = await startTestGateway();
  gw.gateway.runtime.oauth.registry.overrideEndpoints("kiro", mock.endpoints);
  gw.gateway.runtime.oauthFlows.minPollIntervalMs = 10;
  openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "sk-omniroute-test", maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gw.url, apiKey: "sk-omniroute-test", maxRetries: 0 });
});

afterAll(async () => {
  await gw.stop();
  upstream.stop();
  mock.stop();
});

describe("connect", () => {
  test("Builder ID device flow through /api/oauth: client registered, pending polls, an OAuth account", async () => {
    firstId = await connectKiro();
    expect(mock.registrations).toBe(1);
    expect(mock.issued).toBe(1);
    expect(mock.polls).toBeGreaterThanOrEqual(3);
    const view = (await (await admin("GET", `/api/connections/${firstId}`)).json()) as View;
    expect(view.name).toBe("Kiro (AWS Builder ID)");
    expect(view.auth).toMatchObject({ kind: "oauth", state: "ok", error: null });
    const stored = connections().readOAuthTokens(firstId)!;
    expect(stored.extra.clientId).toMatch(/^kiro-mock-client-/);
    expect(stored.extra.clientSecret).toMatch(/^kiro-mock-secret-/);
    const list = await (await admin("GET", "/api/connections")).text();
    for (const secret of [tokenOf(firstId)!, stored.refreshToken!, stored.extra.clientSecret!]) expect(list).not.toContain(secret);
  });
});

describe("calls", () => {
  test("/v1/chat/completions (not streamed): Kiro's conversationState and headers; the event stream folded into one answer", async () => {
    const completion = await openai.chat.completions.create({
      model: MODEL,
      messages: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Say hello" },
      ],
    });
    expect(completion.choices[0]!.message.content).toBe("Hello from Kiro");
    expect(completion.choices[0]!.finish_reason).toBe("stop");
    const seen = lastSeen();
    expect(seen.path).toBe("/generateAssistantResponse");
    expect(seen.headers.authorization).toBe(`Bearer ${tokenOf(firstId)}`);
    for (const name of ["x-amz-target", "user-agent", "x-amz-user-agent", "amz-sdk-request", "accept"]) expect(seen.headers[name], name).toBe(profile.headers[name]!);
    expect(seen.headers["amz-sdk-invocation-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const state = lastState();
    expect(Object.keys(JSON.parse(seen.body))).toEqual(["conversationState"]);
    expect(state.chatTriggerType).toBe("MANUAL");
    expect(state.history).toEqual([]);
    expect(state.currentMessage.userInputMessage).toMatchObject({ modelId: "claude-sonnet-4.5", origin: "AI_EDITOR" });
    expect(state.currentMessage.userInputMessage.content).toBe("<system-reminder>\nBe brief.\n</system-reminder>\n\nSay hello");
    // Usage estimated from contextUsagePercentage (0.5 % of 200k).
    expect(completion.usage?.prompt_tokens).toBe(1000);
  });

  test("the connection test generates through the executor (no models endpoint)", async () => {
    const result = (await (await admin("POST", `/api/connections/${firstId}/test`)).json()) as { ok: boolean; method: string };
    expect(result).toMatchObject({ ok: true, method: "chat" });
    expect(lastSeen().path).toBe("/generateAssistantResponse");
  });

  test("/v1/chat/completions streamed: text deltas, stop, usage, [DONE]; the same conversation keeps its id", async () => {
    const ids: string[] = [];
    const stream = await openai.chat.completions.create({ model: MODEL, stream: true, stream_options: { include_usage: true }, messages: [{ role: "user", content: "Say hello" }] });
    let text = "";
    let finish: string | null = null;
    let usage = false;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = true;
    }
    expect(text).toBe("Hello from Kiro");
    expect(finish).toBe("stop");
    expect(usage).toBe(true);
    ids.push(lastState().conversationId);
    await openai.chat.completions.create({
      model: MODEL,
      messages: [
        { role: "user", content: "Say hello" },
        { role: "assistant", content: "Hello from Kiro" },
        { role: "user", content: "Again" },
      ],
    });
    ids.push(lastState().conversationId);
    expect(lastState().history).toEqual([
      { userInputMessage: { content: "Say hello", modelId: "claude-sonnet-4.5", origin: "AI_EDITOR" } },
      { assistantResponseMessage: { content: "Hello from Kiro" } },
    ]);
    expect(ids[0]).toBe(ids[1]!);
  });

  test("/v1/chat/completions with tools: a tool call assembled from split input events, then the tool result goes up as toolResults", async () => {
    const tools = [{ type: "function" as const, function: { name: "get_weather", description: "Weather of a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } }];
    const first = await openai.chat.completions.create({ model: MODEL, tools, messages: [{ role: "user", content: "Weather in Paris?" }] });
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls![0]! as { id: string; function: { name: string; arguments: string } };
    expect(call.id).toBe("tooluse_kiro1");
    expect(call.function.name).toBe("get_weather");
    expect(JSON.parse(call.function.arguments)).toEqual({ city: "Paris" });
    expect(lastState().currentMessage.userInputMessage.userInputMessageContext.tools).toEqual([
      { toolSpecification: { name: "get_weather", description: "Weather of a city", inputSchema: { json: tools[0]!.function.parameters } } },
    ]);

    const second = await openai.chat.completions.create({
      model: MODEL,
      tools,
      messages: [{ role: "user", content: "Weather in Paris?" }, choice.message, { role: "tool", tool_call_id: call.id, content: "18°C, sunny" }],
    });
    expect(second.choices[0]!.message.content).toBe("Hello from Kiro");
    const state = lastState();
    expect(state.history[1].assistantResponseMessage.toolUses).toEqual([{ toolUseId: "tooluse_kiro1", name: "get_weather", input: { city: "Paris" } }]);
    expect(state.currentMessage.userInputMessage.userInputMessageContext.toolResults).toEqual([{ toolUseId: "tooluse_kiro1", content: [{ text: "18°C, sunny" }], status: "success" }]);
  });

  test("/v1/messages through the Anthropic SDK: a tool_use block, streamed and not", async () => {
    const tools = [{ name: "get_weather", description: "Weather of a city", input_schema: { type: "object" as const, properties: { city: { type: "string" } } } }];
    const message = await anthropic.messages.create({ model: MODEL, max_tokens: 256, tools, messages: [{ role: "user", content: "Weather in Paris?" }] });
    expect(message.stop_reason).toBe("tool_use");
    const use = message.content.find((block) => block.type === "tool_use");
    expect(use).toMatchObject({ type: "tool_use", id: "tooluse_kiro1", name: "get_weather", input: { city: "Paris" } });
    expect(lastState().currentMessage.userInputMessage.userInputMessageContext.tools[0].toolSpecification.name).toBe("get_weather");

    const streamed = await anthropic.messages.stream({ model: MODEL, max_tokens: 256, tools, messages: [{ role: "user", content: "Weather in Paris?" }] }).finalMessage();
    expect(streamed.stop_reason).toBe("tool_use");
    expect(streamed.content.find((block) => block.type === "tool_use")).toMatchObject({ name: "get_weather", input: { city: "Paris" } });
  });
});

describe("token lifecycle and quota", () => {
  test("expiry: one refresh with the registered client, under concurrency", async () => {
    const oauth = gw.gateway.runtime.oauth;
    const before = mock.refreshes;
    const oldToken = tokenOf(firstId);
    mock.settings.refreshDelayMs = 50;
    oauth.setClock(() => Date.now() + 2 * 3600_000);
    try {
      const answers = await Promise.all(Array.from({ length: 10 }, () => openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] })));
      expect(answers.every((a) => a.choices[0]!.message.content === "Hello from Kiro")).toBe(true);
    } finally {
      oauth.setClock(() => Date.now());
      mock.settings.refreshDelayMs = 0;
    }
    expect(mock.refreshes - before).toBe(1);
    expect(tokenOf(firstId)).not.toBe(oldToken);
    expect(lastSeen().headers.authorization).toBe(`Bearer ${tokenOf(firstId)}`);
    const refreshCall = mock.calls.filter((c) => c.path === "/token").at(-1)!;
    expect(JSON.parse(refreshCall.body)).toMatchObject({ grantType: "refresh_token", clientId: connections().readOAuthTokens(firstId)!.extra.clientId });
  });

  test("a token CodeWhisperer refuses with 403 AccessDeniedException: one refresh, the same account again", async () => {
    const before = mock.refreshes;
    const sent = upstream.requests.length;
    mock.expireAccessTokens();
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: `refused ${i}` }] })));
    expect(answers.every((a) => a.choices[0]!.message.content === "Hello from Kiro")).toBe(true);
    expect(mock.refreshes - before).toBe(1);
    // Each refused once with the old token, then answered by the same account with the new one.
    const seen = upstream.requests.slice(sent);
    expect(seen).toHaveLength(10);
    expect(seen.filter((r) => r.headers.authorization === `Bearer ${tokenOf(firstId)}`)).toHaveLength(5);
  });

  test("quota exhausted (getUsageLimits) → the account is skipped until the reset; the other serves", async () => {
    const runtime = gw.gateway.runtime;
    const backupId = await connectKiro("backup");
    expect((await admin("PATCH", `/api/connections/${backupId}`, { priority: 5 })).status).toBe(200);
    await runtime.oauth.fetchQuota(firstId);
    expect(runtime.oauth.quotaOf(firstId)?.limits).toEqual([expect.objectContaining({ name: "kiro-credit", limit: 50, spent: false })]);
    mock.settings.usage = { used: 50, limit: 50, resetAt: Date.now() + 3600_000 };
    try {
      await runtime.oauth.fetchQuota(firstId);
      expect(runtime.oauth.quotaOf(firstId)?.limits[0]).toMatchObject({ spent: true, remaining: 0 });
      for (let i = 0; i < 3; i++) {
        await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: `skip ${i}` }] });
        expect(lastSeen().headers.authorization).toBe(`Bearer ${tokenOf(backupId)}`);
      }
      runtime.quota.setClock(() => Date.now() + 3600_000 + 60_000);
      try {
        const seen = new Set<string>();
        for (let i = 0; i < 4; i++) {
          await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: `back ${i}` }] });
          seen.add(lastSeen().headers.authorization!);
        }
        expect(seen.has(`Bearer ${tokenOf(firstId)}`)).toBe(true);
      } finally {
        runtime.quota.setClock(null);
      }
    } finally {
      mock.settings.usage = { used: 3, limit: 50, resetAt: Date.now() + 20 * 86_400_000 };
      await runtime.oauth.fetchQuota(firstId);
    }
  });

  test("a revoked refresh token → needs-reauth → routing skips the account", async () => {
    const refreshToken = connections().readOAuthTokens(firstId)!.refreshToken!;
    mock.revokeRefreshToken(refreshToken);
    await gw.gateway.runtime.oauth.refreshNow(firstId).catch(() => {});
    const view = (await (await admin("GET", `/api/connections/${firstId}`)).json()) as View;
    expect(view.auth).toMatchObject({ kind: "oauth", state: "needs-reauth" });
    expect(view.auth.error).toContain("invalid_grant");
    expect(JSON.stringify(view)).not.toContain(refreshToken);
    const refreshes = mock.refreshes;
    for (let i = 0; i < 3; i++) {
      const answer = await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: `after revoke ${i}` }] });
      expect(answer.choices[0]!.message.content).toBe("Hello from Kiro");
      expect(lastSeen().headers.authorization).not.toBe(`Bearer ${tokenOf(firstId)}`);
    }
    expect(mock.refreshes).toBe(refreshes);
  });
});
