import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { KIMI_USAGES_PATH, kimiUsagesBody, startPlanQuotaMock, type PlanQuotaMock } from "../fakes/plan-quota-mocks";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * Two kimi-coding API-key accounts (the first preferred by priority), each pointed at its own mock plan host through
 * the connection's base URL — the usage endpoint is derived from that base URL's origin, exactly as production
 * derives it from api.kimi.com. The first account's plan is spent: the background poller reports it, routing
 * skips it until the reset, then serves it again.
 */
let gw: TestGateway;
let first: PlanQuotaMock;
let second: PlanQuotaMock;
const ids = { first: "", second: "" };
const H = 3_600_000;
const MODEL = "kmc/kimi-k2.7-code";

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${gw.url}${path}`, { method, headers: await gw.adminHeaders(), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

async function message(): Promise<Response> {
  const response = await fetch(`${gw.url}/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
    body: JSON.stringify({ model: MODEL, max_tokens: 16, messages: [{ role: "user", content: "hi" }] }),
  });
  await response.text();
  gw.gateway.runtime.logWriter.flush();
  return response;
}

interface ReportedView {
  limits: Array<{ name: string; limit: number | null; remaining: number | null; resetAt: string | null; spent: boolean }>;
}
async function quotaOf(id: string): Promise<{ available: boolean; reported: ReportedView | null }> {
  const overview = (await (await admin("GET", "/api/quota")).json()) as { connections: Array<{ connectionId: string; available: boolean; reported: ReportedView | null }> };
  return overview.connections.find((c) => c.connectionId === id)!;
}

const spentUntil = Date.now() + H;

beforeAll(async () => {
  first = startPlanQuotaMock();
  second = startPlanQuotaMock();
  first.answer(KIMI_USAGES_PATH, { status: 200, body: kimiUsagesBody({ fiveHour: { limit: 100, remaining: 0, resetAt: spentUntil }, weekly: { limit: 1000, used: 400, resetAt: Date.now() + 72 * H } }) });
  second.answer(KIMI_USAGES_PATH, { status: 200, body: kimiUsagesBody({ fiveHour: { limit: 100, remaining: 90, resetAt: spentUntil }, weekly: { limit: 1000, used: 10, resetAt: Date.now() + 72 * H } }) });
  gw = await startTestGateway();
});

afterAll(async () => {
  await gw.stop();
  first.stop();
  second.stop();
});

describe("coding-plan quota (API-key kimi-coding)", () => {
  test("no such connection: the poller follows nothing and plans no timer", () => {
    expect(gw.gateway.planQuota.followed()).toEqual([]);
  });

  test("fetched right after the connection is created, with the key as a Bearer token on the base URL's origin", async () => {
    for (const [name, mock, priority] of [["first", first, 0], ["second", second, 1]] as const) {
      const response = await admin("POST", "/api/connections", { providerId: "kimi-coding", name, baseUrl: `${mock.url}/coding/v1`, apiKey: `sk-kimi-${name}-0123456789`, priority });
      expect(response.status).toBe(201);
      ids[name] = ((await response.json()) as { id: string }).id;
    }
    await gw.gateway.planQuota.settled();
    expect(gw.gateway.planQuota.followed().sort()).toEqual([ids.first, ids.second].sort());
    expect(first.calls).toEqual([{ path: "/coding/v1/usages", authorization: "Bearer sk-kimi-first-0123456789", xApiKey: null, redirect: false }]);
    expect(gw.gateway.planQuota.quotaOf(ids.first)?.limits.map((l) => [l.name, l.spent])).toEqual([
      ["kimi-5h", true],
      ["kimi-weekly", false],
    ]);
  });

  test("spent → routing skips the account; GET /api/quota shows the fetched windows; after the reset it serves again", async () => {
    const view = await quotaOf(ids.first);
    expect(view.available).toBe(false);
    expect(view.reported?.limits.find((l) => l.name === "kimi-5h")).toMatchObject({ limit: 100, remaining: 0, spent: true, resetAt: new Date(spentUntil).toISOString() });
    expect(view.reported?.limits.find((l) => l.name === "kimi-weekly")).toMatchObject({ limit: 1000, remaining: 600, spent: false });
    expect((await quotaOf(ids.second)).available).toBe(true);

    expect((await message()).status).toBe(200);
    expect({ first: first.messages, second: second.messages }).toEqual({ first: 0, second: 1 });

    gw.gateway.runtime.quota.setClock(() => Date.now() + 2 * H);
    try {
      expect((await message()).status).toBe(200);
      expect({ first: first.messages, second: second.messages }).toEqual({ first: 1, second: 1 });
    } finally {
      gw.gateway.runtime.quota.setClock(null);
    }
  });

  test("a new key is fetched at once; a failing fetch reports nothing and its error never carries the key", async () => {
    first.answer(KIMI_USAGES_PATH, { status: 401, body: { error: "invalid key sk-kimi-rotated-0123456789" } });
    const before = first.calls.length;
    expect((await admin("PATCH", `/api/connections/${ids.first}`, { apiKey: "sk-kimi-rotated-0123456789" })).status).toBe(200);
    await gw.gateway.planQuota.settled();
    expect(first.calls.length).toBe(before + 1);
    expect(first.calls.at(-1)!.authorization).toBe("Bearer sk-kimi-rotated-0123456789");
    const cached = gw.gateway.planQuota.quotaOf(ids.first)!;
    expect(cached.limits).toEqual([]);
    expect(cached.error).toContain("HTTP 401");
    expect(cached.error).not.toContain("sk-kimi-rotated");
    // The old key's spent window was dropped with the key: the account is open again.
    expect((await quotaOf(ids.first)).available).toBe(true);

    // Polled again once the 5-minute interval has passed (the poller's clock moved instead of sleeping).
    const polled = first.calls.length;
    gw.gateway.planQuota.setClock(() => Date.now() + 6 * 60_000);
    await gw.gateway.planQuota.tick();
    gw.gateway.planQuota.setClock(Date.now);
    expect(first.calls.length).toBe(polled + 1);

    // Disabled: no longer followed.
    expect((await admin("PATCH", `/api/connections/${ids.second}`, { enabled: false })).status).toBe(200);
    expect(gw.gateway.planQuota.followed()).toEqual([ids.first]);
  });
});
