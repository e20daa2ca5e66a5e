import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { fixtureBytes, splitSseEvents, startOpenAIMockUpstream, streamedBody } from "../fakes/openai-mock-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

const NONSTREAM = fixtureBytes("openai-chat/text-nonstream.response.json");
const STREAM = fixtureBytes("openai-chat/tool-stream-usage.turn1.sse");
const REQUEST_NONSTREAM = fixtureBytes("openai-chat/text-nonstream.request.json");
const decoder = new TextDecoder();

let upstream: ReturnType<typeof startOpenAIMockUpstream>;
let gw: TestGateway;
let client: OpenAI;

beforeAll(async () => {
  upstream = startOpenAIMockUpstream({
    "POST /v1/chat/completions": (_request, body) => {
      const parsed = JSON.parse(body) as { stream?: boolean };
      if (parsed.stream) {
        return new Response(streamedBody(splitSseEvents(STREAM), 2), { headers: { "content-type": "text/event-stream; charset=utf-8" } });
      }
      return new Response(NONSTREAM, { headers: { "content-type": "application/json", "x-ratelimit-remaining-requests": "99" } });
    },
  });
  gw = await startTestGateway();
  const headers = await gw.adminHeaders();
  const created = await fetch(`${gw.url}/api/connections`, {
    method: "POST",
    headers,
    body: JSON.stringify({ providerId: "openai-compatible", alias: "mock", baseUrl: upstream.baseUrl, apiKey: "sk-upstream-secret-1234", models: ["gpt-4o", "gpt-4o-mini"] }),
  });
  expect(created.status).toBe(201);
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "unused-on-open-loopback", maxRetries: 0 });
});

afterAll(async () => {
  await gw.stop();
  upstream.stop();
});

