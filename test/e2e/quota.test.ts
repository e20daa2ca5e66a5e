import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { fixtureReply, startRecordedUpstream, type RecordedReply } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/**
 * Two accounts of one provider (first preferred by priority), each behind its own fake upstream. Quota windows on
 * the accounts decide which one serves; the tracker's clock is moved by the test instead of sleeping.
 */
let gw: TestGateway;
let first: ReturnType<typeof startRecordedUpstream>;
let second: ReturnType<typeof startRecordedUpstream>;
let firstHeaders: Record<string, string> = {};
let openai: OpenAI;
const ids: Record<"first" | "second", string> = { first: "", second: "" };
const MODEL = "ds/deepseek-v4-pro";

const ok = (headers: Record<string, string> = {}): RecordedReply => ({ ...fixtureReply("openai-chat", "text-nonstream").reply, headers });

interface WindowView {
  id: string;
  used: { requests: number; tokens: number; usd: number };
  remaining: { requests?: number };
  percentUsed: number;
  exhausted: boolean;
  resetAt: string | null;
  resetInSeconds: number | null;
  availableAt: string | null;
  lastManualReset: string | null;
}
interface AccountView {
  connectionId: string;
  name: string;
  available: boolean;
  unavailableUntil: string | null;
  closedBy: string | null;
  windows: WindowView[];
  reported: { at: string; ageSeconds: number; retryAt: string | null; limits: Array<{ name: string; limit: number | null; remaining: number | null; resetAt: string | null; spent: boolean }> } | null;
}

