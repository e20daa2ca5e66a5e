/**
 * The management plane is closed to everyone without a dashboard session: every registered route (enumerated,
 * so a route added later is covered without editing this file), client keys, CSRF, path tricks, Host headers.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import {
  concretePath,
  isStateChanging,
  managementRoutes,
  rawHttp,
  stackTraceSign,
  startSecurityGateway,
  type RawResponse,
  type RegisteredRoute,
  type SecurityGateway,
} from "./security-harness";
import { startTestGateway } from "../helpers/test-gateway";

/** The only management routes reachable without a session. A new one must be added here on purpose. */
const PUBLIC_ROUTES = new Set(["GET /api/health", "POST /api/auth/login", "GET /api/auth/session"]);

let sg: SecurityGateway;
let routes: RegisteredRoute[];
let protectedRoutes: RegisteredRoute[];
/** What the SPA fallback serves for any unknown non-API path (the dashboard shell, no data in it). */
let dashboardShell: string;

beforeAll(async () => {
  sg = await startSecurityGateway();
  routes = await managementRoutes(sg.gw);
  protectedRoutes = routes.filter((route) => !PUBLIC_ROUTES.has(`${route.method} ${route.path}`));
  dashboardShell = await (await fetch(`${sg.gw.url}/`)).text();
});
afterAll(() => sg.stop());

const keyOf = (route: RegisteredRoute) => `${route.method} ${route.path}`;

/** Real ids, so a route that wrongly let the call through would act on a real object. */
function pathOf(route: RegisteredRoute): string {
  const id = route.path.startsWith("/api/keys") ? sg.clientKeyId : sg.connectionId;
  return concretePath(route.path, { id, connectionId: sg.connectionId });
}

function call(route: RegisteredRoute, headers: Record<string, string>, query = ""): Promise<Response> {
  const withBody = isStateChanging(route.method);
  return fetch(`${sg.gw.url}${pathOf(route)}${query}`, {
    method: route.method,
    headers: withBody ? { "content-type": "application/json", ...headers } : headers,
    body: withBody ? "{}" : undefined,
    redirect: "manual",
  });
}

/** Status and, when the body is not the expected management error, a short reason. */
async function describeRefusal(response: Response, status: number, code: string): Promise<string> {
  const text = await response.text();
  if (response.status !== status) return `${response.status} ${text.slice(0, 160)}`;
  const leak = stackTraceSign(text);
  if (leak) return `${status} but the body shows a ${leak}`;
  let body: { error?: { message?: unknown; code?: unknown } };
  try {
    body = JSON.parse(text);
  } catch {
    return `${status} with a non-JSON body ${text.slice(0, 120)}`;
  }
  if (typeof body.error?.message !== "string" || body.error.code !== code) return `${status} with body ${text.slice(0, 160)}`;
  return "ok";
}

async function expectAll(routesToCall: RegisteredRoute[], run: (route: RegisteredRoute) => Promise<string>) {
  const results = await Promise.all(routesToCall.map(async (route) => [keyOf(route), await run(route)] as const));
  const failures = results.filter(([, verdict]) => verdict !== "ok");
  expect(failures).toEqual([]);
}

describe("route enumeration", () => {
  test("sees the whole management plane, and every allowlisted public route still exists", () => {
    const keys = new Set(routes.map(keyOf));
    expect(routes.length).toBeGreaterThan(40);
    for (const required of ["GET /api/keys", "POST /api/keys", "GET /api/settings", "PATCH /api/settings", "GET /metrics", "POST /api/config/export"]) {
      expect(keys.has(required)).toBe(true);
    }
    for (const route of PUBLIC_ROUTES) expect({ route, registered: keys.has(route) }).toEqual({ route, registered: true });
    // Nothing outside /api and /metrics may be management: a new top-level path is a decision, make it here.
    expect(routes.filter((route) => !route.path.startsWith("/api/") && route.path !== "/metrics").map(keyOf)).toEqual([]);
  });
});

