import { describe, expect, test } from "bun:test";
import { DEFAULT_SETTINGS, settingsSchema, type Settings } from "../../../src/config/settings-schema";
import { parseIp } from "../../../src/security/cidr";
import { NetworkRules, NetworkRulesError, validateNetworkSettings } from "../../../src/security/network-rules";

type Security = Settings["security"];

function security(overrides: Record<string, unknown>): Security {
  return settingsSchema.parse({ security: overrides }).security;
}

/** Settings as a store written by an older version (or by hand) may hold them: not re-validated by the schema. */
function storedSecurity(overrides: Partial<Security>): Security {
  return { ...DEFAULT_SETTINGS.security, ...overrides };
}

function at(ip: string) {
  return { ip, parsed: parseIp(ip) };
}

describe("NetworkRules", () => {
  test("nothing configured: both sides inactive, everything allowed", () => {
    const rules = new NetworkRules(DEFAULT_SETTINGS.security);
    expect(rules.apiActive).toBe(false);
    expect(rules.dashboardActive).toBe(false);
    expect(rules.trustedProxies).toBeNull();
    expect(rules.checkApi(at("1.2.3.4"))).toBeNull();
    expect(rules.checkDashboard({ ip: null, parsed: null })).toBeNull();
  });

  test("trusted proxies alone do not activate a side", () => {
    const rules = new NetworkRules(security({ trustedProxies: ["10.0.0.0/8"] }));
    expect(rules.apiActive).toBe(false);
    expect(rules.dashboardActive).toBe(false);
    expect(rules.trustedProxies?.containsText("10.1.1.1")).toBe(true);
  });

  test("an allowlist lets in only its addresses, on its side only", () => {
    const rules = new NetworkRules(security({ apiAccess: { allow: ["10.0.0.0/8", "::1"] } }));
    expect(rules.apiActive).toBe(true);
    expect(rules.dashboardActive).toBe(false);
    expect(rules.checkApi(at("10.2.3.4"))).toBeNull();
    expect(rules.checkApi(at("::1"))).toBeNull();
    const refused = rules.checkApi(at("127.0.0.1"));
    expect(refused).toMatchObject({ status: 403, code: "ip_not_allowed" });
    expect(refused!.message).toContain("127.0.0.1");
    expect(refused!.message).toContain("security.apiAccess.allow");
    expect(rules.checkDashboard(at("127.0.0.1"))).toBeNull();
  });

  test("the blocklist wins over the allowlist", () => {
    const rules = new NetworkRules(security({ dashboardAccess: { allow: ["10.0.0.0/8"], block: ["10.6.6.0/24"] } }));
    expect(rules.dashboardActive).toBe(true);
    expect(rules.checkDashboard(at("10.1.1.1"))).toBeNull();
    expect(rules.checkDashboard(at("10.6.6.6"))).toMatchObject({ status: 403, code: "ip_not_allowed" });
    expect(rules.checkDashboard(at("10.6.6.6"))!.message).toContain("security.dashboardAccess.block");
    expect(rules.allows("dashboard", at("10.6.6.6"))).toBe(false);
    expect(rules.allows("api", at("10.6.6.6"))).toBe(true);
  });

  test("a blocklist alone allows everyone else; an unknown address passes a blocklist but not an allowlist", () => {
    const blockOnly = new NetworkRules(security({ apiAccess: { block: ["127.0.0.1"] } }));
    expect(blockOnly.checkApi(at("127.0.0.1"))?.status).toBe(403);
    expect(blockOnly.checkApi(at("::ffff:127.0.0.1"))?.status).toBe(403);
    expect(blockOnly.checkApi(at("::1"))).toBeNull();
    expect(blockOnly.checkApi({ ip: null, parsed: null })).toBeNull();
    const allowOnly = new NetworkRules(security({ apiAccess: { allow: ["127.0.0.1"] } }));
    expect(allowOnly.checkApi({ ip: null, parsed: null })?.message).toContain("could not determine your address");
  });

  test("per-address limit: 429 with Retry-After seconds, counted per side and per address", () => {
    let now = 0;
    const rules = new NetworkRules(security({ ipRateLimit: { api: { requests: 2, windowSeconds: 30 } } }), { now: () => now });
    expect(rules.apiActive).toBe(true);
    expect(rules.dashboardActive).toBe(false);
    expect(rules.checkApi(at("1.1.1.1"))).toBeNull();
    expect(rules.checkApi(at("1.1.1.1"))).toBeNull();
    const refused = rules.checkApi(at("1.1.1.1"));
    expect(refused).toMatchObject({ status: 429, code: "ip_rate_limited", retryAfterSeconds: 30 });
    expect(refused!.message).toContain("2 per 30 s");
    expect(rules.checkApi(at("2.2.2.2"))).toBeNull();
    now += 30_000;
    expect(rules.checkApi(at("1.1.1.1"))).toBeNull();
  });

  test("IPv6 addresses count per /64 network (a client holding one cannot take a fresh address per request); IPv4 per address", () => {
    const rules = new NetworkRules(security({ ipRateLimit: { api: { requests: 2, windowSeconds: 30 } } }), { now: () => 0 });
    expect(rules.checkApi(at("2001:db8:1:2::1"))).toBeNull();
    expect(rules.checkApi(at("2001:db8:1:2:ffff:ffff:ffff:ffff"))).toBeNull();
    expect(rules.checkApi(at("2001:db8:1:2:abcd::9"))).toMatchObject({ status: 429, code: "ip_rate_limited" });
    expect(rules.checkApi(at("2001:db8:1:3::1"))).toBeNull();
    // A mapped IPv4 address counts with its IPv4 form; neighbouring IPv4 addresses are separate.
    expect(rules.checkApi(at("192.0.2.1"))).toBeNull();
    expect(rules.checkApi(at("::ffff:192.0.2.1"))).toBeNull();
    expect(rules.checkApi(at("192.0.2.1"))).toMatchObject({ status: 429 });
    expect(rules.checkApi(at("192.0.2.2"))).toBeNull();
  });

  test("a refused address is not counted against the limit", () => {
    const rules = new NetworkRules(security({ apiAccess: { block: ["6.6.6.6"] }, ipRateLimit: { api: { requests: 1 } } }));
    for (let i = 0; i < 5; i++) expect(rules.checkApi(at("6.6.6.6"))?.status).toBe(403);
    expect(rules.allows("api", at("6.6.6.6"))).toBe(false);
    // Unblocked, same limit (the limiter and its counts are kept): its first request passes.
    rules.configure(security({ ipRateLimit: { api: { requests: 1 } } }));
    expect(rules.checkApi(at("6.6.6.6"))).toBeNull();
    expect(rules.checkApi(at("6.6.6.6"))?.status).toBe(429);
  });

  test("configure swaps rules in place; an unchanged limit keeps its counts, a changed one starts over", () => {
    const base = { ipRateLimit: { dashboard: { requests: 1, windowSeconds: 60 } } };
    const rules = new NetworkRules(security(base));
    expect(rules.checkDashboard(at("1.1.1.1"))).toBeNull();
    rules.configure(security({ ...base, apiAccess: { allow: ["10.0.0.0/8"] } }));
    expect(rules.apiActive).toBe(true);
    expect(rules.checkDashboard(at("1.1.1.1"))?.status).toBe(429);
    rules.configure(security({ ipRateLimit: { dashboard: { requests: 2, windowSeconds: 60 } } }));
    expect(rules.apiActive).toBe(false);
    expect(rules.checkDashboard(at("1.1.1.1"))).toBeNull();
    rules.configure(DEFAULT_SETTINGS.security);
    expect(rules.dashboardActive).toBe(false);
  });

  test("stored invalid entries are skipped and reported; an allowlist of only bad entries admits nobody", () => {
    const reported: string[] = [];
    const rules = new NetworkRules(storedSecurity({ apiAccess: { allow: ["not-an-ip"], block: [] }, dashboardAccess: { allow: [], block: ["nope", "6.6.6.6"] } }), {
      onInvalidEntry: (message) => reported.push(message),
    });
    expect(reported).toHaveLength(2);
    expect(reported[0]).toContain('security.apiAccess.allow: "not-an-ip"');
    expect(rules.checkApi(at("1.2.3.4"))?.status).toBe(403);
    expect(rules.checkDashboard(at("6.6.6.6"))?.status).toBe(403);
    expect(rules.checkDashboard(at("1.2.3.4"))).toBeNull();
  });
});

describe("validateNetworkSettings", () => {
  test("accepts valid lists", () => {
    expect(() => validateNetworkSettings(security({ apiAccess: { allow: ["10.0.0.0/8", "::1"] }, trustedProxies: ["fd00::/8"] }))).not.toThrow();
  });

  test("names the field and the entry", () => {
    const attempt = () => validateNetworkSettings(storedSecurity({ dashboardAccess: { allow: [], block: ["10.0.0.0/8", "10.0.0.0/33"] } }));
    expect(attempt).toThrow(NetworkRulesError);
    expect(attempt).toThrow('security.dashboardAccess.block: "10.0.0.0/33" is not an IP address or CIDR range');
    expect(() => validateNetworkSettings(storedSecurity({ trustedProxies: ["proxy.local"] }))).toThrow('security.trustedProxies: "proxy.local"');
  });
});

test("the settings schema itself refuses an entry that is not an address or range, naming it", () => {
  const parsed = settingsSchema.safeParse({ security: { trustedProxies: ["10.0.0.0/33"] } });
  expect(parsed.success).toBe(false);
  expect(JSON.stringify(parsed.error?.issues)).toContain("10.0.0.0/33");
});
