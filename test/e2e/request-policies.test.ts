import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fixtureReply, startRecordedUpstream, type SeenRequest } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * settings.requests end to end: the global system prompt and each thinking mode as the recorded upstream receives
 * them, for same-format (pass-through) clients as well as translated ones, and byte-exact pass-through when off.
 */
let gw: TestGateway;
let upstream: ReturnType<typeof startRecordedUpstream>;

/** One fake upstream answering every format by path. */
function replyFor(request: SeenRequest) {
  if (request.path.endsWith("/messages")) return fixtureReply("anthropic", "text-nonstream").reply;
  if (request.path.includes(":generateContent")) return fixtureReply("gemini", "text-nonstream").reply;
  return fixtureReply("openai-chat", "text-nonstream").reply;
}

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${gw.url}${path}`, { method, headers: await gw.adminHeaders(), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

async function setRequests(requests: Record<string, unknown>): Promise<void> {
  const response = await admin("PATCH", "/api/settings", { requests });
  expect(response.status).toBe(200);
}

async function connect(body: Record<string, unknown>): Promise<void> {
  const response = await admin("POST", "/api/connections", { apiKey: "sk-upstream-secret", ...body });
  if (response.status !== 201) throw new Error(`connect failed: ${response.status} ${await response.text()}`);
}

/** Sends a raw body and returns the body the upstream received, parsed, and raw. */
async function send(path: string, body: string): Promise<{ raw: string; json: Record<string, unknown> }> {
  const before = upstream.requests.length;
  const response = await fetch(`${gw.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });
  expect(response.status).toBe(200);
  await response.arrayBuffer();
  expect(upstream.requests.length).toBe(before + 1);
  const raw = upstream.requests.at(-1)!.body;
  return { raw, json: JSON.parse(raw) as Record<string, unknown> };
}

const chatBody = (model: string, extra = "") =>
  `{"model":"${model}", "messages":[{"role":"system","content":"Client rules."},{"role":"user","content":"hi é"}]${extra}, "temperature":0.70}`;
const messagesBody = (model: string, extra = "") =>
  `{"model":"${model}","max_tokens":2000, "system":"Client rules.","messages":[{"role":"user","content":"hi é"}]${extra}}`;

const CUSTOM_CHAT = "mock-chat/test-model"; // openai-compatible: not reasoning-capable in the catalog
const CLAUDE = "anthropic/claude-sonnet-4-6"; // catalog: reasoning
const GPT = "openai/gpt-5.5"; // catalog: reasoning
const GEMINI = "google/gemini-2.5-pro"; // catalog: reasoning

beforeAll(async () => {
  upstream = startRecordedUpstream(replyFor);
  gw = await startTestGateway();
  await connect({ providerId: "openai-compatible", alias: "mock-chat", baseUrl: `${upstream.url}/v1`, models: ["test-model"] });
  await connect({ providerId: "anthropic", baseUrl: `${upstream.url}/v1`, models: ["claude-sonnet-4-6"] });
  await connect({ providerId: "openai", baseUrl: `${upstream.url}/v1`, models: ["gpt-5.5"] });
  await connect({ providerId: "gemini", baseUrl: `${upstream.url}/v1beta`, models: ["gemini-2.5-pro"] });
});

afterAll(async () => {
  await gw?.stop();
  upstream?.stop();
});

