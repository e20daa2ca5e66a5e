import { afterEach, describe, expect, test } from "bun:test";
import { DEFAULT_SETTINGS } from "../../../src/config/settings-schema";
import { openAppServices } from "../../../src/services/app-services";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

describe("SettingsService", () => {
  test("starts from the defaults", () => {
    const { settings } = temp.services();
    expect(settings.get()).toEqual(DEFAULT_SETTINGS);
    expect(DEFAULT_SETTINGS.timeouts).toEqual({ connectMs: 10_000, firstByteMs: 300_000, idleMs: 120_000 });
  });

  test("a partial update merges into its section and persists across reopen", () => {
    const services = temp.services();
    const next = services.settings.update({ timeouts: { idleMs: 30_000 } });
    expect(next.timeouts).toEqual({ ...DEFAULT_SETTINGS.timeouts, idleMs: 30_000 });
    expect(next.limits).toEqual(DEFAULT_SETTINGS.limits);
    services.close();
    const reopened = openAppServices({ dataDir: services.dataDir });
    try {
      expect(reopened.settings.get().timeouts.idleMs).toBe(30_000);
    } finally {
      reopened.close();
    }
  });

  test("every section of the patch schema is applied (routing included)", () => {
    const { settings } = temp.services();
    const next = settings.update({ routing: { transientRetries: 0, accountStrategy: "least-used" } });
    expect(next.routing).toEqual({ ...DEFAULT_SETTINGS.routing, transientRetries: 0, accountStrategy: "least-used" });
    expect(settings.get().routing.transientRetries).toBe(0);
  });

  test("an out-of-range update is refused and changes nothing", () => {
    const services = temp.services();
    expect(() => services.settings.update({ timeouts: { idleMs: 10 } })).toThrow();
    expect(services.settings.get()).toEqual(DEFAULT_SETTINGS);
    expect(services.settingsRepo.get("gateway")).toBeUndefined();
  });

  test("an invalid stored value falls back to the defaults instead of failing", () => {
    const services = temp.services();
    services.settingsRepo.set("gateway", { timeouts: { idleMs: "soon" } });
    services.settings.reload();
    expect(services.settings.get()).toEqual(DEFAULT_SETTINGS);
  });

  test("replace swaps the whole value, filling omitted sections with defaults", () => {
    const { settings } = temp.services();
    settings.update({ requestLog: { retentionDays: 3 } });
    const next = settings.replace({ timeouts: { connectMs: 500 } });
    expect(next.timeouts.connectMs).toBe(500);
    expect(next.requestLog.retentionDays).toBe(DEFAULT_SETTINGS.requestLog.retentionDays);
  });
});
