import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connectFormat, fixtureReply, startRecordedUpstream, type RecordedReply } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";
import { parsePrometheusText, sampleSum, sampleValue, type Family } from "../support/prometheus-parser";

/** GET /metrics, the live monitor stream, and the health details with their reset, on a real gateway. */
let gw: TestGateway;
let upstream: ReturnType<typeof startRecordedUpstream>;
let reply: () => RecordedReply;
let model: string;
let connectionId: string;

const encoder = new TextEncoder();
const ok = () => fixtureReply("openai-chat", "text-nonstream").reply;
const failing = (status: number, headers: Record<string, string> = {}): RecordedReply => ({
  status,
  contentType: "application/json",
  pieces: [encoder.encode(JSON.stringify({ error: { message: `upstream said ${status}`, type: "server_error" } }))],
  headers,
});

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${gw.url}${path}`, { method, headers: await gw.adminHeaders(), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

function chat(content = "hi"): Promise<Response> {
  return fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content }] }),
  });
}

async function scrape(): Promise<Map<string, Family>> {
  const response = await fetch(`${gw.url}/metrics`, { headers: { cookie: (await gw.adminHeaders()).cookie! } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return parsePrometheusText(await response.text());
}

/** Request events are published with the log writer's batch (~100 ms): scrape until the figure moved. */
async function scrapeUntil(check: (families: Map<string, Family>) => boolean): Promise<Map<string, Family>> {
  let families = await scrape();
  for (let i = 0; i < 50 && !check(families); i++) {
    await Bun.sleep(20);
    families = await scrape();
  }
  return families;
}

beforeAll(async () => {
  upstream = startRecordedUpstream(() => reply());
  reply = ok;
  gw = await startTestGateway();
  model = await connectFormat(gw, "openai-chat", upstream.url);
  connectionId = ((await (await admin("GET", "/api/connections")).json()) as Array<{ id: string }>)[0]!.id;
  const settings = await admin("PATCH", "/api/settings", {
    routing: { transientRetries: 0 },
    pricing: { models: { "openai-compatible/test-model": { input: 1000, output: 2000 } } },
  });
  expect(settings.status).toBe(200);
});

afterAll(async () => {
  await gw.stop();
  upstream.stop();
});

describe("GET /metrics", () => {
  test("guarded like the management API: 401 without a session, Prometheus text with one", async () => {
    const anonymous = await fetch(`${gw.url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
    const families = await scrape();
    for (const name of [
      "omniroute_requests_total", "omniroute_tokens_total", "omniroute_cost_usd_total", "omniroute_request_duration_seconds",
      "omniroute_time_to_first_byte_seconds", "omniroute_account_breaker_state", "omniroute_provider_breaker_state",
      "omniroute_account_cooldown_seconds", "omniroute_rate_limit_queued", "omniroute_response_cache_lookups_total",
      "omniroute_uptime_seconds", "omniroute_process_memory_bytes", "omniroute_request_log_pending", "omniroute_build_info",
    ]) {
      expect(families.has(name)).toBe(true);
    }
    expect(families.get("omniroute_requests_total")!.type).toBe("counter");
    expect(families.get("omniroute_request_duration_seconds")!.type).toBe("histogram");
    expect(sampleValue(families, "omniroute_process_memory_bytes", { type: "rss" })).toBeGreaterThan(0);
  });

  test("counters, histograms and breaker gauges move with real requests", async () => {
    const before = await scrape();
    const labels = { provider: "openai-compatible", model };
    reply = ok;
    expect((await chat()).status).toBe(200);
    expect((await chat()).status).toBe(200);
    reply = () => failing(500);
    expect((await chat()).status).toBe(500);
    reply = ok;
    const after = await scrapeUntil((f) => sampleValue(f, "omniroute_request_duration_seconds_count", labels) >= sampleValue(before, "omniroute_request_duration_seconds_count", labels) + 3);
    const delta = (name: string, extra: Record<string, string> = {}) => sampleValue(after, name, { ...labels, ...extra }) - sampleValue(before, name, { ...labels, ...extra });
    expect(delta("omniroute_requests_total", { status_class: "2xx", surface: "openai-chat" })).toBe(2);
    expect(delta("omniroute_requests_total", { status_class: "5xx", surface: "openai-chat" })).toBe(1);
    // The fixture's usage: 24 in, 8 out per answer; $1000 / $2000 per 1M → $0.04 each.
    expect(delta("omniroute_tokens_total", { type: "in" })).toBe(48);
    expect(delta("omniroute_tokens_total", { type: "out" })).toBe(16);
    expect(delta("omniroute_cost_usd_total")).toBeCloseTo(0.08, 10);
    expect(delta("omniroute_request_duration_seconds_count")).toBe(3);
    expect(delta("omniroute_request_duration_seconds_bucket", { le: "+Inf" })).toBe(3);
    expect(delta("omniroute_time_to_first_byte_seconds_count")).toBeGreaterThanOrEqual(2);
    expect(sampleSum(after, "omniroute_failed_attempts_total") - sampleSum(before, "omniroute_failed_attempts_total")).toBe(1);
    // The account is known to routing now: one breaker gauge, closed after a single failure.
    expect(sampleValue(after, "omniroute_account_breaker_state", { provider: "openai-compatible", connection: connectionId })).toBe(0);
    expect(families(after, "omniroute_account_breaker_state")).toContain(connectionId);
  });

  test("settings metrics.public opens it to a scraper without a session", async () => {
    expect((await admin("PATCH", "/api/settings", { metrics: { public: true } })).status).toBe(200);
    const open = await fetch(`${gw.url}/metrics`);
    expect(open.status).toBe(200);
    parsePrometheusText(await open.text());
    expect((await admin("PATCH", "/api/settings", { metrics: { public: false } })).status).toBe(200);
    expect((await fetch(`${gw.url}/metrics`)).status).toBe(401);
  });
});

