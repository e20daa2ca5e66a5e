import { afterEach, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { exportConfig } from "../../../src/config-file/export-config";
import { openWithPassphrase } from "../../../src/config-file/passphrase-seal";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

const PROVIDER_KEY = "sk-RECOGNISABLE-export-probe-7Qk2Vx9ZQXJ";
const PASSPHRASE = "correct horse battery staple";

/** A data dir with a recognisable provider key, a client key, and what else an export could leak. */
function seeded() {
  const services = temp.services();
  const connectionId = services.connections.create({ providerId: "deepseek", apiKey: PROVIDER_KEY }).id;
  const clientKey = services.apiKeys.create("laptop").key;
  const envelope = services.store.sqlite.query<{ value: string }, [string]>("SELECT api_key_encrypted AS value FROM connections WHERE id = ?").get(connectionId)!.value;
  const masterKey = readFileSync(join(services.dataDir, "secret.key"), "utf8").trim();
  const keyCheck = services.settingsRepo.get<string>("secret.keyCheck")!;
  return { services, connectionId, forbidden: [PROVIDER_KEY, "7Qk2Vx9ZQXJ", clientKey, clientKey.slice(4), envelope, masterKey, keyCheck] };
}

describe("config export and secrets", () => {
  test("without includeSecrets the export holds no secret: no provider key, no ciphertext, no client key, no master key", () => {
    const { services, forbidden } = seeded();
    const text = JSON.stringify(exportConfig(services));
    for (const value of forbidden) expect(text).not.toContain(value);
    expect(text).not.toContain("secret.keyCheck");
    expect(JSON.parse(text).secrets).toBeUndefined();
  });

  test("with includeSecrets the provider key exists only inside the passphrase-sealed blob", () => {
    const { services, connectionId, forbidden } = seeded();
    const document = exportConfig(services, { includeSecrets: true, passphrase: PASSPHRASE });
    const text = JSON.stringify(document);
    for (const value of forbidden) expect(text).not.toContain(value);
    const { secrets, ...rest } = document;
    expect(JSON.stringify(rest)).not.toContain("RECOGNISABLE");
    expect(JSON.parse(openWithPassphrase(secrets!, PASSPHRASE))).toEqual({ connections: { [connectionId]: PROVIDER_KEY } });
    expect(() => openWithPassphrase(secrets!, "not the passphrase")).toThrow("Wrong passphrase");
  });

  test("includeSecrets without a passphrase exports nothing", () => {
    const { services } = seeded();
    expect(() => exportConfig(services, { includeSecrets: true })).toThrow("needs a passphrase");
  });
});
