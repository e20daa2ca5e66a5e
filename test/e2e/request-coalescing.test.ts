import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { AccountHealth } from "../../src/routing/account-health";
import { connectFormat, fixtureReply, startRecordedUpstream, type RecordedReply } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/** Identical requests share one upstream call; distinct ones never do. */
let gw: TestGateway;
let upstream: ReturnType<typeof startRecordedUpstream>;
let reply: () => RecordedReply;
let model: string;

const encoder = new TextEncoder();
const slowText = (): RecordedReply => ({ ...fixtureReply("openai-chat", "text-nonstream").reply, firstByteDelayMs: 300 });
const slowStream = (): RecordedReply => ({ ...fixtureReply("openai-chat", "tool-stream-usage.turn1").reply, firstByteDelayMs: 300 });

const post = (content: string, headers: Record<string, string> = {}, stream = false) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ model, messages: [{ role: "user", content }], stream }),
  });

async function setWindow(dedupWindowMs: number) {
  const response = await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers: await gw.adminHeaders(), body: JSON.stringify({ routing: { dedupWindowMs } }) });
  expect(response.status).toBe(200);
}

beforeAll(async () => {
  upstream = startRecordedUpstream(() => reply());
  gw = await startTestGateway();
  model = await connectFormat(gw, "openai-chat", upstream.url);
});

afterAll(async () => {
  await gw.stop();
  upstream.stop();
});

beforeEach(() => {
  upstream.requests.length = 0;
  gw.gateway.runtime.health = new AccountHealth();
});

describe("request coalescing", () => {
  test("five identical requests in flight together make one upstream call; each client gets the whole answer", async () => {
    reply = slowText;
    const responses = await Promise.all(Array.from({ length: 5 }, () => post("same question")));
    const bodies = await Promise.all(responses.map((r) => r.text()));
    expect(upstream.requests).toHaveLength(1);
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0]!).choices[0].message.content).toBe("The capital of France is Paris.");
    const leader = responses.find((r) => !r.headers.has("x-omniroute-shared-with"))!;
    const followers = responses.filter((r) => r.headers.has("x-omniroute-shared-with"));
    expect(followers).toHaveLength(4);
    for (const follower of followers) {
      expect(follower.headers.get("x-omniroute-shared-with")).toBe(leader.headers.get("x-request-id")!);
      expect(follower.headers.get("x-request-id")).not.toBe(leader.headers.get("x-request-id"));
    }
    // The log has one row per client; the twins name the request whose call they shared.
    const logs = (await (await fetch(`${gw.url}/api/logs?limit=5`, { headers: await gw.adminHeaders() })).json()) as Array<{ sharedWith: string | null }>;
    expect(logs.filter((l) => l.sharedWith === leader.headers.get("x-request-id"))).toHaveLength(4);
  });

  test("identical streams share one call, and every SDK client reads a complete stream", async () => {
    reply = slowStream;
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "unused", maxRetries: 0 });
    const names = await Promise.all(
      Array.from({ length: 3 }, async () => {
        const stream = await client.chat.completions.create({ model, messages: [{ role: "user", content: "capital?" }], stream: true });
        const found: string[] = [];
        for await (const chunk of stream) for (const call of chunk.choices[0]?.delta.tool_calls ?? []) if (call.function?.name) found.push(call.function.name);
        return found;
      }),
    );
    expect(names).toEqual([["get_capital"], ["get_capital"], ["get_capital"]]);
    expect(upstream.requests).toHaveLength(1);
  });

  test("different bodies are never shared, and sequential identical ones without a key each get their own call", async () => {
    reply = slowText;
    await Promise.all([post("one"), post("two")]);
    expect(upstream.requests).toHaveLength(2);
    await post("three");
    await post("three");
    expect(upstream.requests).toHaveLength(4);
  });

  test("an Idempotency-Key replays a successful answer within the window, then expires", async () => {
    reply = slowText;
    await setWindow(600);
    try {
      const first = await post("pay once", { "idempotency-key": "order-1" });
      const again = await post("pay once", { "idempotency-key": "order-1" });
      expect(await again.text()).toBe(await first.text());
      expect(again.headers.get("x-omniroute-shared-with")).toBe(first.headers.get("x-request-id")!);
      expect(upstream.requests).toHaveLength(1);
      await post("pay once", { "idempotency-key": "order-2" });
      expect(upstream.requests).toHaveLength(2);
      await Bun.sleep(700);
      await post("pay once", { "idempotency-key": "order-1" });
      expect(upstream.requests).toHaveLength(3);
    } finally {
      await setWindow(5000);
    }
  });

  test("an error answer is shared with twins waiting for it, but a later retry gets a fresh attempt", async () => {
    reply = () => ({ status: 500, contentType: "application/json", pieces: [encoder.encode('{"error":{"message":"boom","type":"server_error"}}')], firstByteDelayMs: 200 });
    const settings = await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers: await gw.adminHeaders(), body: JSON.stringify({ routing: { transientRetries: 0 } }) });
    expect(settings.status).toBe(200);
    const [a, b] = await Promise.all([post("fragile", { "idempotency-key": "k" }), post("fragile", { "idempotency-key": "k" })]);
    expect([a.status, b.status]).toEqual([500, 500]);
    expect(upstream.requests).toHaveLength(1);
    reply = slowText;
    const retry = await post("fragile", { "idempotency-key": "k" });
    expect(retry.status).toBe(200);
    expect(upstream.requests).toHaveLength(2);
  });

  test("with the window at 0 nothing is shared", async () => {
    reply = slowText;
    await setWindow(0);
    try {
      await Promise.all(Array.from({ length: 3 }, () => post("same again")));
      expect(upstream.requests).toHaveLength(3);
    } finally {
      await setWindow(5000);
    }
  });
});
