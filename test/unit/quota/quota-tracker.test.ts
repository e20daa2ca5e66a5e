import { afterEach, describe, expect, test } from "bun:test";
import { attachQuotaGate, QuotaGate } from "../../../src/quota/quota-gate";
import { MODEL_RATE_LIMIT_FALLBACK_MS, QuotaTracker } from "../../../src/quota/quota-tracker";
import type { RouteTarget } from "../../../src/routing/model-router";
import type { RouteGates } from "../../../src/routing/target-gate";
import { QuotaRepo } from "../../../src/store/repos/quota-repo";
import { TempDirs } from "../support/temp-data";
import { finished, HOUR, logEntry, manualClock, MINUTE, quotaWindow } from "./quota-fixtures";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

// 2025-06-10 (a Tuesday) 12:00 UTC.
const NOON = Date.UTC(2025, 5, 10, 12);

function tracker(windows: unknown[], start = NOON) {
  const clock = manualClock(start);
  const quota = new QuotaTracker({ now: clock.now });
  quota.start([{ id: "conn_a", quota: windows.map(quotaWindow) }, { id: "conn_b" }]);
  return { clock, quota };
}

const closed = (quota: QuotaTracker, id = "conn_a") => quota.check(id, quota.now())?.closedUntil ?? null;

describe("window counting", () => {
  test("a request limit closes the account at the Nth request until the daily reset, then it reopens by itself", () => {
    const { clock, quota } = tracker([{ id: "day", window: { kind: "daily", resetHour: 0 }, limits: { requests: 3 } }]);
    for (let i = 0; i < 2; i++) quota.record(finished({ startedAt: clock.now() }));
    expect(closed(quota)).toBeNull();
    quota.record(finished({ startedAt: clock.now() }));
    expect(closed(quota)).toBe(Date.UTC(2025, 5, 11));
    const figures = quota.describe("conn_a").windows[0]!;
    expect(figures).toMatchObject({ used: { requests: 3, tokens: 0, usd: 0 }, remaining: { requests: 0 }, exhausted: true, percentUsed: 100 });
    expect(figures.resetAt).toBe(Date.UTC(2025, 5, 11));
    clock.set(Date.UTC(2025, 5, 11) - 1);
    expect(closed(quota)).toBe(Date.UTC(2025, 5, 11));
    clock.set(Date.UTC(2025, 5, 11));
    expect(closed(quota)).toBeNull();
    expect(quota.describe("conn_a").windows[0]!.used.requests).toBe(0);
  });

  test("token and dollar limits count input + output tokens and the request's cost", () => {
    const { clock, quota } = tracker([
      { id: "tokens", window: { kind: "weekly", resetDay: 1 }, limits: { tokens: 1000 } },
      { id: "dollars", window: { kind: "monthly", resetDay: 1 }, limits: { usd: 0.5 } },
    ]);
    quota.record(finished({ startedAt: clock.now(), tokensIn: 400, tokensOut: 500, costUsd: 0.2 }));
    expect(closed(quota)).toBeNull();
    const [tokens, dollars] = quota.describe("conn_a").windows;
    expect(tokens).toMatchObject({ used: { requests: 1, tokens: 900 }, remaining: { tokens: 100 } });
    expect(dollars!.remaining.usd).toBeCloseTo(0.3);
    // Weekly (Monday 00:00) and monthly (the 1st) resets.
    expect(tokens!.resetAt).toBe(Date.UTC(2025, 5, 16));
    expect(dollars!.resetAt).toBe(Date.UTC(2025, 6, 1));
    quota.record(finished({ startedAt: clock.now(), tokensIn: 50, tokensOut: 50, costUsd: 0.01 }));
    expect(closed(quota)).toBe(Date.UTC(2025, 5, 16));
    expect(quota.check("conn_a", clock.now())!.closedBy).toBe("window tokens");
    quota.record(finished({ startedAt: clock.now(), costUsd: 0.3 }));
    // Both spent: it opens when the later of the two resets.
    expect(closed(quota)).toBe(Date.UTC(2025, 6, 1));
  });

  test("a reserve closes the account before the limit", () => {
    const { clock, quota } = tracker([{ id: "day", window: { kind: "daily" }, limits: { requests: 10 }, reservePercent: 20 }]);
    for (let i = 0; i < 7; i++) quota.record(finished({ startedAt: clock.now() }));
    expect(closed(quota)).toBeNull();
    expect(quota.check("conn_a", clock.now())!.headroom).toBeCloseTo(0.1);
    quota.record(finished({ startedAt: clock.now() }));
    expect(closed(quota)).not.toBeNull();
    expect(quota.describe("conn_a").windows[0]).toMatchObject({ remaining: { requests: 2 }, exhausted: true });
  });

  test("a rolling window lets usage age out: the account reopens when enough of it is older than the window", () => {
    const { clock, quota } = tracker([{ id: "5h", window: { kind: "rolling", hours: 5 }, limits: { requests: 2 } }]);
    const first = clock.now();
    quota.record(finished({ startedAt: first }));
    clock.advance(2 * HOUR);
    quota.record(finished({ startedAt: clock.now() }));
    const until = closed(quota)!;
    // The first request leaves the window 5 h after it started (bucketed: at most one bucket, 75 s, late).
    expect(until).toBeGreaterThanOrEqual(first + 5 * HOUR);
    expect(until).toBeLessThanOrEqual(first + 5 * HOUR + 75_000);
    expect(quota.describe("conn_a").windows[0]!.availableAt).toBe(until);
    clock.set(until - 1);
    expect(closed(quota)).toBe(until);
    clock.set(until);
    expect(closed(quota)).toBeNull();
    expect(quota.describe("conn_a").windows[0]!.used.requests).toBe(1);
    clock.advance(3 * HOUR + 2 * MINUTE);
    expect(quota.describe("conn_a").windows[0]!.used.requests).toBe(0);
  });

  test("only served requests count: cache hits, shared twins and failures without tokens do not", () => {
    const { clock, quota } = tracker([{ id: "day", window: { kind: "daily" }, limits: { requests: 100 } }]);
    const at = clock.now();
    quota.record(finished({ startedAt: at, cache: "hit", connectionId: "conn_a" }));
    quota.record(finished({ startedAt: at, sharedWith: "req_x" }));
    quota.record(finished({ startedAt: at, status: 502 }));
    quota.record(finished({ startedAt: at, status: 499, tokensIn: 10, tokensOut: 3 }));
    quota.record(finished({ startedAt: at }));
    quota.record(finished({ startedAt: at, connectionId: "conn_b" }));
    expect(quota.describe("conn_a").windows[0]!.used).toEqual({ requests: 2, tokens: 13, usd: 0 });
  });

  test("a request from before the current span does not count in it", () => {
    const { clock, quota } = tracker([{ id: "day", window: { kind: "daily", resetHour: 6 } }].map((w) => ({ ...w, limits: { requests: 5 } })));
    quota.record(finished({ startedAt: Date.UTC(2025, 5, 10, 5, 59) }));
    quota.record(finished({ startedAt: clock.now() }));
    expect(quota.describe("conn_a").windows[0]!.used.requests).toBe(1);
  });
});

