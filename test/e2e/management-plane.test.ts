import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { rememberClientAddress, type ClientAddress } from "../../src/security/client-address";
import { sessionCookie } from "../../src/server/guards/admin-session";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

let gw: TestGateway;
const CSRF = { "x-omniroute-request": "1", "content-type": "application/json" };
const LOCAL: ClientAddress = { ip: "127.0.0.1", viaProxy: false, https: false };

beforeAll(async () => {
  gw = await startTestGateway({ password: "plane-password-1" });
  // The first password is stored in the background, ending every session when it lands: wait for it.
  await gw.gateway.runtime.services.adminAuth.whenReady();
});
afterAll(async () => {
  await gw.stop();
});
afterEach(() => {
  const { adminAuth, settings } = gw.gateway.runtime.services;
  adminAuth.resetLockouts();
  settings.update({ security: { ...settings.get().security, login: { maxFailures: 10, windowMinutes: 15 } } });
});

/**
 * A management call as the server's fetch handler makes it: the client address recorded for the request (as
 * the network layer does, here chosen by the test), then the app behind the audit hook.
 */
async function call(path: string, init: RequestInit = {}, address: ClientAddress = LOCAL): Promise<Response> {
  const app = await gw.gateway.loadApp();
  const request = new Request(`${gw.url}${path}`, init);
  rememberClientAddress(request, address);
  return gw.gateway.runtime.services.audit.around(request, (r) => app.handle(r));
}

const login = (password: string, address: ClientAddress = LOCAL, extra: Record<string, string> = {}) =>
  call("/api/auth/login", { method: "POST", headers: { ...CSRF, ...extra }, body: JSON.stringify({ password }) }, address);

/**
 * A session cookie pair (`omniroute_session=…`) as a login from `address` would open it, without the password
 * check (argon2id takes a few hundred ms; the login itself is tested below).
 */
async function session(address: ClientAddress = LOCAL): Promise<string> {
  const { token } = gw.gateway.runtime.services.adminAuth.createSession({ ip: address.ip, userAgent: `plane-test/${address.ip}` });
  return `omniroute_session=${token}`;
}

const tokenOf = (cookie: string) => cookie.slice(cookie.indexOf("=") + 1);
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

