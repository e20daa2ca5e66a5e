import { afterEach, describe, expect, test } from "bun:test";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { MasterKeyMismatchError, openAppServices } from "../../../src/services/app-services";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

const SECRET = "env-secret-for-unit-tests-0001";

function mismatch(action: () => unknown): MasterKeyMismatchError {
  try {
    const services = action() as { close(): void };
    services.close();
  } catch (error) {
    if (error instanceof MasterKeyMismatchError) return error;
    throw error;
  }
  throw new Error("expected a MasterKeyMismatchError");
}

describe("openAppServices", () => {
  test("a data dir opened with OMNIROUTE_SECRET refuses another secret or the key file", () => {
    const dataDir = temp.make();
    openAppServices({ dataDir, secret: SECRET }).close();
    expect(existsSync(join(dataDir, "secret.key"))).toBe(false);
    expect(mismatch(() => openAppServices({ dataDir, secret: `${SECRET}-other` })).message).toContain("OMNIROUTE_SECRET does not match");
    expect(mismatch(() => openAppServices({ dataDir })).message).toContain("secret.key");
    const again = openAppServices({ dataDir, secret: SECRET });
    again.close();
  });

  test("a replaced key file is detected before any credential is used", () => {
    const dataDir = temp.make();
    const first = openAppServices({ dataDir });
    first.connections.create({ providerId: "deepseek", apiKey: "sk-mismatch-test-0001" });
    first.close();
    rmSync(join(dataDir, "secret.key"));
    expect(mismatch(() => openAppServices({ dataDir })).message).toContain("secret.key is missing");
    // No fresh random key may be left behind in place of the lost one.
    expect(existsSync(join(dataDir, "secret.key"))).toBe(false);
  });

  test("reloadIfChangedExternally picks up another process's commits, not its own", () => {
    const dataDir = temp.make();
    const server = temp.services({ dataDir });
    const cli = openAppServices({ dataDir });
    try {
      expect(server.reloadIfChangedExternally()).toBe(false);
      server.connections.create({ providerId: "ollama", name: "own write" });
      expect(server.reloadIfChangedExternally()).toBe(false);

      const id = cli.connections.create({ providerId: "deepseek", apiKey: "sk-external-0001" }).id;
      cli.apiKeys.create("from cli");
      expect(server.connections.getRuntime(id)).toBeUndefined();
      expect(server.reloadIfChangedExternally()).toBe(true);
      expect(server.connections.getRuntime(id)?.apiKey).toBe("sk-external-0001");
      expect(server.apiKeys.hasActiveKeys()).toBe(true);
      expect(server.reloadIfChangedExternally()).toBe(false);
    } finally {
      cli.close();
    }
  });
});

