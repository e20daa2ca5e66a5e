import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { connectFormat, fixtureReply, startRecordedUpstream } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/** POST /api/combos/{name}/test: one chat request through the gateway's own dispatcher, for the dashboard session. */

let gw: TestGateway;
let failing: ReturnType<typeof startRecordedUpstream>;
let answering: ReturnType<typeof startRecordedUpstream>;
let failingModel: string;
let answeringModel: string;

const encoder = new TextEncoder();

async function admin(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${gw.url}${path}`, {
    method,
    headers: { ...(await gw.adminHeaders()), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

interface TestResult {
  ok: boolean;
  status: number;
  latencyMs: number;
  requestId: string;
  provider: string | null;
  model: string | null;
  route: string | null;
  reply: string | null;
  error: { message: string; code: string | null } | null;
}

async function runTest(path: string): Promise<TestResult> {
  const response = await admin("POST", path);
  expect(response.status).toBe(200);
  return (await response.json()) as TestResult;
}

beforeAll(async () => {
  // The OpenAI-format upstream refuses with a rate limit (not retried on the same target), so the combo fails over.
  failing = startRecordedUpstream(() => ({
    status: 429,
    contentType: "application/json",
    pieces: [encoder.encode(JSON.stringify({ error: { message: "Rate limit reached", type: "rate_limit_error", code: "rate_limit_exceeded" } }))],
  }));
  answering = startRecordedUpstream(() => fixtureReply("anthropic", "text-nonstream").reply);
  gw = await startTestGateway();
  failingModel = await connectFormat(gw, "openai-chat", failing.url);
  answeringModel = await connectFormat(gw, "anthropic", answering.url);
  expect((await admin("POST", "/api/combos", { name: "team/fast", targets: [{ model: failingModel }, { model: answeringModel }] })).status).toBe(201);
  expect((await admin("POST", "/api/combos", { name: "solo", targets: [{ model: answeringModel }] })).status).toBe(201);
});

afterAll(async () => {
  await gw.stop();
  failing.stop();
  answering.stop();
});

describe("POST /api/combos/{name}/test", () => {
  test("runs through failover and reports the serving target, the route, the latency and the reply", async () => {
    const result = await runTest("/api/combos/team/fast/test");
    expect(result).toMatchObject({
      ok: true,
      status: 200,
      provider: "anthropic-compatible",
      model: answeringModel,
      route: `served=${answeringModel}; failed=${failingModel} (429)`,
      error: null,
    });
    expect(result.reply?.length).toBeGreaterThan(0);
    expect(result.latencyMs).toBeGreaterThanOrEqual(0);
    // The upstream got a real request for the combo's target, translated to its format.
    const sent = JSON.parse(answering.requests.at(-1)!.body) as { model: string; messages: Array<{ role: string }> };
    expect(sent.model).toBe("test-model");
    expect(sent.messages[0]!.role).toBe("user");
  });

  test("a percent-encoded name works too", async () => {
    const result = await runTest("/api/combos/team%2Ffast/test");
    expect(result.ok).toBe(true);
  });

  test("works for the session when client keys exist (no client key is sent)", async () => {
    const key = await admin("POST", "/api/keys", { name: "a client" });
    expect(key.status).toBe(201);
    // The public API now needs a key…
    const open = await fetch(`${gw.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "solo", messages: [{ role: "user", content: "hi" }] }),
    });
    expect(open.status).toBe(401);
    // …the dashboard's test does not.
    const result = await runTest("/api/combos/solo/test");
    expect(result).toMatchObject({ ok: true, model: answeringModel, route: null });
  });

  test("is logged under the surface combo-test, with the combo named", async () => {
    const result = await runTest("/api/combos/solo/test");
    let row: { surface: string; combo: string | null; requestedModel: string | null; status: number } | undefined;
    for (let i = 0; i < 50 && !row; i++) {
      const response = await admin("GET", `/api/logs/${encodeURIComponent(result.requestId)}`);
      if (response.status === 200) row = (await response.json()) as typeof row;
      else await Bun.sleep(50);
    }
    expect(row).toMatchObject({ surface: "combo-test", combo: "solo", requestedModel: "solo", status: 200 });
  });

  test("a disabled combo is reported as a failed test with the gateway's error", async () => {
    expect((await admin("PATCH", "/api/combos/solo", { enabled: false })).status).toBe(200);
    const result = await runTest("/api/combos/solo/test");
    expect(result).toMatchObject({ ok: false, status: 404, reply: null, model: null, error: { code: "model_not_found" } });
    expect(result.error!.message.length).toBeGreaterThan(0);
    expect((await admin("PATCH", "/api/combos/solo", { enabled: true })).status).toBe(200);
  });

  test("every attempt failing is a failed test naming the target", async () => {
    expect((await admin("POST", "/api/combos", { name: "broken", targets: [{ model: failingModel }] })).status).toBe(201);
    // The earlier 429 left the account cooling down: nothing is tried, and the test says so.
    const cooling = await runTest("/api/combos/broken/test");
    expect(cooling).toMatchObject({ ok: false, status: 429, model: null, route: `unavailable=${failingModel} (cooldown)`, error: { code: "all_targets_cooling_down" } });
    expect((await admin("POST", "/api/health/reset", {})).status).toBe(200);
    const result = await runTest("/api/combos/broken/test");
    expect(result).toMatchObject({ ok: false, status: 429, model: failingModel, route: `failed=${failingModel} (429)`, error: { message: "Rate limit reached" } });
  });

  test("unknown combos, a path without /test and a bad encoding are management errors", async () => {
    const unknown = await admin("POST", "/api/combos/nope/test");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("not_found");
    const noSuffix = await admin("POST", "/api/combos/solo");
    expect(noSuffix.status).toBe(404);
    const badEncoding = await admin("POST", "/api/combos/%E0%A4%A/test");
    expect(badEncoding.status).toBe(400);
    // Creating still works on the collection path.
    expect((await admin("POST", "/api/combos", { name: "test", targets: [{ model: answeringModel }] })).status).toBe(201);
    // A combo literally named "test" is tested at /api/combos/test/test.
    expect((await runTest("/api/combos/test/test")).ok).toBe(true);
  });

  test("needs the session and the CSRF header", async () => {
    const anonymous = await fetch(`${gw.url}/api/combos/solo/test`, { method: "POST", headers: { "x-omniroute-request": "1" } });
    expect(anonymous.status).toBe(401);
    const headers = await gw.adminHeaders();
    const noCsrf = await fetch(`${gw.url}/api/combos/solo/test`, { method: "POST", headers: { cookie: headers.cookie! } });
    expect(noCsrf.status).toBe(403);
  });
});
