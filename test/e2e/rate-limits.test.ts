import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import OpenAI from "openai";
import { fixtureReply, startRecordedUpstream, type RecordedReply } from "../fakes/recorded-upstream";
import { AccountHealth } from "../../src/routing/account-health";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * The gateway's own request limits (settings.routing.rateLimits): none by default, a full account fails over to
 * the next, and a single spent account answers a prompt 429 with Retry-After in the client's own format.
 */
let gw: TestGateway;
let first: ReturnType<typeof startRecordedUpstream>;
let second: ReturnType<typeof startRecordedUpstream>;
let solo: ReturnType<typeof startRecordedUpstream>;
let firstReply: () => RecordedReply;
let firstId: string;
let soloId: string;

const okText = () => fixtureReply("openai-chat", "text-nonstream").reply;
const MODEL = "ds/deepseek-v4-pro";
const SOLO_MODEL = "mistral/mistral-large-4";

async function connect(providerId: string, name: string, url: string, priority: number): Promise<string> {
  const response = await fetch(`${gw.url}/api/connections`, {
    method: "POST",
    headers: await gw.adminHeaders(),
    body: JSON.stringify({ providerId, name, baseUrl: `${url}/v1`, apiKey: `sk-${name}`, priority }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function setRateLimits(rateLimits: Record<string, unknown>) {
  const response = await fetch(`${gw.url}/api/settings`, { method: "PATCH", headers: await gw.adminHeaders(), body: JSON.stringify({ routing: { rateLimits } }) });
  expect(response.status).toBe(200);
}

let sequence = 0;
// Every request is distinct: identical concurrent bodies would share one upstream call (request coalescing).
const chat = (model: string) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: `hi ${++sequence}` }] }),
  });

beforeAll(async () => {
  first = startRecordedUpstream(() => firstReply());
  second = startRecordedUpstream(okText);
  solo = startRecordedUpstream(okText);
  gw = await startTestGateway();
  // Two accounts of one provider in a fixed order (priority 0, then 1); one account of another.
  firstId = await connect("deepseek", "first", first.url, 0);
  await connect("deepseek", "second", second.url, 1);
  soloId = await connect("mistral", "solo", solo.url, 0);
});

afterAll(async () => {
  await gw.stop();
  first.stop();
  second.stop();
  solo.stop();
});

beforeEach(() => {
  gw.gateway.runtime.health = new AccountHealth();
  for (const upstream of [first, second, solo]) upstream.requests.length = 0;
  firstReply = okText;
});

afterEach(async () => {
  await setRateLimits({});
});

