import { Database } from "bun:sqlite";
import { afterEach, describe, expect, test } from "bun:test";
import { getTableConfig, type SQLiteTable } from "drizzle-orm/sqlite-core";
import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ENCRYPTED_COLUMNS, RotationError, rotateMasterKey } from "../../../src/cli/rotate-secret-command";
import { deriveMasterKey, MASTER_KEY_FILE, NEXT_MASTER_KEY_FILE, recoverInterruptedRotation } from "../../../src/security/master-key";
import { SecretBox } from "../../../src/security/secret-box";
import { MasterKeyMismatchError, openAppServices, type AppServices } from "../../../src/services/app-services";
import { ConnectionValidationError } from "../../../src/services/connection-service";
import * as schema from "../../../src/store/schema";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

const RUNNER = join(import.meta.dir, "support", "rotation-crash-runner.ts");
const OLD_SECRET = "old-secret-for-rotation-tests-0001";
const NEW_SECRET = "new-secret-for-rotation-tests-0002";
const KEYS = { deepseek: "sk-rotation-deepseek-000000000001", openai: "sk-rotation-openai-0000000000002" };

/** A data dir holding two encrypted provider keys and one keyless connection; returns the ids. */
function seed(services: AppServices): { deepseek: string; openai: string } {
  const deepseek = services.connections.create({ providerId: "deepseek", apiKey: KEYS.deepseek }).id;
  const openai = services.connections.create({ providerId: "openai", apiKey: KEYS.openai }).id;
  services.connections.create({ providerId: "ollama", name: "local" });
  return { deepseek, openai };
}

function keyFile(dataDir: string, name = MASTER_KEY_FILE): string {
  return readFileSync(join(dataDir, name), "utf8");
}

/** Opens the data dir afresh (as a restart does) and checks every provider key still decrypts. */
function expectSecretsIntact(dataDir: string, ids: { deepseek: string; openai: string }, secret?: string): void {
  const services = openAppServices({ dataDir, secret });
  try {
    expect(services.connections.revealApiKey(ids.deepseek)).toBe(KEYS.deepseek);
    expect(services.connections.revealApiKey(ids.openai)).toBe(KEYS.openai);
    expect(services.connections.getRuntime(ids.openai)?.headers.authorization).toBe(`Bearer ${KEYS.openai}`);
  } finally {
    services.close();
  }
}

/** Every SecretBox envelope stored anywhere in the database (any table, any text column, inside JSON too). */
function envelopesIn(dataDir: string): string[] {
  const db = new Database(join(dataDir, "omniroute.sqlite"), { readonly: true });
  try {
    const found: string[] = [];
    const tables = db.query<{ name: string }, []>("SELECT name FROM sqlite_master WHERE type = 'table'").all();
    for (const { name } of tables) {
      for (const row of db.query<Record<string, unknown>, []>(`SELECT * FROM "${name}"`).all()) {
        for (const value of Object.values(row)) {
          if (typeof value === "string") found.push(...(value.match(/v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]*/g) ?? []));
        }
      }
    }
    return found;
  } finally {
    db.close();
  }
}

function crashRotation(dataDir: string, point: string, env: Record<string, string> = {}, newSecret?: string): void {
  const result = Bun.spawnSync(["bun", RUNNER, dataDir, point, ...(newSecret ? [newSecret] : [])], {
    env: { ...process.env, OMNIROUTE_SECRET: "", ...env },
    stdout: "pipe",
    stderr: "pipe",
  });
  expect(result.stderr.toString()).toBe("");
  expect(result.exitCode).toBe(70);
}

