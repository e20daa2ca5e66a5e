import { afterEach, describe, expect, test } from "bun:test";
import { BudgetValidationError, budgetServiceOf } from "../../../src/budgets/budget-service";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

function setup() {
  const services = temp.services();
  services.connections.create({ providerId: "deepseek", name: "ds", apiKey: "sk-ds" });
  services.combos.create({ name: "coding", targets: [{ model: "ds/deepseek-v4-pro" }, { model: "ds/deepseek-v4-flash" }] });
  const key = services.apiKeys.create("laptop");
  return { services, budgets: budgetServiceOf(services), keyId: key.id };
}

function refusal(action: () => unknown): BudgetValidationError {
  try {
    action();
  } catch (error) {
    if (error instanceof BudgetValidationError) return error;
    throw error;
  }
  throw new Error("expected a BudgetValidationError");
}

const daily = { kind: "daily" as const };

describe("BudgetService", () => {
  test("create, read, update and delete; every change is announced", () => {
    const { budgets, keyId } = setup();
    let changes = 0;
    budgets.onChange(() => changes++);
    const created = budgets.create({ name: "laptop daily", scope: "key", scopeId: keyId, window: daily, limitUsd: 5 });
    expect(created).toMatchObject({ name: "laptop daily", scope: "key", scopeId: keyId, limitUsd: 5, enabled: true, window: { kind: "daily", resetHour: 0, utcOffsetMinutes: 0 } });
    expect(created.id).toStartWith("bdg_");
    expect(budgets.get(created.id)).toEqual(created);
    const updated = budgets.update(created.id, { limitUsd: 7.5, enabled: false, window: { kind: "rolling", hours: 5 } });
    expect(updated).toMatchObject({ limitUsd: 7.5, enabled: false, window: { kind: "rolling", hours: 5 } });
    expect(budgets.list().map((b) => b.id)).toEqual([created.id]);
    expect(budgets.delete(created.id)).toBe(true);
    expect(budgets.delete(created.id)).toBe(false);
    expect(budgets.list()).toEqual([]);
    expect(changes).toBe(3);
  });

  test("one service per open store (a config import reaches the gateway's listeners)", () => {
    const { services, budgets } = setup();
    expect(budgetServiceOf(services)).toBe(budgets);
    expect(budgetServiceOf(temp.services())).not.toBe(budgets);
  });

  test("scope ids are checked against what exists, with messages that say what to use", () => {
    const { budgets } = setup();
    const base = { name: "b", window: daily, limitUsd: 1 };
    expect(refusal(() => budgets.create({ ...base, scope: "key", scopeId: "key_nope" })).message).toContain('client key "key_nope" does not exist');
    expect(refusal(() => budgets.create({ ...base, scope: "provider", scopeId: "nope" })).message).toContain('provider "nope" does not exist');
    expect(refusal(() => budgets.create({ ...base, scope: "combo", scopeId: "nope" })).message).toContain('combo "nope" does not exist');
    expect(refusal(() => budgets.create({ ...base, scope: "combo-target", scopeId: "coding" })).message).toContain('"<combo> <entry>"');
    const wrongEntry = refusal(() => budgets.create({ ...base, scope: "combo-target", scopeId: "coding ds/other" }));
    expect(wrongEntry.message).toBe('scopeId: combo "coding" has no entry "ds/other"; its entries are "ds/deepseek-v4-pro", "ds/deepseek-v4-flash".');
    expect(budgets.create({ ...base, scope: "combo-target", scopeId: "coding ds/deepseek-v4-flash" }).scopeId).toBe("coding ds/deepseek-v4-flash");
    expect(budgets.create({ ...base, scope: "provider", scopeId: "deepseek" }).scope).toBe("provider");
    expect(budgets.create({ ...base, scope: "combo", scopeId: "coding" }).scope).toBe("combo");
  });

  test("invalid fields are 400s naming the field; unknown ids are 404s", () => {
    const { budgets, keyId } = setup();
    const base = { name: "b", scope: "key" as const, scopeId: keyId, window: daily, limitUsd: 1 };
    expect(refusal(() => budgets.create({ ...base, limitUsd: 0 })).message).toBe("limitUsd: limitUsd must be more than 0");
    expect(refusal(() => budgets.create({ ...base, name: "  " })).message).toBe("name: name must not be empty");
    expect(refusal(() => budgets.create({ ...base, window: { kind: "daily", resetHour: 24 } })).message).toStartWith("window.resetHour:");
    expect(refusal(() => budgets.create({ ...base, scope: "team" as never })).message).toStartWith("scope:");
    expect(refusal(() => budgets.create({ ...base, extra: 1 } as never)).status).toBe(400);
    const created = budgets.create(base);
    // A new scope is checked together with the id it keeps.
    expect(refusal(() => budgets.update(created.id, { scope: "provider" })).message).toContain(`provider "${keyId}" does not exist`);
    const missing = refusal(() => budgets.update("bdg_missing", { limitUsd: 2 }));
    expect(missing.status).toBe(404);
  });
});