describe("request policies (settings.requests)", () => {
  test("with every control off, same-format bodies reach the upstream byte for byte (but the model id)", async () => {
    const settings = (await (await admin("GET", "/api/settings")).json()) as { requests: unknown };
    expect(settings.requests).toEqual({ systemPrompt: "", systemPromptPosition: "prepend", thinking: { mode: "passthrough", budgetTokens: 8192 } });

    const chat = chatBody(CUSTOM_CHAT);
    expect((await send("/v1/chat/completions", chat)).raw).toBe(chat.replace(CUSTOM_CHAT, "test-model"));
    const messages = messagesBody(CLAUDE);
    expect((await send("/v1/messages", messages)).raw).toBe(messages.replace(CLAUDE, "claude-sonnet-4-6"));
  });

  test("a PATCH naming thinking needs both fields; a bad value is refused with the API's message", async () => {
    const partial = await admin("PATCH", "/api/settings", { requests: { thinking: { mode: "custom" } } });
    expect(partial.status).toBe(400);
    const tooSmall = await admin("PATCH", "/api/settings", { requests: { thinking: { mode: "custom", budgetTokens: 10 } } });
    expect(tooSmall.status).toBe(400);
    expect(((await tooSmall.json()) as { error: { message: string } }).error.message).toContain("budgetTokens");
  });

  test("the global system prompt reaches every upstream, pass-through clients included", async () => {
    await setRequests({ systemPrompt: "House rules: answer briefly." });

    // Chat client → Chat upstream: would be pass-through; rebuilt with our block first in the system message.
    const chat = (await send("/v1/chat/completions", chatBody(CUSTOM_CHAT))).json;
    expect((chat.messages as unknown[])[0]).toEqual({ role: "system", content: "House rules: answer briefly.\n\nClient rules." });
    expect(chat.temperature).toBe(0.7);
    expect(chat.model).toBe("test-model");

    // Anthropic client → Anthropic upstream.
    const messages = (await send("/v1/messages", messagesBody(CLAUDE))).json;
    expect(messages.system).toEqual([
      { type: "text", text: "House rules: answer briefly." },
      { type: "text", text: "Client rules." },
    ]);

    // Appended: the last block; a translated request (Chat client → Gemini) gets it too.
    await setRequests({ systemPromptPosition: "append" });
    const gemini = (await send("/v1/chat/completions", chatBody(GEMINI))).json;
    expect(gemini.systemInstruction).toEqual({ parts: [{ text: "Client rules." }, { text: "House rules: answer briefly." }] });
    await setRequests({ systemPrompt: "", systemPromptPosition: "prepend" });
  });

  test("custom: reasoning-capable targets get exactly the budget, over the client's; others stay untouched", async () => {
    await setRequests({ thinking: { mode: "custom", budgetTokens: 16_000 } });
    const silent = (await send("/v1/messages", messagesBody(CLAUDE))).json;
    expect(silent.thinking).toEqual({ type: "enabled", budget_tokens: 16_000 });
    expect(silent.max_tokens as number).toBeGreaterThan(16_000);
    const own = (await send("/v1/messages", messagesBody(CLAUDE, `,"thinking":{"type":"enabled","budget_tokens":1500}`))).json;
    expect(own.thinking).toEqual({ type: "enabled", budget_tokens: 16_000 });
    // OpenAI knows efforts, not budgets: the nearest one.
    expect((await send("/v1/chat/completions", chatBody(GPT, `,"reasoning_effort":"low"`))).json.reasoning_effort).toBe("high");
    const gemini = (await send("/v1/chat/completions", chatBody(GEMINI))).json;
    expect((gemini.generationConfig as { thinkingConfig: { thinkingBudget: number } }).thinkingConfig.thinkingBudget).toBe(16_000);

    // Not reasoning-capable: still pass-through, byte for byte.
    const chat = chatBody(CUSTOM_CHAT);
    expect((await send("/v1/chat/completions", chat)).raw).toBe(chat.replace(CUSTOM_CHAT, "test-model"));
  });

  test("auto: medium effort when the client asked nothing; the client's own setting wins", async () => {
    await setRequests({ thinking: { mode: "auto", budgetTokens: 16_000 } });
    expect((await send("/v1/chat/completions", chatBody(GPT))).json.reasoning_effort).toBe("medium");
    expect((await send("/v1/chat/completions", chatBody(GPT, `,"reasoning_effort":"low"`))).json.reasoning_effort).toBe("low");
    expect((await send("/v1/messages", messagesBody(CLAUDE))).json.thinking).toEqual({ type: "enabled", budget_tokens: 12_288 });
    const declined = (await send("/v1/messages", messagesBody(CLAUDE, `,"thinking":{"type":"disabled"}`))).json;
    expect(declined.thinking).toEqual({ type: "disabled" });
  });

  test("adaptive: Anthropic adaptive thinking, Gemini's dynamic budget, medium effort elsewhere", async () => {
    await setRequests({ thinking: { mode: "adaptive", budgetTokens: 8192 } });
    expect((await send("/v1/messages", messagesBody(CLAUDE))).json.thinking).toEqual({ type: "adaptive" });
    const gemini = (await send("/v1/chat/completions", chatBody(GEMINI))).json;
    expect((gemini.generationConfig as { thinkingConfig: { thinkingBudget: number } }).thinkingConfig.thinkingBudget).toBe(-1);
    expect((await send("/v1/chat/completions", chatBody(GPT))).json.reasoning_effort).toBe("medium");
  });

  test("switched back off, pass-through is byte-exact again", async () => {
    await setRequests({ systemPrompt: "", thinking: { mode: "passthrough", budgetTokens: 8192 } });
    expect(gw.gateway.runtime.requestPolicies.active).toBe(false);
    const messages = messagesBody(CLAUDE, `,"thinking":{"type":"enabled","budget_tokens":1500}`);
    expect((await send("/v1/messages", messages)).raw).toBe(messages.replace(CLAUDE, "claude-sonnet-4-6"));
    const chat = chatBody(GPT);
    expect((await send("/v1/chat/completions", chat)).raw).toBe(chat.replace(GPT, "gpt-5.5"));
  });
});