describe("rotateMasterKey with the key file", () => {
  test("re-encrypts every stored secret under a new key and replaces secret.key", () => {
    const dataDir = temp.make();
    const services = openAppServices({ dataDir });
    const ids = seed(services);
    const oldKey = keyFile(dataDir);
    const oldBox = new SecretBox(Buffer.from(oldKey.trim(), "base64"));
    const before = envelopesIn(dataDir);
    expect(before.length).toBe(3); // two provider keys and the key check

    const summary = rotateMasterKey(services, { kind: "file" });
    expect(summary).toEqual({ reencrypted: [{ label: "connection API key(s)", count: 2 }, { label: "OAuth token set(s)", count: 0 }], target: "file" });
    // The rotating process itself carries on under the new key.
    expect(services.connections.revealApiKey(ids.deepseek)).toBe(KEYS.deepseek);
    services.close();

    expect(existsSync(join(dataDir, NEXT_MASTER_KEY_FILE))).toBe(false);
    expect(keyFile(dataDir)).not.toBe(oldKey);
    expect(statSync(join(dataDir, MASTER_KEY_FILE)).mode & 0o777).toBe(0o600);
    const after = envelopesIn(dataDir);
    expect(after.length).toBe(3);
    // Nothing anywhere in the database still opens with the retired key.
    for (const envelope of after) expect(() => oldBox.decrypt(envelope)).toThrow();
    expectSecretsIntact(dataDir, ids);
  });

  test("a secret that does not decrypt stops the rotation with nothing changed", () => {
    const dataDir = temp.make();
    const services = openAppServices({ dataDir });
    const ids = seed(services);
    const oldKey = keyFile(dataDir);
    services.store.sqlite.query("UPDATE connections SET api_key_encrypted = ? WHERE id = ?").run(new SecretBox(new Uint8Array(32)).encrypt("x"), ids.openai);
    const before = envelopesIn(dataDir);
    expect(() => rotateMasterKey(services, { kind: "file" })).toThrow(RotationError);
    expect(services.connections.revealApiKey(ids.deepseek)).toBe(KEYS.deepseek);
    services.close();
    expect(keyFile(dataDir)).toBe(oldKey);
    expect(existsSync(join(dataDir, NEXT_MASTER_KEY_FILE))).toBe(false);
    expect(envelopesIn(dataDir)).toEqual(before);
  });

  test("a second rotation prepared before the first one committed refuses instead of mixing keys", () => {
    const dataDir = temp.make();
    const first = openAppServices({ dataDir });
    const ids = seed(first);
    const second = openAppServices({ dataDir });
    rotateMasterKey(first, { kind: "file" });
    const rotatedKey = keyFile(dataDir);
    expect(() => rotateMasterKey(second, { kind: "file" })).toThrow("Another process rotated the master key");
    first.close();
    second.close();
    expect(keyFile(dataDir)).toBe(rotatedKey);
    expect(existsSync(join(dataDir, NEXT_MASTER_KEY_FILE))).toBe(false);
    expectSecretsIntact(dataDir, ids);
  });
});

describe("a crash during the rotation loses nothing", () => {
  test.each([
    ["afterNextKeyWritten", "old"],
    ["beforeCommit", "old"],
    ["afterCommit", "new"],
  ] as const)("killed at %s: the next start uses the %s key and every secret decrypts", (point, expected) => {
    const dataDir = temp.make();
    const services = openAppServices({ dataDir });
    const ids = seed(services);
    services.close();
    const oldKey = keyFile(dataDir);

    crashRotation(dataDir, point);
    // What the crash left: the new key beside the old one, the database on one of them.
    expect(existsSync(join(dataDir, NEXT_MASTER_KEY_FILE))).toBe(true);
    const nextKey = keyFile(dataDir, NEXT_MASTER_KEY_FILE);
    expect(statSync(join(dataDir, NEXT_MASTER_KEY_FILE)).mode & 0o777).toBe(0o600);

    expectSecretsIntact(dataDir, ids);
    expect(existsSync(join(dataDir, NEXT_MASTER_KEY_FILE))).toBe(false);
    expect(keyFile(dataDir)).toBe(expected === "old" ? oldKey : nextKey);
    // And a later rotation works normally.
    const again = openAppServices({ dataDir });
    rotateMasterKey(again, { kind: "file" });
    again.close();
    expectSecretsIntact(dataDir, ids);
  });

  test("a truncated secret.key.next (crash while writing it) is discarded", () => {
    const dataDir = temp.make();
    const services = openAppServices({ dataDir });
    const ids = seed(services);
    services.close();
    const oldKey = keyFile(dataDir);
    writeFileSync(join(dataDir, NEXT_MASTER_KEY_FILE), "c29tZXRoaW5n", { mode: 0o600 });
    expectSecretsIntact(dataDir, ids);
    expect(keyFile(dataDir)).toBe(oldKey);
    expect(existsSync(join(dataDir, NEXT_MASTER_KEY_FILE))).toBe(false);
  });

  test("a committed rotation whose secret.key was lost is completed from secret.key.next", () => {
    const dataDir = temp.make();
    const services = openAppServices({ dataDir });
    const ids = seed(services);
    services.close();
    crashRotation(dataDir, "afterCommit");
    const nextKey = keyFile(dataDir, NEXT_MASTER_KEY_FILE);
    Bun.spawnSync(["rm", join(dataDir, MASTER_KEY_FILE)]);
    expectSecretsIntact(dataDir, ids);
    expect(keyFile(dataDir)).toBe(nextKey);
  });

  test("a next key that opens nothing is left alone for the key check to report", () => {
    const dataDir = temp.make();
    const services = openAppServices({ dataDir });
    seed(services);
    const check = services.settingsRepo.get<string>("secret.keyCheck");
    services.close();
    writeFileSync(join(dataDir, MASTER_KEY_FILE), `${Buffer.alloc(32, 1).toString("base64")}\n`);
    writeFileSync(join(dataDir, NEXT_MASTER_KEY_FILE), `${Buffer.alloc(32, 2).toString("base64")}\n`);
    expect(recoverInterruptedRotation(dataDir, () => check, (work) => work())).toBe("unresolved");
    expect(existsSync(join(dataDir, NEXT_MASTER_KEY_FILE))).toBe(true);
    expect(() => openAppServices({ dataDir })).toThrow(MasterKeyMismatchError);
  });

  test("with OMNIROUTE_SECRET a crash before the commit keeps the old secret working", () => {
    const dataDir = temp.make();
    const services = openAppServices({ dataDir, secret: OLD_SECRET });
    const ids = seed(services);
    services.close();
    crashRotation(dataDir, "beforeCommit", { OMNIROUTE_SECRET: OLD_SECRET }, NEW_SECRET);
    expect(existsSync(join(dataDir, NEXT_MASTER_KEY_FILE))).toBe(false);
    expectSecretsIntact(dataDir, ids, OLD_SECRET);
  });
});