describe("OpenAI SDK through OmniRoute to an OpenAI-compatible upstream", () => {
  test("non-stream completion: the SDK gets the upstream's answer and the bytes are untouched", async () => {
    const completion = await client.chat.completions.create({
      model: "mock/gpt-4o",
      messages: [{ role: "system", content: "You are a helpful assistant." }, { role: "user", content: "What is the capital of France?" }],
    });
    expect(completion).toEqual(JSON.parse(decoder.decode(NONSTREAM)));

    const raw = await fetch(`${gw.url}/v1/chat/completions`, { method: "POST", body: REQUEST_NONSTREAM.slice() });
    expect(new Uint8Array(await raw.arrayBuffer())).toEqual(NONSTREAM);
    expect(raw.headers.get("x-request-id")).toMatch(/^req_/);
    expect(raw.headers.get("x-omniroute-provider")).toBe("openai-compatible");
    expect(raw.headers.get("x-ratelimit-remaining-requests")).toBe("99");
  });

  test("the upstream receives the client's body with only the model id changed, and our credentials", async () => {
    const sent = `{"model" : "mock/gpt-4o",\n "messages":[{"role":"user","content":"say \\"model\\": \\"mock/gpt-4o\\" é"}],"n":1, "temperature": 0.70}`;
    await fetch(`${gw.url}/v1/chat/completions`, { method: "POST", body: sent, headers: { authorization: "Bearer client-side-token" } });
    const received = upstream.requests.at(-1)!;
    expect(received.path).toBe("/v1/chat/completions");
    expect(received.body).toBe(sent.replace('"mock/gpt-4o",', '"gpt-4o",'));
    expect(received.headers.authorization).toBe("Bearer sk-upstream-secret-1234");
  });

  test("streamed completion, usage asked for: SDK chunks match the fixture and raw bytes are byte-exact", async () => {
    const stream = await client.chat.completions.create({
      model: "mock/gpt-4o-mini",
      messages: [{ role: "user", content: "hi" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: unknown[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const expected = decoder
      .decode(STREAM)
      .split("\n\n")
      .filter((line) => line.startsWith("data: {"))
      .map((line) => JSON.parse(line.slice(6)));
    expect(chunks).toEqual(expected);

    const sent = JSON.stringify({ model: "mock/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } });
    const raw = await fetch(`${gw.url}/v1/chat/completions`, { method: "POST", body: sent });
    expect(raw.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(new Uint8Array(await raw.arrayBuffer())).toEqual(STREAM);
    // The client asked itself: its body goes up with only the model changed.
    expect(upstream.requests.at(-1)!.body).toBe(sent.replace('"mock/gpt-4o-mini"', '"gpt-4o-mini"'));
  });

  test("streamed completion, usage not asked for: the gateway asks the upstream and keeps the usage chunk from the client", async () => {
    const stream = await client.chat.completions.create({ model: "mock/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true });
    const chunks: Array<{ choices: unknown[] }> = [];
    for await (const chunk of stream) chunks.push(chunk as { choices: unknown[] });
    const upstreamBody = JSON.parse(upstream.requests.at(-1)!.body) as Record<string, unknown>;
    expect(upstreamBody.stream_options).toEqual({ include_usage: true });
    // Every chunk the client sees has a choice (no usage-only chunk), and nothing else is missing.
    const withChoices = decoder
      .decode(STREAM)
      .split("\n\n")
      .filter((line) => line.startsWith("data: {"))
      .map((line) => JSON.parse(line.slice(6)) as { choices: unknown[] })
      .filter((chunk) => chunk.choices.length > 0);
    expect(chunks).toEqual(withChoices);

    const raw = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ model: "mock/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true }),
    });
    const text = decoder.decode(await raw.arrayBuffer());
    expect(text).not.toContain('"choices":[]');
    expect(text.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(text.length).toBeLessThan(STREAM.byteLength);
  });

  test("the SDK accumulates a streamed tool call into one call with complete arguments", async () => {
    const runner = client.chat.completions.stream({ model: "mock/gpt-4o-mini", messages: [{ role: "user", content: "capital of UK?" }] });
    const final = await runner.finalChatCompletion();
    const call = final.choices[0]!.message.tool_calls![0]!;
    expect(call.type).toBe("function");
    if (call.type !== "function") throw new Error("expected a function call");
    expect(call.function.name).toBe("get_capital");
    expect(JSON.parse(call.function.arguments)).toEqual({ country: "UK" });
    expect(final.choices[0]!.finish_reason).toBe("tool_calls");
  });

  test("models list: OpenAI list shape with alias-prefixed ids", async () => {
    const ids: string[] = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toContain("mock/gpt-4o");
    expect(ids).toContain("mock/gpt-4o-mini");
    const raw = (await (await fetch(`${gw.url}/v1/models`)).json()) as { object: string; data: Array<Record<string, unknown>> };
    expect(raw.object).toBe("list");
    expect(raw.data[0]).toMatchObject({ object: "model", owned_by: "openai-compatible" });
  });

  test("stream usage lands in the request log with tokens read from the final chunk", async () => {
    const requestId = `usage-check-${Date.now()}`;
    const raw = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "x-request-id": requestId },
      body: JSON.stringify({ model: "mock/gpt-4o-mini", messages: [{ role: "user", content: "hi" }], stream: true }),
    });
    expect(raw.headers.get("x-request-id")).toBe(requestId);
    await raw.arrayBuffer();
    await Bun.sleep(20);
    const logs = (await (await fetch(`${gw.url}/api/logs?limit=50`, { headers: await gw.adminHeaders() })).json()) as Array<Record<string, unknown>>;
    const entry = logs.find((row) => row.id === requestId);
    expect(entry).toMatchObject({ status: 200, stream: true, tokensIn: 53, tokensOut: 15, tokensCached: 0, requestedModel: "mock/gpt-4o-mini", upstreamModel: "gpt-4o-mini" });
    expect(entry!.ttfbMs as number).toBeGreaterThanOrEqual(0);
  });
});
