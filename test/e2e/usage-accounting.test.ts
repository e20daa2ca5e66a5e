import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { connectFormat, fixtureReply, startRecordedUpstream, type RecordedReply } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/** Cost from the price book, local estimates when an upstream reports no usage, the combo tier, body logging. */
let gw: TestGateway;
let upstream: ReturnType<typeof startRecordedUpstream>;
let reply: () => RecordedReply = () => fixtureReply("openai-chat", "text-nonstream").reply;
let chatModel: string;
let anthropicModel: string;
const encoder = new TextEncoder();

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${gw.url}${path}`, { method, headers: await gw.adminHeaders(), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

type LogRow = Record<string, unknown> & { id: string };
async function logRow(id: string): Promise<LogRow> {
  for (let i = 0; i < 100; i++) {
    const rows = (await (await admin("GET", "/api/logs?limit=200")).json()) as LogRow[];
    const row = rows.find((r) => r.id === id);
    if (row) return row;
    await Bun.sleep(20);
  }
  throw new Error(`no request-log row for ${id}`);
}

beforeAll(async () => {
  upstream = startRecordedUpstream((seen) => (seen.path.endsWith("/messages") ? fixtureReply("anthropic", "text-nonstream").reply : reply()));
  gw = await startTestGateway();
  chatModel = await connectFormat(gw, "openai-chat", upstream.url, "priced-chat");
  anthropicModel = await connectFormat(gw, "anthropic", upstream.url, "priced-claude");
  // $1000 / $2000 per 1M tokens so the fixtures' few tokens give readable figures.
  const patched = await admin("PATCH", "/api/settings", { pricing: { models: { "priced-chat": { input: 1000, output: 2000 }, "anthropic-compatible/priced-claude": { input: 3000, output: 15000 } } } });
  expect(patched.status).toBe(200);
});

afterAll(async () => {
  await gw.stop();
  upstream.stop();
});

describe("cost of every request", () => {
  test("OpenAI pass-through: usage read from the answer, priced by the user's price (bare model id)", async () => {
    const id = `cost-chat-${Date.now()}`;
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "open", maxRetries: 0, defaultHeaders: { "x-request-id": id } });
    await client.chat.completions.create({ model: chatModel, messages: [{ role: "user", content: "hi" }] });
    const row = await logRow(id);
    // The fixture reports 24 prompt and 8 completion tokens.
    expect(row).toMatchObject({ tokensIn: 24, tokensOut: 8, usageEstimated: false });
    expect(row.costUsd as number).toBeCloseTo((24 * 1000 + 8 * 2000) / 1e6, 10);
  });

  test("Anthropic client to an Anthropic upstream, priced per provider/model", async () => {
    const id = `cost-anthropic-${Date.now()}`;
    const client = new Anthropic({ baseURL: gw.url, apiKey: "open", maxRetries: 0, defaultHeaders: { "x-request-id": id } });
    await client.messages.create({ model: anthropicModel, max_tokens: 100, messages: [{ role: "user", content: "hi" }] });
    const row = await logRow(id);
    expect(row).toMatchObject({ tokensIn: 12, tokensOut: 29 });
    expect(row.costUsd as number).toBeCloseTo((12 * 3000 + 29 * 15000) / 1e6, 10);
  });

  test("an unpriced model has no cost, not a guess", async () => {
    // A custom model id on the same connection: no catalog price, no user price.
    const model = "mock-chat/unpriced-model";
    const id = `cost-none-${Date.now()}`;
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "x-request-id": id },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(200);
    const row = await logRow(id);
    expect(row.tokensIn).toBe(24);
    expect(row.costUsd).toBeNull();
  });
});

describe("usage the upstream did not report", () => {
  test("is estimated locally, flagged, and priced when both sides are known", async () => {
    const answer = { id: "chatcmpl-x", object: "chat.completion", created: 1, model: "priced-chat", choices: [{ index: 0, message: { role: "assistant", content: "The capital of France is Paris." }, finish_reason: "stop" }] };
    reply = () => ({ status: 200, contentType: "application/json", pieces: [encoder.encode(JSON.stringify(answer))] });
    try {
      const id = `estimate-${Date.now()}`;
      const response = await fetch(`${gw.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "x-request-id": id },
        body: JSON.stringify({ model: chatModel, messages: [{ role: "user", content: "What is the capital of France? Answer in one sentence, please." }] }),
      });
      expect(response.status).toBe(200);
      const row = await logRow(id);
      expect(row.usageEstimated).toBe(true);
      expect(row.tokensIn as number).toBeGreaterThan(10);
      expect(row.tokensIn as number).toBeLessThan(40);
      expect(row.tokensOut as number).toBeGreaterThan(4);
      expect(row.tokensOut as number).toBeLessThan(20);
      expect(row.costUsd as number).toBeGreaterThan(0);
    } finally {
      reply = () => fixtureReply("openai-chat", "text-nonstream").reply;
    }
  });
});

