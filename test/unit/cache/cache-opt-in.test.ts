import { afterEach, describe, expect, test } from "bun:test";
import { exportConfig } from "../../../src/config-file/export-config";
import { importConfig } from "../../../src/config-file/import-config";
import { DEFAULT_SETTINGS, settingsPatchSchema } from "../../../src/config/settings-schema";
import { TempDirs } from "../support/temp-data";

/** Where the response-cache opt-in lives: client keys, combos, the config document, the settings. */
const temp = new TempDirs();
afterEach(() => temp.cleanup());

describe("client keys", () => {
  test("the opt-in is stored, shown, changed; 0 means off; revoked keys leave the hot-path map", () => {
    const { apiKeys } = temp.services();
    expect(apiKeys.cacheTtls.size).toBe(0);
    const a = apiKeys.create("a", { cacheTtlSeconds: 600 });
    const b = apiKeys.create("b", { cacheTtlSeconds: 0 });
    expect(a.cacheTtlSeconds).toBe(600);
    expect(b.cacheTtlSeconds).toBeNull();
    expect([...apiKeys.cacheTtls]).toEqual([[a.id, 600]]);
    expect(apiKeys.update(b.id, { cacheTtlSeconds: 30 })?.cacheTtlSeconds).toBe(30);
    expect(apiKeys.update(a.id, { name: "renamed" })).toMatchObject({ name: "renamed", cacheTtlSeconds: 600 });
    expect(apiKeys.cacheTtls.get(b.id)).toBe(30);
    apiKeys.revoke(a.id);
    expect([...apiKeys.cacheTtls]).toEqual([[b.id, 30]]);
    expect(apiKeys.update("key_missing", { cacheTtlSeconds: 5 })).toBeUndefined();
  });
});

describe("combos", () => {
  test("the opt-in follows create, update and rename", () => {
    const { combos } = temp.services();
    combos.create({ name: "fast", targets: [{ model: "ds/deepseek-v4-pro" }], cacheTtlSeconds: 120 });
    combos.create({ name: "slow", targets: [{ model: "ds/deepseek-v4-pro" }] });
    expect([...combos.cacheTtls]).toEqual([["fast", 120]]);
    combos.update("fast", { name: "quick" });
    expect([...combos.cacheTtls]).toEqual([["quick", 120]]);
    expect(combos.update("quick", { cacheTtlSeconds: null }).cacheTtlSeconds).toBeNull();
    expect(combos.update("slow", { cacheTtlSeconds: 0 }).cacheTtlSeconds).toBeNull();
    expect(combos.cacheTtls.size).toBe(0);
  });
});

describe("config document", () => {
  test("keys' and combos' opt-ins travel through export and import; unset ones are left out of the document", () => {
    const source = temp.services();
    const cached = source.apiKeys.create("cached", { cacheTtlSeconds: 900 });
    const plain = source.apiKeys.create("plain");
    source.combos.create({ name: "fast", targets: [{ model: "ds/deepseek-v4-pro" }], cacheTtlSeconds: 60 });
    source.settings.update({ cache: { maxEntryBytes: 4096, persist: false } });
    const document = exportConfig(source);
    expect(document.apiKeys!.find((k) => "id" in k && k.id === plain.id)).not.toHaveProperty("cacheTtlSeconds");

    const target = temp.services();
    importConfig(target, document);
    expect(target.apiKeys.cacheTtls.get(cached.id)).toBe(900);
    expect(target.combos.get("fast")?.cacheTtlSeconds).toBe(60);
    expect(target.settings.get().cache).toEqual({ enabled: true, maxMemoryBytes: 32 * 1024 * 1024, maxEntryBytes: 4096, persist: false });

    // An import over existing keys leaves them alone, except for an opt-in the file states.
    importConfig(target, { ...document, apiKeys: [{ ...document.apiKeys![0]!, cacheTtlSeconds: 30 }] });
    const first = document.apiKeys![0]! as { id: string };
    expect(target.apiKeys.list().find((k) => k.id === first.id)?.cacheTtlSeconds).toBe(30);
    importConfig(target, { format: "omniroute-config", version: 2, apiKeys: [{ name: "hand", key: "omr_hand_written_cache_key_0001", cacheTtlSeconds: 45 }] });
    expect(target.apiKeys.list().find((k) => k.name === "hand")?.cacheTtlSeconds).toBe(45);
  });
});

describe("settings", () => {
  test("cache defaults: on, 32 MiB memory, 1 MiB per answer, persisted; patchable section by section", () => {
    expect(DEFAULT_SETTINGS.cache).toEqual({ enabled: true, maxMemoryBytes: 32 * 1024 * 1024, maxEntryBytes: 1024 * 1024, persist: true });
    const { settings } = temp.services();
    const patch = settingsPatchSchema.parse({ cache: { enabled: false } });
    expect(settings.update(patch).cache).toEqual({ ...DEFAULT_SETTINGS.cache, enabled: false });
    expect(settingsPatchSchema.safeParse({ cache: { maxEntryBytes: 0 } }).success).toBe(false);
  });
});
