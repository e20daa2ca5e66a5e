import Anthropic from "@anthropic-ai/sdk";
import { GoogleGenAI } from "@google/genai";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { connectFormat, fixtureReply, startRecordedUpstream, type RecordedReply, type SeenRequest } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * Client-key permissions, expiry and rate limits, enforced the same way on all four inbound surfaces through the
 * official SDKs, and reflected in every listing a key can read.
 */
let gw: TestGateway;
let upstream: ReturnType<typeof startRecordedUpstream>;
let chatModel: string;
let anthropicModel: string;
let geminiModel: string;
const keys: Record<string, string> = {};

function replyFor(request: SeenRequest): RecordedReply {
  if (request.path.includes("/chat/completions")) return fixtureReply("openai-chat", "text-nonstream").reply;
  if (request.path.includes("/messages")) return fixtureReply("anthropic", "text-nonstream").reply;
  return fixtureReply("gemini", "text-nonstream").reply;
}

async function createKey(body: Record<string, unknown>): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(`${gw.url}/api/keys`, { method: "POST", headers: await gw.adminHeaders(), body: JSON.stringify(body) });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

beforeAll(async () => {
  upstream = startRecordedUpstream(replyFor);
  gw = await startTestGateway();
  chatModel = await connectFormat(gw, "openai-chat", upstream.url);
  anthropicModel = await connectFormat(gw, "anthropic", upstream.url);
  geminiModel = await connectFormat(gw, "gemini", upstream.url);
  const combo = await fetch(`${gw.url}/api/combos`, {
    method: "POST",
    headers: await gw.adminHeaders(),
    body: JSON.stringify({ name: "coding", targets: [{ model: anthropicModel }, { model: chatModel }] }),
  });
  expect(combo.status).toBe(201);
  for (const [name, body] of Object.entries({
    full: {},
    chatOnly: { permissions: { allow: ["mock-chat/*"] } },
    comboOnly: { permissions: { allow: ["combo:coding"], blockedProviders: ["anthropic-compatible"] } },
    geminiProvider: { permissions: { allow: ["provider:gemini"] } },
    limited: { rateLimit: { rpm: 2 } },
  })) {
    const created = await createKey({ name, ...body });
    expect(created.status).toBe(201);
    keys[name] = created.json.key as string;
  }
});

afterAll(async () => {
  await gw.stop();
  upstream.stop();
});

const openaiFor = (key: string) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
const anthropicFor = (key: string) => new Anthropic({ baseURL: gw.url, apiKey: key, maxRetries: 0 });
const geminiFor = (key: string) => new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: gw.url } });