async function sessionsSeenBy(cookie: string) {
  const response = await call("/api/auth/sessions", { headers: { cookie } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { sessions: Array<{ id: string; current: boolean; ip: string | null; userAgent: string | null; createdAt: string; lastSeenAt: string; expiresAt: string }> }).sessions;
}

const status = async (cookie: string) => (await call("/api/status", { headers: { cookie } })).status;
const setLoginLimits = (maxFailures: number, windowMinutes: number) => {
  const { settings } = gw.gateway.runtime.services;
  settings.update({ security: { ...settings.get().security, login: { maxFailures, windowMinutes } } });
};

describe("sessions", () => {
  test("listed with a public id that is neither the token nor its stored hash; the caller's is marked current", async () => {
    const a = await session({ ip: "10.0.0.1", viaProxy: false, https: false });
    const b = await session({ ip: "10.0.0.2", viaProxy: false, https: false });
    const sessions = await sessionsSeenBy(a);
    const mine = sessions.find((s) => s.current)!;
    expect(sessions.filter((s) => s.current)).toHaveLength(1);
    expect(mine).toMatchObject({ ip: "10.0.0.1", userAgent: "plane-test/10.0.0.1" });
    expect(mine.id).toMatch(/^[0-9a-f]{16}$/);
    expect(Date.parse(mine.expiresAt)).toBeGreaterThan(Date.parse(mine.createdAt));
    expect(new Date(mine.lastSeenAt).toISOString()).toBe(mine.lastSeenAt);
    const other = sessions.find((s) => s.ip === "10.0.0.2")!;
    expect(other.current).toBe(false);
    for (const cookie of [a, b]) {
      const token = tokenOf(cookie);
      const body = JSON.stringify(sessions);
      expect(body).not.toContain(token);
      expect(body).not.toContain(sha256(token).slice(0, 12));
    }
  });

  test("DELETE ends another session (its next call 401), and an unknown id is a 404", async () => {
    const a = await session();
    const b = await session({ ip: "10.0.0.3", viaProxy: false, https: false });
    const target = (await sessionsSeenBy(a)).find((s) => s.ip === "10.0.0.3")!;
    const revoked = await call(`/api/auth/sessions/${target.id}`, { method: "DELETE", headers: { ...CSRF, cookie: a } });
    expect(revoked.status).toBe(204);
    expect(revoked.headers.get("set-cookie")).toBeNull();
    expect(await status(b)).toBe(401);
    expect(await status(a)).toBe(200);
    const again = await call(`/api/auth/sessions/${target.id}`, { method: "DELETE", headers: { ...CSRF, cookie: a } });
    expect(again.status).toBe(404);
    expect(((await again.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  test("revoking the current session logs it out and clears the cookie", async () => {
    const a = await session();
    const mine = (await sessionsSeenBy(a)).find((s) => s.current)!;
    const response = await call(`/api/auth/sessions/${mine.id}`, { method: "DELETE", headers: { ...CSRF, cookie: a } });
    expect(response.status).toBe(204);
    expect(response.headers.get("set-cookie")).toMatch(/^omniroute_session=; Path=\/; HttpOnly; SameSite=Strict; Max-Age=0$/);
    expect(await status(a)).toBe(401);
  });

  test("revoke-others ends every other session and keeps the caller's", async () => {
    const others = [await session(), await session(), await session()];
    const keeper = await session();
    const response = await call("/api/auth/sessions/revoke-others", { method: "POST", headers: { ...CSRF, cookie: keeper } });
    expect(response.status).toBe(200);
    const { revoked } = (await response.json()) as { revoked: number };
    expect(revoked).toBeGreaterThanOrEqual(3);
    for (const cookie of others) expect(await status(cookie)).toBe(401);
    expect(await status(keeper)).toBe(200);
    const left = await sessionsSeenBy(keeper);
    expect(left).toHaveLength(1);
    expect(left[0]!.current).toBe(true);
    // Nothing else left to end.
    const second = await call("/api/auth/sessions/revoke-others", { method: "POST", headers: { ...CSRF, cookie: keeper } });
    expect(await second.json()).toEqual({ revoked: 0 });
  });

  test("the session routes need a session and the CSRF header", async () => {
    expect((await call("/api/auth/sessions")).status).toBe(401);
    expect((await call("/api/auth/sessions/revoke-others", { method: "POST", headers: CSRF })).status).toBe(401);
    const cookie = await session();
    const noHeader = await call("/api/auth/sessions/revoke-others", { method: "POST", headers: { cookie } });
    expect(noHeader.status).toBe(403);
    expect(await status(cookie)).toBe(200);
  });
});

describe("login lock-out", () => {
  test("per address, from settings.security.login: 429 with Retry-After, other addresses unaffected", async () => {
    setLoginLimits(3, 2);
    const attacker: ClientAddress = { ip: "198.51.100.7", viaProxy: false, https: false };
    for (let i = 0; i < 3; i++) expect((await login("wrong-password", attacker)).status).toBe(401);
    const locked = await login(gw.password, attacker);
    expect(locked.status).toBe(429);
    const wait = Number(locked.headers.get("retry-after"));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(120);
    const body = (await locked.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("locked_out");
    expect(body.error.message).toContain("from this address");
    expect((await login(gw.password, { ip: "198.51.100.8", viaProxy: false, https: false })).status).toBe(200);
  });

  test("parallel guesses from one address cannot outrun the count", async () => {
    setLoginLimits(3, 2);
    const attacker: ClientAddress = { ip: "198.51.100.9", viaProxy: false, https: false };
    const statuses = await Promise.all(Array.from({ length: 8 }, () => login("wrong-password", attacker).then((r) => r.status)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(3);
    expect(statuses.filter((s) => s === 429)).toHaveLength(5);
  });

  test("a success from an address clears its count", async () => {
    setLoginLimits(2, 2);
    const user: ClientAddress = { ip: "198.51.100.10", viaProxy: false, https: false };
    expect((await login("wrong-password", user)).status).toBe(401);
    expect((await login(gw.password, user)).status).toBe(200);
    expect((await login("wrong-password", user)).status).toBe(401);
    // Without the reset this would be the third attempt against a limit of two.
    expect((await login(gw.password, user)).status).toBe(200);
  });

  test("globally: failures spread over many addresses lock every address once they reach 10× the per-address limit", async () => {
    setLoginLimits(1, 2);
    // One failure from each of ten addresses: none goes past its own limit, together they reach 10 × 1. Nine are
    // counted directly (each real attempt costs an argon2id check), the tenth is a real login.
    for (let i = 0; i < 9; i++) gw.gateway.runtime.services.adminAuth.recordFailure(`203.0.113.${i + 1}`);
    expect((await login(gw.password, { ip: "203.0.113.99", viaProxy: false, https: false })).status).toBe(200);
    expect((await login("wrong-password", { ip: "203.0.113.10", viaProxy: false, https: false })).status).toBe(401);
    const fresh = await login(gw.password, { ip: "203.0.113.200", viaProxy: false, https: false });
    expect(fresh.status).toBe(429);
    expect(Number(fresh.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await fresh.json()) as { error: { message: string } }).error.message).toContain("all addresses");
  });

  test("a wrong current password on a password change counts as a failed login", async () => {
    setLoginLimits(2, 2);
    const address: ClientAddress = { ip: "198.51.100.20", viaProxy: false, https: false };
    const cookie = await session(address);
    const change = (currentPassword: string) =>
      call("/api/auth/password", { method: "POST", headers: { ...CSRF, cookie }, body: JSON.stringify({ currentPassword, newPassword: "never-applied-1" }) }, address);
    expect((await change("wrong-password")).status).toBe(403);
    expect((await change("wrong-password")).status).toBe(403);
    expect((await change(gw.password)).status).toBe(429);
    expect((await login(gw.password, address)).status).toBe(429);
  });
});

describe("session cookie", () => {
  test("the builder: HttpOnly, SameSite=Strict, Path=/, Secure only when asked", () => {
    expect(sessionCookie("tok", 60, false)).toBe("omniroute_session=tok; Path=/; HttpOnly; SameSite=Strict; Max-Age=60");
    expect(sessionCookie("tok", 60, true)).toBe("omniroute_session=tok; Path=/; HttpOnly; SameSite=Strict; Max-Age=60; Secure");
  });

  test("Secure when the client address says HTTPS (directly or via a trusted proxy), not over plain HTTP", async () => {
    const plain = (await login(gw.password)).headers.get("set-cookie")!;
    expect(plain).toMatch(/^omniroute_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const viaHttps = await login(gw.password, { ip: "192.0.2.5", viaProxy: true, https: true });
    const secure = viaHttps.headers.get("set-cookie")!;
    expect(secure).toMatch(/; HttpOnly; SameSite=Strict; Max-Age=\d+; Secure$/);
    const cookie = secure.split(";")[0]!;
    const logout = await call("/api/auth/logout", { method: "POST", headers: { ...CSRF, cookie } }, { ip: "192.0.2.5", viaProxy: true, https: true });
    expect(logout.status).toBe(204);
    expect(logout.headers.get("set-cookie")).toMatch(/Max-Age=0; Secure$/);
    expect(await status(cookie)).toBe(401);
  });
});

describe("cross-site requests", () => {
  const post = (path: string, headers: Record<string, string>, body: unknown) =>
    fetch(`${gw.url}${path}`, { method: "POST", headers: { ...CSRF, ...headers }, body: JSON.stringify(body) });

  test("an Origin of another host is refused with 403 csrf_origin_mismatch, even with a session", async () => {
    const cookie = await session();
    for (const origin of ["http://evil.example", "http://127.0.0.1:1", "null", `${gw.url.replace("127.0.0.1", "localhost")}`]) {
      const response = await post("/api/keys", { cookie, origin }, { name: "cross-site" });
      expect({ origin, status: response.status }).toEqual({ origin, status: 403 });
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe("csrf_origin_mismatch");
    }
    const keys = (await (await fetch(`${gw.url}/api/keys`, { headers: { cookie } })).json()) as Array<{ name: string }>;
    expect(keys.some((k) => k.name === "cross-site")).toBe(false);
  });

  test("Sec-Fetch-Site: cross-site is refused; the gateway's own origin and no origin at all pass", async () => {
    const cookie = await session();
    const crossSite = await post("/api/keys", { cookie, "sec-fetch-site": "cross-site" }, { name: "x" });
    expect(crossSite.status).toBe(403);
    const sameOrigin = await post("/api/keys", { cookie, origin: gw.url, "sec-fetch-site": "same-origin" }, { name: "same-origin" });
    expect(sameOrigin.status).toBe(201);
    const noOrigin = await post("/api/keys", { cookie }, { name: "script" });
    expect(noOrigin.status).toBe(201);
  });

  test("the login is under the same checks", async () => {
    const foreign = await post("/api/auth/login", { origin: "https://evil.example" }, { password: gw.password });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get("set-cookie")).toBeNull();
    const own = await post("/api/auth/login", { origin: gw.url }, { password: gw.password });
    expect(own.status).toBe(200);
  });

  test("reads are not refused for their Origin (they change nothing)", async () => {
    const cookie = await session();
    expect((await fetch(`${gw.url}/api/status`, { headers: { cookie, origin: "http://evil.example" } })).status).toBe(200);
  });
});

describe("password change", () => {
  test("ends every other session, keeps the caller signed in with a new cookie, and swaps the password", async () => {
    const caller = await session();
    const other = await session({ ip: "10.0.0.9", viaProxy: false, https: false });
    const response = await call("/api/auth/password", {
      method: "POST",
      headers: { ...CSRF, cookie: caller },
      body: JSON.stringify({ currentPassword: gw.password, newPassword: "plane-password-2" }),
    });
    expect(response.status).toBe(204);
    const fresh = response.headers.get("set-cookie")!;
    expect(fresh).toMatch(/^omniroute_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    const freshCookie = fresh.split(";")[0]!;
    expect(freshCookie).not.toBe(caller);
    expect(await status(freshCookie)).toBe(200);
    expect(await status(caller)).toBe(401);
    expect(await status(other)).toBe(401);
    expect(await sessionsSeenBy(freshCookie)).toHaveLength(1);
    expect((await login(gw.password)).status).toBe(401);
    expect((await login("plane-password-2")).status).toBe(200);

    // Back to the original for the other tests.
    const back = await call("/api/auth/password", {
      method: "POST",
      headers: { ...CSRF, cookie: freshCookie },
      body: JSON.stringify({ currentPassword: "plane-password-2", newPassword: gw.password }),
    });
    expect(back.status).toBe(204);
  });

  test("a wrong current password changes nothing", async () => {
    const caller = await session();
    const response = await call("/api/auth/password", {
      method: "POST",
      headers: { ...CSRF, cookie: caller },
      body: JSON.stringify({ currentPassword: "not-the-password", newPassword: "plane-password-3" }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(await status(caller)).toBe(200);
    expect((await login(gw.password)).status).toBe(200);
  });
});
