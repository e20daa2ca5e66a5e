import { afterEach, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { openAppServices, type AppServices } from "../../../src/services/app-services";
import { generatePassword, sessionPublicIdOfToken } from "../../../src/services/admin-auth-service";
import { TempDirs } from "../support/temp-data";

const temp = new TempDirs();
afterEach(() => temp.cleanup());

const META = { ip: "127.0.0.1", userAgent: "bun-test" };
const MINUTE = 60_000;

function sessionRow(services: AppServices, token: string) {
  const id = createHash("sha256").update(token).digest("hex");
  return services.store.sqlite
    .query<{ id: string; expires_at: number; last_seen_at: number; user_agent: string | null }, [string]>(
      "SELECT id, expires_at, last_seen_at, user_agent FROM admin_sessions WHERE id = ?",
    )
    .get(id);
}

function setSessionTimes(services: AppServices, token: string, times: { expiresAt?: number; lastSeenAt?: number }) {
  const id = createHash("sha256").update(token).digest("hex");
  if (times.expiresAt !== undefined) services.store.sqlite.query("UPDATE admin_sessions SET expires_at = ? WHERE id = ?").run(times.expiresAt, id);
  if (times.lastSeenAt !== undefined) services.store.sqlite.query("UPDATE admin_sessions SET last_seen_at = ? WHERE id = ?").run(times.lastSeenAt, id);
}

describe("AdminAuthService passwords", () => {
  test("ensurePassword generates a password once and returns it only the first time", async () => {
    const services = temp.services();
    const auth = services.adminAuth;
    expect(auth.hasPassword()).toBe(false);
    const first = auth.ensurePassword();
    expect(first.generated).toMatch(/^[A-Za-z0-9_-]{20}$/);
    // Hashing runs in the background, but the password already counts as set and logins wait for it.
    expect(auth.hasPassword()).toBe(true);
    await auth.whenReady();
    expect(await auth.ensurePassword()).toEqual({ generated: null });
    expect(await auth.ensurePassword("another-initial-password")).toEqual({ generated: null });
    expect(await auth.verifyPassword(first.generated!)).toBe(true);
    expect(await auth.verifyPassword("another-initial-password")).toBe(false);

    services.close();
    const reopened = openAppServices({ dataDir: services.dataDir });
    try {
      expect(await reopened.adminAuth.ensurePassword()).toEqual({ generated: null });
      expect(await reopened.adminAuth.verifyPassword(first.generated!)).toBe(true);
    } finally {
      reopened.close();
    }
  });

  test("an initial password is used as given and never reported as generated", async () => {
    const { adminAuth } = temp.services();
    expect(await adminAuth.ensurePassword("initial-password-1")).toEqual({ generated: null });
    expect(await adminAuth.verifyPassword("initial-password-1")).toBe(true);
    expect(await adminAuth.verifyPassword("initial-password-2")).toBe(false);
  });

  test("the stored value is an argon2id hash, not the password", async () => {
    const services = temp.services();
    await services.adminAuth.setPassword("stored-password-42");
    const hash = services.settingsRepo.get<string>("admin.passwordHash")!;
    expect(hash.startsWith("$argon2id$")).toBe(true);
    expect(hash).not.toContain("stored-password-42");
  });

  test("verify is false before any password exists", async () => {
    const { adminAuth } = temp.services();
    expect(await adminAuth.verifyPassword("anything-at-all")).toBe(false);
  });

  test("setPassword refuses passwords shorter than 8 characters and keeps the old one", async () => {
    const { adminAuth } = temp.services();
    await adminAuth.setPassword("original-pass");
    await expect(adminAuth.setPassword("short")).rejects.toThrow("at least 8 characters");
    expect(await adminAuth.verifyPassword("original-pass")).toBe(true);
  });

  test("generated passwords carry 120 bits and differ", () => {
    const passwords = new Set(Array.from({ length: 50 }, generatePassword));
    expect(passwords.size).toBe(50);
    for (const p of passwords) expect(Buffer.from(p, "base64url").byteLength).toBe(15);
  });
});

describe("AdminAuthService lock-out", () => {
  test("locks an address after 10 failures within 15 minutes, for the rest of the window", () => {
    const { adminAuth } = temp.services();
    const t0 = 1_800_000_000_000;
    for (let i = 0; i < 9; i++) adminAuth.recordFailure("10.0.0.1", t0 + i * 1000);
    expect(adminAuth.lockedFor("10.0.0.1", t0 + 9000)).toBe(0);
    adminAuth.recordFailure("10.0.0.1", t0 + 9000);
    expect(adminAuth.lockedFor("10.0.0.1", t0 + 9000)).toBe(15 * 60 - 9);
    expect(adminAuth.lockedFor("10.0.0.1", t0 + 14 * MINUTE)).toBe(60);
    expect(adminAuth.lockedFor("10.0.0.2", t0 + 9000)).toBe(0);
    expect(adminAuth.lockedFor("10.0.0.1", t0 + 15 * MINUTE + 1)).toBe(0);
  });

  test("failures spread beyond the window start a new count", () => {
    const { adminAuth } = temp.services();
    const t0 = 1_800_000_000_000;
    for (let i = 0; i < 9; i++) adminAuth.recordFailure("10.0.0.1", t0);
    adminAuth.recordFailure("10.0.0.1", t0 + 16 * MINUTE);
    expect(adminAuth.lockedFor("10.0.0.1", t0 + 16 * MINUTE)).toBe(0);
  });

  test("clearFailures lifts the lock", () => {
    const { adminAuth } = temp.services();
    const now = Date.now();
    for (let i = 0; i < 10; i++) adminAuth.recordFailure("::1", now);
    expect(adminAuth.lockedFor("::1", now)).toBeGreaterThan(0);
    adminAuth.clearFailures("::1");
    expect(adminAuth.lockedFor("::1", now)).toBe(0);
  });
});

describe("AdminAuthService sessions", () => {
  test("a created session validates, and is stored only as the token's SHA-256", () => {
    const services = temp.services();
    const { token, maxAgeSeconds } = services.adminAuth.createSession({ ip: "127.0.0.1", userAgent: "x".repeat(400) });
    expect(maxAgeSeconds).toBe(7 * 24 * 3600);
    expect(Buffer.from(token, "base64url").byteLength).toBe(32);
    expect(services.adminAuth.validateSession(token)).toBe(true);
    const row = sessionRow(services, token)!;
    expect(row.user_agent).toHaveLength(300);
    const all = JSON.stringify(services.store.sqlite.query("SELECT * FROM admin_sessions").all());
    expect(all).not.toContain(token);
  });

  test("unknown, missing and oversized tokens do not validate", () => {
    const { adminAuth } = temp.services();
    const { token } = adminAuth.createSession(META);
    expect(adminAuth.validateSession(undefined)).toBe(false);
    expect(adminAuth.validateSession("")).toBe(false);
    expect(adminAuth.validateSession(`${token}x`)).toBe(false);
    expect(adminAuth.validateSession("a".repeat(201))).toBe(false);
  });

  test("an expired session does not validate and is pruned when the next one is created", () => {
    const services = temp.services();
    const { token } = services.adminAuth.createSession(META);
    setSessionTimes(services, token, { expiresAt: Date.now() - 1000 });
    expect(services.adminAuth.validateSession(token)).toBe(false);
    services.adminAuth.createSession(META);
    expect(sessionRow(services, token)).toBeNull();
  });

  test("use after a minute slides the expiry forward; use within a minute writes nothing", () => {
    const services = temp.services();
    const { token } = services.adminAuth.createSession(META);
    const fresh = sessionRow(services, token)!;
    expect(services.adminAuth.validateSession(token)).toBe(true);
    expect(sessionRow(services, token)).toEqual(fresh);

    const old = Date.now() - 2 * MINUTE;
    setSessionTimes(services, token, { lastSeenAt: old, expiresAt: Date.now() + MINUTE });
    const before = Date.now();
    expect(services.adminAuth.validateSession(token)).toBe(true);
    const slid = sessionRow(services, token)!;
    expect(slid.last_seen_at).toBeGreaterThanOrEqual(before);
    expect(slid.expires_at).toBeGreaterThanOrEqual(before + 7 * 24 * 3600_000);
  });

  test("endSession ends only that session", () => {
    const { adminAuth } = temp.services();
    const a = adminAuth.createSession(META).token;
    const b = adminAuth.createSession(META).token;
    adminAuth.endSession(a);
    adminAuth.endSession(undefined);
    expect(adminAuth.validateSession(a)).toBe(false);
    expect(adminAuth.validateSession(b)).toBe(true);
  });

  test("setting a new password ends every session", async () => {
    const { adminAuth } = temp.services();
    await adminAuth.setPassword("first-password");
    const a = adminAuth.createSession(META).token;
    const b = adminAuth.createSession(META).token;
    await adminAuth.setPassword("second-password");
    expect(adminAuth.validateSession(a)).toBe(false);
    expect(adminAuth.validateSession(b)).toBe(false);
    expect(await adminAuth.verifyPassword("first-password")).toBe(false);
    expect(await adminAuth.verifyPassword("second-password")).toBe(true);
  });
});

describe("AdminAuthService limits from settings.security.login", () => {
  const t0 = 1_800_000_000_000;
  const useLimits = (services: AppServices, maxFailures: number, windowMinutes: number) =>
    services.settings.update({ security: { ...services.settings.get().security, login: { maxFailures, windowMinutes } } });

  test("the per-address limit and window follow the settings as they change", () => {
    const services = temp.services();
    useLimits(services, 2, 1);
    services.adminAuth.recordFailure("10.0.0.1", t0);
    expect(services.adminAuth.lockedFor("10.0.0.1", t0)).toBe(0);
    services.adminAuth.recordFailure("10.0.0.1", t0 + 1000);
    expect(services.adminAuth.lockout("10.0.0.1", t0 + 1000)).toEqual({ scope: "address", retryAfterSeconds: 59 });
    expect(services.adminAuth.lockedFor("10.0.0.1", t0 + MINUTE + 1)).toBe(0);
    useLimits(services, 5, 1);
    expect(services.adminAuth.lockedFor("10.0.0.1", t0 + 1000)).toBe(0);
  });

  test("IPv6 failures count per /64 network: another address of the same network is locked out too", () => {
    const services = temp.services();
    useLimits(services, 2, 1);
    services.adminAuth.recordFailure("2001:db8:5:6::1", t0);
    services.adminAuth.recordFailure("2001:db8:5:6::2", t0 + 1);
    expect(services.adminAuth.lockout("2001:db8:5:6:dead:beef::7", t0 + 2)).toMatchObject({ scope: "address" });
    expect(services.adminAuth.lockout("2001:db8:5:7::1", t0 + 2)).toBeNull();
  });

  test("failures from all addresses together are capped at ten times the per-address limit", () => {
    const services = temp.services();
    useLimits(services, 3, 10);
    for (let i = 0; i < 29; i++) services.adminAuth.recordFailure(`10.0.${i}.1`, t0 + i);
    expect(services.adminAuth.lockout("192.0.2.1", t0 + 100)).toBeNull();
    services.adminAuth.recordFailure(null, t0 + 100);
    expect(services.adminAuth.lockout("192.0.2.1", t0 + 100)).toEqual({ scope: "global", retryAfterSeconds: 600 });
    expect(services.adminAuth.lockout("192.0.2.1", t0 + 10 * MINUTE + 1)).toBeNull();
  });

  test("an attempt counts as a failure until it succeeds; a success takes it back", () => {
    const services = temp.services();
    useLimits(services, 2, 10);
    expect(services.adminAuth.startAttempt("10.0.0.5", t0)).toBeNull();
    expect(services.adminAuth.startAttempt("10.0.0.5", t0)).toBeNull();
    // Two attempts in flight: a third is refused before its password is even looked at.
    expect(services.adminAuth.startAttempt("10.0.0.5", t0)?.scope).toBe("address");
    services.adminAuth.attemptSucceeded("10.0.0.5");
    expect(services.adminAuth.startAttempt("10.0.0.5", t0)).toBeNull();
    // An unknown address shares one count.
    expect(services.adminAuth.startAttempt(null, t0)).toBeNull();
    expect(services.adminAuth.startAttempt(null, t0)).toBeNull();
    expect(services.adminAuth.startAttempt(null, t0)?.scope).toBe("address");
  });
});

describe("AdminAuthService session management", () => {
  test("public ids: stable, 16 hex, not derived by prefix from the token or its stored hash", () => {
    const { adminAuth } = temp.services();
    const { token } = adminAuth.createSession(META);
    const id = adminAuth.publicIdOf(token)!;
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(sessionPublicIdOfToken(token)).toBe(id);
    expect(createHash("sha256").update(token).digest("hex").startsWith(id)).toBe(false);
    expect(adminAuth.publicIdOf("not-a-session")).toBeNull();
    expect(adminAuth.listSessions(token)).toEqual([expect.objectContaining({ id, current: true, ip: "127.0.0.1", userAgent: "bun-test" })]);
  });

  test("revoke one, revoke the others, and expired sessions are neither listed nor counted", () => {
    const services = temp.services();
    const { adminAuth } = services;
    const [a, b, c, old] = [0, 1, 2, 3].map(() => adminAuth.createSession(META).token) as [string, string, string, string];
    setSessionTimes(services, old, { expiresAt: Date.now() - 1000 });
    expect(adminAuth.listSessions(a)).toHaveLength(3);
    expect(adminAuth.revokeSession(adminAuth.publicIdOf(b)!)).toBe(true);
    expect(adminAuth.revokeSession(adminAuth.publicIdOf(b) ?? "0000000000000000")).toBe(false);
    expect(adminAuth.validateSession(b)).toBe(false);
    expect(adminAuth.revokeOtherSessions(a)).toBe(1);
    expect(adminAuth.validateSession(c)).toBe(false);
    expect(adminAuth.validateSession(a)).toBe(true);
    expect(sessionRow(services, old)).toBeNull();
  });

  test("changePassword ends every session and opens a fresh one for the caller", async () => {
    const { adminAuth } = temp.services();
    await adminAuth.setPassword("first-password");
    const before = adminAuth.createSession(META).token;
    const fresh = await adminAuth.changePassword("second-password", META);
    expect(adminAuth.validateSession(before)).toBe(false);
    expect(adminAuth.validateSession(fresh.token)).toBe(true);
    expect(fresh.token).not.toBe(before);
    expect(await adminAuth.verifyPassword("second-password")).toBe(true);
  });
});