describe("without a session", () => {
  test("every management route but the public ones answers 401 (state-changing calls with the CSRF header)", async () => {
    await expectAll(protectedRoutes, async (route) =>
      describeRefusal(await call(route, isStateChanging(route.method) ? { "x-omniroute-request": "1" } : {}), 401, "unauthenticated"),
    );
  });

  test("the public routes answer without a session, and only they do", async () => {
    const health = await fetch(`${sg.gw.url}/api/health`);
    expect(health.status).toBe(200);
    const session = await fetch(`${sg.gw.url}/api/auth/session`);
    expect(session.status).toBe(200);
    expect(await session.json()).toEqual({ authenticated: false });
    // An empty login is the caller's mistake (400), not a missing session (401).
    const login = await fetch(`${sg.gw.url}/api/auth/login`, { method: "POST", headers: { "x-omniroute-request": "1", "content-type": "application/json" }, body: "{}" });
    expect(login.status).toBe(400);
  });

  test("a valid client API key, however presented, grants no management rights", async () => {
    const presentations: Array<{ headers: Record<string, string>; query: string }> = [
      { headers: { authorization: `Bearer ${sg.clientKey}` }, query: "" },
      { headers: { "x-api-key": sg.clientKey }, query: "" },
      { headers: { "x-goog-api-key": sg.clientKey }, query: "" },
      { headers: {}, query: `?key=${encodeURIComponent(sg.clientKey)}` },
    ];
    await expectAll(protectedRoutes, async (route) => {
      for (const { headers, query } of presentations) {
        const csrf: Record<string, string> = isStateChanging(route.method) ? { "x-omniroute-request": "1" } : {};
        const verdict = await describeRefusal(await call(route, { ...csrf, ...headers }, query), 401, "unauthenticated");
        if (verdict !== "ok") return `${Object.keys(headers)[0] ?? "?key="}: ${verdict}`;
      }
      return "ok";
    });
  });

  test("a forged, empty or ended session cookie is no session", async () => {
    const login = await fetch(`${sg.gw.url}/api/auth/login`, {
      method: "POST",
      headers: { "x-omniroute-request": "1", "content-type": "application/json" },
      body: JSON.stringify({ password: sg.gw.password }),
    });
    const ended = login.headers.get("set-cookie")!.split(";")[0]!;
    const logout = await fetch(`${sg.gw.url}/api/auth/logout`, { method: "POST", headers: { cookie: ended, "x-omniroute-request": "1" } });
    expect(logout.status).toBeLessThan(300);
    const cookies = [ended, "omniroute_session=", `omniroute_session=${"A".repeat(43)}`, `omniroute_session=${"x".repeat(5000)}`, "omniroute_session=%E0%A4%A"];
    await expectAll(protectedRoutes, async (route) => {
      for (const cookie of cookies) {
        const csrf: Record<string, string> = isStateChanging(route.method) ? { "x-omniroute-request": "1" } : {};
        const verdict = await describeRefusal(await call(route, { ...csrf, cookie }), 401, "unauthenticated");
        if (verdict !== "ok") return `cookie ${cookie.slice(0, 40)}: ${verdict}`;
      }
      return "ok";
    });
  });
});

describe("CSRF", () => {
  test("every state-changing route refuses a call without the CSRF header (or with a wrong value) even with a valid session", async () => {
    const stateChanging = routes.filter((route) => isStateChanging(route.method));
    expect(stateChanging.length).toBeGreaterThan(15);
    await expectAll(stateChanging, async (route) => {
      for (const csrf of [{}, { "x-omniroute-request": "0" }, { "x-omniroute-request": "true" }] as Array<Record<string, string>>) {
        const verdict = await describeRefusal(await call(route, { cookie: sg.cookie, ...csrf }), 403, "csrf_header_missing");
        if (verdict !== "ok") return `CSRF header ${JSON.stringify(csrf)}: ${verdict}`;
      }
      return "ok";
    });
    // The session is still good: the refusals were the CSRF check, not a lost login.
    const keys = await fetch(`${sg.gw.url}/api/keys`, { headers: { cookie: sg.cookie } });
    expect(keys.status).toBe(200);
  });
});

