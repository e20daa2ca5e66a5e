import { afterEach, describe, expect, test } from "bun:test";
import { OAuthRegistry } from "../../../src/oauth/oauth-registry";
import { OAuthRefreshRejected, OAuthTransientError } from "../../../src/oauth/oauth-types";
import { TokenManager } from "../../../src/oauth/token-manager";
import { QuotaTracker } from "../../../src/quota/quota-tracker";
import { AccountHealth } from "../../../src/routing/account-health";
import type { AppServices } from "../../../src/services/app-services";
import { TempDirs } from "../support/temp-data";
import { deferred, fakeModule, type FakeModule } from "./fake-oauth-module";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

const MINUTE = 60_000;

/** Real services (store, secret box), a fake module, and one clock for the manager, health and quota. */
function setup(options: { rotationGroup?: string } = {}) {
  const services = temp.services();
  const clock = { now: Date.now() };
  const now = () => clock.now;
  const module = fakeModule({ now, ...options });
  const registry = new OAuthRegistry([module]);
  const health = new AccountHealth({}, now);
  const quota = new QuotaTracker({ now });
  quota.start(services.connections.runtime());
  services.connections.onChange(() => quota.configure(services.connections.runtime()));
  const manager = new TokenManager({ connections: services.connections, registry, health: () => health, quota: () => quota, now, timers: false });
  manager.start();
  return { services, clock, module, registry, health, quota, manager };
}

function connect(services: AppServices, expiresAt: number, name = "acct"): string {
  return services.connections.createOAuth({
    providerId: "deepseek",
    name,
    tokens: { accessToken: `initial-${name}`, refreshToken: `refresh-${name}`, expiresAt, extra: { keep: "me" } },
    account: { email: "user@example.com" },
  }).id;
}

describe("ensureFresh", () => {
  test("a token good for more than 30 s is used as it is", async () => {
    const { services, clock, module, manager } = setup();
    const id = connect(services, clock.now + 10 * MINUTE);
    const connection = await manager.ensureFresh(id);
    expect(connection.apiKey).toBe("initial-acct");
    expect(connection.headers.authorization).toBe("Bearer initial-acct");
    expect(module.refreshCalls).toHaveLength(0);
  });

  test("50 concurrent callers on an expired token cause exactly one refresh, persisted before use", async () => {
    const { services, clock, module, manager } = setup();
    const id = connect(services, clock.now - 1000);
    const gate = deferred();
    module.gate = gate.promise;
    const calls = Array.from({ length: 50 }, () => manager.ensureFresh(id));
    await Bun.sleep(5);
    gate.open();
    const results = await Promise.all(calls);
    expect(module.refreshCalls).toHaveLength(1);
    expect(module.refreshCalls[0]!.refreshToken).toBe("refresh-acct");
    expect(new Set(results.map((c) => c.apiKey))).toEqual(new Set(["fake-access-1"]));
    expect(results[0]!.headers.authorization).toBe("Bearer fake-access-1");
    // Stored encrypted, with the rotated refresh token and the provider values kept.
    const stored = services.connections.readOAuthTokens(id)!;
    expect(stored.accessToken).toBe("fake-access-1");
    expect(stored.refreshToken).toBe("fake-refresh-1");
    expect(stored.extra.keep).toBe("me");
    const row = services.store.sqlite.query("SELECT oauth_encrypted FROM connections WHERE id = ?").get(id) as { oauth_encrypted: string };
    expect(row.oauth_encrypted).not.toContain("fake-access-1");
    expect(services.connections.get(id)!.auth).toMatchObject({ kind: "oauth", state: "ok", expiresAt: new Date(clock.now + module.lifetimeMs).toISOString() });
    // Fresh now: no second refresh.
    await manager.ensureFresh(id);
    expect(module.refreshCalls).toHaveLength(1);
  });

  test("refreshes of one rotation group never overlap; without a group they may", async () => {
    for (const [group, expected] of [["rotating", 1], [undefined, 2]] as const) {
      const { services, clock, module, manager } = setup(group ? { rotationGroup: group } : {});
      const a = connect(services, clock.now - 1, "a");
      const b = connect(services, clock.now - 1, "b");
      await Promise.all([manager.ensureFresh(a), manager.ensureFresh(b), manager.ensureFresh(a)]);
      expect(module.refreshCalls).toHaveLength(2);
      expect(module.maxConcurrent).toBe(expected);
    }
  });

  test("a refused refresh marks the account needs-reauth: stored, flagged for routing, and kept after a restart", async () => {
    const { services, clock, module, manager, health, registry } = setup();
    const id = connect(services, clock.now - 1);
    module.refreshMode = "rejected";
    await expect(manager.ensureFresh(id)).rejects.toBeInstanceOf(OAuthRefreshRejected);
    expect(services.connections.get(id)!.auth).toMatchObject({ kind: "oauth", state: "needs-reauth", error: "token refresh failed: HTTP 400 (invalid_grant)" });
    expect(health.check(id, "deepseek")).toMatchObject({ available: false, reason: "reauth" });
    expect(services.connections.getRuntime(id)!.authState).toBe("needs-reauth");
    // No further refresh attempts for it.
    await expect(manager.ensureFresh(id)).rejects.toBeInstanceOf(OAuthRefreshRejected);
    expect(module.refreshCalls).toHaveLength(1);
    // A restart: a new manager over the same store flags it again.
    const freshHealth = new AccountHealth();
    new TokenManager({ connections: services.connections, registry, health: () => freshHealth, timers: false }).start();
    expect(freshHealth.check(id, "deepseek")).toMatchObject({ available: false, reason: "reauth" });
  });

  test("a transient failure is retried with backoff; the account stays usable until the token actually expires", async () => {
    const { services, clock, module, manager } = setup();
    const id = connect(services, clock.now + 2 * MINUTE);
    module.refreshMode = "transient";
    // Background: due (the 5-minute margin, capped at half the 2 minutes the token had left), fails.
    clock.now += MINUTE + 1;
    manager.tick();
    await Bun.sleep(10);
    expect(module.refreshCalls).toHaveLength(1);
    // Not again before the backoff has passed.
    manager.tick();
    await Bun.sleep(10);
    expect(module.refreshCalls).toHaveLength(1);
    // Requests keep the current token (more than 30 s left).
    expect((await manager.ensureFresh(id)).apiKey).toBe("initial-acct");
    // 10 s left: the request path tries a refresh, which fails, and still uses the token that works.
    clock.now += MINUTE - 10_001;
    expect((await manager.ensureFresh(id)).apiKey).toBe("initial-acct");
    expect(module.refreshCalls).toHaveLength(2);
    // Expired and still failing: unusable for now, but not needs-reauth.
    clock.now += 20_000;
    await expect(manager.ensureFresh(id)).rejects.toBeInstanceOf(OAuthTransientError);
    expect(services.connections.get(id)!.auth).toMatchObject({ state: "ok" });
    // The provider is back: the retry succeeds.
    module.refreshMode = "ok";
    clock.now += 10 * MINUTE;
    manager.tick();
    await Bun.sleep(10);
    expect(services.connections.getRuntime(id)!.apiKey).toMatch(/^fake-access-/);
  });
});