describe("rate limits", () => {
  test("none by default: 64 concurrent requests on one account all pass promptly", async () => {
    const settings = (await (await fetch(`${gw.url}/api/settings`, { headers: await gw.adminHeaders() })).json()) as { routing: { rateLimits: unknown } };
    expect(settings.routing.rateLimits).toEqual({});
    // Each answer takes 300 ms: one after the other, 64 would take 19 s.
    firstReply = () => ({ ...okText(), firstByteDelayMs: 300 });
    const started = performance.now();
    const responses = await Promise.all(Array.from({ length: 64 }, () => chat(MODEL)));
    expect(responses.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(first.requests).toHaveLength(64);
    expect(second.requests).toHaveLength(0);
    const routing = (await (await fetch(`${gw.url}/api/health/routing`, { headers: await gw.adminHeaders() })).json()) as { rateLimits: unknown };
    expect(routing.rateLimits).toEqual({ limits: [], waiting: 0 });
  });

  test("an account at its maxConcurrent: the excess waits briefly, then fails over to the next account", async () => {
    await setRateLimits({ [firstId]: { maxConcurrent: 2, queueTimeoutMs: 200 } });
    firstReply = () => ({ ...okText(), firstByteDelayMs: 800 });
    const timed = async () => {
      const started = performance.now();
      const response = await chat(MODEL);
      return { status: response.status, ms: performance.now() - started };
    };
    const pending = Array.from({ length: 4 }, timed);
    // While the slow two are in flight, the limit is visible on /api/health/routing.
    await Bun.sleep(500);
    const routing = (await (await fetch(`${gw.url}/api/health/routing`, { headers: await gw.adminHeaders() })).json()) as {
      rateLimits: { limits: Array<{ key: string; inflight: number; maxConcurrent: number; refused: number }> };
    };
    expect(routing.rateLimits.limits).toEqual([expect.objectContaining({ key: firstId, inflight: 2, maxConcurrent: 2, refused: 2 })]);
    const results = await Promise.all(pending);
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(first.requests).toHaveLength(2);
    expect(second.requests).toHaveLength(2);
    // The two that failed over did not wait for the slow ones.
    const fast = results.map((r) => r.ms).sort((a, b) => a - b).slice(0, 2);
    for (const ms of fast) expect(ms).toBeLessThan(1000);
  });

  test("a failed attempt gives its slot back at once: the retry of the same account gets it", async () => {
    await setRateLimits({ [firstId]: { maxConcurrent: 1, queueTimeoutMs: 200 } });
    let calls = 0;
    firstReply = () => (++calls === 1 ? { status: 500, contentType: "application/json", pieces: [new TextEncoder().encode('{"error":{"message":"boom"}}')] } : okText());
    expect((await chat(MODEL)).status).toBe(200);
    expect(first.requests).toHaveLength(2);
    expect(second.requests).toHaveLength(0);
    expect(gw.gateway.runtime.rateLimiter.snapshot().limits[0]).toMatchObject({ inflight: 0, admitted: 2 });
  });

  test("a single account at its rpm: the third request within a minute gets a prompt 429 in its own format, with Retry-After", async () => {
    await setRateLimits({ [soloId]: { rpm: 2, queueTimeoutMs: 200 } });
    expect((await chat(SOLO_MODEL)).status).toBe(200);
    expect((await chat(SOLO_MODEL)).status).toBe(200);

    const started = performance.now();
    const response = await fetch(`${gw.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "unused" },
      body: JSON.stringify({ model: SOLO_MODEL, max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(58);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(response.headers.get("x-omniroute-route")).toBe(`unavailable=${SOLO_MODEL} (rate-limit)`);
    const body = (await response.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("rate_limit_error");
    expect(solo.requests).toHaveLength(2);

    // The OpenAI SDK sees its own RateLimitError.
    const openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "unused", maxRetries: 0 });
    const error = await openai.chat.completions.create({ model: SOLO_MODEL, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(solo.requests).toHaveLength(2);

    // Lifting the limit applies at once.
    await setRateLimits({});
    expect((await chat(SOLO_MODEL)).status).toBe(200);
  });

  test("a provider-wide limit is shared by its accounts; queueMax 0 refuses without waiting", async () => {
    await setRateLimits({ deepseek: { maxConcurrent: 1, queueMax: 0 } });
    firstReply = () => ({ ...okText(), firstByteDelayMs: 500 });
    const slow = chat(MODEL);
    await Bun.sleep(100);
    const started = performance.now();
    const refused = await chat(MODEL);
    expect(performance.now() - started).toBeLessThan(300);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("x-omniroute-route")).toBe(`unavailable=${MODEL} (rate-limit), ${MODEL} (rate-limit)`);
    expect((await slow).status).toBe(200);
    expect(first.requests).toHaveLength(1);
    expect(second.requests).toHaveLength(0);
  });

  test("one account failing and the other at its limit: a 429 with the limit's Retry-After, not a 503", async () => {
    const list = (await (await fetch(`${gw.url}/api/connections`, { headers: await gw.adminHeaders() })).json()) as Array<{ id: string; name: string }>;
    const secondId = list.find((c) => c.name === "second")!.id;
    await setRateLimits({ [secondId]: { rpm: 1, queueMax: 0 } });
    firstReply = () => ({ status: 500, contentType: "application/json", pieces: [new TextEncoder().encode('{"error":{"message":"first down","type":"server_error"}}')] });
    // The second account serves the first request and spends its one request a minute.
    expect((await chat(MODEL)).status).toBe(200);
    const refused = await chat(MODEL);
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(30);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get("x-omniroute-route")).toContain(`unavailable=${MODEL} (rate-limit)`);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("all_targets_rate_limited");
    expect(body.error.message).toContain("skipped (rate-limit)");
  });

  test("invalid limits are refused with a message", async () => {
    const response = await fetch(`${gw.url}/api/settings`, {
      method: "PATCH",
      headers: await gw.adminHeaders(),
      body: JSON.stringify({ routing: { rateLimits: { [firstId]: { queueMax: 3 } } } }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("set rpm, minGapMs or maxConcurrent");
  });
});
