import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { fixtureBytes, startOpenAIMockUpstream, streamedBody } from "../fakes/openai-mock-upstream";
import { AccountHealth } from "../../src/routing/account-health";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

const encoder = new TextEncoder();
const UPSTREAM_400 = fixtureBytes("openai-chat/error-400-unsupported-value.response.json");

let upstream: ReturnType<typeof startOpenAIMockUpstream>;
let gw: TestGateway;
let client: OpenAI;
let admin: Record<string, string>;

function chat(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${gw.url}/v1/chat/completions`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
}

async function expectOpenAIError(response: Response, status: number, pattern: RegExp, code?: string) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toContain("application/json");
  expect(response.headers.get("x-request-id")).toBeTruthy();
  const body = (await response.json()) as { error: { message: string; type: string; param: string | null; code: string | null } };
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.message).toMatch(pattern);
  expect(typeof body.error.type).toBe("string");
  if (code) expect(body.error.code).toBe(code);
  return body.error;
}

const ok = { model: "mock/gpt-4o", messages: [{ role: "user", content: "hi" }] };

beforeAll(async () => {
  upstream = startOpenAIMockUpstream({
    "POST /v1/chat/completions": async (request, body) => {
      const { model } = JSON.parse(body) as { model: string };
      switch (model) {
        case "rate-limited":
          return new Response(JSON.stringify({ error: { message: "Rate limit reached for requests", type: "requests", param: null, code: "rate_limit_exceeded" } }), {
            status: 429,
            headers: { "content-type": "application/json", "retry-after": "17" },
          });
        case "bad-param":
          return new Response(UPSTREAM_400, { status: 400, headers: { "content-type": "application/json" } });
        case "plain-500":
          return new Response("upstream exploded (key sk-upstream-secret-1234 was used)", { status: 500 });
        case "redirect":
          return new Response(null, { status: 302, headers: { location: "http://127.0.0.1:1/steal" } });
        case "slow-headers":
          await Bun.sleep(3000);
          return new Response("{}", { headers: { "content-type": "application/json" } });
        case "slow-generation": {
          // A non-stream generation that takes a while: the upstream notices when the gateway gives up on it.
          const aborted = new Promise((resolve) => request.signal.addEventListener("abort", resolve, { once: true }));
          await Promise.race([aborted, Bun.sleep(5000)]);
          return Response.json({ choices: [] });
        }
        case "stall-mid-stream":
          return new Response(
            new ReadableStream({
              start(controller) {
                controller.enqueue(encoder.encode('data: {"id":"x","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":"Hel"},"finish_reason":null}]}\n\n'));
              },
            }),
            { headers: { "content-type": "text/event-stream" } },
          );
        case "long-stream": {
          const events = Array.from({ length: 100 }, (_, i) => encoder.encode(`data: {"choices":[{"index":0,"delta":{"content":"${i}"}}]}\n\n`));
          return new Response(streamedBody(events, 50), { headers: { "content-type": "text/event-stream" } });
        }
        default:
          return Response.json({ id: "chatcmpl-1", object: "chat.completion", created: 1, model, choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }] });
      }
    },
  });
  gw = await startTestGateway();
  admin = await gw.adminHeaders();
  const created = await fetch(`${gw.url}/api/connections`, {
    method: "POST",
    headers: admin,
    body: JSON.stringify({ providerId: "openai-compatible", alias: "mock", baseUrl: upstream.baseUrl, apiKey: "sk-upstream-secret-1234", models: ["gpt-4o"] }),
  });
  expect(created.status).toBe(201);
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "x", maxRetries: 0 });
});

afterAll(async () => {
  await gw.stop();
  upstream.stop();
});

// These tests provoke upstream errors on purpose, one account each time: routing penalties (cool-downs,
// breakers) from one test must not decide the next; failover.test.ts covers them.
beforeEach(() => {
  gw.gateway.runtime.health = new AccountHealth();
});

describe("bad input gets a clear OpenAI error", () => {
  test("malformed JSON → 400 naming the problem", async () => {
    await expectOpenAIError(await chat('{"model": "mock/gpt-4o", "messages": ['), 400, /not valid JSON/, "invalid_json");
  });

  test("a JSON value that is not an object → 400", async () => {
    await expectOpenAIError(await chat("[1,2]"), 400, /must be a JSON object/);
  });

  test("missing model → 400 with param 'model'", async () => {
    const error = await expectOpenAIError(await chat({ messages: ok.messages }), 400, /'model' is required/);
    expect(error.param).toBe("model");
  });

  test("messages not an array → 400 with param 'messages'", async () => {
    const error = await expectOpenAIError(await chat({ model: "mock/gpt-4o", messages: "hi" }), 400, /'messages'/);
    expect(error.param).toBe("messages");
  });

  test("stream not a boolean → 400", async () => {
    await expectOpenAIError(await chat({ ...ok, stream: "yes" }), 400, /'stream' must be true or false/);
  });

  test("unknown model → 404 saying how to list models", async () => {
    await expectOpenAIError(await chat({ ...ok, model: "nope/model-x" }), 404, /GET \/v1\/models/, "model_not_found");
    await expectOpenAIError(await chat({ ...ok, model: "ds/deepseek-chat" }), 404, /no enabled connection/, "model_not_found");
  });

  test("the SDK raises NotFoundError for an unknown model", async () => {
    const error = await client.chat.completions.create({ model: "nope/x", messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect(error.message).toContain("GET /v1/models");
  });

  test("oversized body → 413 before it is buffered", async () => {
    const patched = await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers: admin, body: JSON.stringify({ limits: { maxRequestBodyBytes: 4096 } }) });
    expect(patched.status).toBe(200);
    try {
      const big = { ...ok, messages: [{ role: "user", content: "x".repeat(5000) }] };
      await expectOpenAIError(await chat(big), 413, /larger than the 4096-byte limit/, "request_too_large");
      // Without Content-Length (chunked upload) the limit still holds.
      const chunked = new ReadableStream({
        start(controller) {
          controller.enqueue(encoder.encode(JSON.stringify(big)));
          controller.close();
        },
      });
      const response = await fetch(`${gw.url}/v1/chat/completions`, { method: "POST", body: chunked, duplex: "half" } as RequestInit);
      await expectOpenAIError(response, 413, /limit/);
    } finally {
      await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers: admin, body: JSON.stringify({ limits: { maxRequestBodyBytes: 33554432 } }) });
    }
  });

  test("unknown /v1 endpoint and wrong method answer in OpenAI's shape", async () => {
    await expectOpenAIError(await fetch(`${gw.url}/v1/embeddingz`, { method: "POST", body: "{}" }), 404, /Unknown endpoint/);
    await expectOpenAIError(await fetch(`${gw.url}/v1/chat/completions`), 405, /GET is not allowed/);
  });
});

describe("upstream errors keep their status and message", () => {
  test("429 keeps Retry-After and the upstream's error fields", async () => {
    const response = await chat({ ...ok, model: "mock/rate-limited" });
    expect(response.headers.get("retry-after")).toBe("17");
    const error = await expectOpenAIError(response, 429, /Rate limit reached/);
    expect(error.code).toBe("rate_limit_exceeded");
  });

  test("the SDK sees a RateLimitError", async () => {
    const error = await client.chat.completions.create({ model: "mock/rate-limited", messages: [{ role: "user", content: "hi" }] }).catch((e) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
  });

  test("400 from the upstream passes its message, type, param and code", async () => {
    const error = await expectOpenAIError(await chat({ ...ok, model: "mock/bad-param" }), 400, /does not support 'developer'/);
    expect(error).toEqual(JSON.parse(new TextDecoder().decode(UPSTREAM_400)).error);
  });

  test("plain-text 500 becomes an OpenAI error, with our upstream key redacted", async () => {
    const error = await expectOpenAIError(await chat({ ...ok, model: "mock/plain-500" }), 500, /upstream exploded/);
    expect(error.message).not.toContain("sk-upstream-secret-1234");
  });

  test("redirects are never followed", async () => {
    await expectOpenAIError(await chat({ ...ok, model: "mock/redirect" }), 502, /redirect/);
  });

  test("an unreachable upstream → 502 naming the provider", async () => {
    const dead = await fetch(`${gw.url}/api/connections`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ providerId: "openai-compatible", alias: "dead", baseUrl: "http://127.0.0.1:9/v1", models: ["m"] }),
    });
    expect(dead.status).toBe(201);
    await expectOpenAIError(await chat({ ...ok, model: "dead/m" }), 502, /refused the connection|could not be reached/, "upstream_unreachable");
  });
});

describe("timeouts and disconnects", () => {
  test("first-byte timeout → 504", async () => {
    await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers: admin, body: JSON.stringify({ timeouts: { firstByteMs: 1000 } }) });
    try {
      const started = performance.now();
      await expectOpenAIError(await chat({ ...ok, model: "mock/slow-headers" }), 504, /sent no response within 1000 ms/, "upstream_timeout");
      expect(performance.now() - started).toBeLessThan(2500);
    } finally {
      await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers: admin, body: JSON.stringify({ timeouts: { firstByteMs: 300000 } }) });
    }
  });

  test("idle timeout mid-stream ends the stream with an error event the SDK raises", async () => {
    await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers: admin, body: JSON.stringify({ timeouts: { idleMs: 1000 } }) });
    try {
      const stream = await client.chat.completions.create({ model: "mock/stall-mid-stream", messages: [{ role: "user", content: "hi" }], stream: true });
      const seen: string[] = [];
      const error = await (async () => {
        for await (const chunk of stream) seen.push(chunk.choices[0]?.delta?.content ?? "");
      })().catch((e) => e);
      expect(seen).toEqual(["Hel"]);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect(String(error.message)).toMatch(/went silent for 1000 ms/);
    } finally {
      await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers: admin, body: JSON.stringify({ timeouts: { idleMs: 120000 } }) });
    }
  });

  test("a client that disconnects while a non-stream generation is pending aborts the upstream request", async () => {
    const before = upstream.aborted;
    const controller = new AbortController();
    const pending = fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ ...ok, model: "mock/slow-generation" }),
      signal: controller.signal,
    }).catch(() => "aborted");
    await Bun.sleep(150);
    controller.abort();
    expect(await pending).toBe("aborted");
    const deadline = performance.now() + 2000;
    while (upstream.aborted === before && performance.now() < deadline) await Bun.sleep(20);
    expect(upstream.aborted).toBeGreaterThan(before);
  });

  test("a client that disconnects mid-stream aborts the upstream request", async () => {
    const before = upstream.aborted;
    const controller = new AbortController();
    const response = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      body: JSON.stringify({ ...ok, model: "mock/long-stream", stream: true }),
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    const deadline = performance.now() + 2000;
    while (upstream.aborted === before && performance.now() < deadline) await Bun.sleep(20);
    expect(upstream.aborted).toBeGreaterThan(before);
  });
});

describe("client API keys", () => {
  const createKey = async (name: string) =>
    (await (await fetch(`${gw.url}/api/keys`, { method: "POST", headers: admin, body: JSON.stringify({ name }) })).json()) as { id: string; key: string };
  const revoke = async (id: string) => expect((await fetch(`${gw.url}/api/keys/${id}`, { method: "DELETE", headers: admin })).status).toBe(204);

  test("a key used only to list models has its last use written to the store soon, with no other traffic to carry it", async () => {
    const key = await createKey("e2e-models-only");
    // Earlier tests' rows are written by now, so no flush of theirs can carry this key's last use.
    await Bun.sleep(300);
    expect((await fetch(`${gw.url}/v1/models`, { headers: { authorization: `Bearer ${key.key}` } })).status).toBe(200);
    const stored = () => gw.gateway.runtime.services.store.sqlite.query<{ last_used_at: number | null }, [string]>("SELECT last_used_at FROM api_keys WHERE id = ?").get(key.id)?.last_used_at ?? null;
    for (let waited = 0; waited < 2000 && stored() === null; waited += 20) await Bun.sleep(20);
    expect(stored()).not.toBeNull();
    await revoke(key.id);
  });

  test("with keys present, calls need a valid key (Bearer or x-api-key); revoked keys stop working", async () => {
    const first = await createKey("e2e-first");
    const second = await createKey("e2e-second");
    await expectOpenAIError(await chat(ok), 401, /Missing API key/, "invalid_api_key");
    await expectOpenAIError(await chat(ok, { authorization: "Bearer omr_wrong" }), 401, /Invalid API key/);
    expect((await chat(ok, { authorization: `Bearer ${first.key}` })).status).toBe(200);
    expect((await chat(ok, { "x-api-key": first.key })).status).toBe(200);
    const keyed = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: first.key, maxRetries: 0 });
    expect((await keyed.chat.completions.create({ model: "mock/gpt-4o", messages: [{ role: "user", content: "hi" }] })).choices[0]!.message.content).toBe("ok");
    expect((await fetch(`${gw.url}/v1/models`)).status).toBe(401);
    const list = (await (await fetch(`${gw.url}/api/keys`, { headers: admin })).json()) as Array<{ id: string; lastUsedAt: string | null }>;
    expect(list.find((k) => k.id === first.id)!.lastUsedAt).not.toBeNull();
    expect(JSON.stringify(list)).not.toContain(first.key);

    await revoke(first.id);
    await expectOpenAIError(await chat(ok, { authorization: `Bearer ${first.key}` }), 401, /revoked/);
    expect((await chat(ok, { authorization: `Bearer ${second.key}` })).status).toBe(200);

    // With no active key left and a loopback bind, the API is open again.
    await revoke(second.id);
    expect((await chat(ok)).status).toBe(200);
  });
});
