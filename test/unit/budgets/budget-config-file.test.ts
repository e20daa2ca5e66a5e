import { afterEach, describe, expect, test } from "bun:test";
import { budgetServiceOf } from "../../../src/budgets/budget-service";
import { exportConfig } from "../../../src/config-file/export-config";
import { ConfigImportError, importConfig } from "../../../src/config-file/import-config";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

function populated() {
  const services = temp.services();
  services.connections.create({ providerId: "deepseek", name: "ds", apiKey: "sk-ds" });
  services.combos.create({ name: "coding", targets: [{ model: "ds/deepseek-v4-pro" }, { model: "ds/deepseek-v4-flash" }] });
  const keyId = services.apiKeys.create("laptop").id;
  return { services, keyId };
}

describe("budgets in the config document", () => {
  test("a setup without budgets exports no budgets section (older version-2 readers still accept it)", () => {
    const { services } = populated();
    const document = exportConfig(services);
    expect(document.version).toBe(2);
    expect("budgets" in document).toBe(false);
  });

  test("export → import into an empty store: the same budgets, key budgets following the imported key ids", () => {
    const { services, keyId } = populated();
    const budgets = budgetServiceOf(services);
    budgets.create({ name: "laptop daily", scope: "key", scopeId: keyId, window: { kind: "daily", resetHour: 6 }, limitUsd: 5 });
    budgets.create({ name: "pro tier", scope: "combo-target", scopeId: "coding ds/deepseek-v4-pro", window: { kind: "rolling", hours: 5 }, limitUsd: 2, enabled: false });
    const document = JSON.parse(JSON.stringify(exportConfig(services, { includeSecrets: true, passphrase: "budget passphrase" })));
    expect(document.budgets).toHaveLength(2);

    const target = temp.services();
    const summary = importConfig(target, document, { passphrase: "budget passphrase" });
    expect(summary.budgets).toEqual({ created: 2, updated: 0, removed: 0 });
    const strip = (list: ReturnType<typeof budgets.list>) => list.map(({ createdAt: _c, updatedAt: _u, ...rest }) => rest);
    expect(strip(budgetServiceOf(target).list())).toEqual(strip(budgets.list()));
    // Again: matched by id, updated in place.
    expect(importConfig(target, document, { passphrase: "budget passphrase" }).budgets).toEqual({ created: 0, updated: 2, removed: 0 });
    expect(budgetServiceOf(target).list()).toHaveLength(2);
  });

  test("a version-2 file without budgets still imports, and leaves stored budgets alone unless replacing", () => {
    const { services, keyId } = populated();
    budgetServiceOf(services).create({ name: "b", scope: "key", scopeId: keyId, window: { kind: "daily" }, limitUsd: 1 });
    const summary = importConfig(services, { format: "omniroute-config", version: 2, combos: [] });
    expect(summary.budgets).toBeUndefined();
    expect(budgetServiceOf(services).list()).toHaveLength(1);
    const replaced = importConfig(services, { format: "omniroute-config", version: 2, apiKeys: [], combos: [{ name: "coding", targets: [{ model: "ds/deepseek-v4-pro" }] }] }, { replace: true });
    expect(replaced.budgets).toEqual({ created: 0, updated: 0, removed: 1 });
    expect(budgetServiceOf(services).list()).toEqual([]);
  });

  test("an invalid budget entry rolls the whole import back, naming the entry", () => {
    const { services } = populated();
    const document = {
      format: "omniroute-config",
      version: 2,
      combos: [{ name: "fresh", targets: [{ model: "ds/deepseek-v4-pro" }] }],
      budgets: [{ name: "typo", scope: "combo", scopeId: "codng", window: { kind: "daily" }, limitUsd: 1 }],
    };
    let error: unknown;
    try {
      importConfig(services, document);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigImportError);
    expect((error as Error).message).toBe('budgets[0]: scopeId: combo "codng" does not exist (GET /api/combos lists the combos).');
    expect(services.combos.get("fresh")).toBeUndefined();
    expect(budgetServiceOf(services).list()).toEqual([]);
    // Unknown fields are refused by the document schema.
    expect(() => importConfig(services, { ...document, budgets: [{ ...document.budgets[0], scopeId: "coding", color: "red" }] })).toThrow(ConfigImportError);
  });
});