describe("rotateMasterKey with OMNIROUTE_SECRET", () => {
  test("re-encrypts under the new secret; the old one no longer opens the database", () => {
    const dataDir = temp.make();
    const services = openAppServices({ dataDir, secret: OLD_SECRET });
    const ids = seed(services);
    rotateMasterKey(services, { kind: "env", secret: NEW_SECRET });
    services.close();
    expect(existsSync(join(dataDir, MASTER_KEY_FILE))).toBe(false);
    expect(() => openAppServices({ dataDir, secret: OLD_SECRET })).toThrow(MasterKeyMismatchError);
    expectSecretsIntact(dataDir, ids, NEW_SECRET);
    const newBox = new SecretBox(deriveMasterKey(NEW_SECRET));
    for (const envelope of envelopesIn(dataDir)) expect(() => newBox.decrypt(envelope)).not.toThrow();
  });
});

describe("a running process beside a rotation", () => {
  test("with the key file it follows the new key: reloads, and writes secrets under the new key", () => {
    const dataDir = temp.make();
    const gateway = openAppServices({ dataDir });
    const ids = seed(gateway);
    const cli = openAppServices({ dataDir });
    rotateMasterKey(cli, { kind: "file" });
    cli.close();

    expect(gateway.reloadIfChangedExternally()).toBe(true);
    expect(gateway.connections.getRuntime(ids.deepseek)?.apiKey).toBe(KEYS.deepseek);
    const added = gateway.connections.create({ providerId: "groq", apiKey: "gsk_added_after_rotation_0003" }).id;
    gateway.close();

    const reopened = openAppServices({ dataDir });
    expect(reopened.connections.revealApiKey(added)).toBe("gsk_added_after_rotation_0003");
    reopened.close();
    expectSecretsIntact(dataDir, ids);
  });

  test("between the commit and the rename it follows secret.key.next", () => {
    const dataDir = temp.make();
    const gateway = openAppServices({ dataDir });
    const ids = seed(gateway);
    gateway.connections.reload();
    crashRotation(dataDir, "afterCommit");
    const added = gateway.connections.create({ providerId: "groq", apiKey: "gsk_added_mid_rotation_00000004" }).id;
    gateway.close();
    const reopened = openAppServices({ dataDir });
    expect(reopened.connections.revealApiKey(added)).toBe("gsk_added_mid_rotation_00000004");
    reopened.close();
    expectSecretsIntact(dataDir, ids);
  });

  test("with OMNIROUTE_SECRET it cannot learn the new secret: keeps serving, refuses to write secrets", () => {
    const dataDir = temp.make();
    const gateway = openAppServices({ dataDir, secret: OLD_SECRET });
    const ids = seed(gateway);
    const cli = openAppServices({ dataDir, secret: OLD_SECRET });
    rotateMasterKey(cli, { kind: "env", secret: NEW_SECRET });
    cli.close();

    expect(() => gateway.reloadIfChangedExternally()).not.toThrow();
    expect(gateway.connections.getRuntime(ids.openai)?.apiKey).toBe(KEYS.openai);
    let refused: unknown;
    try {
      gateway.connections.create({ providerId: "groq", apiKey: "gsk_would_be_lost_00000000005" });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ConnectionValidationError);
    expect((refused as ConnectionValidationError).status).toBe(409);
    expect((refused as Error).message).toContain("Restart OmniRoute with the new secret");
    expect((refused as Error).message).not.toContain(NEW_SECRET);
    gateway.close();
    expectSecretsIntact(dataDir, ids, NEW_SECRET);
  });
});

describe("coverage", () => {
  test("every column of the schema that holds encrypted data is in ENCRYPTED_COLUMNS", () => {
    const listed = new Set(ENCRYPTED_COLUMNS.map((c) => `${c.table}.${c.column}`));
    const tables = Object.values(schema).filter((value) => typeof value === "object" && value !== null && Symbol.for("drizzle:IsDrizzleTable") in value);
    expect(tables.length).toBeGreaterThan(5);
    const encrypted = tables.flatMap((table) => {
      const config = getTableConfig(table as SQLiteTable);
      return config.columns.filter((column) => /encrypt|cipher|sealed/i.test(column.name)).map((column) => `${config.name}.${column.name}`);
    });
    expect(encrypted.length).toBeGreaterThan(0);
    for (const column of encrypted) expect(listed.has(column)).toBe(true);
  });
});
