import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { fixtureReply, startRecordedUpstream, type RecordedReply } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/** A whole provider switched off and on at run time: no restart, requests in flight finish. */
let gw: TestGateway;
let deepseek: ReturnType<typeof startRecordedUpstream>;
let mistral: ReturnType<typeof startRecordedUpstream>;
let deepseekReply: () => RecordedReply = () => fixtureReply("openai-chat", "text-nonstream").reply;

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${gw.url}${path}`, { method, headers: await gw.adminHeaders(), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

const chat = (model: string) =>
  fetch(`${gw.url}/v1/chat/completions`, { method: "POST", body: JSON.stringify({ model, messages: [{ role: "user", content: `hi ${Math.random()}` }] }) });

beforeAll(async () => {
  deepseek = startRecordedUpstream(() => deepseekReply());
  mistral = startRecordedUpstream(() => fixtureReply("openai-chat", "text-nonstream").reply);
  gw = await startTestGateway();
  for (const [providerId, upstream] of [["deepseek", deepseek], ["mistral", mistral]] as const) {
    const created = await admin("POST", "/api/connections", { providerId, baseUrl: `${upstream.url}/v1`, apiKey: `sk-${providerId}` });
    expect(created.status).toBe(201);
  }
  expect((await admin("POST", "/api/combos", { name: "lane", targets: [{ model: "ds/deepseek-v4-pro" }, { model: "mistral/mistral-large-4" }] })).status).toBe(201);
});

afterAll(async () => {
  await gw.stop();
  deepseek.stop();
  mistral.stop();
});

describe("switching a provider off and on", () => {
  test("off: its models 404 with a message saying so, leave the model list, and combos skip it; in-flight requests finish", async () => {
    deepseekReply = () => ({ ...fixtureReply("openai-chat", "text-nonstream").reply, firstByteDelayMs: 300 });
    const inFlight = chat("ds/deepseek-v4-pro");
    await Bun.sleep(50);
    const off = await admin("PATCH", "/api/providers/deepseek", { enabled: false });
    expect(off.status).toBe(200);
    expect((await inFlight).status).toBe(200);
    deepseekReply = () => fixtureReply("openai-chat", "text-nonstream").reply;

    const refused = await chat("ds/deepseek-v4-pro");
    expect(refused.status).toBe(404);
    const body = (await refused.json()) as { error: { message: string } };
    expect(body.error.message).toContain("switched off");
    expect(body.error.message).toContain("PATCH /api/providers/deepseek");

    const ids = ((await (await fetch(`${gw.url}/v1/models`)).json()) as { data: Array<{ id: string }> }).data.map((m) => m.id);
    expect(ids.some((id) => id.startsWith("ds/"))).toBe(false);
    expect(ids).toContain("mistral/mistral-large-4");

    const before = mistral.requests.length;
    const viaCombo = await chat("lane");
    expect(viaCombo.status).toBe(200);
    expect(mistral.requests.length).toBe(before + 1);

    const providers = (await (await admin("GET", "/api/providers")).json()) as Array<{ id: string; enabled: boolean }>;
    expect(providers.find((p) => p.id === "deepseek")?.enabled).toBe(false);
    expect(providers.find((p) => p.id === "mistral")?.enabled).toBe(true);
  });

  test("on again: served at once", async () => {
    expect((await admin("PATCH", "/api/providers/deepseek", { enabled: true })).status).toBe(200);
    const before = deepseek.requests.length;
    expect((await chat("ds/deepseek-v4-pro")).status).toBe(200);
    expect(deepseek.requests.length).toBe(before + 1);
  });

  test("unknown providers and bad bodies are clear errors", async () => {
    expect((await admin("PATCH", "/api/providers/no-such-provider", { enabled: false })).status).toBe(404);
    expect((await admin("PATCH", "/api/providers/deepseek", { enabled: "no" })).status).toBe(400);
    const anonymous = await fetch(`${gw.url}/api/providers/deepseek`, { method: "PATCH", headers: { "content-type": "application/json", "x-omniroute-request": "1" }, body: JSON.stringify({ enabled: false }) });
    expect(anonymous.status).toBe(401);
  });
});
