import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { auditActionOf } from "../../src/audit/audit-action";
import { runCli } from "../../src/cli/run-cli";
import { rememberClientAddress, type ClientAddress } from "../../src/security/client-address";
import { openAppServices } from "../../src/services/app-services";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

let gw: TestGateway;
let cookie: string;
let sessionId: string;
const CSRF = { "x-omniroute-request": "1", "content-type": "application/json" };
const ADDRESS: ClientAddress = { ip: "192.0.2.44", viaProxy: false, https: false };
const DAY = 24 * 3600_000;
const QUIET = { LOG_LEVEL: "warn" };

interface Entry {
  id: number;
  at: string;
  actor: string;
  ip: string | null;
  userAgent: string | null;
  action: string;
  method: string;
  path: string;
  status: number;
  detail: { fields?: string[]; ids?: string[]; error?: string; session?: string; suppressed?: number } | null;
}

beforeAll(async () => {
  gw = await startTestGateway({ password: "audit-password-1" });
  // The first password is stored in the background, ending every session when it lands: wait for it.
  await gw.gateway.runtime.services.adminAuth.whenReady();
  const { token } = gw.gateway.runtime.services.adminAuth.createSession({ ip: ADDRESS.ip, userAgent: "audit-test" });
  cookie = `omniroute_session=${token}`;
  sessionId = gw.gateway.runtime.services.adminAuth.publicIdOf(token)!;
});
afterAll(async () => {
  await gw.stop();
});
afterEach(() => {
  gw.gateway.runtime.services.audit.setClock(Date.now);
});

/** A management call as the server's fetch handler makes it: client address recorded, then the app behind the audit hook. */
async function call(path: string, init: RequestInit = {}, address: ClientAddress = ADDRESS): Promise<Response> {
  const app = await gw.gateway.loadApp();
  const request = new Request(`${gw.url}${path}`, init);
  rememberClientAddress(request, address);
  const response = await gw.gateway.runtime.services.audit.around(request, (r) => app.handle(r));
  await gw.gateway.runtime.services.audit.settled();
  return response;
}

const withSession = (init: RequestInit & { headers?: Record<string, string> } = {}): RequestInit => ({ ...init, headers: { ...CSRF, cookie, "user-agent": "audit-test-agent/1.0", ...init.headers } });