describe("split-port mode", () => {
  test("the API port serves no management route, even to a signed-in admin (GET /api/health excepted)", async () => {
    const split = await startTestGateway({ env: { ADMIN_PORT: "0" } });
    try {
      const adminPort = (split.gateway.runtime as { adminListen?: { port: number } }).adminListen?.port;
      expect(adminPort).toBeGreaterThan(0);
      const login = await fetch(`http://127.0.0.1:${adminPort}/api/auth/login`, {
        method: "POST",
        headers: { "x-omniroute-request": "1", "content-type": "application/json" },
        body: JSON.stringify({ password: split.password }),
      });
      expect(login.status).toBe(200);
      const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
      const splitRoutes = (await managementRoutes(split)).filter((route) => keyOf(route) !== "GET /api/health");
      expect(splitRoutes.length).toBeGreaterThan(40);
      const reached: string[] = [];
      await Promise.all(
        splitRoutes.map(async (route) => {
          const withBody = isStateChanging(route.method);
          const response = await fetch(`${split.url}${concretePath(route.path)}`, {
            method: route.method,
            headers: { cookie, "x-omniroute-request": "1", ...(withBody ? { "content-type": "application/json" } : {}) },
            body: withBody ? "{}" : undefined,
            redirect: "manual",
          });
          if (![403, 404].includes(response.status)) reached.push(`${keyOf(route)} → ${response.status}`);
        }),
      );
      expect(reached).toEqual([]);
    } finally {
      await split.stop();
    }
  });
});