describe("a key allowed one provider's models", () => {
  test("OpenAI Chat: an allowed model is served, another provider's is refused 403 model_not_allowed", async () => {
    const client = openaiFor(keys.chatOnly!);
    const ok = await client.chat.completions.create({ model: chatModel, messages: [{ role: "user", content: "hi" }] });
    expect(ok.choices[0]?.message.content).toBeTruthy();
    const refused = await client.chat.completions.create({ model: anthropicModel, messages: [{ role: "user", content: "hi" }] }).catch((error) => error);
    expect(refused).toBeInstanceOf(OpenAI.PermissionDeniedError);
    expect(refused.status).toBe(403);
    expect(refused.code).toBe("model_not_allowed");
    expect(refused.message).toContain("mock-chat/*");
  });

  test("Anthropic Messages: the same rules, in Anthropic's error shape", async () => {
    const client = anthropicFor(keys.chatOnly!);
    const ok = await client.messages.create({ model: chatModel, max_tokens: 50, messages: [{ role: "user", content: "hi" }] });
    expect(ok.content.length).toBeGreaterThan(0);
    const refused = await client.messages.create({ model: anthropicModel, max_tokens: 50, messages: [{ role: "user", content: "hi" }] }).catch((error) => error);
    expect(refused).toBeInstanceOf(Anthropic.PermissionDeniedError);
    expect(refused.error?.error?.type).toBe("permission_error");
  });

  test("OpenAI Responses: the same rules", async () => {
    const client = openaiFor(keys.chatOnly!);
    const ok = await client.responses.create({ model: chatModel, input: "hi" });
    expect(ok.output_text).toBeTruthy();
    const refused = await client.responses.create({ model: anthropicModel, input: "hi" }).catch((error) => error);
    expect(refused.status).toBe(403);
  });

  test("Gemini: the same rules, PERMISSION_DENIED", async () => {
    const refused = await geminiFor(keys.chatOnly!)
      .models.generateContent({ model: geminiModel, contents: "hi" })
      .catch((error) => error as Error);
    expect(refused).toBeInstanceOf(Error);
    expect(String((refused as Error).message)).toContain("PERMISSION_DENIED");
    const ok = await geminiFor(keys.geminiProvider!).models.generateContent({ model: geminiModel, contents: "hi" });
    expect(ok.text).toBeTruthy();
  });

  test("count_tokens refuses a model outside the scope", async () => {
    const response = await fetch(`${gw.url}/v1/messages/count_tokens`, {
      method: "POST",
      headers: { "x-api-key": keys.chatOnly!, "content-type": "application/json" },
      body: JSON.stringify({ model: anthropicModel, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(403);
  });

  test("/v1/models, /v1beta/models and /v1/quota list only what the key may use", async () => {
    const models = await openaiFor(keys.chatOnly!).models.list();
    expect(models.data.map((m) => m.id)).toEqual([chatModel]);
    const full = await openaiFor(keys.full!).models.list();
    expect(full.data.map((m) => m.id).sort()).toEqual([anthropicModel, chatModel, "coding", geminiModel].sort());
    const gemini = (await (await fetch(`${gw.url}/v1beta/models`, { headers: { "x-goog-api-key": keys.geminiProvider! } })).json()) as { models: Array<{ baseModelId: string }> };
    expect(gemini.models.map((m) => m.baseModelId)).toEqual([geminiModel]);
    const quota = (await (await fetch(`${gw.url}/v1/quota`, { headers: { authorization: `Bearer ${keys.chatOnly}` } })).json()) as {
      accounts: Array<{ provider: string }>;
      combos: unknown[];
    };
    expect(quota.accounts.map((a) => a.provider)).toEqual(["openai-compatible"]);
    expect(quota.combos).toEqual([]);
  });
});

describe("a key allowed one combo with a blocked provider", () => {
  test("the combo serves through the providers left; the blocked provider is never called", async () => {
    const before = upstream.requests.length;
    const answer = await openaiFor(keys.comboOnly!).chat.completions.create({ model: "coding", messages: [{ role: "user", content: "hi" }] });
    expect(answer.choices[0]?.message.content).toBeTruthy();
    const sent = upstream.requests.slice(before);
    expect(sent.map((r) => r.path)).toEqual(["/v1/chat/completions"]);
  });

  test("a direct call to a model, even of a provider it is not blocked from, is refused", async () => {
    const refused = await openaiFor(keys.comboOnly!).chat.completions.create({ model: chatModel, messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
    expect(refused.status).toBe(403);
    const models = await openaiFor(keys.comboOnly!).models.list();
    expect(models.data.map((m) => m.id)).toEqual(["coding"]);
  });
});

describe("expiry and rate limit", () => {
  test("an expired key is refused 401 with the time it expired; the listing says expired", async () => {
    const services = gw.gateway.runtime.services;
    const past = Date.now() - 60_000;
    const created = services.apiKeys.create("old", { expiresAt: new Date(past).toISOString(), now: past - 60_000 });
    const refused = await openaiFor(created.key).models.list().catch((e) => e);
    expect(refused.status).toBe(401);
    expect(refused.message).toContain("expired at");
    const listed = (await (await fetch(`${gw.url}/api/keys`, { headers: await gw.adminHeaders() })).json()) as Array<{ id: string; expired: boolean }>;
    expect(listed.find((k) => k.id === created.id)?.expired).toBe(true);
  });

  test("an expiry in the past is refused at creation", async () => {
    const created = await createKey({ name: "bad", expiresAt: "2020-01-01T00:00:00Z" });
    expect(created.status).toBe(400);
    expect(JSON.stringify(created.json)).toContain("past");
  });

  test("a key over its requests per minute gets 429 with Retry-After in its own format", async () => {
    const client = openaiFor(keys.limited!);
    await client.chat.completions.create({ model: chatModel, messages: [{ role: "user", content: "1" }] });
    await client.chat.completions.create({ model: chatModel, messages: [{ role: "user", content: "2" }] });
    const response = await fetch(`${gw.url}/v1/messages`, {
      method: "POST",
      headers: { "x-api-key": keys.limited!, "content-type": "application/json" },
      body: JSON.stringify({ model: anthropicModel, max_tokens: 10, messages: [{ role: "user", content: "3" }] }),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe("error");
    expect(body.error.message).toContain("2 requests per minute");
  });
});

describe("editing and validating permissions", () => {
  test("PATCH widens a key at once; bad entries and unknown fields are refused 400", async () => {
    const created = await createKey({ name: "narrow", permissions: { allow: ["mock-chat/other-*"] } });
    const client = openaiFor(created.json.key as string);
    expect((await client.chat.completions.create({ model: chatModel, messages: [{ role: "user", content: "x" }] }).catch((e) => e)).status).toBe(403);
    const patched = await fetch(`${gw.url}/api/keys/${created.json.id}`, {
      method: "PATCH",
      headers: await gw.adminHeaders(),
      body: JSON.stringify({ permissions: { allow: null, blockedProviders: [] } }),
    });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as { permissions: { allow: unknown } }).permissions.allow).toBeNull();
    const ok = await client.chat.completions.create({ model: chatModel, messages: [{ role: "user", content: "x" }] });
    expect(ok.choices.length).toBe(1);
    for (const body of [
      { permissions: { allow: ["gpt-*"] } },
      { permissions: { allow: ["openai/ has space"] } },
      { role: "admin" },
      { permissions: { allow: null, admin: true } },
      { rateLimit: { rpm: 0 } },
    ]) {
      const response = await fetch(`${gw.url}/api/keys/${created.json.id}`, { method: "PATCH", headers: await gw.adminHeaders(), body: JSON.stringify(body) });
      expect(response.status).toBe(400);
    }
  });

  test("a model id that could walk an upstream URL is refused 400 before routing", async () => {
    for (const model of ["google/../../v1/files", "google/x?key=1", "google/a b", "google/%2e%2e"]) {
      const response = await fetch(`${gw.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${keys.full}`, "content-type": "application/json" },
        body: JSON.stringify({ model, messages: [{ role: "user", content: "x" }] }),
      });
      expect(response.status).toBe(400);
    }
    const before = upstream.requests.length;
    const gemini = await fetch(`${gw.url}/v1beta/models/google%2F..%2F..%2Ffiles:generateContent`, {
      method: "POST",
      headers: { "x-goog-api-key": keys.full!, "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ parts: [{ text: "x" }] }] }),
    });
    expect(gemini.status).toBe(400);
    expect(upstream.requests.length).toBe(before);
  });
});
