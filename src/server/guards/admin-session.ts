import type { GatewayRuntime } from "../gateway-runtime";
import { apiErrorResponse } from "../admin/api-error";
import { clientAddressOf } from "../../security/client-address";
import { SESSION_COOKIE, sessionTokenOf } from "../../services/admin-auth-service";

export { readCookie, SESSION_COOKIE, sessionTokenOf } from "../../services/admin-auth-service";

/** Custom header every state-changing dashboard call sends; browsers never attach it cross-site without CORS. */
export const CSRF_HEADER = "x-omniroute-request";

/** Management routes reachable without a session. */
const PUBLIC_API = new Set(["GET /api/health", "POST /api/auth/login", "GET /api/auth/session"]);

/**
 * The session cookie: HttpOnly (no script reads it), SameSite=Strict (no cross-site request carries it), whole-site
 * path, and Secure whenever the client reached us over HTTPS. An empty token with max-age 0 deletes it.
 */
export function sessionCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeSeconds}${secure ? "; Secure" : ""}`;
}

const DEFAULT_PORTS: Record<string, string> = { "http:": "80", "https:": "443" };

/** `host:port` with the scheme's default port left out and lower-cased, so `x:443` and `x` compare equal under https. */
function normalHost(host: string, protocol: string): string {
  const lower = host.toLowerCase();
  const port = DEFAULT_PORTS[protocol];
  return port && lower.endsWith(`:${port}`) ? lower.slice(0, -(port.length + 1)) : lower;
}

/**
 * A browser names the page that made a request in `Origin` (always on a cross-site POST) and, in recent browsers,
 * says `Sec-Fetch-Site: cross-site`. Either showing another site refuses the call. Requests without them (CLI,
 * scripts) pass; the host compared with is the request's own `Host` (or, behind a trusted proxy, the host the
 * proxy says the client asked for) — only to tell same-origin from cross-origin, never to authorise.
 */
function crossSite(request: Request): boolean {
  const headers = request.headers;
  if (headers.get("sec-fetch-site") === "cross-site") return true;
  const origin = headers.get("origin");
  if (origin === null) return false;
  let originUrl: URL;
  try {
    originUrl = new URL(origin);
  } catch {
    // `Origin: null` (sandboxed frames, some redirects) or garbage: not our page.
    return true;
  }
  const own = normalHost(originUrl.host, originUrl.protocol);
  const hosts = [headers.get("host") ?? new URL(request.url).host];
  const forwardedHost = headers.get("x-forwarded-host");
  if (forwardedHost && clientAddressOf(request).viaProxy) hosts.push(forwardedHost.split(",")[0]!.trim());
  return !hosts.some((host) => normalHost(host, originUrl.protocol) === own);
}

/**
 * Every /api route needs a dashboard session except the few public ones; every state-changing call (login too)
 * also needs the CSRF header and must not come from another site's page. Runs before routing, so a route added
 * later is protected without opting in. Returns a response to send instead, or undefined to continue.
 */
export function guardManagementRequest(runtime: GatewayRuntime, request: Request, path: string): Response | undefined {
  const method = request.method;
  const stateChanging = method !== "GET" && method !== "HEAD" && method !== "OPTIONS";
  if (stateChanging) {
    if (request.headers.get(CSRF_HEADER) !== "1") {
      return apiErrorResponse(403, `State-changing management calls must send the header '${CSRF_HEADER}: 1'.`, "csrf_header_missing");
    }
    if (crossSite(request)) {
      return apiErrorResponse(
        403,
        "This call came from another site's page (its Origin is not this gateway's host). Use the dashboard served by this gateway; " +
          "behind a reverse proxy, pass the original Host header on.",
        "csrf_origin_mismatch",
      );
    }
  }
  if (PUBLIC_API.has(`${method} ${path}`)) return undefined;
  if (!runtime.services.adminAuth.validateSession(sessionTokenOf(request))) {
    return apiErrorResponse(401, "Log in to the dashboard first (POST /api/auth/login).", "unauthenticated");
  }
  return undefined;
}
