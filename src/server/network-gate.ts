import type { IRFormat } from "../ir/ir-types";
import { resolveClientAddress } from "../security/client-address";
import type { NetworkRefusal, NetworkRules } from "../security/network-rules";
import { acceptRequestId } from "../util/ids";
import { apiErrorResponse } from "./admin/api-error";
import { isApiPathAt, pathStartOf, surfaceFormatOf } from "./api-paths";
import { surfaceError } from "./surfaces/inbound-request";

/**
 * Which listener a request arrived on: the only one (`single`), or in split-port mode the API port (`api`: /v1,
 * /v1beta and GET /api/health) or the loopback admin port (`admin`: dashboard, /api, /docs, /openapi, /metrics).
 */
export type Listener = "single" | "api" | "admin";

interface PeerSource {
  requestIP(request: Request): { address: string } | null;
}

/**
 * The server's fetch handler's first step, for every request that is not a native API route: records the client
 * address, then answers the request itself when this listener does not serve its path (split-port mode) or the
 * network rules refuse its address. Null = hand it to the app.
 */
export function gateRequest(rules: NetworkRules, request: Request, server: PeerSource, listener: Listener): Response | null {
  const url = request.url;
  const start = pathStartOf(url);
  const api = isApiPathAt(url, start);
  const address = resolveClientAddress(request, server.requestIP(request)?.address ?? null, rules.trustedProxies);
  if (listener === "api" && !api) return notServedHere(request, url, start, "the API");
  if (listener === "admin" && api) return notServedHere(request, url, start, "the dashboard");
  if (api) {
    if (!rules.apiActive) return null;
    const refused = rules.checkApi(address);
    return refused && apiRefusal(request, surfaceFormatOf(pathOf(url, start)), refused);
  }
  if (!rules.dashboardActive) return null;
  const refused = rules.checkDashboard(address);
  return refused && dashboardRefusal(request, pathOf(url, start), refused);
}

/** The native API routes' check, made only when `rules.apiActive` (the caller tests it: the hot path pays a boolean). */
export function gateApiRequest(rules: NetworkRules, request: Request, server: PeerSource, format: IRFormat): Response | null {
  const address = resolveClientAddress(request, server.requestIP(request)?.address ?? null, rules.trustedProxies);
  const refused = rules.checkApi(address);
  return refused && apiRefusal(request, format, refused);
}

/** The native GET /api/health route: on the dashboard side, like the rest of /api. */
export function gateHealthRequest(rules: NetworkRules, request: Request, server: PeerSource): Response | null {
  const address = resolveClientAddress(request, server.requestIP(request)?.address ?? null, rules.trustedProxies);
  if (!rules.dashboardActive) return null;
  const refused = rules.checkDashboard(address);
  return refused && dashboardRefusal(request, "/api/health", refused);
}

function pathOf(url: string, start: number): string {
  const query = url.indexOf("?", start);
  return query === -1 ? url.slice(start) : url.slice(start, query);
}

function retryAfter(refusal: NetworkRefusal): Record<string, string> {
  return refusal.retryAfterSeconds === undefined ? {} : { "retry-after": String(refusal.retryAfterSeconds) };
}

/** In the caller's API format, with its error code (`ip_not_allowed`, `ip_rate_limited`). */
function apiRefusal(request: Request, format: IRFormat, refusal: NetworkRefusal): Response {
  const requestId = acceptRequestId(request.headers.get("x-request-id"));
  const response = surfaceError(format, requestId, refusal.status, refusal.message, {
    code: refusal.code,
    type: refusal.status === 429 ? "rate_limit_error" : "permission_error",
  });
  for (const [name, value] of Object.entries(retryAfter(refusal))) response.headers.set(name, value);
  return response;
}

/** `/api/…` in the management API's error shape; pages, docs and metrics as short plain text. */
function dashboardRefusal(request: Request, path: string, refusal: NetworkRefusal): Response {
  const headers = { "x-request-id": acceptRequestId(request.headers.get("x-request-id")), ...retryAfter(refusal) };
  if (path.startsWith("/api/")) return apiErrorResponse(refusal.status, refusal.message, refusal.code, headers);
  return new Response(`${refusal.message}\n`, { status: refusal.status, headers: { "content-type": "text/plain; charset=utf-8", ...headers } });
}

/** Split-port mode: a path the other listener serves. Says no more than that (the API port may face the network). */
function notServedHere(request: Request, url: string, start: number, other: string): Response {
  const path = pathOf(url, start);
  const requestId = acceptRequestId(request.headers.get("x-request-id"));
  if (isApiPathAt(url, start)) {
    return surfaceError(surfaceFormatOf(path), requestId, 404, `This port serves ${other} only; send API calls to OmniRoute's API port.`, { code: "not_found" });
  }
  if (path.startsWith("/api/")) {
    return apiErrorResponse(404, `This port serves ${other} only (split-port mode): the management API is on the loopback admin port.`, "not_found", {
      "x-request-id": requestId,
    });
  }
  return new Response("Not found\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8", "x-request-id": requestId } });
}