describe("background refresh", () => {
  test("due refreshMarginMs (5 min) before expiry, not earlier", async () => {
    const { services, clock, module, manager } = setup();
    const id = connect(services, clock.now + 60 * MINUTE);
    manager.tick();
    await Bun.sleep(5);
    expect(module.refreshCalls).toHaveLength(0);
    clock.now += 55 * MINUTE + 1;
    manager.tick();
    await Bun.sleep(10);
    expect(module.refreshCalls).toHaveLength(1);
    expect(services.connections.getRuntime(id)!.apiKey).toBe("fake-access-1");
  });

  test("a token shorter-lived than the margin is refreshed at half its life, not in a loop", async () => {
    const { services, clock, module, manager } = setup();
    module.lifetimeMs = 60_000;
    connect(services, clock.now + 60_000);
    manager.tick();
    await Bun.sleep(5);
    expect(module.refreshCalls).toHaveLength(0);
    clock.now += 30_001;
    manager.tick();
    await Bun.sleep(10);
    manager.tick();
    await Bun.sleep(10);
    expect(module.refreshCalls).toHaveLength(1);
  });
});

describe("after a 401", () => {
  test("one refresh for the token that was refused; none when another caller already replaced it", async () => {
    const { services, clock, module, manager } = setup();
    const id = connect(services, clock.now + 60 * MINUTE);
    const results = await Promise.all(Array.from({ length: 10 }, () => manager.refreshAfterUnauthorized(id, "initial-acct")));
    expect(module.refreshCalls).toHaveLength(1);
    expect(results.every((c) => c?.apiKey === "fake-access-1")).toBe(true);
    expect((await manager.refreshAfterUnauthorized(id, "initial-acct"))?.apiKey).toBe("fake-access-1");
    expect(module.refreshCalls).toHaveLength(1);
    module.refreshMode = "rejected";
    expect(await manager.refreshAfterUnauthorized(id, "fake-access-1")).toBeNull();
    expect(services.connections.get(id)!.auth).toMatchObject({ state: "needs-reauth" });
  });
});

describe("quota", () => {
  test("fetched limits feed the tracker: a spent window closes the account until its reset", async () => {
    const { services, clock, module, manager, quota } = setup();
    const id = connect(services, clock.now + 60 * MINUTE);
    const resetAt = clock.now + 30 * MINUTE;
    module.quota = [{ name: "unified-5h", limit: null, remaining: null, utilization: 1, resetAt, spent: true }];
    await manager.fetchQuota(id);
    expect(manager.quotaOf(id)).toMatchObject({ at: clock.now, error: null, limits: module.quota });
    expect(quota.check(id, clock.now)).toMatchObject({ closedUntil: resetAt, closedBy: "provider" });
    clock.now = resetAt + 1;
    expect(quota.check(id, clock.now)?.closedUntil).toBeNull();
  });

  test("polled after connecting and then every 5 minutes", async () => {
    const { services, clock, module, manager } = setup();
    let fetches = 0;
    module.fetchQuota = async () => {
      fetches++;
      return [];
    };
    const id = connect(services, clock.now + 60 * MINUTE);
    manager.connected(id);
    await Bun.sleep(5);
    expect(fetches).toBe(1);
    manager.tick();
    await Bun.sleep(5);
    expect(fetches).toBe(1);
    clock.now += 5 * MINUTE;
    manager.tick();
    await Bun.sleep(5);
    expect(fetches).toBe(2);
  });
});

export type { FakeModule };