async function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${gw.url}${path}`, { method, headers: await gw.adminHeaders(), ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
}

async function quotaOf(name: "first" | "second"): Promise<AccountView> {
  const overview = (await (await admin("GET", "/api/quota")).json()) as { now: string; connections: AccountView[] };
  return overview.connections.find((c) => c.connectionId === ids[name])!;
}

async function setWindows(name: "first" | "second", windows: unknown[]): Promise<Response> {
  return admin("PUT", `/api/connections/${ids[name]}/quota`, { windows });
}

/** One chat request; the finished-request events are published with the log batch, flushed here at once. */
async function chat() {
  const result = await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] }).withResponse();
  gw.gateway.runtime.logWriter.flush();
  return result;
}

const served = () => ({ first: first.requests.length, second: second.requests.length });
const nextUtcMidnight = (now: number) => {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
};
const daily = (requests: number) => [{ id: "day", window: { kind: "daily" }, limits: { requests } }];

beforeAll(async () => {
  first = startRecordedUpstream(() => ok(firstHeaders));
  second = startRecordedUpstream(() => ok());
  gw = await startTestGateway();
  for (const [name, upstream, priority] of [["first", first, 0], ["second", second, 1]] as const) {
    const response = await admin("POST", "/api/connections", { providerId: "deepseek", name, baseUrl: `${upstream.url}/v1`, apiKey: `sk-${name}`, priority });
    expect(response.status).toBe(201);
    ids[name] = ((await response.json()) as { id: string }).id;
  }
  openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "unused", maxRetries: 0 });
  // Nothing configured or reported yet: routing does not even call the quota gate.
  expect(gw.gateway.runtime.gates.targets.map((g) => g.name)).not.toContain("quota");
});

afterAll(async () => {
  await gw.stop();
  first.stop();
  second.stop();
});

beforeEach(async () => {
  gw.gateway.runtime.quota.setClock(null);
  firstHeaders = {};
  // A window set later counts the request log's usage in its span, unless reset after it: start each test clean.
  for (const name of ["first", "second"] as const) {
    await setWindows(name, [...daily(1000), { id: "week", window: { kind: "weekly" }, limits: { requests: 1000 } }]);
    await admin("POST", `/api/quota/${ids[name]}/reset`);
    await setWindows(name, []);
  }
  first.requests.length = 0;
  second.requests.length = 0;
});

describe("PUT /api/connections/:id/quota", () => {
  test("stores validated windows on the connection; invalid ones are clear 400s", async () => {
    const stored = await setWindows("first", [
      { id: "5h", window: { kind: "rolling", hours: 5 }, limits: { requests: 50, tokens: 1_000_000 }, reservePercent: 10 },
      { id: "month", window: { kind: "monthly", resetDay: 3 }, limits: { usd: 25 } },
    ]);
    expect(stored.status).toBe(200);
    const view = (await stored.json()) as { quota: Array<{ id: string; window: unknown }> };
    expect(view.quota.map((w) => w.id)).toEqual(["5h", "month"]);
    expect(view.quota[1]!.window).toEqual({ kind: "monthly", resetDay: 3, resetHour: 0, utcOffsetMinutes: 0 });
    expect(((await (await admin("GET", `/api/connections/${ids.first}`)).json()) as { quota: unknown[] }).quota).toHaveLength(2);

    const invalid = async (windows: unknown, expected: string) => {
      const response = await admin("PUT", `/api/connections/${ids.first}/quota`, { windows });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { error: { message: string; code: string } };
      expect(body.error.code).toBe("invalid_request");
      expect(body.error.message).toContain(expected);
    };
    await invalid([{ id: "a", window: { kind: "daily" }, limits: {} }], "at least one limit");
    await invalid(
      [
        { id: "a", window: { kind: "daily" }, limits: { requests: 1 } },
        { id: "a", window: { kind: "weekly" }, limits: { requests: 1 } },
      ],
      "used twice",
    );
    await invalid([{ id: "a", window: { kind: "fortnightly" }, limits: { requests: 1 } }], "kind");
    await invalid([{ id: "a", window: { kind: "rolling", hours: 5 }, limits: { requests: 0 } }], "requests");
    expect((await admin("PUT", `/api/connections/conn_missing/quota`, { windows: [] })).status).toBe(404);
    // The bad attempts changed nothing.
    expect((await quotaOf("first")).windows.map((w) => w.id)).toEqual(["5h", "month"]);
  });
});

describe("preflight: a spent account is skipped until its window resets", () => {
  test("after N requests in a window of N, request N+1 is served by the other account; GET /api/quota shows why", async () => {
    await setWindows("first", daily(2));
    await chat();
    await chat();
    expect(served()).toEqual({ first: 2, second: 0 });
    const { response } = await chat();
    expect(served()).toEqual({ first: 2, second: 1 });
    expect(response.status).toBe(200);

    const logs = (await (await admin("GET", "/api/logs?limit=3")).json()) as Array<{ connectionId: string }>;
    expect(logs.map((l) => l.connectionId)).toEqual([ids.second, ids.first, ids.first]);

    const account = await quotaOf("first");
    const now = Date.now();
    expect(account).toMatchObject({ available: false, closedBy: "window day", unavailableUntil: new Date(nextUtcMidnight(now)).toISOString() });
    expect(account.windows[0]).toMatchObject({ id: "day", used: { requests: 2 }, remaining: { requests: 0 }, percentUsed: 100, exhausted: true });
    expect(account.windows[0]!.resetAt).toBe(new Date(nextUtcMidnight(now)).toISOString());
    expect(Math.abs(account.windows[0]!.resetInSeconds! - (nextUtcMidnight(now) - now) / 1000)).toBeLessThan(5);
    expect(await quotaOf("second")).toMatchObject({ available: true, windows: [] });
  });

  test("every account spent → 429 in the client's own format with Retry-After; the next day both serve again without a restart", async () => {
    await setWindows("first", daily(1));
    await setWindows("second", daily(1));
    await chat();
    await chat();
    expect(served()).toEqual({ first: 1, second: 1 });

    const midnight = nextUtcMidnight(Date.now());
    const error = await chat().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimited = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimited.message).toContain("out of quota");
    const retryAfter = Number(rateLimited.headers?.get("retry-after"));
    expect(Math.abs(retryAfter - (midnight - Date.now()) / 1000)).toBeLessThan(5);
    expect(rateLimited.headers?.get("x-omniroute-route")).toContain("(quota)");

    const anthropic = await fetch(`${gw.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(anthropic.status).toBe(429);
    expect(((await anthropic.json()) as { type: string; error: { type: string } })).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
    expect(Number(anthropic.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(served()).toEqual({ first: 1, second: 1 });

    // The windows roll over: served again, no restart and no reset.
    gw.gateway.runtime.quota.setClock(() => midnight + 1000);
    await chat();
    expect(served()).toEqual({ first: 2, second: 1 });
    expect((await quotaOf("first")).available).toBe(true);
    expect((await quotaOf("second")).available).toBe(true);
  });

  test("a manual reset reopens the account at once (one window or all)", async () => {
    await setWindows("first", [...daily(1), { id: "week", window: { kind: "weekly" }, limits: { requests: 1 } }]);
    await chat();
    await chat();
    expect(served()).toEqual({ first: 1, second: 1 });
    expect((await admin("POST", `/api/quota/${ids.first}/reset?window=nope`)).status).toBe(404);
    const partly = (await (await admin("POST", `/api/quota/${ids.first}/reset?window=day`)).json()) as AccountView;
    expect(partly).toMatchObject({ available: false, closedBy: "window week" });
    expect(partly.windows[0]!.lastManualReset).not.toBeNull();
    const reset = await admin("POST", `/api/quota/${ids.first}/reset`);
    expect(reset.status).toBe(200);
    expect(((await reset.json()) as AccountView).available).toBe(true);
    await chat();
    expect(served()).toEqual({ first: 2, second: 1 });
    expect((await admin("POST", "/api/quota/conn_missing/reset")).status).toBe(404);
  });

  test("a reserve keeps part of the window unused", async () => {
    await setWindows("first", [{ id: "day", window: { kind: "daily" }, limits: { requests: 4 }, reservePercent: 50 }]);
    await chat();
    await chat();
    await chat();
    expect(served()).toEqual({ first: 2, second: 1 });
    expect((await quotaOf("first")).windows[0]).toMatchObject({ remaining: { requests: 2 }, exhausted: true });
  });
});

