import { afterEach, describe, expect, test } from "bun:test";
import { exportConfig } from "../../../src/config-file/export-config";
import { ConfigImportError, importConfig } from "../../../src/config-file/import-config";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

const WINDOWS = [
  { id: "5h", window: { kind: "rolling" as const, hours: 5 }, limits: { requests: 200 }, reservePercent: 10 },
  { id: "month", window: { kind: "monthly" as const, resetDay: 1, resetHour: 0, utcOffsetMinutes: 0 }, limits: { usd: 80 } },
];

describe("quota windows in the config file", () => {
  test("exported with their connection and imported into another store", () => {
    const source = temp.services();
    const withQuota = source.connections.create({ providerId: "deepseek", apiKey: "sk-a-0000", quota: WINDOWS }).id;
    const without = source.connections.create({ providerId: "openai", apiKey: "sk-b-0000" }).id;
    const document = exportConfig(source, { includeSecrets: true, passphrase: "quota passphrase" });
    const entries = new Map(document.connections!.map((c) => [c.id, c]));
    expect(entries.get(withQuota)!.quota).toEqual(WINDOWS);
    // Left out when there are none, so the file stays readable by versions without quota.
    expect("quota" in entries.get(without)!).toBe(false);

    const target = temp.services();
    importConfig(target, JSON.parse(JSON.stringify(document)), { passphrase: "quota passphrase" });
    expect(target.connections.get(withQuota)!.quota).toEqual(WINDOWS);
    expect(target.connections.getRuntime(withQuota)!.quota).toEqual(WINDOWS);
    expect(target.connections.get(without)!.quota).toBeNull();
  });

  test("a version 2 file without quota imports and leaves existing windows alone; a bad window is refused by name", () => {
    const services = temp.services();
    const id = services.connections.create({ providerId: "deepseek", apiKey: "sk-a-0000", quota: WINDOWS }).id;
    importConfig(services, { format: "omniroute-config", version: 2, connections: [{ id, providerId: "deepseek", name: "renamed" }] });
    expect(services.connections.get(id)).toMatchObject({ name: "renamed", quota: WINDOWS });
    const bad = { format: "omniroute-config", version: 2, connections: [{ id, providerId: "deepseek", quota: [{ id: "x", window: { kind: "daily" }, limits: {} }] }] };
    expect(() => importConfig(services, bad)).toThrow(ConfigImportError);
    expect(() => importConfig(services, bad)).toThrow(/connections\.0\.quota\.0\.limits/);
  });
});
