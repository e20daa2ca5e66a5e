import { afterEach, describe, expect, test } from "bun:test";
import { checkImportBaseUrls, ConfigImportError } from "../../../src/config-file/import-config";
import type { HostLookup } from "../../../src/security/outbound-address";
import { checkUpstreamHostResolution, validateUpstreamBaseUrl } from "../../../src/security/upstream-url";
import { ConnectionValidationError } from "../../../src/services/connection-service";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

/** Names resolve only through this table (no real DNS); an unknown name is ENOTFOUND. */
function table(entries: Record<string, string[]>): HostLookup {
  return async (hostname) => {
    const addresses = entries[hostname];
    if (!addresses) throw Object.assign(new Error("not found"), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };
}

const DNS = table({
  "rebind.example": ["169.254.169.254"],
  "aws6.example": ["fd00:ec2::254"],
  "mapped.example": ["::ffff:169.254.169.254"],
  "linklocal.example": ["fe80::1"],
  "mixed.example": ["203.0.114.10", "169.254.170.2"],
  "gpu-box.lan": ["192.168.1.20"],
  "localhost": ["127.0.0.1", "::1"],
  "api.example": ["203.0.114.10"],
});

describe("checkUpstreamHostResolution (save time)", () => {
  test.each(["rebind.example", "aws6.example", "mapped.example", "linklocal.example", "mixed.example"])("a base URL whose host %s resolves to a metadata or link-local address is refused", async (host) => {
    const result = await checkUpstreamHostResolution(`http://${host}/v1`, DNS);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.reason).toContain(`base URL host ${host} resolves to`);
      expect(result.reason).toContain("Use another host name");
    }
  });

  test.each(["gpu-box.lan", "localhost", "api.example", "not-resolvable.example"])("%s (LAN, loopback, public, or not resolvable yet) is accepted", async (host) => {
    expect(await checkUpstreamHostResolution(`http://${host}:8000/v1`, DNS)).toEqual({ ok: true });
  });

  test("IP literals are left to the syntactic check (no lookup)", async () => {
    const lookup: HostLookup = async () => {
      throw new Error("must not be called");
    };
    expect(await checkUpstreamHostResolution("http://10.0.0.5:8000/v1", lookup)).toEqual({ ok: true });
  });
});

describe("validateUpstreamBaseUrl: other spellings of link-local and metadata addresses", () => {
  test.each(["http://[fe80::1]:8080/v1", "http://[64:ff9b::a9fe:a9fe]/", "http://[::ffff:a9fe:a9fe]/", "http://[2002:a9fe:a9fe::1]/"])("%s is refused", (raw) => {
    const result = validateUpstreamBaseUrl(raw);
    expect(result.ok).toBe(false);
  });
});

describe("connections and config import check the resolved address before saving", () => {
  test("createChecked / updateChecked refuse a host that resolves to a metadata address; nothing is stored", async () => {
    const services = temp.services();
    let refused: unknown;
    try {
      await services.connections.createChecked({ providerId: "openai-compatible", alias: "rebind", baseUrl: "http://rebind.example/v1" }, { lookup: DNS });
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ConnectionValidationError);
    expect((refused as Error).message).toContain("resolves to 169.254.169.254");
    expect(services.connections.list()).toHaveLength(0);

    const local = await services.connections.createChecked({ providerId: "openai-compatible", alias: "lan", baseUrl: "http://gpu-box.lan:8000/v1" }, { lookup: DNS });
    expect(local.baseUrl).toBe("http://gpu-box.lan:8000/v1");
    await expect(services.connections.updateChecked(local.id, { baseUrl: "http://aws6.example/v1" }, { lookup: DNS })).rejects.toThrow("fd00:ec2::254");
    expect(services.connections.get(local.id)!.baseUrl).toBe("http://gpu-box.lan:8000/v1");
    await services.connections.updateChecked(local.id, { name: "renamed" }, { lookup: DNS });
    expect(services.connections.get(local.id)!.name).toBe("renamed");
  });

  test("checkImportBaseUrls names the offending entry", async () => {
    const document = {
      format: "omniroute-config",
      version: 2,
      connections: [
        { providerId: "openai-compatible", alias: "ok", baseUrl: "http://gpu-box.lan:8000/v1" },
        { providerId: "openai-compatible", alias: "bad", baseUrl: "http://rebind.example/v1" },
      ],
    };
    let refused: unknown;
    try {
      await checkImportBaseUrls(document, DNS);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ConfigImportError);
    expect((refused as Error).message).toContain("connections[1]: base URL host rebind.example resolves to 169.254.169.254");
    await checkImportBaseUrls({ ...document, connections: [document.connections[0]] }, DNS);
  });
});