describe("provider-reported limits", () => {
  test("x-ratelimit-remaining-requests: 0 with a reset closes the account until then", async () => {
    firstHeaders = { "x-ratelimit-limit-requests": "100", "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "30s" };
    const { response } = await chat();
    // Relayed to the client as well.
    expect(response.headers.get("x-ratelimit-remaining-requests")).toBe("0");
    firstHeaders = {};
    await chat();
    expect(served()).toEqual({ first: 1, second: 1 });
    const account = await quotaOf("first");
    expect(account).toMatchObject({ available: false, closedBy: "provider" });
    expect(account.reported!.limits).toEqual([expect.objectContaining({ name: "requests", limit: 100, remaining: 0, spent: true })]);
    expect(account.reported!.ageSeconds).toBeLessThan(5);
    const reopens = Date.parse(account.unavailableUntil!);
    expect(Math.abs(reopens - (Date.now() + 30_000))).toBeLessThan(5000);

    gw.gateway.runtime.quota.setClock(() => reopens + 1);
    await chat();
    expect(served()).toEqual({ first: 2, second: 1 });
  });
});

describe("GET /v1/quota (client introspection)", () => {
  test("open on a loopback gateway without keys; with keys it needs one; shows accounts and combos", async () => {
    await setWindows("first", daily(1));
    await chat();
    expect((await admin("POST", "/api/combos", { name: "coding", targets: [{ model: MODEL }] })).status).toBe(201);

    const open = await fetch(`${gw.url}/v1/quota`);
    expect(open.status).toBe(200);
    expect(open.headers.get("x-request-id")).toBeTruthy();

    const created = (await (await admin("POST", "/api/keys", { name: "quota-test" })).json()) as { id: string; key: string };
    try {
      const missing = await fetch(`${gw.url}/v1/quota`);
      expect(missing.status).toBe(401);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe("invalid_api_key");
      expect((await fetch(`${gw.url}/v1/quota`, { headers: { authorization: "Bearer sk-wrong" } })).status).toBe(401);

      const response = await fetch(`${gw.url}/v1/quota`, { headers: { authorization: `Bearer ${created.key}` } });
      expect(response.status).toBe(200);
      const body = (await response.json()) as {
        object: string;
        generated_at: string;
        accounts: Array<{ id: string; name: string; provider: string; model_prefix: string; available: boolean; available_at: string | null; windows: Array<Record<string, unknown>> }>;
        combos: Array<{ name: string; accounts: string[]; available: boolean; available_at: string | null }>;
      };
      expect(body.object).toBe("quota");
      const firstAccount = body.accounts.find((a) => a.id === ids.first)!;
      expect(firstAccount).toMatchObject({ name: "first", provider: "deepseek", model_prefix: "ds", available: false });
      expect(firstAccount.available_at).toBe(new Date(nextUtcMidnight(Date.now())).toISOString());
      expect(firstAccount.windows[0]).toMatchObject({ id: "day", description: "daily @ 00:00 UTC", limits: { requests: 1 }, used: { requests: 1 }, remaining: { requests: 0 }, exhausted: true });
      expect(typeof firstAccount.windows[0]!.reset_in_seconds).toBe("number");
      expect(body.combos).toEqual([{ name: "coding", accounts: [ids.first, ids.second], available: true, available_at: null }]);
      // The Anthropic way of sending the key works too.
      expect((await fetch(`${gw.url}/v1/quota`, { headers: { "x-api-key": created.key } })).status).toBe(200);
    } finally {
      await admin("DELETE", `/api/keys/${created.id}`);
      await admin("DELETE", "/api/combos/coding");
    }
  });
});

describe("restart", () => {
  test("a spent window is still spent after a restart (rebuilt from the request log)", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "omniroute-quota-"));
    const upstream = startRecordedUpstream(() => ok());
    try {
      let gateway = await startTestGateway({ dataDir });
      const headers = await gateway.adminHeaders();
      const created = await fetch(`${gateway.url}/api/connections`, {
        method: "POST",
        headers,
        body: JSON.stringify({ providerId: "deepseek", baseUrl: `${upstream.url}/v1`, apiKey: "sk-only", quota: daily(2) }),
      });
      expect(created.status).toBe(201);
      const id = ((await created.json()) as { id: string }).id;
      const client = (url: string) => new OpenAI({ baseURL: `${url}/v1`, apiKey: "unused", maxRetries: 0 });
      for (let i = 0; i < 2; i++) await client(gateway.url).chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] });
      await gateway.stop();

      gateway = await startTestGateway({ dataDir });
      try {
        const overview = (await (await fetch(`${gateway.url}/api/quota`, { headers: await gateway.adminHeaders() })).json()) as { connections: AccountView[] };
        expect(overview.connections.find((c) => c.connectionId === id)).toMatchObject({ available: false, windows: [{ used: { requests: 2 }, exhausted: true }] });
        const error = await client(gateway.url).chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(OpenAI.RateLimitError);
        expect(upstream.requests).toHaveLength(2);
      } finally {
        await gateway.stop();
      }
    } finally {
      upstream.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
