import { afterEach, describe, expect, test } from "bun:test";
import { budgetServiceOf } from "../../../src/budgets/budget-service";
import { BudgetTracker } from "../../../src/budgets/budget-tracker";
import { startBudgets } from "../../../src/budgets/gateway-budgets";
import { BudgetsRepo } from "../../../src/store/repos/budgets-repo";
import type { RequestLogEntry } from "../../../src/logging/request-log-writer";
import type { RouteTarget } from "../../../src/routing/model-router";
import type { RouteGates } from "../../../src/routing/target-gate";
import { RequestEvents } from "../../../src/usage/request-events";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

const HOUR = 3_600_000;
const NOW = Date.parse("2025-03-10T12:00:00Z");
let rowSeq = 0;

function row(fields: Partial<RequestLogEntry>): RequestLogEntry {
  return {
    id: `req_${++rowSeq}`,
    startedAt: NOW - 60_000,
    apiKeyId: null,
    surface: "openai-chat",
    requestedModel: "coding",
    providerId: "deepseek",
    connectionId: "conn_1",
    upstreamModel: "deepseek-v4-pro",
    stream: false,
    status: 200,
    latencyMs: 10,
    ttfbMs: 5,
    tokensIn: 10,
    tokensOut: 10,
    tokensCached: null,
    tokensReasoning: null,
    error: null,
    attemptsJson: null,
    sharedWith: null,
    cache: null,
    costUsd: 0.5,
    usageEstimated: false,
    combo: null,
    comboTarget: null, guard: null,
    ...fields,
  };
}

const target = (providerId: string, comboTarget?: string) => ({ connection: { provider: { id: providerId } }, ...(comboTarget ? { comboTarget } : {}) }) as unknown as RouteTarget;

function setup() {
  const services = temp.services();
  services.connections.create({ providerId: "deepseek", name: "ds", apiKey: "sk-ds" });
  services.combos.create({ name: "coding", targets: [{ model: "ds/deepseek-v4-pro" }, { model: "ds/deepseek-v4-flash" }] });
  const keyA = services.apiKeys.create("a").id;
  const keyB = services.apiKeys.create("b").id;
  const events = new RequestEvents();
  const gates: RouteGates = { targets: [], requests: [] };
  let clock = NOW;
  const budgets = startBudgets(services, events, { now: () => clock });
  budgets.attachGates(gates);
  const publish = (...rows: RequestLogEntry[]) => events.publish(rows.map((entry) => ({ entry, upstreamHeaders: null })));
  return {
    services,
    events,
    gates,
    budgets,
    keyA,
    keyB,
    publish,
    setClock: (ms: number) => {
      clock = ms;
    },
  };
}

