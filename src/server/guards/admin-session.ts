import type { GatewayRuntime } from "../gateway-runtime";
import { apiErrorResponse } from "../admin/api-error";

export const SESSION_COOKIE = "omniroute_session";
/** Custom header every state-changing dashboard call sends; browsers never attach it cross-site without CORS. */
export const CSRF_HEADER = "x-omniroute-request";

/** Management routes reachable without a session. */
const PUBLIC_API = new Set(["GET /api/health", "POST /api/auth/login", "GET /api/auth/session"]);

export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * Every /api route needs a dashboard session except the few public ones; every state-changing call also
 * needs the CSRF header. Runs before routing, so a route added later is protected without opting in.
 * Returns a response to send instead, or undefined to continue.
 */
export function guardManagementRequest(runtime: GatewayRuntime, request: Request, path: string): Response | undefined {
  const method = request.method;
  const stateChanging = method !== "GET" && method !== "HEAD" && method !== "OPTIONS";
  if (stateChanging && request.headers.get(CSRF_HEADER) !== "1") {
    return apiErrorResponse(403, `State-changing management calls must send the header '${CSRF_HEADER}: 1'.`, "csrf_header_missing");
  }
  if (PUBLIC_API.has(`${method} ${path}`)) return undefined;
  const token = readCookie(request.headers.get("cookie"), SESSION_COOKIE);
  if (!runtime.services.adminAuth.validateSession(token)) {
    return apiErrorResponse(401, "Log in to the dashboard first (POST /api/auth/login).", "unauthenticated");
  }
  return undefined;
}