describe("manual reset", () => {
  test("reopens at once, per window or all windows", () => {
    const { clock, quota } = tracker([
      { id: "5h", window: { kind: "rolling", hours: 5 }, limits: { requests: 1 } },
      { id: "week", window: { kind: "weekly" }, limits: { requests: 2 } },
    ]);
    quota.record(finished({ startedAt: clock.now() }));
    quota.record(finished({ startedAt: clock.now() }));
    expect(closed(quota)).not.toBeNull();
    quota.reset("conn_a", "5h");
    expect(quota.check("conn_a", clock.now())!.closedBy).toBe("window week");
    quota.reset("conn_a");
    expect(closed(quota)).toBeNull();
    const windows = quota.describe("conn_a").windows;
    expect(windows.map((w) => w.used.requests)).toEqual([0, 0]);
    expect(windows.map((w) => w.lastManualReset)).toEqual([clock.now(), clock.now()]);
  });
});

describe("provider-reported limits", () => {
  test("remaining 0 with a reset closes the account until that reset (OpenAI-style duration)", () => {
    const { clock, quota } = tracker([]);
    quota.record(finished({ connectionId: "conn_b", startedAt: clock.now() }, { "x-ratelimit-limit-requests": "100", "x-ratelimit-remaining-requests": "0", "x-ratelimit-reset-requests": "6m0s" }));
    expect(closed(quota, "conn_b")).toBe(NOON + 6 * MINUTE);
    expect(quota.check("conn_b", clock.now())!.closedBy).toBe("provider");
    const reported = quota.describe("conn_b").reported!;
    expect(reported.at).toBe(NOON);
    expect(reported.limits).toEqual([{ name: "requests", limit: 100, remaining: 0, utilization: null, resetAt: NOON + 6 * MINUTE, spent: true }]);
    clock.advance(6 * MINUTE);
    expect(closed(quota, "conn_b")).toBeNull();
  });

  test("a 429's Retry-After or the reset time in its error text closes the account", () => {
    const { clock, quota } = tracker([]);
    quota.record(finished({ connectionId: "conn_b", startedAt: clock.now(), status: 429, error: "Rate limit reached" }, { "retry-after": "30" }));
    expect(closed(quota, "conn_b")).toBe(NOON + 30_000);
    clock.advance(31_000);
    expect(closed(quota, "conn_b")).toBeNull();
    quota.record(finished({ connectionId: "conn_b", startedAt: clock.now(), status: 429, error: "Too many requests, please try again in 20s." }));
    expect(closed(quota, "conn_b")).toBe(clock.now() + 20_000);
  });

  test("without windows, the provider's scarcest running window is the account's figure for reset-aware routing", () => {
    const { clock, quota } = tracker([]);
    expect(quota.figures("conn_b")).toBeNull();
    quota.record(
      finished({ connectionId: "conn_b", startedAt: clock.now() }, {
        "anthropic-ratelimit-requests-limit": "50",
        "anthropic-ratelimit-requests-remaining": "40",
        "anthropic-ratelimit-requests-reset": new Date(NOON + 30_000).toISOString(),
        "anthropic-ratelimit-tokens-limit": "1000",
        "anthropic-ratelimit-tokens-remaining": "100",
        "anthropic-ratelimit-tokens-reset": new Date(NOON + 50_000).toISOString(),
      }),
    );
    expect(quota.figures("conn_b")).toMatchObject({ headroom: 0.1, resetAt: NOON + 50_000 });
    expect(closed(quota, "conn_b")).toBeNull();
  });
});

