import { afterEach, describe, expect, test } from "bun:test";
import { ModelRouter, type RoutePlan } from "../../../src/routing/model-router";
import type { StrategyName } from "../../../src/routing/strategies";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

const HOUR = 3_600_000;

/** Three accounts of one provider (same priority) and the quota figures the router reads for each. */
function setup(strategy: StrategyName = "reset-aware") {
  const services = temp.services();
  const quota = new Map<string, { headroom: number | null; resetAt: number | null }>();
  const router = new ModelRouter(services.connections, services.registry, services.combos, {
    defaultStrategies: () => ({ accounts: strategy, combos: strategy }),
    accountQuota: (id) => quota.get(id) ?? null,
  });
  const ids = ["a", "b", "c"].map((name) => services.connections.create({ providerId: "deepseek", name, apiKey: `sk-${name}-0000` }, { id: `conn_${name}` }).id);
  return { services, router, quota, ids };
}

const order = (plan: RoutePlan) => {
  if (!plan.ok) throw new Error(plan.message);
  return plan.targets.map((t) => t.connection.name);
};

describe("reset-aware routing reads the quota tracker's figures", () => {
  test("accounts with headroom whose window resets soonest first; accounts without quota info after them, rotating", () => {
    const { router, quota } = setup();
    const now = Date.now();
    quota.set("conn_a", { headroom: 0.8, resetAt: now + 5 * HOUR });
    quota.set("conn_b", { headroom: 0.1, resetAt: now + HOUR });
    expect(order(router.plan("ds/deepseek-v4-pro"))).toEqual(["b", "a", "c"]);
    expect(order(router.plan("ds/deepseek-v4-pro"))).toEqual(["b", "a", "c"]);
    // b spends its window: it goes last (it would be skipped by the quota gate anyway).
    quota.set("conn_b", { headroom: 0, resetAt: now + HOUR });
    expect(order(router.plan("ds/deepseek-v4-pro"))).toEqual(["a", "c", "b"]);
  });

  test("with no quota figures at all the order is round-robin's", () => {
    const { router } = setup();
    const firsts = Array.from({ length: 6 }, () => order(router.plan("ds/deepseek-v4-pro"))[0]);
    expect(new Set(firsts).size).toBe(3);
  });

  test("other strategies ignore the figures", () => {
    const { router, quota } = setup("fill-first");
    quota.set("conn_c", { headroom: 0.9, resetAt: Date.now() + HOUR });
    expect(order(router.plan("ds/deepseek-v4-pro"))[0]).toBe("a");
  });

  test("a reset-aware combo weighs each target by its account's figures", () => {
    const { services, router, quota } = setup();
    services.connections.create({ providerId: "openai", name: "oa", apiKey: "sk-oa-0000" }, { id: "conn_oa" });
    services.connections.update("conn_b", { enabled: false });
    services.connections.update("conn_c", { enabled: false });
    services.combos.create({ name: "mix", strategy: "reset-aware", targets: [{ model: "ds/deepseek-v4-pro" }, { model: "openai/gpt-4o" }] });
    quota.set("conn_a", { headroom: 0.5, resetAt: Date.now() + 3 * HOUR });
    quota.set("conn_oa", { headroom: 0.5, resetAt: Date.now() + HOUR });
    expect(order(router.plan("mix"))).toEqual(["oa", "a"]);
  });
});