describe("BudgetTracker", () => {
  test("without budgets nothing listens and no gate is registered; the first budget adds them, the last removal takes them away", () => {
    const { events, gates, budgets, keyA } = setup();
    expect(events.listenerCount).toBe(0);
    expect(gates).toEqual({ targets: [], requests: [] });
    const key = budgets.service.create({ name: "a", scope: "key", scopeId: keyA, window: { kind: "daily" }, limitUsd: 1 });
    expect(events.listenerCount).toBe(1);
    expect(gates.requests).toHaveLength(1);
    expect(gates.targets).toHaveLength(0);
    const tier = budgets.service.create({ name: "t", scope: "combo-target", scopeId: "coding ds/deepseek-v4-pro", window: { kind: "daily" }, limitUsd: 1 });
    expect(gates.targets).toHaveLength(1);
    // Disabled: counts, blocks nothing, so its gate goes.
    budgets.service.update(tier.id, { enabled: false });
    expect(gates.targets).toHaveLength(0);
    budgets.service.delete(tier.id);
    budgets.service.delete(key.id);
    expect(events.listenerCount).toBe(0);
    expect(gates).toEqual({ targets: [], requests: [] });
  });

  test("spend is counted from events per scope; a spent key budget refuses that key only, naming budget, limit, spend and reset", () => {
    const { gates, budgets, keyA, keyB, publish } = setup();
    const budget = budgets.service.create({ name: "laptop daily", scope: "key", scopeId: keyA, window: { kind: "daily" }, limitUsd: 1 });
    const gate = gates.requests[0]!;
    publish(row({ apiKeyId: keyA, costUsd: 0.6 }), row({ apiKeyId: keyB, costUsd: 5 }), row({ apiKeyId: keyA, costUsd: null }));
    expect(budgets.tracker.view(budget)).toMatchObject({ spentUsd: 0.6, remainingUsd: 0.4, percent: 60, exceeded: false, reopensAt: null });
    expect(gate.check({ apiKeyId: keyA, combo: null }, NOW)).toBeNull();
    publish(row({ apiKeyId: keyA, costUsd: 0.45 }));
    const refusal = gate.check({ apiKeyId: keyA, combo: null }, NOW)!;
    expect(refusal).toMatchObject({ status: 429, code: "budget_exceeded", retryAt: Date.parse("2025-03-11T00:00:00Z") });
    expect(refusal.message).toBe(
      `Budget "laptop daily" of this API key is used up: $1.05 spent of its $1.00 limit (daily @ 00:00 UTC). It resets at 2025-03-11T00:00:00.000Z. ` +
        `To continue sooner, raise the limit or disable the budget (PATCH /api/budgets/${budget.id}).`,
    );
    expect(gate.check({ apiKeyId: keyB, combo: null }, NOW)).toBeNull();
    expect(gate.check({ apiKeyId: null, combo: null }, NOW)).toBeNull();
    expect(budgets.tracker.view(budget)).toMatchObject({ spentUsd: 1.05, remainingUsd: 0, percent: 105, exceeded: true, reopensAt: "2025-03-11T00:00:00.000Z", windowStart: "2025-03-10T00:00:00.000Z", resetAt: "2025-03-11T00:00:00.000Z" });
  });

  test("the tracker's clock crossing the window boundary reopens the key at once", () => {
    const { gates, budgets, keyA, publish, setClock } = setup();
    budgets.service.create({ name: "hourly", scope: "key", scopeId: keyA, window: { kind: "rolling", hours: 1 }, limitUsd: 1 });
    publish(row({ apiKeyId: keyA, costUsd: 2, startedAt: NOW - 60_000 }));
    expect(gates.requests[0]!.check({ apiKeyId: keyA, combo: null }, NOW)).not.toBeNull();
    setClock(NOW + HOUR);
    expect(gates.requests[0]!.check({ apiKeyId: keyA, combo: null }, NOW)).toBeNull();
  });

  test("tier, combo and provider budgets close the matching targets only, until their reset", () => {
    const { gates, budgets, publish } = setup();
    budgets.service.create({ name: "pro tier", scope: "combo-target", scopeId: "coding ds/deepseek-v4-pro", window: { kind: "daily" }, limitUsd: 1 });
    const gate = gates.targets[0]!;
    const inCombo = { apiKeyId: null, combo: "coding" };
    publish(row({ combo: "coding", comboTarget: "ds/deepseek-v4-pro", costUsd: 1 }));
    expect(gate.check(target("deepseek", "ds/deepseek-v4-pro"), inCombo, NOW)).toEqual({ open: false, until: Date.parse("2025-03-11T00:00:00Z"), reason: "budget" });
    expect(gate.check(target("deepseek", "ds/deepseek-v4-flash"), inCombo, NOW)).toEqual({ open: true });
    // The same model asked for directly is no tier of the combo.
    expect(gate.check(target("deepseek"), { apiKeyId: null, combo: null }, NOW)).toEqual({ open: true });

    const combo = budgets.service.create({ name: "all coding", scope: "combo", scopeId: "coding", window: { kind: "weekly" }, limitUsd: 1.5 });
    // Rebuilt from the request log: nothing stored yet, so open until events add up.
    expect(gate.check(target("deepseek", "ds/deepseek-v4-flash"), inCombo, NOW)).toEqual({ open: true });
    publish(row({ combo: "coding", comboTarget: "ds/deepseek-v4-flash", costUsd: 2 }));
    expect(gate.check(target("deepseek", "ds/deepseek-v4-flash"), inCombo, NOW)).toMatchObject({ open: false, until: Date.parse("2025-03-17T00:00:00Z") });
    budgets.service.delete(combo.id);

    budgets.service.create({ name: "ds", scope: "provider", scopeId: "deepseek", window: { kind: "monthly" }, limitUsd: 10 });
    publish(row({ providerId: "deepseek", costUsd: 10 }));
    expect(gate.check(target("deepseek"), { apiKeyId: null, combo: null }, NOW)).toMatchObject({ open: false, until: Date.parse("2025-04-01T00:00:00Z") });
    expect(gate.check(target("openai"), { apiKeyId: null, combo: null }, NOW)).toEqual({ open: true });
  });

  test("spend is rebuilt from the request log with one range query; edits keep it, a new window recounts it, deletion drops it", () => {
    const { services, budgets, keyA } = setup();
    // Stored before the budget exists (and before a restart): yesterday's row is outside today's window.
    services.requestLogsRepo.insertBatch([
      row({ apiKeyId: keyA, costUsd: 0.25, startedAt: NOW - HOUR }),
      row({ apiKeyId: keyA, costUsd: 0.5, startedAt: NOW - 2 * HOUR }),
      row({ apiKeyId: keyA, costUsd: 4, startedAt: NOW - 20 * HOUR }),
      row({ apiKeyId: keyA, costUsd: null, startedAt: NOW - HOUR }),
    ]);
    const budget = budgets.service.create({ name: "a", scope: "key", scopeId: keyA, window: { kind: "daily" }, limitUsd: 1 });
    expect(budgets.tracker.view(budget).spentUsd).toBe(0.75);
    const renamed = budgets.service.update(budget.id, { name: "renamed", limitUsd: 2 });
    expect(budgets.tracker.view(renamed)).toMatchObject({ name: "renamed", spentUsd: 0.75, percent: 37.5 });
    const rolling = budgets.service.update(budget.id, { window: { kind: "rolling", hours: 24 } });
    expect(budgets.tracker.view(rolling).spentUsd).toBe(4.75);

    // A second gateway on the same data: the same figures, from the log alone.
    const restarted = startBudgets(services, new RequestEvents(), { now: () => NOW });
    expect(restarted.tracker.view(rolling).spentUsd).toBe(4.75);
    restarted.stop();

    budgets.service.delete(budget.id);
    expect(budgets.tracker.tracked(budget.id)).toBeUndefined();
  });

  test("a start with many budgets reads the request log once, from the earliest window start", () => {
    const { services, budgets, keyA, keyB } = setup();
    budgets.service.create({ name: "a", scope: "key", scopeId: keyA, window: { kind: "daily" }, limitUsd: 1 });
    budgets.service.create({ name: "b", scope: "key", scopeId: keyB, window: { kind: "monthly" }, limitUsd: 1 });
    budgets.service.create({ name: "p", scope: "provider", scopeId: "deepseek", window: { kind: "rolling", hours: 5 }, limitUsd: 1 });
    services.requestLogsRepo.insertBatch([row({ apiKeyId: keyB, costUsd: 0.3, startedAt: Date.parse("2025-03-02T00:00:00Z") })]);
    const repo = new BudgetsRepo(services.store.db);
    const queries: number[] = [];
    const tracker = new BudgetTracker({
      budgets: () => budgetServiceOf(services).list(),
      spendSince: (since) => (queries.push(since), repo.spendSince(since)),
      events: new RequestEvents(),
      now: () => NOW,
    });
    tracker.sync();
    expect(queries).toEqual([Date.parse("2025-03-01T00:00:00Z")]);
    expect(tracker.view(budgetServiceOf(services).list()[1]!).spentUsd).toBe(0.3);
    // Nothing new: no query at all.
    tracker.sync();
    expect(queries).toHaveLength(1);
    tracker.stop();
  });
});