describe("gate", () => {
  test("closes with reason 'quota' and the reopening time; unknown accounts pass on a lookup", () => {
    const { clock, quota } = tracker([{ id: "day", window: { kind: "daily" }, limits: { requests: 1 } }]);
    const gate = new QuotaGate(quota);
    const target = (id: string) => ({ connection: { id } }) as RouteTarget;
    expect(gate.check(target("conn_a"), { apiKeyId: null, combo: null }, clock.now())).toEqual({ open: true });
    quota.record(finished({ startedAt: clock.now() }));
    expect(gate.check(target("conn_a"), { apiKeyId: null, combo: null }, clock.now())).toEqual({ open: false, until: Date.UTC(2025, 5, 11), reason: "quota" });
    expect(gate.check(target("conn_b"), { apiKeyId: null, combo: null }, clock.now())).toEqual({ open: true });
    expect(gate.check(target("conn_unknown"), { apiKeyId: null, combo: null }, clock.now())).toEqual({ open: true });
  });
});

describe("per-model limits (providers that meter each model: Antigravity)", () => {
  const limit = (model: string, spent: boolean, resetAt: number) => ({ name: `model-${model}`, limit: null, remaining: null, utilization: spent ? 1 : 0.5, resetAt, spent, model });
  const target = (upstreamModel: string) => ({ connection: { id: "conn_b" }, upstreamModel }) as RouteTarget;
  const NO_CONTEXT = { apiKeyId: null, combo: null };

  test("a spent one closes its model only, until its reset; it is not the account's headroom", () => {
    const { clock, quota } = tracker([]);
    const gate = new QuotaGate(quota);
    quota.reportFetched("conn_b", [limit("flash", true, NOON + HOUR), limit("pro", false, NOON + 2 * HOUR)], clock.now());
    expect(closed(quota, "conn_b")).toBeNull();
    expect(quota.figures("conn_b")).toBeNull();
    expect(gate.check(target("flash"), NO_CONTEXT, clock.now())).toEqual({ open: false, until: NOON + HOUR, reason: "quota" });
    expect(gate.check(target("pro"), NO_CONTEXT, clock.now())).toEqual({ open: true });
    expect(gate.check(target("unlisted"), NO_CONTEXT, clock.now())).toEqual({ open: true });
    clock.set(NOON + HOUR);
    expect(gate.check(target("flash"), NO_CONTEXT, clock.now())).toEqual({ open: true });
  });

  test("closeModel: a model refused with a 429 is closed until its retry time, or the fallback; the fetch replaces it", () => {
    const { clock, quota } = tracker([]);
    const gate = new QuotaGate(quota);
    quota.closeModel("conn_b", "flash", NOON + 90_000);
    expect(gate.check(target("flash"), NO_CONTEXT, clock.now())).toEqual({ open: false, until: NOON + 90_000, reason: "quota" });
    expect(gate.check(target("pro"), NO_CONTEXT, clock.now())).toEqual({ open: true });
    quota.closeModel("conn_b", "pro", null);
    expect(gate.check(target("pro"), NO_CONTEXT, clock.now())).toEqual({ open: false, until: NOON + MODEL_RATE_LIMIT_FALLBACK_MS, reason: "quota" });
    expect(closed(quota, "conn_b")).toBeNull();
    quota.reportFetched("conn_b", [limit("flash", false, NOON + HOUR)], clock.now());
    expect(gate.check(target("flash"), NO_CONTEXT, clock.now())).toEqual({ open: true });
    quota.closeModel("conn_unknown", "flash", null);
    expect(quota.check("conn_unknown", clock.now())).toBeNull();
  });

  test("a per-model account's 429 does not close the account (its model was closed on the request path)", () => {
    const clock = manualClock(NOON);
    const quota = new QuotaTracker({ now: clock.now });
    quota.start([{ id: "conn_b", executor: { limitsPerModel: true } }, { id: "conn_c" }]);
    for (const id of ["conn_b", "conn_c"]) quota.record(finished({ connectionId: id, startedAt: clock.now(), status: 429, error: "Rate limit reached" }, { "retry-after": "30" }));
    expect(closed(quota, "conn_b")).toBeNull();
    expect(closed(quota, "conn_c")).toBe(NOON + 30_000);
  });

  test("an answer's rate-limit headers replace the account-wide figures but keep the fetched per-model ones", () => {
    const { clock, quota } = tracker([]);
    const gate = new QuotaGate(quota);
    quota.reportFetched("conn_b", [limit("flash", true, NOON + HOUR)], clock.now());
    quota.record(finished({ connectionId: "conn_b", startedAt: clock.now() }, { "x-ratelimit-limit-requests": "100", "x-ratelimit-remaining-requests": "99", "x-ratelimit-reset-requests": "1m0s" }));
    expect(quota.describe("conn_b").reported!.limits.map((l) => l.name)).toEqual(["requests", "model-flash"]);
    expect(gate.check(target("flash"), NO_CONTEXT, clock.now())).toEqual({ open: false, until: NOON + HOUR, reason: "quota" });
    expect(gate.check(target("pro"), NO_CONTEXT, clock.now())).toEqual({ open: true });
  });
});

