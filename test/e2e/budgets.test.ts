import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fixtureReply, startRecordedUpstream } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * Budgets end to end: a client key's budget refuses that key with a 429 in its own format; a spent combo tier
 * is skipped for the next one; everything survives a restart, rebuilt from the request log.
 * Each call is priced at 1000 $/1M tokens and the recorded answer reports 24 + 8 tokens: $0.032 a request.
 */
const COST = 0.032;
const COMBO = "lanes";
const TIER_A = "tier-a/test-model";
const TIER_B = "tier-b/test-model";

let gw: TestGateway;
let dataDir: string;
let upstreamA: ReturnType<typeof startRecordedUpstream>;
let upstreamB: ReturnType<typeof startRecordedUpstream>;
let keyA: { id: string; key: string };
let keyB: { id: string; key: string };

interface BudgetView {
  id: string;
  name: string;
  spentUsd: number;
  remainingUsd: number;
  percent: number;
  exceeded: boolean;
  windowStart: string;
  resetAt: string;
  reopensAt: string | null;
}

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${gw.url}${path}`, { method, headers: await gw.adminHeaders(), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

async function createBudget(body: Record<string, unknown>): Promise<BudgetView> {
  const response = await admin("POST", "/api/budgets", body);
  expect(response.status).toBe(201);
  return (await response.json()) as BudgetView;
}

const budget = async (id: string) => (await (await admin("GET", `/api/budgets/${id}`)).json()) as BudgetView;

/** Spend lands with the request log's batch (~100 ms after the request). */
async function waitForSpend(id: string, usd: number): Promise<BudgetView> {
  let view = await budget(id);
  for (let i = 0; i < 100 && Math.abs(view.spentUsd - usd) > 1e-9; i++) {
    await Bun.sleep(20);
    view = await budget(id);
  }
  expect(view.spentUsd).toBeCloseTo(usd, 9);
  return view;
}

const chat = (key: { key: string }, model: string) =>
  fetch(`${gw.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key.key}` },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "What is the capital of France?" }] }),
  });

const messages = (key: { key: string }, model: string) =>
  fetch(`${gw.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": key.key, "anthropic-version": "2023-06-01" },
    body: JSON.stringify({ model, max_tokens: 100, messages: [{ role: "user", content: "What is the capital of France?" }] }),
  });

/** The request-log row of a request, once the batch wrote it. */
async function logRow(requestId: string): Promise<{ status: number; combo: string | null; combo_target: string | null; cost_usd: number | null }> {
  const query = gw.gateway.runtime.services.store.sqlite.query<{ status: number; combo: string | null; combo_target: string | null; cost_usd: number | null }, [string]>(
    "SELECT status, combo, combo_target, cost_usd FROM request_logs WHERE id = ?",
  );
  for (let i = 0; i < 100; i++) {
    const row = query.get(requestId);
    if (row) return row;
    await Bun.sleep(20);
  }
  throw new Error(`request ${requestId} was never logged`);
}

async function createKey(name: string) {
  const response = await admin("POST", "/api/keys", { name });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; key: string };
}

async function connect(alias: string, url: string) {
  const response = await admin("POST", "/api/connections", { providerId: "openai-compatible", alias, baseUrl: `${url}/v1`, apiKey: `sk-${alias}`, models: ["test-model"] });
  expect(response.status).toBe(201);
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), "omniroute-budgets-e2e-"));
  upstreamA = startRecordedUpstream(() => fixtureReply("openai-chat", "text-nonstream").reply);
  upstreamB = startRecordedUpstream(() => fixtureReply("openai-chat", "text-nonstream").reply);
  gw = await startTestGateway({ dataDir });
  await connect("tier-a", upstreamA.url);
  await connect("tier-b", upstreamB.url);
  keyA = await createKey("team a");
  keyB = await createKey("team b");
  expect((await admin("POST", "/api/combos", { name: COMBO, strategy: "fill-first", targets: [{ model: TIER_A }, { model: TIER_B }] })).status).toBe(201);
  const settings = await admin("PATCH", "/api/settings", { routing: { transientRetries: 0 }, pricing: { models: { "test-model": { input: 1000, output: 1000 } } } });
  expect(settings.status).toBe(200);
});

