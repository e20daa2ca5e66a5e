import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { RoundTripResult } from "../../src/server/admin/round-trip-routes";
import { AccountHealth } from "../../src/routing/account-health";
import { FIXTURES } from "../fakes/openai-mock-upstream";
import { connectFormat, fixtureReply, jsonReply, startRecordedUpstream, type RecordedReply, type SeenRequest } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * `POST /api/translate/round-trip`: one request through the real pipeline against recorded upstreams, every stage
 * returned — and no credential anywhere in what comes back.
 */
let gw: TestGateway;
let upstream: ReturnType<typeof startRecordedUpstream>;
let next: (request: SeenRequest) => RecordedReply;
let anthropicModel: string;
let chatModel: string;

const ANTHROPIC_SECRET = "sk-anthropic-upstream-secret";
const CHAT_SECRET = "sk-openai-chat-upstream-secret";
const json = (status: number, body: unknown): RecordedReply => jsonReply(status, body);
const recordedText = (path: string) => readFileSync(join(FIXTURES, path), "utf8");

async function roundTrip(body: unknown, headers?: Record<string, string>): Promise<Response> {
  return fetch(`${gw.url}/api/translate/round-trip`, { method: "POST", headers: headers ?? (await gw.adminHeaders()), body: JSON.stringify(body) });
}

async function roundTripOk(body: unknown): Promise<RoundTripResult> {
  const response = await roundTrip(body);
  expect(response.status).toBe(200);
  return (await response.json()) as RoundTripResult;
}

function expectNoSecrets(result: unknown): void {
  const text = JSON.stringify(result);
  expect(text).not.toContain(ANTHROPIC_SECRET);
  expect(text).not.toContain(CHAT_SECRET);
  expect(text.toLowerCase()).not.toContain('"x-api-key"');
  expect(text.toLowerCase()).not.toContain('"authorization"');
}

beforeAll(async () => {
  upstream = startRecordedUpstream((request) => next(request));
  gw = await startTestGateway();
  anthropicModel = await connectFormat(gw, "anthropic", upstream.url);
  chatModel = await connectFormat(gw, "openai-chat", upstream.url);
});

afterAll(async () => {
  await gw.stop();
  upstream.stop();
});

beforeEach(() => {
  gw.gateway.runtime.health = new AccountHealth();
});