async function entries(query = ""): Promise<{ entries: Entry[]; nextCursor: string | null }> {
  const response = await call(`/api/audit${query}`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return (await response.json()) as { entries: Entry[]; nextCursor: string | null };
}

/** Every stored row, as raw text: what a copy of the table would show. */
function tableDump(): string {
  return JSON.stringify(gw.gateway.runtime.services.store.sqlite.query("SELECT * FROM audit_log").all());
}

describe("what is recorded", () => {
  test("key create, update and revoke: actor, address, agent, status, field names and ids", async () => {
    const created = await call("/api/keys", withSession({ method: "POST", body: JSON.stringify({ name: "audited-key", cacheTtlSeconds: 0 }) }));
    expect(created.status).toBe(201);
    const key = (await created.json()) as { id: string };
    expect((await call(`/api/keys/${key.id}`, withSession({ method: "PATCH", body: JSON.stringify({ name: "renamed" }) }))).status).toBe(200);
    expect((await call(`/api/keys/${key.id}`, withSession({ method: "DELETE" }))).status).toBe(204);

    const rows = (await entries("?action=keys.*")).entries;
    const [revoke, update, create] = rows;
    expect(create).toMatchObject({
      actor: `session:${sessionId}`,
      ip: "192.0.2.44",
      userAgent: "audit-test-agent/1.0",
      action: "keys.create",
      method: "POST",
      path: "/api/keys",
      status: 201,
      detail: { fields: ["name", "cacheTtlSeconds"] },
    });
    expect(update).toMatchObject({ action: "keys.update", method: "PATCH", status: 200, detail: { fields: ["name"], ids: [key.id] } });
    expect(revoke).toMatchObject({ action: "keys.revoke", method: "DELETE", path: `/api/keys/${key.id}`, status: 204, detail: { ids: [key.id] } });
    expect(Date.parse(create!.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(tableDump()).not.toContain("audited-key");
    expect(tableDump()).not.toContain("renamed");
  });

  test("a failed call keeps its error code; settings updates are named", async () => {
    const bad = await call("/api/keys", withSession({ method: "POST", body: JSON.stringify({ name: "" }) }));
    expect(bad.status).toBe(400);
    const settings = await call("/api/settings", withSession({ method: "PATCH", body: JSON.stringify({ timeouts: {} }) }));
    expect(settings.status).toBe(200);
    const [settingsRow, badRow] = (await entries("?limit=2")).entries;
    expect(badRow).toMatchObject({ action: "keys.create", status: 400, detail: { fields: ["name"], error: "invalid_request" } });
    expect(settingsRow).toMatchObject({ action: "settings.update", status: 200, detail: { fields: ["timeouts"] } });
  });

  test("logins, whatever their outcome: anonymous actor, never the password", async () => {
    const login = (password: string) => call("/api/auth/login", { method: "POST", headers: CSRF, body: JSON.stringify({ password }) }, { ip: "198.51.100.77", viaProxy: false, https: false });
    expect((await login("wrong-password-xyz")).status).toBe(401);
    const good = await login(gw.password);
    expect(good.status).toBe(200);
    const token = good.headers.get("set-cookie")!.split(";")[0]!.split("=")[1]!;
    const rows = (await entries("?action=auth.login*&limit=2")).entries;
    expect(rows[1]).toMatchObject({ actor: "anonymous", ip: "198.51.100.77", action: "auth.login_failed", status: 401, detail: { fields: ["password"], error: "invalid_password" } });
    expect(rows[0]).toMatchObject({ actor: "anonymous", action: "auth.login", status: 200, detail: { fields: ["password"], session: gw.gateway.runtime.services.adminAuth.publicIdOf(token)! } });
    const dump = tableDump();
    expect(dump).not.toContain("wrong-password-xyz");
    expect(dump).not.toContain(gw.password);
    expect(dump).not.toContain(token);
  });

  test("refused calls: no session (401) and no CSRF header or a foreign origin (403), reads included", async () => {
    expect((await call("/api/keys")).status).toBe(401);
    expect((await call("/api/connections/conn_abc", { method: "DELETE", headers: CSRF })).status).toBe(401);
    expect((await call("/api/keys", { method: "POST", headers: { cookie, "content-type": "application/json" }, body: "{}" })).status).toBe(403);
    expect((await call("/api/keys", withSession({ method: "POST", headers: { origin: "http://evil.example" }, body: "{}" }))).status).toBe(403);
    const [origin, csrf, deleted, read] = (await entries("?limit=4")).entries;
    expect(read).toMatchObject({ actor: "anonymous", action: "keys.read", method: "GET", status: 401, detail: { error: "unauthenticated" } });
    expect(deleted).toMatchObject({ actor: "anonymous", action: "connections.delete", status: 401, detail: { ids: ["conn_abc"], error: "unauthenticated" } });
    expect(csrf).toMatchObject({ actor: `session:${sessionId}`, action: "keys.create", status: 403, detail: { error: "csrf_header_missing" } });
    expect(origin).toMatchObject({ action: "keys.create", status: 403, detail: { error: "csrf_origin_mismatch" } });
  });

  test("successful reads are not recorded", async () => {
    const before = (await entries("?limit=1")).entries[0]!.id;
    expect((await call("/api/keys", { headers: { cookie } })).status).toBe(200);
    expect((await call("/api/status", { headers: { cookie } })).status).toBe(200);
    expect((await entries("?limit=1")).entries[0]!.id).toBe(before);
  });

  test("revoking sessions and logging out are recorded under the session that did it", async () => {
    const { token } = gw.gateway.runtime.services.adminAuth.createSession({ ip: null, userAgent: null });
    const other = `omniroute_session=${token}`;
    const otherId = gw.gateway.runtime.services.adminAuth.publicIdOf(token)!;
    expect((await call("/api/auth/logout", { method: "POST", headers: { ...CSRF, cookie: other } })).status).toBe(204);
    expect((await call("/api/auth/sessions/revoke-others", withSession({ method: "POST" }))).status).toBe(200);
    const [revokeOthers, logout] = (await entries("?action=auth.*&limit=2")).entries;
    expect(logout).toMatchObject({ actor: `session:${otherId}`, action: "auth.logout", status: 204 });
    expect(revokeOthers).toMatchObject({ actor: `session:${sessionId}`, action: "auth.sessions.revoke_others", status: 200 });
  });
});

describe("no secret lands in the table", () => {
  test("body values, secret-shaped field names, secrets in the path and the query string", async () => {
    const providerKey = "gsk_AUDITSECRETabcdefghijklmnop0123456789";
    const created = await call("/api/connections", withSession({ method: "POST", body: JSON.stringify({ providerId: "groq", name: "audit-conn", apiKey: providerKey }) }));
    expect(created.status).toBe(201);
    const connection = (await created.json()) as { id: string };
    await call(`/api/connections/${connection.id}`, withSession({ method: "PATCH", body: JSON.stringify({ apiKey: `${providerKey}-2` }) }));
    // A credential where a field name belongs, in the path, in the query.
    await call("/api/settings", withSession({ method: "PATCH", body: JSON.stringify({ "sk-AUDITSECRETNAME0123456789": 1 }) }));
    await call("/api/keys/sk-AUDITSECRETPATH0123456789", withSession({ method: "DELETE" }));
    await call("/api/keys?key=AUDITSECRETQUERY0123", withSession({ method: "POST", body: JSON.stringify({ name: "q" }) }));
    await call(`/api/connections/${connection.id}`, withSession({ method: "DELETE" }));

    const dump = tableDump();
    expect(dump).not.toContain("AUDITSECRET");
    expect(dump).not.toContain("audit-conn");
    const rows = (await entries("?limit=6")).entries;
    const create = rows.find((r) => r.action === "connections.create")!;
    expect(create.detail!.fields).toEqual(["providerId", "name", "apiKey"]);
    expect(rows.find((r) => r.action === "connections.update")!.detail!.fields).toEqual(["apiKey"]);
    expect(rows.find((r) => r.action === "settings.update")!.detail!.fields).toEqual(["[REDACTED]"]);
    expect(rows.find((r) => r.action === "keys.revoke")!.path).toContain("[REDACTED]");
    expect(rows.find((r) => r.action === "keys.create")!.path).toBe("/api/keys");
  });
});

describe("reading it back", () => {
  test("filters: action (exact and prefix), actor, status, time range", async () => {
    const byAction = (await entries("?action=keys.create&limit=1000")).entries;
    expect(byAction.length).toBeGreaterThan(0);
    expect(byAction.every((e) => e.action === "keys.create")).toBe(true);
    const byPrefix = (await entries("?action=auth.*&limit=1000")).entries;
    expect(new Set(byPrefix.map((e) => e.action.split(".")[0]))).toEqual(new Set(["auth"]));
    const anonymous = (await entries("?actor=anonymous&limit=1000")).entries;
    expect(anonymous.length).toBeGreaterThan(0);
    expect(anonymous.every((e) => e.actor === "anonymous")).toBe(true);
    const sessions = (await entries("?actor=session:*&limit=1000")).entries;
    expect(sessions.every((e) => e.actor.startsWith("session:"))).toBe(true);
    expect((await entries("?status=401&limit=1000")).entries.every((e) => e.status === 401)).toBe(true);
    expect((await entries("?status=error&limit=1000")).entries.every((e) => e.status >= 400)).toBe(true);
    expect((await entries("?status=ok&limit=1000")).entries.every((e) => e.status < 400)).toBe(true);
    expect((await entries(`?from=${Date.now() + 60_000}`)).entries).toEqual([]);
    expect((await entries(`?to=${new Date(Date.now() - DAY).toISOString()}`)).entries).toEqual([]);
    const bad = await call("/api/audit?status=teapot", { headers: { cookie } });
    expect(bad.status).toBe(400);
  });

  test("cursor paging walks every row once, newest first", async () => {
    const all = (await entries("?limit=1000")).entries;
    expect(all.length).toBeGreaterThan(5);
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const page: { entries: Entry[]; nextCursor: string | null } = await entries(`?limit=3${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.entries.length).toBeLessThanOrEqual(3);
      seen.push(...page.entries.map((e) => e.id));
      cursor = page.nextCursor;
    } while (cursor);
    // Reading the pages is itself not recorded (GET), so the set is stable.
    expect(seen).toEqual(all.map((e) => e.id));
    const bad = await call("/api/audit?cursor=not-a-cursor", { headers: { cookie } });
    expect(bad.status).toBe(400);
  });

  test("CSV export: header row, the same filters, detail as JSON", async () => {
    const response = await call("/api/audit/export.csv?action=keys.*", { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/csv");
    expect(response.headers.get("content-disposition")).toContain("omniroute-audit-");
    const lines = (await response.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("id,at,actor,ip,userAgent,action,method,path,status,detail");
    const expected = (await entries("?action=keys.*&limit=1000")).entries;
    expect(lines.length - 1).toBe(expected.length);
    expect(lines[1]!.startsWith(`${expected[0]!.id},${expected[0]!.at},session:`)).toBe(true);
    expect(lines.some((line) => line.includes('"{""fields"":[""name""'))).toBe(true);
    const limited = await call("/api/audit/export.csv?limit=2", { headers: { cookie } });
    expect((await limited.text()).trimEnd().split("\r\n")).toHaveLength(3);
  });

  test("the audit routes need a session", async () => {
    expect((await call("/api/audit")).status).toBe(401);
    expect((await call("/api/audit/export.csv")).status).toBe(401);
  });
});

describe("retention", () => {
  test("rows older than settings.security.auditRetentionDays are pruned, newer ones kept", async () => {
    const { audit, settings } = gw.gateway.runtime.services;
    const now = Date.now();
    audit.setClock(() => now - 40 * DAY);
    audit.record({ actor: "cli", action: "retention.old", method: "CLI", path: "old", status: 200 });
    audit.setClock(() => now - 10 * DAY);
    audit.record({ actor: "cli", action: "retention.recent", method: "CLI", path: "recent", status: 200 });
    settings.update({ security: { ...settings.get().security, auditRetentionDays: 30 } });
    try {
      audit.setClock(() => now);
      expect(audit.prune()).toBe(1);
      expect((await entries("?action=retention.*")).entries.map((e) => e.action)).toEqual(["retention.recent"]);
      // Later the recent row ages out too.
      audit.setClock(() => now + 25 * DAY);
      expect(audit.prune()).toBe(1);
      expect((await entries("?action=retention.*")).entries).toEqual([]);
    } finally {
      settings.update({ security: { ...settings.get().security, auditRetentionDays: 365 } });
    }
  });

  test("callers without a session cannot flood the table: past a cap per minute, rows are counted instead", async () => {
    const { audit } = gw.gateway.runtime.services;
    const base = Date.now() + 10 * DAY;
    let clock = base;
    audit.setClock(() => clock);
    const refused = () => {
      const request = new Request(`${gw.url}/api/status`);
      audit.observe(request, Response.json({ error: { message: "no", code: "unauthenticated" } }, { status: 401 }));
    };
    for (let i = 0; i < 320; i++) refused();
    await audit.settled();
    const from = `&from=${base}`;
    expect((await entries(`?actor=anonymous&limit=1000${from}`)).entries).toHaveLength(300);
    clock = base + 61_000;
    refused();
    await audit.settled();
    const suppressed = (await entries(`?action=audit.suppressed${from}`)).entries;
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0]!.detail).toEqual({ suppressed: 20 });
    gw.gateway.runtime.services.store.sqlite.query("DELETE FROM audit_log WHERE at >= ?").run(base);
  });
});

describe("action names", () => {
  test("every registered management route gets a name without its ids, and its ids separately", async () => {
    const routes = (await gw.gateway.loadApp()).routes.filter((r) => r.path.startsWith("/api/") && r.path !== "/api/*");
    for (const route of routes) {
      const ids: string[] = [];
      const path = route.path
        .replace(/:(\w+)/g, () => {
          ids.push(`id_${ids.length}x9`);
          return ids[ids.length - 1]!;
        })
        .replace(/\*$/, () => {
          ids.push("team/fast");
          return "team/fast";
        });
      const { action, ids: found } = auditActionOf(route.method, path, 200);
      expect({ route: `${route.method} ${route.path}`, ids: found }).toEqual({ route: `${route.method} ${route.path}`, ids });
      expect(action).toMatch(/^[a-z_]+(\.[a-z_]+)*$/);
    }
  });

  test("a few names by hand", () => {
    expect(auditActionOf("POST", "/api/keys", 201).action).toBe("keys.create");
    expect(auditActionOf("DELETE", "/api/keys/key_1", 204)).toEqual({ action: "keys.revoke", ids: ["key_1"] });
    expect(auditActionOf("POST", "/api/auth/login", 429).action).toBe("auth.login_failed");
    expect(auditActionOf("POST", "/api/connections/conn_1/test", 200)).toEqual({ action: "connections.test", ids: ["conn_1"] });
    expect(auditActionOf("PUT", "/api/connections/conn_1/quota", 200).action).toBe("connections.quota.update");
    expect(auditActionOf("POST", "/api/combos/team/fast/test", 200)).toEqual({ action: "combos.test", ids: ["team/fast"] });
    expect(auditActionOf("PATCH", "/api/combos/team%2Ffast", 200)).toEqual({ action: "combos.update", ids: ["team/fast"] });
    expect(auditActionOf("POST", "/api/health/reset", 200).action).toBe("health.reset");
    expect(auditActionOf("DELETE", "/api/auth/sessions/abcdef0123456789", 204)).toEqual({ action: "auth.sessions.revoke", ids: ["abcdef0123456789"] });
  });
});

describe("CLI", () => {
  test("omniroute keys create | revoke are recorded with actor cli", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "omniroute-audit-cli-"));
    const log = console.log;
    const error = console.error;
    console.log = () => {};
    console.error = () => {};
    try {
      expect(await runCli(["keys", "create", "cli-key", "--data-dir", dataDir], QUIET)).toBe(0);
      const services = openAppServices({ dataDir });
      const keyId = services.apiKeys.list()[0]!.id;
      services.close();
      expect(await runCli(["keys", "revoke", keyId, "--data-dir", dataDir], QUIET)).toBe(0);
      expect(await runCli(["keys", "revoke", "key_missing", "--data-dir", dataDir], QUIET)).toBe(2);
      const reopened = openAppServices({ dataDir });
      try {
        const rows = reopened.store.sqlite
          .query<{ actor: string; action: string; status: number; detail_json: string | null; ip: string | null }, []>("SELECT actor, action, status, detail_json, ip FROM audit_log ORDER BY id")
          .all();
        expect(rows).toEqual([
          { actor: "cli", action: "keys.create", status: 201, detail_json: JSON.stringify({ fields: ["name"], ids: [keyId] }), ip: null },
          { actor: "cli", action: "keys.revoke", status: 204, detail_json: JSON.stringify({ ids: [keyId] }), ip: null },
          { actor: "cli", action: "keys.revoke", status: 404, detail_json: JSON.stringify({ ids: ["key_missing"], error: "not_found" }), ip: null },
        ]);
      } finally {
        reopened.close();
      }
    } finally {
      console.log = log;
      console.error = error;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe("the server's fetch handler (needs the audit hook in src/server/start-gateway.ts)", () => {
  test("a management call over HTTP is recorded", async () => {
    const response = await fetch(`${gw.url}/api/keys`, { method: "POST", headers: { ...CSRF, cookie, "user-agent": "over-http/1" }, body: JSON.stringify({ name: "over-http" }) });
    expect(response.status).toBe(201);
    await gw.gateway.runtime.services.audit.settled();
    const [row] = (await entries("?action=keys.create&limit=1")).entries;
    expect(row).toMatchObject({ actor: `session:${sessionId}`, ip: "127.0.0.1", userAgent: "over-http/1", method: "POST", path: "/api/keys", status: 201, detail: { fields: ["name"] } });
    expect(Date.parse(row!.at)).toBeGreaterThan(Date.now() - 10_000);
  });
});
