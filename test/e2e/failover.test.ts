import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { connectFormat, fixtureReply, startRecordedUpstream, type RecordedReply, type SeenRequest } from "../fakes/recorded-upstream";
import { AccountHealth } from "../../src/routing/account-health";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * Two accounts of one provider, each behind its own fault-injecting fake upstream. Whatever the first one does
 * before its first byte, the request lands on the second and the client sees only the answer.
 */
let gw: TestGateway;
let first: ReturnType<typeof startRecordedUpstream>;
let second: ReturnType<typeof startRecordedUpstream>;
let firstReply: (request: SeenRequest) => RecordedReply | Promise<RecordedReply>;
let secondReply: (request: SeenRequest) => RecordedReply | Promise<RecordedReply>;
let openai: OpenAI;
let anthropic: Anthropic;

const encoder = new TextEncoder();
const json = (status: number, body: unknown, headers: Record<string, string> = {}): RecordedReply => ({
  status,
  contentType: "application/json",
  pieces: [encoder.encode(JSON.stringify(body))],
  headers,
});
const okText = () => fixtureReply("openai-chat", "text-nonstream").reply;
const okStream = () => fixtureReply("openai-chat", "tool-stream-usage.turn1").reply;
const MODEL = "ds/deepseek-v4-pro";

beforeAll(async () => {
  first = startRecordedUpstream((request) => firstReply(request) as RecordedReply);
  second = startRecordedUpstream((request) => secondReply(request) as RecordedReply);
  gw = await startTestGateway();
  const headers = await gw.adminHeaders();
  // Same provider, same priority: two accounts the router rotates between and fails over across.
  for (const [name, upstream, priority] of [["first", first, 0], ["second", second, 1]] as const) {
    const response = await fetch(`${gw.url}/api/connections`, {
      method: "POST",
      headers,
      body: JSON.stringify({ providerId: "deepseek", name, baseUrl: `${upstream.url}/v1`, apiKey: `sk-${name}`, priority }),
    });
    expect(response.status).toBe(201);
  }
  // Same-target retries are tested on their own below; elsewhere each failure moves straight on.
  await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers, body: JSON.stringify({ timeouts: { firstByteMs: 1000 }, routing: { transientRetries: 0 } }) });
  openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "unused", maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gw.url, apiKey: "unused", maxRetries: 0 });
});

afterAll(async () => {
  await gw.stop();
  first.stop();
  second.stop();
});

beforeEach(() => {
  // Each test starts with healthy accounts: cool-downs from the previous one would skip the first account.
  gw.gateway.runtime.health = new AccountHealth();
  first.requests.length = 0;
  second.requests.length = 0;
  secondReply = okText;
});

async function chat(stream = false) {
  const raw = await openai.chat.completions
    .create({ model: MODEL, messages: [{ role: "user", content: "hi" }], stream } as OpenAI.ChatCompletionCreateParams)
    .withResponse();
  return raw;
}