describe("gate registration", () => {
  test("the gate is in the routing gates only while some account has windows or a provider report", () => {
    const clock = manualClock(NOON);
    const quota = new QuotaTracker({ now: clock.now });
    const gates: RouteGates = { targets: [], requests: [] };
    quota.start([{ id: "conn_a" }, { id: "conn_b" }]);
    attachQuotaGate(quota, gates);
    expect(gates.targets).toHaveLength(0);
    quota.configure([{ id: "conn_a", quota: [quotaWindow({ id: "day", window: { kind: "daily" }, limits: { requests: 1 } })] }, { id: "conn_b" }]);
    expect(gates.targets.map((g) => g.name)).toEqual(["quota"]);
    quota.configure([{ id: "conn_a" }, { id: "conn_b" }]);
    expect(gates.targets).toHaveLength(0);
    quota.record(finished({ connectionId: "conn_b", startedAt: NOON }, { "x-ratelimit-remaining-requests": "3", "x-ratelimit-reset-requests": "1s" }));
    expect(gates.targets).toHaveLength(1);
  });
});

describe("rebuilt from the request log", () => {
  test("one range query restores every window's usage at start, honouring manual resets", () => {
    const services = temp.services();
    const repo = new QuotaRepo(services.store.db, services.store.sqlite);
    const rows = [
      logEntry({ connectionId: "conn_a", startedAt: NOON - 3 * HOUR, tokensIn: 10, tokensOut: 5, costUsd: 0.25 }),
      logEntry({ connectionId: "conn_a", startedAt: NOON - 1 * HOUR }),
      logEntry({ connectionId: "conn_a", startedAt: NOON - 30 * MINUTE, cache: "hit" }),
      logEntry({ connectionId: "conn_a", startedAt: NOON - 20 * MINUTE, status: 500 }),
      logEntry({ connectionId: "conn_a", startedAt: NOON - 13 * HOUR }),
      logEntry({ connectionId: "conn_b", startedAt: NOON - 10 * MINUTE }),
    ];
    services.requestLogsRepo.insertBatch(rows);
    const windows = [
      quotaWindow({ id: "5h", window: { kind: "rolling", hours: 5 }, limits: { requests: 2 } }),
      quotaWindow({ id: "day", window: { kind: "daily" }, limits: { requests: 10, usd: 1 } }),
    ];
    const clock = manualClock(NOON);
    const quota = new QuotaTracker({ repo, now: clock.now });
    quota.start([{ id: "conn_a", quota: windows }]);
    const [rolling, daily] = quota.describe("conn_a").windows;
    expect(rolling!.used).toEqual({ requests: 2, tokens: 15, usd: 0.25 });
    expect(daily!.used.requests).toBe(2);
    expect(closed(quota)).not.toBeNull();

    // A manual reset is stored and survives the next start.
    quota.reset("conn_a", "5h");
    const again = new QuotaTracker({ repo, now: clock.now });
    again.start([{ id: "conn_a", quota: windows }]);
    expect(again.describe("conn_a").windows.map((w) => w.used.requests)).toEqual([0, 2]);
    expect(closed(again)).toBeNull();
  });

  test("an edited window is recounted from the log; an unchanged one keeps its count", () => {
    const services = temp.services();
    const repo = new QuotaRepo(services.store.db, services.store.sqlite);
    services.requestLogsRepo.insertBatch([logEntry({ connectionId: "conn_a", startedAt: NOON - HOUR })]);
    const clock = manualClock(NOON);
    const quota = new QuotaTracker({ repo, now: clock.now });
    const day = quotaWindow({ id: "day", window: { kind: "daily" }, limits: { requests: 10 } });
    quota.start([{ id: "conn_a", quota: [day] }]);
    // Counted in memory only (request log switched off): kept across an unrelated edit.
    quota.record(finished({ connectionId: "conn_a", startedAt: NOON }));
    const week = quotaWindow({ id: "week", window: { kind: "weekly" }, limits: { requests: 10 } });
    quota.configure([{ id: "conn_a", quota: [day, week] }]);
    expect(quota.describe("conn_a").windows.map((w) => w.used.requests)).toEqual([2, 1]);
    quota.configure([{ id: "conn_a", quota: [{ ...day, limits: { requests: 20 } }] }]);
    expect(quota.describe("conn_a").windows.map((w) => w.used.requests)).toEqual([1]);
    quota.configure([]);
    expect(quota.size).toBe(0);
  });
});