describe("path normalisation and Host header tricks", () => {
  /** Data only a logged-in caller may see; no trick may reveal any of it. */
  const secretsOfTheRoute = () => [sg.clientKeyId, sg.connectionId, sg.providerKey, sg.clientKey, "sec-model", '"prefix"', "# HELP"];

  /** Ways to write `path` that a normaliser, a router or a proxy might equate with it. */
  function variantsOf(path: string): string[] {
    const underApi = path.startsWith("/api/");
    const rest = path.slice(underApi ? 5 : 1);
    const encodedFirst = `%${rest.charCodeAt(0).toString(16).toUpperCase()}${rest.slice(1)}`;
    return [
      ...(underApi
        ? [`/api//${rest}`, `/api/./${rest}`, `/API/${rest}`, `/api/${encodedFirst}`, `/api/%2e/${rest}`, `/Api/${rest}`, `/api/${rest.toUpperCase()}`, `/%61pi/${rest}`]
        : [`/.${path}`, path.toUpperCase(), `/${encodedFirst}`]),
      `/v1/..${path}`,
      `/v1beta/..${path}`,
      `/v1/%2e%2e${path}`,
      `${path}/`,
      `${path}%2F`,
      `${path}/.`,
      `/%2e${path}`,
      `${path};x=1`,
      `${path}?x`,
      `${path}#x`,
      `${path}%00`,
      `${path}%20`,
      `/${path}`,
      `${path.replace(/\//g, "\\")}`,
      `http://127.0.0.1${path}`,
      `http://evil.example${path}`,
    ];
  }

  async function verdictOf(label: string, response: RawResponse): Promise<string | null> {
    const leaked = secretsOfTheRoute().find((secret) => response.body.includes(secret));
    if (leaked) return `${label} → ${response.status}, body shows ${leaked}`;
    const sign = stackTraceSign(response.body);
    if (sign) return `${label} → ${response.status}, body shows a ${sign}`;
    if ([400, 401, 403, 404, 405].includes(response.status)) return null;
    // The SPA shell for an unknown non-API path holds no data; the dashboard then asks /api, which is guarded.
    if (response.status === 200 && response.body === dashboardShell) return null;
    return `${label} → ${response.status} ${response.body.slice(0, 120)}`;
  }

  const request = (target: string, headers: string[] = [`Host: 127.0.0.1`]) => [`GET ${target} HTTP/1.1`, ...headers, "Connection: close", "", ""].join("\r\n");

  test("odd spellings of protected paths, sent raw, never reach the route", async () => {
    const targets = ["/api/keys", "/api/connections", "/api/settings", "/api/logs/console", "/metrics"];
    const failures: string[] = [];
    await Promise.all(
      targets.flatMap((path) =>
        variantsOf(path).map(async (variant) => {
          const verdict = await verdictOf(`GET ${variant}`, await rawHttp(sg.gw.url, request(variant)));
          if (verdict) failures.push(verdict);
        }),
      ),
    );
    expect(failures).toEqual([]);
  });

  test("the same spellings with a state-changing method and the CSRF header are refused too", async () => {
    const failures: string[] = [];
    await Promise.all(
      variantsOf("/api/keys").map(async (variant) => {
        const body = '{"name":"sneaky"}';
        const raw = [`POST ${variant} HTTP/1.1`, "Host: 127.0.0.1", "x-omniroute-request: 1", "content-type: application/json", `content-length: ${body.length}`, "Connection: close", "", body].join("\r\n");
        const response = await rawHttp(sg.gw.url, raw);
        if (response.status >= 200 && response.status < 300 && response.body !== dashboardShell) failures.push(`POST ${variant} → ${response.status} ${response.body.slice(0, 120)}`);
      }),
    );
    // And with Host headers that leave the request URL relative.
    for (const [host, target] of [["", "/api/keys"], ["a/b", "/api/keys"], ["@evil.example", "/api/keys"], ["x", "/v1/api/keys"], ["abc", "//api/keys"]]) {
      const body = '{"name":"sneaky"}';
      const raw = [`POST ${target} HTTP/1.1`, `Host: ${host}`, "x-omniroute-request: 1", "content-type: application/json", `content-length: ${body.length}`, "Connection: close", "", body].join("\r\n");
      const response = await rawHttp(sg.gw.url, raw);
      if (response.status >= 200 && response.status < 300) failures.push(`POST ${target} [Host: ${host}] → ${response.status} ${response.body.slice(0, 120)}`);
    }
    expect(failures).toEqual([]);
    // Nothing was created behind the guard's back.
    const keys = (await (await fetch(`${sg.gw.url}/api/keys`, { headers: { cookie: sg.cookie } })).json()) as Array<{ name: string }>;
    expect(keys.map((key) => key.name)).not.toContain("sneaky");
  });

  test("Host, forwarding and URL-rewrite headers change nothing", async () => {
    const headerSets: string[][] = [
      ["Host: localhost"],
      ["Host: 127.0.0.1"],
      ["Host: evil.example"],
      ["Host: "],
      [],
      // Hosts Bun cannot turn into an absolute URL (request.url is then relative: "/api/keys").
      ["Host: a/b"],
      ["Host: @evil.example"],
      ["Host: a b"],
      ["Host: evil.example:99999"],
      ["Host: [::1]"],
      ["Host: localhost", "Host: evil.example"],
      ["Host: 127.0.0.1", "X-Forwarded-Host: localhost"],
      ["Host: 127.0.0.1", "X-Forwarded-For: 127.0.0.1", "X-Real-IP: 127.0.0.1", "X-Forwarded-Proto: https"],
      ["Host: 127.0.0.1", "X-Original-URL: /api/health"],
      ["Host: 127.0.0.1", "X-Rewrite-URL: /api/health"],
      ["Host: 127.0.0.1", "X-Original-URL: /api/auth/login", "X-HTTP-Method-Override: POST"],
      ["Host: 127.0.0.1", "X-Forwarded-Prefix: /api/health", "Forwarded: for=127.0.0.1;host=localhost;proto=https"],
    ];
    const failures: string[] = [];
    await Promise.all(
      ["/api/keys", "/api/settings", "/metrics"].flatMap((path) =>
        headerSets.map(async (headers) => {
          const verdict = await verdictOf(`GET ${path} [${headers.join(" | ")}]`, await rawHttp(sg.gw.url, request(path, headers)));
          if (verdict) failures.push(verdict);
        }),
      ),
    );
    // Short Host headers: a router that assumes a host of some minimum length would read another path than the guard.
    const shortHosts: Array<[string, string]> = [
      ["x", "/v1/api/keys"],
      ["x", "/v1/api/settings"],
      ["ab", "/x/api/keys"],
      ["abc", "//api/keys"],
      ["x", "/v1beta/api/keys"],
      ["x", "/docs/api/keys"],
      ["a:1", "/api/keys"],
      ["x", "/zzmetrics"],
      ["x", "/v1/metrics"],
    ];
    await Promise.all(
      shortHosts.map(async ([host, target]) => {
        const verdict = await verdictOf(`GET ${target} [Host: ${host}]`, await rawHttp(sg.gw.url, request(target, [`Host: ${host}`])));
        if (verdict) failures.push(verdict);
      }),
    );
    // The reverse: a public path whose rewrite header names a protected one must still serve the public route only.
    for (const header of ["X-Original-URL", "X-Rewrite-URL"]) {
      const response = await rawHttp(sg.gw.url, request("/api/health", ["Host: 127.0.0.1", `${header}: /api/keys`]));
      const leaked = secretsOfTheRoute().find((secret) => response.body.includes(secret));
      if (response.status !== 200 || leaked || !response.body.includes('"status":"ok"')) failures.push(`GET /api/health [${header}: /api/keys] → ${response.status} ${response.body.slice(0, 120)}`);
    }
    expect(failures).toEqual([]);
  });
});
