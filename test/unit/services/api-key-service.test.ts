import { afterEach, describe, expect, test } from "bun:test";
import { hashApiKey } from "../../../src/security/api-key";
import { apiKeyCreateSchema } from "../../../src/services/api-key-service";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

describe("ApiKeyService", () => {
  test("a created key is returned once, stored only as its hash, and authenticates", () => {
    const services = temp.services();
    const { apiKeys } = services;
    expect(apiKeys.hasActiveKeys()).toBe(false);
    const created = apiKeys.create("laptop");
    expect(created.key).toMatch(/^omr_/);
    expect(created.prefix).toBe(created.key.slice(0, 10));
    expect(apiKeys.hasActiveKeys()).toBe(true);
    expect(apiKeys.authenticate(created.key)).toBe(created.id);
    const raw = JSON.stringify(services.store.sqlite.query("SELECT * FROM api_keys").all());
    expect(raw).not.toContain(created.key);
    expect(raw).toContain(hashApiKey(created.key));
    expect(JSON.stringify(apiKeys.list())).not.toContain(created.key);
  });

  test("wrong, truncated or extended keys do not authenticate", () => {
    const { apiKeys } = temp.services();
    const { key } = apiKeys.create("laptop");
    expect(apiKeys.authenticate(key.slice(0, -1))).toBeNull();
    expect(apiKeys.authenticate(`${key}x`)).toBeNull();
    expect(apiKeys.authenticate("")).toBeNull();
    expect(apiKeys.authenticate(hashApiKey(key))).toBeNull();
  });

  test("a revoked key stops authenticating at once and stays listed as revoked", () => {
    const { apiKeys } = temp.services();
    const a = apiKeys.create("a");
    const b = apiKeys.create("b");
    expect(apiKeys.revoke(a.id)).toBe(true);
    expect(apiKeys.authenticate(a.key)).toBeNull();
    expect(apiKeys.authenticate(b.key)).toBe(b.id);
    expect(apiKeys.activeCount()).toBe(1);
    expect(apiKeys.list().find((k) => k.id === a.id)?.revokedAt).not.toBeNull();
    expect(apiKeys.revoke("key_missing")).toBe(false);
  });

  test("a key verified before (remembered, no hash) still stops at once when revoked here or by another process", () => {
    const temp2 = temp.services();
    const { apiKeys } = temp2;
    const a = apiKeys.create("a");
    for (let i = 0; i < 3; i++) expect(apiKeys.authenticate(a.key)).toBe(a.id);
    apiKeys.revoke(a.id);
    expect(apiKeys.authenticate(a.key)).toBeNull();
    const b = apiKeys.create("b");
    expect(apiKeys.authenticate(b.key)).toBe(b.id);
    // Another process (the CLI) revokes b in the store; the periodic reload picks it up.
    temp2.store.sqlite.query("UPDATE api_keys SET revoked_at = ? WHERE id = ?").run(Date.now(), b.id);
    apiKeys.reload();
    expect(apiKeys.authenticate(b.key)).toBeNull();
  });

  test("revoking twice keeps the first revocation time", async () => {
    const { apiKeys } = temp.services();
    const a = apiKeys.create("a");
    apiKeys.revoke(a.id);
    const first = apiKeys.list()[0]!.revokedAt;
    await Bun.sleep(5);
    expect(apiKeys.revoke(a.id)).toBe(true);
    expect(apiKeys.list()[0]!.revokedAt).toBe(first);
  });

  test("last use is shown at once but written to the store only on flush", () => {
    const services = temp.services();
    const { apiKeys } = services;
    const created = apiKeys.create("laptop");
    expect(created.lastUsedAt).toBeNull();
    const before = Date.now();
    apiKeys.authenticate(created.key);
    const stored = () =>
      services.store.sqlite.query<{ t: number | null }, [string]>("SELECT last_used_at AS t FROM api_keys WHERE id = ?").get(created.id)!.t;
    expect(Date.parse(apiKeys.list()[0]!.lastUsedAt!)).toBeGreaterThanOrEqual(before);
    expect(stored()).toBeNull();
    apiKeys.flushLastUsed();
    expect(stored()).toBeGreaterThanOrEqual(before);
  });

  test("importHashed makes a key known only by its hash usable", () => {
    const { apiKeys } = temp.services();
    const key = "omr_imported-key-material-000111";
    apiKeys.importHashed({ id: "key_imported", name: "imported", prefix: key.slice(0, 10), keyHash: hashApiKey(key), createdAt: 1, revokedAt: null });
    expect(apiKeys.authenticate(key)).toBe("key_imported");
    apiKeys.importHashed({ id: "key_revoked", name: "old", prefix: "omr_old", keyHash: hashApiKey("omr_old-key-material-000222"), createdAt: 1, revokedAt: 2 });
    expect(apiKeys.authenticate("omr_old-key-material-000222")).toBeNull();
  });

  test("the create schema needs a 1-100 character name and nothing else", () => {
    expect(apiKeyCreateSchema.safeParse({ name: "ok" }).success).toBe(true);
    expect(apiKeyCreateSchema.safeParse({ name: "" }).success).toBe(false);
    expect(apiKeyCreateSchema.safeParse({ name: "x".repeat(101) }).success).toBe(false);
    expect(apiKeyCreateSchema.safeParse({ name: "ok", key: "omr_chosen" }).success).toBe(false);
  });
});