describe("fail over to the next account before anything reaches the client", () => {
  test("429 with Retry-After → the second account answers; the route header names both", async () => {
    firstReply = () => json(429, { error: { message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded" } }, { "retry-after": "7" });
    const { data, response } = await chat();
    expect((data as OpenAI.ChatCompletion).choices[0]!.message.content).toBe("The capital of France is Paris.");
    expect(response.headers.get("x-omniroute-route")).toBe("served=ds/deepseek-v4-pro; failed=ds/deepseek-v4-pro (429)");
    expect(first.requests).toHaveLength(1);
    expect(second.requests).toHaveLength(1);
    // The request log keeps the failed attempt next to the outcome.
    const logs = (await (await fetch(`${gw.url}/api/logs?limit=1`, { headers: await gw.adminHeaders() })).json()) as Array<{ status: number; attemptsJson: string | null }>;
    expect(logs[0]!.status).toBe(200);
    expect(JSON.parse(logs[0]!.attemptsJson!)).toEqual([{ target: "ds/deepseek-v4-pro", status: 429, error: "Rate limit reached" }]);
  });

  test("500, and a 200 whose body is only an error, fail over too", async () => {
    firstReply = () => json(500, { error: { message: "boom", type: "server_error" } });
    expect(((await chat()).data as OpenAI.ChatCompletion).choices[0]!.message.content).toContain("Paris");
    firstReply = () => json(200, { error: { message: "upstream exploded", type: "server_error" } });
    expect(((await chat()).data as OpenAI.ChatCompletion).choices[0]!.message.content).toContain("Paris");
    expect(second.requests).toHaveLength(2);
  });

  test("a stream that stalls past the first-byte limit, or closes empty, fails over; the client gets one clean stream", async () => {
    secondReply = okStream;
    const toolNames = async () => {
      const stream = (await chat(true)).data as AsyncIterable<OpenAI.ChatCompletionChunk>;
      const names: string[] = [];
      for await (const chunk of stream) for (const call of chunk.choices[0]?.delta.tool_calls ?? []) if (call.function?.name) names.push(call.function.name);
      return names;
    };
    firstReply = () => ({ status: 200, contentType: "text/event-stream", pieces: [] });
    expect(await toolNames()).toEqual(["get_capital"]);
    // Headers at once, then silence past the 1 s first-byte limit.
    firstReply = () => ({ ...okStream(), firstByteDelayMs: 3000 });
    const started = performance.now();
    expect(await toolNames()).toEqual(["get_capital"]);
    expect(performance.now() - started).toBeLessThan(2500);
    expect(second.requests).toHaveLength(2);
  });

  test("a 200 stream that opens with an error event fails over (pass-through and translated)", async () => {
    secondReply = okStream;
    firstReply = () => ({
      status: 200,
      contentType: "text/event-stream",
      pieces: [encoder.encode('data: {"error":{"message":"model overloaded","type":"server_error","code":"overloaded"}}\n\n')],
    });
    const stream = (await chat(true)).data as AsyncIterable<OpenAI.ChatCompletionChunk>;
    let chunks = 0;
    for await (const _ of stream) chunks++;
    expect(chunks).toBeGreaterThan(0);
    const message = await anthropic.messages.stream({ model: MODEL, max_tokens: 20, messages: [{ role: "user", content: "hi" }] }).finalMessage();
    expect(message.content.length).toBeGreaterThan(0);
    expect(second.requests).toHaveLength(2);
  });

  test("a 400 the next account would refuse too is returned at once", async () => {
    firstReply = () => json(400, { error: { message: "Unsupported parameter: 'foo'", type: "invalid_request_error", param: "foo" } });
    const error = await chat().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toContain("Unsupported parameter");
    expect(second.requests).toHaveLength(0);
  });

  test("every account rate-limited → a prompt 429 in the client's format with the earliest Retry-After", async () => {
    firstReply = () => json(429, { error: { message: "first is limited", type: "requests" } }, { "retry-after": "30" });
    secondReply = () => json(429, { error: { message: "second is limited", type: "requests" } }, { "retry-after": "5" });
    const response = await fetch(`${gw.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "unused" },
      body: JSON.stringify({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(response.status).toBe(429);
    expect(response.headers.get("retry-after")).toBe("5");
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("rate_limit_error");
    expect(body.error.message).toContain("first is limited");
    expect(body.error.message).toContain("second is limited");
  });

  test("translated requests fail over too (Anthropic client, Chat upstreams)", async () => {
    firstReply = () => json(503, { error: { message: "unavailable", type: "server_error" } });
    const message = await anthropic.messages.create({ model: MODEL, max_tokens: 20, messages: [{ role: "user", content: "hi" }] });
    expect(message.content[0]).toMatchObject({ type: "text", text: "The capital of France is Paris." });
    expect(second.requests).toHaveLength(1);
  });
});

describe("combos", () => {
  test("a combo falls back across providers and formats, is listed in /v1/models, and names what answered", async () => {
    const anthropicUpstream = startRecordedUpstream(() => fixtureReply("anthropic", "text-nonstream").reply);
    try {
      const anthropicModel = await connectFormat(gw, "anthropic", anthropicUpstream.url);
      const created = await fetch(`${gw.url}/api/combos`, {
        method: "POST",
        headers: await gw.adminHeaders(),
        body: JSON.stringify({ name: "team/coding", targets: [{ model: MODEL }, { model: anthropicModel }] }),
      });
      expect(created.status).toBe(201);
      const models = await openai.models.list();
      expect(models.data.map((m) => m.id)).toContain("team/coding");

      firstReply = () => json(500, { error: { message: "first down", type: "server_error" } });
      secondReply = () => json(529, { error: { message: "second overloaded", type: "server_error" } });
      const { data, response } = await openai.chat.completions
        .create({ model: "team/coding", messages: [{ role: "user", content: "hi" }] })
        .withResponse();
      expect(data.choices[0]!.message.content!.length).toBeGreaterThan(0);
      expect(data.model).toBe(anthropicModel);
      expect(response.headers.get("x-omniroute-route")).toBe(
        `served=${anthropicModel}; failed=ds/deepseek-v4-pro (500), ds/deepseek-v4-pro (529)`,
      );
      expect(anthropicUpstream.requests[0]!.path).toBe("/v1/messages");

      const disabled = await fetch(`${gw.url}/api/combos/team/coding`, { method: "PATCH", headers: await gw.adminHeaders(), body: JSON.stringify({ enabled: false }) });
      expect(disabled.status).toBe(200);
      const refused = await openai.chat.completions.create({ model: "team/coding", messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(OpenAI.NotFoundError);
      expect((refused as Error).message).toContain("disabled");
    } finally {
      anthropicUpstream.stop();
    }
  });
});

describe("stream failover through every surface", () => {
  beforeEach(() => {
    // The first account stalls past the first-byte limit; the second streams the recorded answer.
    firstReply = () => ({ ...okStream(), firstByteDelayMs: 3000 });
    secondReply = okStream;
  });

  test("Anthropic Messages stream", async () => {
    const stream = anthropic.messages.stream({ model: MODEL, max_tokens: 50, messages: [{ role: "user", content: "capital?" }] });
    const message = await stream.finalMessage();
    expect(message.content.some((b) => b.type === "tool_use" && b.name === "get_capital")).toBe(true);
    expect(second.requests).toHaveLength(1);
  });

  test("OpenAI Responses stream", async () => {
    const stream = await openai.responses.create({ model: MODEL, input: "capital?", stream: true });
    let completed: OpenAI.Responses.Response | undefined;
    for await (const event of stream) if (event.type === "response.completed") completed = event.response;
    expect(completed?.output.some((item) => item.type === "function_call" && item.name === "get_capital")).toBe(true);
    expect(second.requests).toHaveLength(1);
  });

  test("Gemini streamGenerateContent", async () => {
    const response = await fetch(`${gw.url}/v1beta/models/${MODEL}:streamGenerateContent?alt=sse`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "capital?" }] }] }),
    });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toContain('"functionCall"');
    expect(text).toContain("get_capital");
    expect(second.requests).toHaveLength(1);
  });
});

describe("combo target time limits", () => {
  test("a target's timeoutMs bounds the wait for its first byte before the next target is tried", async () => {
    const other = startRecordedUpstream(() => okStream());
    try {
      const headers = await gw.adminHeaders();
      const connected = await fetch(`${gw.url}/api/connections`, {
        method: "POST",
        headers,
        body: JSON.stringify({ providerId: "openai-compatible", alias: "quick", baseUrl: `${other.url}/v1`, apiKey: "sk-q", models: ["q"] }),
      });
      expect(connected.status).toBe(201);
      // Both accounts of the first target stall 4 s; the first-byte setting is 1 s, the target's own limit 1.2 s.
      firstReply = () => ({ ...okStream(), firstByteDelayMs: 4000 });
      secondReply = () => ({ ...okStream(), firstByteDelayMs: 4000 });
      await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers, body: JSON.stringify({ timeouts: { firstByteMs: 30_000 } }) });
      const created = await fetch(`${gw.url}/api/combos`, {
        method: "POST",
        headers,
        body: JSON.stringify({ name: "timed", targets: [{ model: MODEL, timeoutMs: 1000 }, { model: "quick/q" }] }),
      });
      expect(created.status).toBe(201);
      const started = performance.now();
      const stream = await openai.chat.completions.create({ model: "timed", messages: [{ role: "user", content: "hi" }], stream: true });
      const names: string[] = [];
      for await (const chunk of stream) for (const call of chunk.choices[0]?.delta.tool_calls ?? []) if (call.function?.name) names.push(call.function.name);
      const elapsed = performance.now() - started;
      expect(names).toEqual(["get_capital"]);
      // Two stalled accounts × ~1 s each, then the quick target — far below the 30 s global limit.
      expect(elapsed).toBeLessThan(3500);
      expect(other.requests).toHaveLength(1);
    } finally {
      await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers: await gw.adminHeaders(), body: JSON.stringify({ timeouts: { firstByteMs: 1000 } }) });
      other.stop();
    }
  });
});

describe("combo strategies", () => {
  test("a round-robin combo takes turns between its targets", async () => {
    const other = startRecordedUpstream(() => fixtureReply("anthropic", "text-nonstream").reply);
    try {
      const connected = await fetch(`${gw.url}/api/connections`, {
        method: "POST",
        headers: await gw.adminHeaders(),
        body: JSON.stringify({ providerId: "anthropic-compatible", alias: "rr-anthropic", baseUrl: `${other.url}/v1`, apiKey: "sk-rr", models: ["rr-model"] }),
      });
      expect(connected.status).toBe(201);
      const otherModel = "rr-anthropic/rr-model";
      firstReply = okText;
      const created = await fetch(`${gw.url}/api/combos`, {
        method: "POST",
        headers: await gw.adminHeaders(),
        body: JSON.stringify({ name: "rr", strategy: "round-robin", targets: [{ model: MODEL }, { model: otherModel }] }),
      });
      expect(created.status).toBe(201);
      for (let i = 0; i < 6; i++) await openai.chat.completions.create({ model: "rr", messages: [{ role: "user", content: "hi" }] });
      expect(first.requests.length + second.requests.length).toBe(3);
      expect(other.requests).toHaveLength(3);

      // A combo's targets are explicit: an alias rule for the same name does not redirect them (nor loop).
      const headers = await gw.adminHeaders();
      await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers, body: JSON.stringify({ routing: { modelAliases: { [MODEL]: "rr" } } }) });
      try {
        for (let i = 0; i < 2; i++) await openai.chat.completions.create({ model: "rr", messages: [{ role: "user", content: "hi" }] });
        expect(first.requests.length + second.requests.length).toBe(4);
      } finally {
        await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers, body: JSON.stringify({ routing: { modelAliases: {} } }) });
      }
    } finally {
      other.stop();
    }
  });
});

describe("model aliases", () => {
  test("hard-coded client model names map to a model or combo; '*' carries over", async () => {
    const headers = await gw.adminHeaders();
    const patched = await fetch(`${gw.url}/api/settings`, {
      method: "PATCH",
      headers,
      body: JSON.stringify({ routing: { modelAliases: { "gpt-5.4-nano": MODEL, "claude-haiku-*": "team/coding", "oai/*": "ds/*" } } }),
    });
    expect(patched.status).toBe(200);
    try {
      firstReply = okText;
      const direct = await openai.chat.completions.create({ model: "gpt-5.4-nano", messages: [{ role: "user", content: "title" }] });
      expect(direct.choices[0]!.message.content).toContain("Paris");
      expect(JSON.parse(first.requests.at(-1)!.body).model).toBe("deepseek-v4-pro");
      await openai.chat.completions.create({ model: "oai/deepseek-v4-pro", messages: [{ role: "user", content: "hi" }] });
      expect(first.requests).toHaveLength(2);
      // Through a pattern to a combo (created in the combos test above, since disabled): the error says both names.
      const viaCombo = await anthropic.messages.create({ model: "claude-haiku-4-5-20251001", max_tokens: 5, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
      expect(viaCombo).toBeInstanceOf(Anthropic.NotFoundError);
      expect((viaCombo as Error).message).toContain("'claude-haiku-4-5-20251001' is an alias of 'team/coding'");
    } finally {
      await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers, body: JSON.stringify({ routing: { modelAliases: {} } }) });
    }
  });
});

describe("account health", () => {
  test("a rate-limited account cools down until its Retry-After and is skipped, not retried, meanwhile", async () => {
    firstReply = () => json(429, { error: { message: "slow down", type: "requests" } }, { "retry-after": "30" });
    await chat();
    await chat();
    expect(first.requests).toHaveLength(1);
    expect(second.requests).toHaveLength(2);
  });

  test("when every account is cooling down the client gets a prompt 429 with Retry-After, in its format", async () => {
    firstReply = () => json(429, { error: { message: "first limited", type: "requests" } }, { "retry-after": "30" });
    secondReply = () => json(429, { error: { message: "second limited", type: "requests" } }, { "retry-after": "20" });
    await chat().catch(() => {});
    const started = performance.now();
    const response = await fetch(`${gw.url}/v1beta/models/${MODEL}:generateContent`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });
    expect(performance.now() - started).toBeLessThan(500);
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(10);
    expect(((await response.json()) as { error: { status: string } }).error.status).toBe("RESOURCE_EXHAUSTED");
    expect(first.requests).toHaveLength(1);
    expect(second.requests).toHaveLength(1);
  });

  test("an account whose key is refused (401) is set aside for re-authentication", async () => {
    firstReply = () => json(401, { error: { message: "Incorrect API key provided", type: "invalid_request_error", code: "invalid_api_key" } });
    await chat();
    await chat();
    expect(first.requests).toHaveLength(1);
    expect(second.requests).toHaveLength(2);
    const lastAccount = gw.gateway.runtime.health.snapshot().accounts.find((a) => a.needsReauth);
    expect(lastAccount).toBeDefined();
  });
});

describe("load over several accounts", () => {
  test("100 parallel requests over three accounts, one of them failing: no client-visible error, the load shared", async () => {
    const healthy = [startRecordedUpstream(() => okText()), startRecordedUpstream(() => okText())];
    const broken = startRecordedUpstream(() => json(500, { error: { message: "down", type: "server_error" } }));
    try {
      const headers = await gw.adminHeaders();
      for (const [name, upstream] of [["a", healthy[0]!], ["b", broken], ["c", healthy[1]!]] as const) {
        const created = await fetch(`${gw.url}/api/connections`, {
          method: "POST",
          headers,
          body: JSON.stringify({ providerId: "mistral", name, baseUrl: `${upstream.url}/v1`, apiKey: `sk-${name}` }),
        });
        expect(created.status).toBe(201);
      }
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          fetch(`${gw.url}/v1/chat/completions`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ model: "mistral/mistral-large-4", messages: [{ role: "user", content: `hi ${i}` }] }),
          }),
        ),
      );
      expect(results.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
      const served = healthy.map((u) => u.requests.length);
      expect(served[0]! + served[1]!).toBe(100);
      // Round-robin over equals: both healthy accounts carry a fair share.
      expect(Math.min(...served)).toBeGreaterThanOrEqual(30);
      // In a burst the broken one gets its rotation share until failures come back and open its breaker…
      expect(broken.requests.length).toBeLessThan(40);

      // …after which it is left alone and the healthy two split the load evenly.
      for (const upstream of [...healthy, broken]) upstream.requests.length = 0;
      const second = await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          fetch(`${gw.url}/v1/chat/completions`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ model: "mistral/mistral-large-4", messages: [{ role: "user", content: `again ${i}` }] }),
          }),
        ),
      );
      expect(second.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
      expect(broken.requests).toHaveLength(0);
      for (const count of healthy.map((u) => u.requests.length)) expect(Math.abs(count - 30)).toBeLessThanOrEqual(2);
    } finally {
      for (const upstream of [...healthy, broken]) upstream.stop();
    }
  });
});

describe("same-target retries", () => {
  test("a transient failure is retried on the same account with backoff before moving on", async () => {
    const headers = await gw.adminHeaders();
    await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers, body: JSON.stringify({ routing: { transientRetries: 2, retryBackoffMs: 50 } }) });
    try {
      let calls = 0;
      firstReply = () => (++calls < 3 ? json(502, { error: { message: "bad gateway", type: "server_error" } }) : okText());
      const started = performance.now();
      const { data, response } = await chat();
      expect((data as OpenAI.ChatCompletion).choices[0]!.message.content).toContain("Paris");
      expect(first.requests).toHaveLength(3);
      expect(second.requests).toHaveLength(0);
      // Two backoffs: ~50 ms then ~100 ms, each ±50 %.
      expect(performance.now() - started).toBeGreaterThanOrEqual(70);
      expect(response.headers.get("x-omniroute-route")).toBe("served=ds/deepseek-v4-pro; failed=ds/deepseek-v4-pro (502), ds/deepseek-v4-pro (502)");

      // Retries spent, the next account takes over; a 429 is never retried on the same account.
      first.requests.length = 0;
      gw.gateway.runtime.health = new AccountHealth();
      firstReply = () => json(429, { error: { message: "limited", type: "requests" } }, { "retry-after": "30" });
      await chat();
      expect(first.requests).toHaveLength(1);
    } finally {
      await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers, body: JSON.stringify({ routing: { transientRetries: 0 } }) });
    }
  });
});