describe("combo tiers in the log", () => {
  test("a combo request records the combo and the entry that served it", async () => {
    const created = await admin("POST", "/api/combos", { name: "tiers", targets: [{ model: "mock-chat/first-tier" }, { model: chatModel }] });
    expect(created.status).toBe(201);
    const id = `combo-tier-${Date.now()}`;
    const response = await fetch(`${gw.url}/v1/chat/completions`, { method: "POST", headers: { "x-request-id": id }, body: JSON.stringify({ model: "tiers", messages: [{ role: "user", content: "hi" }] }) });
    expect(response.status).toBe(200);
    const row = await logRow(id);
    expect(row.combo).toBe("tiers");
    // Fill-first: the first entry (a custom model id on the same fake upstream) serves.
    expect(row.comboTarget).toBe("mock-chat/first-tier");
    expect(row.upstreamModel).toBe("first-tier");
  });
});

describe("body logging", () => {
  test("off by default; when on, bodies are kept with secrets redacted and read back through the store", async () => {
    const secret = "sk-live-abcdefghijklmnopqrstuvwx";
    const send = async (id: string) =>
      fetch(`${gw.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "x-request-id": id },
        body: JSON.stringify({ model: chatModel, messages: [{ role: "user", content: `my key is ${secret}, keep it safe` }] }),
      }).then((r) => r.text());
    const bodyRow = (id: string) => gw.gateway.runtime.services.store.sqlite.query("SELECT * FROM request_bodies WHERE request_id = ?").get(id) as Record<string, string> | null;

    const offId = `bodies-off-${Date.now()}`;
    await send(offId);
    await logRow(offId);
    await Bun.sleep(300);
    expect(bodyRow(offId)).toBeNull();

    expect((await admin("PATCH", "/api/settings", { requestLog: { bodies: true } })).status).toBe(200);
    try {
      const onId = `bodies-on-${Date.now()}`;
      const answer = await send(onId);
      let row: Record<string, string> | null = null;
      for (let i = 0; i < 50 && !row; i++) {
        await Bun.sleep(20);
        row = bodyRow(onId);
      }
      expect(row).not.toBeNull();
      expect(row!.request_body).toContain("keep it safe");
      expect(row!.request_body).not.toContain(secret);
      expect(row!.response_body).toBe(answer);
    } finally {
      await admin("PATCH", "/api/settings", { requestLog: { bodies: false } });
    }
  });
});

describe("GET /api/pricing", () => {
  test("effective prices: the user's entries over the catalog, custom models included, behind the login", async () => {
    expect((await fetch(`${gw.url}/api/pricing`)).status).toBe(401);
    const body = (await (await admin("GET", "/api/pricing")).json()) as {
      overrides: Record<string, unknown>;
      models: Array<{ providerId: string; model: string; source: string; price: { input: number; output: number } }>;
    };
    expect(body.overrides["priced-chat"]).toEqual({ input: 1000, output: 2000 });
    const find = (providerId: string, model: string) => body.models.find((m) => m.providerId === providerId && m.model === model);
    expect(find("anthropic-compatible", "priced-claude")).toMatchObject({ source: "override", price: { input: 3000, output: 15000 } });
    expect(find("openai-compatible", "priced-chat")).toMatchObject({ source: "override-any-provider" });
    expect(find("deepseek", "deepseek-flash")).toMatchObject({ source: "catalog" });
  });

  test("a bad price is a clear 400 and changes nothing", async () => {
    const response = await admin("PATCH", "/api/settings", { pricing: { models: { x: { input: -1, output: 1 } } } });
    expect(response.status).toBe(400);
    const body = (await (await admin("GET", "/api/pricing")).json()) as { overrides: Record<string, unknown> };
    expect(body.overrides.x).toBeUndefined();
  });
});