afterAll(async () => {
  await gw.stop();
  upstreamA.stop();
  upstreamB.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("a client key's budget", () => {
  let keyBudget: BudgetView;

  test("spent → that key gets a 429 in its own format (OpenAI chat, Anthropic messages) naming the budget, with Retry-After", async () => {
    keyBudget = await createBudget({ name: "team a daily", scope: "key", scopeId: keyA.id, window: { kind: "daily" }, limitUsd: 0.05 });
    expect(keyBudget).toMatchObject({ spentUsd: 0, remainingUsd: 0.05, percent: 0, exceeded: false, reopensAt: null });

    expect((await chat(keyA, TIER_A)).status).toBe(200);
    await waitForSpend(keyBudget.id, COST);
    expect((await messages(keyA, TIER_A)).status).toBe(200);
    const spent = await waitForSpend(keyBudget.id, 2 * COST);
    expect(spent).toMatchObject({ exceeded: true, percent: 128, remainingUsd: 0 });
    expect(spent.reopensAt).toBe(spent.resetAt);
    const upstreamCalls = upstreamA.requests.length;

    const refusedChat = await chat(keyA, TIER_A);
    expect(refusedChat.status).toBe(429);
    const retryAfter = Number(refusedChat.headers.get("retry-after"));
    const untilReset = (Date.parse(spent.resetAt) - Date.now()) / 1000;
    expect(retryAfter).toBeGreaterThan(0);
    expect(Math.abs(retryAfter - untilReset)).toBeLessThan(5);
    const chatError = ((await refusedChat.json()) as { error: { message: string; code: string; type: string } }).error;
    expect(chatError.code).toBe("budget_exceeded");
    expect(chatError.message).toBe(
      `Budget "team a daily" of this API key is used up: $0.0640 spent of its $0.0500 limit (daily @ 00:00 UTC). It resets at ${spent.resetAt}. ` +
        `To continue sooner, raise the limit or disable the budget (PATCH /api/budgets/${keyBudget.id}).`,
    );

    const refusedMessages = await messages(keyA, TIER_A);
    expect(refusedMessages.status).toBe(429);
    expect(Number(refusedMessages.headers.get("retry-after"))).toBeGreaterThan(0);
    const anthropicError = (await refusedMessages.json()) as { type: string; error: { type: string; message: string } };
    expect(anthropicError.type).toBe("error");
    expect(anthropicError.error.type).toBe("rate_limit_error");
    expect(anthropicError.error.message).toContain('Budget "team a daily"');
    expect(anthropicError.error.message).toContain(spent.resetAt);
    // Refused before routing: the upstream never saw them.
    expect(upstreamA.requests.length).toBe(upstreamCalls);
  });

  test("another key is unaffected", async () => {
    expect((await chat(keyB, TIER_A)).status).toBe(200);
    expect((await messages(keyB, TIER_A)).status).toBe(200);
  });

  test("the window rolling over (the tracker's clock, no sleeping) reopens the key", async () => {
    const tracker = gw.gateway.runtime.budgets.tracker;
    const realNow = tracker.now;
    tracker.now = () => Date.now() + 24 * 3_600_000;
    try {
      expect((await budget(keyBudget.id)).exceeded).toBe(false);
      const served = await chat(keyA, TIER_A);
      expect(served.status).toBe(200);
      // Stored before the next test counts key A's day from the request log.
      expect((await logRow(served.headers.get("x-request-id")!)).cost_usd).toBe(COST);
    } finally {
      tracker.now = realNow;
    }
  });

  test("a budget created on a key that already spent today is counted from the request log; deleting it reopens at once", async () => {
    // Today: three priced calls of key A (two before the rollover test, one during it).
    const strict = await createBudget({ name: "team a strict", scope: "key", scopeId: keyA.id, window: { kind: "daily" }, limitUsd: 0.01 });
    expect(strict.spentUsd).toBeCloseTo(3 * COST, 9);
    expect(strict.exceeded).toBe(true);
    expect((await chat(keyA, TIER_A)).status).toBe(429);
    expect((await admin("DELETE", `/api/budgets/${strict.id}`)).status).toBe(204);
    expect((await admin("DELETE", `/api/budgets/${keyBudget.id}`)).status).toBe(204);
    expect((await chat(keyA, TIER_A)).status).toBe(200);
    expect((await admin("GET", `/api/budgets/${strict.id}`)).status).toBe(404);
  });
});

describe("a combo tier's budget", () => {
  let tierA: BudgetView;
  let tierB: BudgetView;

  test("spent → that tier is skipped and the next tier of the combo serves", async () => {
    tierA = await createBudget({ name: "tier a", scope: "combo-target", scopeId: `${COMBO} ${TIER_A}`, window: { kind: "daily" }, limitUsd: 0.03 });
    const first = await chat(keyB, COMBO);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-omniroute-model")).toBe(TIER_A);
    expect(await logRow(first.headers.get("x-request-id")!)).toEqual({ status: 200, combo: COMBO, combo_target: TIER_A, cost_usd: COST });
    expect((await waitForSpend(tierA.id, COST)).exceeded).toBe(true);

    const callsA = upstreamA.requests.length;
    const callsB = upstreamB.requests.length;
    const second = await chat(keyB, COMBO);
    expect(second.status).toBe(200);
    expect(second.headers.get("x-omniroute-model")).toBe(TIER_B);
    expect(upstreamA.requests.length).toBe(callsA);
    expect(upstreamB.requests.length).toBe(callsB + 1);
    expect(await logRow(second.headers.get("x-request-id")!)).toEqual({ status: 200, combo: COMBO, combo_target: TIER_B, cost_usd: COST });
    // The tier is spent for the combo only: the same model named directly still serves.
    expect((await chat(keyB, TIER_A)).headers.get("x-omniroute-model")).toBe(TIER_A);
  });

  test("every tier spent → 429 with the earliest reopening time", async () => {
    // Tier B already spent $0.032 today (the request above): a rolling hour at $0.03 is spent from the start.
    tierB = await createBudget({ name: "tier b", scope: "combo-target", scopeId: `${COMBO} ${TIER_B}`, window: { kind: "rolling", hours: 1 }, limitUsd: 0.03 });
    expect(tierB).toMatchObject({ exceeded: true });
    const a = await budget(tierA.id);
    const earliest = Math.min(Date.parse(a.reopensAt!), Date.parse(tierB.reopensAt!));
    const calls = upstreamA.requests.length + upstreamB.requests.length;

    const refused = await chat(keyB, COMBO);
    expect(refused.status).toBe(429);
    expect(upstreamA.requests.length + upstreamB.requests.length).toBe(calls);
    expect(Math.abs(Number(refused.headers.get("retry-after")) - (earliest - Date.now()) / 1000)).toBeLessThan(5);
    const error = ((await refused.json()) as { error: { message: string; code: string } }).error;
    expect(error.code).toBe("all_targets_cooling_down");
    expect(error.message).toContain(`${TIER_A} (budget)`);
    expect(error.message).toContain(`${TIER_B} (budget)`);
    expect(error.message).toContain(new Date(earliest).toISOString());
    expect(refused.headers.get("x-omniroute-route")).toBe(`unavailable=${TIER_A} (budget), ${TIER_B} (budget)`);
  });

  test("budgets and their spend survive a restart (rebuilt from the request log)", async () => {
    const before = ((await (await admin("GET", "/api/budgets")).json()) as BudgetView[]).map(({ id, spentUsd, exceeded }) => ({ id, spentUsd, exceeded }));
    expect(before).toHaveLength(2);
    await gw.stop();
    gw = await startTestGateway({ dataDir });
    const after = ((await (await admin("GET", "/api/budgets")).json()) as BudgetView[]).map(({ id, spentUsd, exceeded }) => ({ id, spentUsd, exceeded }));
    expect(after).toEqual(before);
    expect((await chat(keyB, COMBO)).status).toBe(429);
    // Raising one tier's limit opens it without a restart.
    expect((await admin("PATCH", `/api/budgets/${tierB.id}`, { limitUsd: 1 })).status).toBe(200);
    const served = await chat(keyB, COMBO);
    expect(served.status).toBe(200);
    expect(served.headers.get("x-omniroute-model")).toBe(TIER_B);
  });
});

describe("the budgets API", () => {
  test("invalid budgets are clear 400s; unknown ids 404s", async () => {
    const base = { name: "x", scope: "key", scopeId: keyA.id, window: { kind: "daily" }, limitUsd: 1 };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...base, limitUsd: 0 }, "limitUsd"],
      [{ ...base, scope: "team" }, "scope"],
      [{ ...base, window: { kind: "hourly" } }, "window"],
      [{ ...base, scopeId: "key_missing" }, 'client key "key_missing" does not exist'],
      [{ ...base, scope: "provider", scopeId: "nope" }, 'provider "nope" does not exist'],
      [{ ...base, scope: "combo-target", scopeId: `${COMBO} tier-c/test-model` }, `combo "${COMBO}" has no entry "tier-c/test-model"; its entries are "${TIER_A}", "${TIER_B}".`],
    ];
    for (const [body, expected] of cases) {
      const response = await admin("POST", "/api/budgets", body);
      expect(response.status).toBe(400);
      const error = ((await response.json()) as { error: { message: string; code: string } }).error;
      expect(error.message).toContain(expected);
    }
    const created = await createBudget(base);
    const patched = await admin("PATCH", `/api/budgets/${created.id}`, { limitUsd: -5 });
    expect(patched.status).toBe(400);
    expect((await admin("PATCH", "/api/budgets/bdg_missing", { limitUsd: 5 })).status).toBe(404);
    expect((await admin("GET", "/api/budgets/bdg_missing")).status).toBe(404);
    expect((await admin("DELETE", "/api/budgets/bdg_missing")).status).toBe(404);
    expect((await admin("DELETE", `/api/budgets/${created.id}`)).status).toBe(204);
  });
});
