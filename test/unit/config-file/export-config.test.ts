import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { configDocumentSchema } from "../../../src/config-file/config-document-schema";
import { exportConfig } from "../../../src/config-file/export-config";
import { openWithPassphrase } from "../../../src/config-file/passphrase-seal";
import type { AppServices } from "../../../src/services/app-services";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

const DS_KEY = "sk-export-marker-ds-4f8a2c91d7";
const LAB_KEY = "lab-export-marker-key-55e1b0";
const PASSPHRASE = "export passphrase 1";

function populated(): { services: AppServices; clientKey: string; ids: { ds: string; lab: string; ollama: string } } {
  const services = temp.services();
  const ds = services.connections.create({ providerId: "deepseek", name: "Work DS", apiKey: DS_KEY, priority: 2 }).id;
  const lab = services.connections.create({
    providerId: "openai-compatible",
    alias: "lab",
    baseUrl: "http://127.0.0.1:8000/v1",
    apiKey: LAB_KEY,
    models: ["qwen3"],
  }).id;
  const ollama = services.connections.create({ providerId: "ollama", enabled: false }).id;
  const clientKey = services.apiKeys.create("laptop").key;
  services.settings.update({ timeouts: { idleMs: 45_000 } });
  return { services, clientKey, ids: { ds, lab, ollama } };
}

describe("exportConfig", () => {
  test("without secrets there is no key material anywhere in the document", () => {
    const { services, clientKey } = populated();
    const json = JSON.stringify(exportConfig(services));
    const envelopes = services.store.sqlite
      .query<{ e: string }, []>("SELECT api_key_encrypted AS e FROM connections WHERE api_key_encrypted IS NOT NULL")
      .all()
      .map((r) => r.e);
    const masterKey = readFileSync(join(services.dataDir, "secret.key"), "utf8").trim();
    const forbidden = [DS_KEY, LAB_KEY, DS_KEY.slice(0, 16), LAB_KEY.slice(0, 16), clientKey, clientKey.slice(4), masterKey, ...envelopes];
    for (const value of forbidden) expect(json).not.toContain(value);
    expect(json).not.toContain('"secrets"');
    expect(json).not.toContain('"apiKey"');
    expect(json).not.toContain("v1.");
  });

  test("describes connections, hashed client keys and settings in the versioned format", () => {
    const { services, ids } = populated();
    const doc = configDocumentSchema.parse(exportConfig(services));
    expect(doc.format).toBe("omniroute-config");
    expect(doc.version).toBe(2);
    expect(doc.settings?.timeouts.idleMs).toBe(45_000);
    expect(doc.connections).toContainEqual({
      id: ids.lab,
      providerId: "openai-compatible",
      name: "OpenAI-compatible (custom)",
      alias: "lab",
      baseUrl: "http://127.0.0.1:8000/v1",
      enabled: true,
      priority: 0,
      models: ["qwen3"],
    });
    expect(doc.connections.find((c) => c.id === ids.ds)).toMatchObject({ name: "Work DS", priority: 2, models: null, alias: null });
    expect(doc.connections.find((c) => c.id === ids.ollama)?.enabled).toBe(false);
    expect(doc.apiKeys).toHaveLength(1);
    const [key] = services.apiKeys.rows();
    expect(doc.apiKeys[0]).toEqual({
      id: key!.id,
      name: "laptop",
      prefix: key!.prefix,
      keyHash: key!.keyHash,
      createdAt: new Date(key!.createdAt).toISOString(),
      revokedAt: null,
    });
  });

  test("with secrets, provider keys are sealed under the passphrase, keyed by connection id", () => {
    const { services, ids } = populated();
    const doc = exportConfig(services, { includeSecrets: true, passphrase: PASSPHRASE });
    const json = JSON.stringify(doc);
    expect(json).not.toContain(DS_KEY);
    expect(json).not.toContain(LAB_KEY);
    expect(JSON.parse(openWithPassphrase(doc.secrets!, PASSPHRASE))).toEqual({
      connections: { [ids.ds]: DS_KEY, [ids.lab]: LAB_KEY },
    });
  });

  test("describes combos by name, with their targets and no timestamps", () => {
    const { services } = populated();
    services.combos.create({ name: "base", targets: [{ model: "ds/deepseek-v4-pro" }] });
    services.combos.create({
      name: "team/fast",
      strategy: "round-robin",
      stickyRequests: 3,
      enabled: false,
      description: "shared",
      targets: [{ model: "combo:base", weight: 2 }, { model: "lab/qwen3", timeoutMs: 20_000 }],
    });
    const doc = configDocumentSchema.parse(exportConfig(services));
    expect(doc.combos).toEqual([
      { name: "base", strategy: null, stickyRequests: null, enabled: true, targets: [{ model: "ds/deepseek-v4-pro", weight: 1 }], description: null },
      {
        name: "team/fast",
        strategy: "round-robin",
        stickyRequests: 3,
        enabled: false,
        targets: [
          { model: "combo:base", weight: 2 },
          { model: "lab/qwen3", weight: 1, timeoutMs: 20_000 },
        ],
        description: "shared",
      },
    ]);
  });

  test("an empty store exports an empty combo list", () => {
    const services = temp.services();
    expect(exportConfig(services).combos).toEqual([]);
  });

  test("exporting secrets without a passphrase is refused", () => {
    const { services } = populated();
    expect(() => exportConfig(services, { includeSecrets: true })).toThrow("needs a passphrase");
    expect(() => exportConfig(services, { includeSecrets: true, passphrase: "short" })).toThrow("at least 8 characters");
  });
});