describe("POST /api/translate/round-trip", () => {
  test("OpenAI Chat client → Anthropic upstream: the Anthropic request and response, and the OpenAI answer", async () => {
    next = () => fixtureReply("anthropic", "text-nonstream").reply;
    const result = await roundTripOk({
      format: "openai-chat",
      model: anthropicModel,
      body: { messages: [{ role: "system", content: "Be brief." }, { role: "user", content: "Hello, how are you?" }] },
    });

    expect(result.clientRequest.format).toBe("openai-chat");
    expect(result.clientRequest.path).toBe("/v1/chat/completions");
    expect(JSON.parse(result.clientRequest.body).model).toBe(anthropicModel);

    expect(result.upstreamFormat).toBe("anthropic");
    expect(result.route.translated).toBe(true);
    expect(result.route.provider).toBe("anthropic-compatible");
    expect(result.route.target).toBe(anthropicModel);
    expect(result.route.attempts).toBe(1);
    expect(result.route.requestId).toMatch(/^req_/);

    const sent = JSON.parse(result.upstreamRequest!.body);
    expect(result.upstreamRequest!.url).toBe(`${upstream.url}/v1/messages`);
    expect(sent.model).toBe("test-model");
    expect(JSON.stringify(sent.system)).toContain("Be brief.");
    expect(sent.messages).toHaveLength(1);
    expect(sent.messages[0].role).toBe("user");
    expect(JSON.stringify(sent.messages[0].content)).toContain("Hello, how are you?");
    expect(typeof sent.max_tokens).toBe("number");
    // What was shown is what really went up.
    expect(JSON.parse(upstream.requests.at(-1)!.body)).toEqual(sent);
    expect(result.upstreamRequest!.headers["anthropic-version"]).toBeDefined();

    expect(result.upstreamResponse!.status).toBe(200);
    expect(result.upstreamResponse!.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(result.upstreamResponse!.body)).toEqual(JSON.parse(recordedText("anthropic/text-nonstream.response.json")));

    const answer = JSON.parse(result.clientResponse.body);
    expect(result.clientResponse.status).toBe(200);
    expect(answer.object).toBe("chat.completion");
    expect(answer.choices[0].message.content).toStartWith("Hello! I'm doing well");
    expect(result.clientResponse.answerText).toBe(answer.choices[0].message.content);
    expect(result.clientResponse.headers["x-request-id"]).toBe(result.route.requestId!);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    expectNoSecrets(result);
  });

  test("a stream: the upstream's raw SSE and the client's translated SSE, both whole", async () => {
    next = () => fixtureReply("anthropic", "text-stream-raw").reply;
    const result = await roundTripOk({
      format: "openai-chat",
      model: anthropicModel,
      body: { stream: true, messages: [{ role: "user", content: "List two words." }] },
    });
    expect(JSON.parse(result.upstreamRequest!.body).stream).toBe(true);
    expect(result.upstreamResponse!.headers["content-type"]).toBe("text/event-stream");
    expect(result.upstreamResponse!.body).toBe(recordedText("anthropic/text-stream-raw.sse"));
    expect(result.clientResponse.body).toContain("chat.completion.chunk");
    expect(result.clientResponse.body.trimEnd()).toEndWith("data: [DONE]");
    expect(result.clientResponse.answerText).toBe("- Captain\n- Scoop");
    expectNoSecrets(result);
  });

  test("same format is passed through: the body goes up as written, untranslated", async () => {
    next = () => fixtureReply("anthropic", "text-nonstream").reply;
    const result = await roundTripOk({
      format: "anthropic",
      body: { model: anthropicModel, max_tokens: 64, messages: [{ role: "user", content: "Hi" }] },
    });
    expect(result.upstreamFormat).toBe("anthropic");
    expect(result.route.translated).toBe(false);
    expect(JSON.parse(result.upstreamRequest!.body)).toEqual({ model: "test-model", max_tokens: 64, messages: [{ role: "user", content: "Hi" }] });
    expect(result.clientResponse.body).toBe(result.upstreamResponse!.body);
    expect(result.clientResponse.answerText).toStartWith("Hello!");
  });

  test("a Gemini client streaming to an OpenAI Chat upstream", async () => {
    next = () => fixtureReply("openai-chat", "text-stream").reply;
    const result = await roundTripOk({ format: "gemini", model: chatModel, stream: true, body: { contents: [{ role: "user", parts: [{ text: "Hi" }] }] } });
    expect(result.clientRequest.path).toBe(`/v1beta/models/${encodeURIComponent(chatModel)}:streamGenerateContent?alt=sse`);
    expect(result.upstreamFormat).toBe("openai-chat");
    expect(JSON.parse(result.upstreamRequest!.body).messages).toEqual([{ role: "user", content: "Hi" }]);
    expect(result.clientResponse.body).toContain('"candidates"');
    expect(result.clientResponse.answerText?.length).toBeGreaterThan(0);
    expectNoSecrets(result);
  });

  test("an upstream error: its status and body, the client's error in its own shape, no answer text", async () => {
    // The upstream echoes the key it was sent, as some do in auth errors: it must come back redacted.
    next = (request) => json(400, { type: "error", error: { type: "invalid_request_error", message: `bad request for key ${request.headers["x-api-key"]}` } });
    const result = await roundTripOk({ format: "openai-chat", model: anthropicModel, body: { messages: [{ role: "user", content: "Hi" }] } });
    expect(result.upstreamResponse!.status).toBe(400);
    expect(result.upstreamResponse!.body).toContain("[REDACTED]");
    expect(result.clientResponse.status).toBe(400);
    expect(JSON.parse(result.clientResponse.body).error.message).toContain("bad request for key");
    expect(result.clientResponse.answerText).toBeNull();
    expectNoSecrets(result);
  });

  test("an unknown model: the client's 404, and no upstream stage", async () => {
    const calls = upstream.requests.length;
    const result = await roundTripOk({ format: "openai-chat", model: "nobody/nothing", body: { messages: [{ role: "user", content: "Hi" }] } });
    expect(result.clientResponse.status).toBe(404);
    expect(result.upstreamFormat).toBeNull();
    expect(result.upstreamRequest).toBeNull();
    expect(result.upstreamResponse).toBeNull();
    expect(upstream.requests.length).toBe(calls);
  });

  test("it shows up in the request log like any request", async () => {
    next = () => fixtureReply("anthropic", "text-nonstream").reply;
    const result = await roundTripOk({ format: "openai-chat", model: anthropicModel, body: { messages: [{ role: "user", content: "log me" }] } });
    const row = await (await fetch(`${gw.url}/api/logs/${result.route.requestId}`, { headers: await gw.adminHeaders() })).json();
    expect(row.status).toBe(200);
    expect(row.surface).toBe("openai-chat");
    expect(row.requestedModel).toBe(anthropicModel);
  });

  test("it is documented in the OpenAPI document", async () => {
    const spec = (await (await fetch(`${gw.url}/openapi/json`)).json()) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown> } }> } }>> };
    const schema = spec.paths["/api/translate/round-trip"]!.post!.requestBody!.content["application/json"]!.schema;
    expect(Object.keys(schema.properties!)).toEqual(["format", "body", "model", "stream"]);
  });

  test("bad input is a 400; the dashboard session and the CSRF header are required", async () => {
    expect((await roundTrip({ format: "gemini", body: { contents: [] } })).status).toBe(400);
    expect((await roundTrip({ format: "openai-chat", body: { messages: [] } })).status).toBe(400);
    expect((await roundTrip({ format: "klingon", model: anthropicModel, body: {} })).status).toBe(400);
    const body = { format: "openai-chat", model: anthropicModel, body: { messages: [{ role: "user", content: "Hi" }] } };
    expect((await roundTrip(body, { "content-type": "application/json", "x-omniroute-request": "1" })).status).toBe(401);
    const { cookie } = await gw.adminHeaders();
    expect((await roundTrip(body, { "content-type": "application/json", cookie: cookie! })).status).toBe(403);
  });

  test("with client keys required, the session stands in for a key; a plain client call without one is still refused", async () => {
    const created = await fetch(`${gw.url}/api/keys`, { method: "POST", headers: await gw.adminHeaders(), body: JSON.stringify({ name: "rt-key" }) });
    expect(created.status).toBe(201);
    next = () => fixtureReply("anthropic", "text-nonstream").reply;
    const direct = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: anthropicModel, messages: [{ role: "user", content: "Hi" }] }),
    });
    expect(direct.status).toBe(401);
    const result = await roundTripOk({ format: "openai-chat", model: anthropicModel, body: { messages: [{ role: "user", content: "Hi" }] } });
    expect(result.clientResponse.status).toBe(200);
    expectNoSecrets(result);
  });
});