function families(map: Map<string, Family>, name: string): string[] {
  return map.get(name)!.samples.map((s) => s.labels.connection ?? "");
}

/** Reads SSE frames from a response body until `until` matches one; returns the frames read. */
async function readFrames(reader: ReadableStreamDefaultReader<Uint8Array>, until: (frame: string) => boolean, timeoutMs = 5000): Promise<string[]> {
  const decoder = new TextDecoder();
  const frames: string[] = [];
  let buffer = "";
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), Bun.sleep(deadline - Date.now()).then(() => null)]);
    if (!chunk || chunk.done) break;
    buffer += decoder.decode(chunk.value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf("\n\n")) !== -1) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      frames.push(frame);
      if (until(frame)) return frames;
    }
  }
  throw new Error(`no matching frame in ${JSON.stringify(frames)}`);
}

describe("GET /api/monitor/stream", () => {
  test("401 without a session", async () => {
    expect((await fetch(`${gw.url}/api/monitor/stream`)).status).toBe(401);
  });

  test("delivers an event for a request made after connecting", async () => {
    const response = await fetch(`${gw.url}/api/monitor/stream`, { headers: { cookie: (await gw.adminHeaders()).cookie! } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toStartWith("text/event-stream");
    const reader = response.body!.getReader();
    await readFrames(reader, (frame) => frame.includes("event: ready"));
    reply = ok;
    const answered = await chat("watch me");
    expect(answered.status).toBe(200);
    const requestId = answered.headers.get("x-request-id")!;
    const frames = await readFrames(reader, (frame) => frame.startsWith("event: request") && frame.includes(requestId));
    const data = frames.at(-1)!.split("\n").find((line) => line.startsWith("data: "))!.slice(6);
    const event = JSON.parse(data) as Record<string, unknown>;
    expect(event).toMatchObject({
      id: requestId,
      keyId: null,
      surface: "openai-chat",
      model,
      provider: "openai-compatible",
      connection: connectionId,
      status: 200,
      tokens: { in: 24, out: 8 },
      costUsd: 0.04,
      cache: null,
      failedAttempts: 0,
    });
    expect(typeof event.latencyMs).toBe("number");
    expect(typeof event.ttfbMs).toBe("number");
    expect(Date.parse(event.time as string)).toBeGreaterThan(0);
    await reader.cancel();
    // The subscription is dropped when the dashboard goes away.
    for (let i = 0; i < 50 && gw.gateway.runtime.liveMonitor.subscriberCount > 0; i++) await Bun.sleep(10);
    expect(gw.gateway.runtime.liveMonitor.subscriberCount).toBe(0);
  });
});

interface HealthDetails {
  status: string;
  version: string;
  uptimeSeconds: number;
  memory: { rss: number; heapUsed: number };
  accounts: Array<{ connectionId: string; name: string | null; cooldownUntil: number | null; breaker: { state: string } }>;
  providers: Array<{ providerId: string; breaker: { state: string } }>;
  coolingDown: Array<{ connectionId: string; until: number }>;
  needsReauth: unknown[];
  openBreakers: unknown[];
  rateLimits: { waiting: number; limits: unknown[] };
  cache: { hits: number };
  requestLog: { enabled: boolean; pending: number; dropped: number };
  monitor: { subscribers: number };
}

describe("health details and reset", () => {
  test("GET /api/health/details: uptime, version, memory, accounts, breakers, queues, cache, log writer", async () => {
    expect((await fetch(`${gw.url}/api/health/details`)).status).toBe(401);
    const details = (await (await admin("GET", "/api/health/details")).json()) as HealthDetails;
    expect(details.status).toBe("ok");
    expect(details.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(details.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(details.memory.rss).toBeGreaterThan(0);
    expect(details.memory.heapUsed).toBeGreaterThan(0);
    const account = details.accounts.find((a) => a.connectionId === connectionId)!;
    expect(account.name).toBeString();
    expect(account.breaker.state).toBe("closed");
    expect(details.providers.map((p) => p.providerId)).toContain("openai-compatible");
    expect(details.rateLimits).toEqual({ limits: [], waiting: 0 });
    expect(details.cache.hits).toBe(0);
    expect(details.requestLog).toMatchObject({ enabled: true, dropped: 0 });
    expect(details.monitor.subscribers).toBe(0);
  });

  test("a 429 cools the account down; POST /api/health/reset clears it and the account serves again", async () => {
    reply = () => failing(429, { "retry-after": "3600" });
    expect((await chat()).status).toBe(429);
    let details = (await (await admin("GET", "/api/health/details")).json()) as HealthDetails;
    const cooling = details.coolingDown.find((c) => c.connectionId === connectionId)!;
    expect(cooling.until).toBeGreaterThan(Date.now() + 3_000_000);
    const metrics = await scrape();
    expect(sampleValue(metrics, "omniroute_account_cooldown_seconds", { connection: connectionId })).toBeGreaterThan(3000);

    // While cooling down the gateway answers by itself; the upstream is not called.
    reply = ok;
    const calls = upstream.requests.length;
    expect((await chat()).status).toBe(429);
    expect(upstream.requests.length).toBe(calls);

    // State-changing: the CSRF header is required; an unknown connection is 404.
    const noCsrf = await fetch(`${gw.url}/api/health/reset`, { method: "POST", headers: { cookie: (await gw.adminHeaders()).cookie!, "content-type": "application/json" }, body: JSON.stringify({ connectionId }) });
    expect(noCsrf.status).toBe(403);
    expect((await admin("POST", "/api/health/reset", { connectionId: "no-such-connection" })).status).toBe(404);

    const reset = await admin("POST", "/api/health/reset", { connectionId });
    expect(reset.status).toBe(200);
    expect(await reset.json()).toEqual({ accountsReset: 1, providersReset: false });
    details = (await (await admin("GET", "/api/health/details")).json()) as HealthDetails;
    expect(details.coolingDown).toEqual([]);
    expect((await chat()).status).toBe(200);
    expect(upstream.requests.length).toBe(calls + 1);

    // Without an id: every account and provider.
    const all = await admin("POST", "/api/health/reset", {});
    expect(await all.json()).toEqual({ accountsReset: 1, providersReset: true });
  });

  test("shutdown ends open monitor streams", async () => {
    const response = await fetch(`${gw.url}/api/monitor/stream`, { headers: { cookie: (await gw.adminHeaders()).cookie! } });
    const reader = response.body!.getReader();
    await readFrames(reader, (frame) => frame.includes("event: ready"));
    const started = Date.now();
    await gw.stop();
    // The stream ended (done) instead of holding the drain open for its full drainMs.
    const rest = await Promise.race([reader.read(), Bun.sleep(3000).then(() => "timeout" as const)]);
    expect(rest).not.toBe("timeout");
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
