import { openapi } from "@elysiajs/openapi";
import { Elysia } from "elysia";
import { z } from "zod";
import { ConfigImportError } from "../config-file/import-config";
import { ConnectionValidationError } from "../services/connection-service";
import { acceptRequestId } from "../util/ids";
import { ApiError, apiErrorResponse } from "./admin/api-error";
import { analyticsRoutes } from "./admin/analytics-routes";
import { auditRoutes } from "./admin/audit-routes";
import { authRoutes } from "./admin/auth-routes";
import { cacheRoutes } from "./admin/cache-routes";
import { cliToolsRoutes } from "./admin/cli-tools-routes";
import { budgetRoutes } from "./admin/budget-routes";
import { comboRoutes } from "./admin/combo-routes";
import { comboTestRoutes } from "./admin/combo-test-routes";
import { configRoutes } from "./admin/config-routes";
import { consoleLogRoutes } from "./admin/console-log-routes";
import { connectionRoutes, providerRoutes } from "./admin/connection-routes";
import { healthRoutes } from "./admin/health-routes";
import { keyRoutes } from "./admin/key-routes";
import { oauthRoutes } from "./admin/oauth-routes";
import { metricsRoutes } from "./admin/metrics-routes";
import { monitorRoutes } from "./admin/monitor-routes";
import { pricingRoutes } from "./admin/pricing-routes";
import { quotaRoutes } from "./admin/quota-routes";
import { statusRoutes } from "./admin/status-routes";
import { securityNetworkRoutes } from "./admin/security-network-routes";
import { promptGuardRoutes } from "./admin/prompt-guard-routes";
import { renderApiDocsPage } from "./api-docs-page";
import { surfaceFormatOf } from "./api-paths";
import type { DashboardAssets } from "./dashboard";
import type { GatewayRuntime } from "./gateway-runtime";
import { guardManagementRequest } from "./guards/admin-session";
import { jsonShapeProblem } from "./json-shape";
import { translateRoutes } from "./admin/translate-routes";
import { roundTripRoutes } from "./admin/round-trip-routes";
import { anthropicSurface } from "./surfaces/anthropic-surface";
import { geminiSurface } from "./surfaces/gemini-surface";
import { quotaSurface } from "./surfaces/quota-surface";
import { openAIChatSurface, openAIModelsSurface, unknownGeminiEndpoint, unknownOpenAIEndpoint } from "./surfaces/openai-chat-surface";
import { surfaceError } from "./surfaces/inbound-request";
import { openAIResponsesSurface } from "./surfaces/openai-responses-surface";

/** Path of a request URL without allocating a URL object (runs on every request). */
export function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1) return "/";
  const query = url.indexOf("?", start);
  return query === -1 ? url.slice(start) : url.slice(start, query);
}

function describeValidation(error: unknown): string {
  const issues = (error as { all?: Array<{ path?: string; message?: string; summary?: string }> }).all;
  const first = issues?.[0];
  if (!first) return "The request body does not match the expected shape.";
  const where = first.path ? `${first.path.replace(/^\//, "").replace(/\//g, ".")}: ` : "";
  return `Invalid request — ${where}${first.message ?? first.summary ?? "invalid value"}`;
}

/**
 * A management body declared larger than limits.maxRequestBodyBytes is refused before it is read (the login route
 * is public, so this also bounds what an unauthenticated caller can make the gateway parse).
 */
function oversizedManagementBody(runtime: GatewayRuntime, request: Request): Response | undefined {
  const declared = request.headers.get("content-length");
  const limit = runtime.services.settings.get().limits.maxRequestBodyBytes;
  if (declared === null || Number(declared) <= limit) return undefined;
  return apiErrorResponse(413, `The request body is larger than the ${limit}-byte limit (limits.maxRequestBodyBytes).`, "request_too_large");
}

/** Builds the HTTP application: API surfaces, management API, docs and the embedded dashboard. */
export function createApp(runtime: GatewayRuntime, dashboard: DashboardAssets) {
  let docsPage: string | undefined;
  const httpLog = runtime.consoleLog.child("http");
  const app = new Elysia({ name: "omniroute" })
    .onRequest(({ request, set }) => {
      // Runs for every request, the API hot path included: test the prefix in place before slicing anything.
      const url = request.url;
      const pathStart = url.indexOf("/", url.indexOf("//") + 2);
      // Elysia's router takes the path from the first "/" after index 11 (it assumes "http://" and a host of at least
      // 4 characters): with a shorter or missing Host header (HTTP/1.0 without one gives a bare "/path" URL) it would
      // route another path than the one checked below ("/v1/api/keys" with `Host: x`, or "/api/settings" without a
      // Host, reached the management API unguarded). Never let the two disagree.
      if (url.indexOf("/", 11) !== pathStart) {
        return new Response("Bad request: the Host header is missing or too short. Send the gateway's address, e.g. Host: 127.0.0.1:20128.\n", {
          status: 400,
          headers: { "content-type": "text/plain; charset=utf-8" },
        });
      }
      // API handlers set their own request id (they log it); everything else gets one here.
      if (url.startsWith("/v1/", pathStart) || url.startsWith("/v1beta/", pathStart)) return;
      const requestId = acceptRequestId(request.headers.get("x-request-id"));
      set.headers["x-request-id"] = requestId;
      if (url.startsWith("/api/", pathStart)) {
        const blocked = guardManagementRequest(runtime, request, pathOf(url)) ?? oversizedManagementBody(runtime, request);
        if (blocked) blocked.headers.set("x-request-id", requestId);
        return blocked;
      }
    })
    // Parsed management bodies meet the same nesting and array limits as API bodies, before any schema or handler
    // (the translator, config import) walks them.
    .onTransform({ as: "global" }, ({ body }) => {
      if (body === null || typeof body !== "object") return;
      const limits = runtime.services.settings.get().limits;
      const problem = jsonShapeProblem(body, limits.maxJsonDepth, limits.maxArrayLength);
      if (problem) throw new ApiError(400, `${problem} Send a flatter or shorter body.`, "invalid_request");
    })
    .onError(({ code, error, request, path }) => {
      const isApi = path.startsWith("/v1/");
      if (error instanceof ApiError) return apiErrorResponse(error.status, error.message, error.code, error.headers);
      if (error instanceof ConnectionValidationError) return apiErrorResponse(error.status, error.message, "invalid_connection");
      if (error instanceof ConfigImportError) return apiErrorResponse(400, error.message, "invalid_config");
      if (code === "VALIDATION") return apiErrorResponse(400, describeValidation(error), "invalid_request");
      if (code === "PARSE") return apiErrorResponse(400, "Request body is not valid JSON.", "invalid_json");
      if (code === "NOT_FOUND") {
        return path.startsWith("/api/")
          ? apiErrorResponse(404, `Unknown management endpoint ${request.method} ${path}. See /docs.`, "not_found")
          : new Response("Not found", { status: 404 });
      }
      const requestId = acceptRequestId(request.headers.get("x-request-id"));
      httpLog.error(`internal error on ${request.method} ${path}`, { requestId, error });
      const message = `Internal error in OmniRoute (request id ${requestId}). The details are in the server log.`;
      if (isApi || path.startsWith("/v1beta/")) {
        return surfaceError(surfaceFormatOf(path), requestId, 500, message, { code: "internal_error", type: "api_error" });
      }
      return apiErrorResponse(500, message, "internal_error", { "x-request-id": requestId });
    })
    .use(
      openapi({
        path: "/openapi",
        provider: null,
        // Document paths with a dot too (GET /api/logs/export.csv); static files are served outside Elysia's routes.
        exclude: { staticFile: false },
        mapJsonSchema: { zod: z.toJSONSchema },
        documentation: {
          info: {
            title: "OmniRoute",
            version: runtime.version,
            description:
              "Gateway API in four formats — OpenAI Chat and Responses, Anthropic Messages, Gemini (/v1 and /v1beta, client API key) — and the " +
              "management API (/api, dashboard session cookie; state-changing calls need the header `x-omniroute-request: 1`). " +
              "Errors use each API's own error object; /api uses `{error:{message,code}}`.",
          },
          components: {
            securitySchemes: {
              bearerAuth: { type: "http", scheme: "bearer", description: "Client API key (`omniroute keys create`)" },
              anthropicApiKey: { type: "apiKey", in: "header", name: "x-api-key", description: "Client API key, Anthropic style" },
              googApiKey: { type: "apiKey", in: "header", name: "x-goog-api-key", description: "Client API key, Gemini style (or `?key=`)" },
              sessionCookie: { type: "apiKey", in: "cookie", name: "omniroute_session" },
            },
          },
        },
      }),
    )
    .use(openAIChatSurface(runtime))
    .use(openAIModelsSurface(runtime))
    .use(anthropicSurface(runtime))
    .use(openAIResponsesSurface(runtime))
    .use(geminiSurface(runtime))
    .use(quotaSurface(runtime))
    .use(translateRoutes(runtime))
    .use(roundTripRoutes(runtime))
    .use(authRoutes(runtime))
    .use(auditRoutes(runtime))
    .use(statusRoutes(runtime))
    .use(providerRoutes(runtime))
    .use(connectionRoutes(runtime))
    .use(oauthRoutes(runtime))
    .use(comboRoutes(runtime))
    .use(comboTestRoutes(runtime))
    .use(budgetRoutes(runtime))
    .use(quotaRoutes(runtime))
    .use(keyRoutes(runtime))
    .use(cacheRoutes(runtime))
    .use(pricingRoutes(runtime))
    .use(configRoutes(runtime))
    .use(consoleLogRoutes(runtime))
    .use(analyticsRoutes(runtime))
    .use(healthRoutes(runtime))
    .use(monitorRoutes(runtime))
    .use(metricsRoutes(runtime))
    .use(cliToolsRoutes(runtime))
    .use(securityNetworkRoutes(runtime))
    .use(promptGuardRoutes(runtime))
    .get(
      "/docs",
      async () => {
        docsPage ??= renderApiDocsPage(await (await app.handle(new Request("http://localhost/openapi/json"))).json());
        return new Response(docsPage, { headers: { "content-type": "text/html; charset=utf-8", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'" } });
      },
      { detail: { hide: true } },
    )
    // One catch-all, so unknown paths under /v1 and /api answer in their own shapes, never with the dashboard.
    .all(
      "/*",
      ({ request }) => {
        const path = pathOf(request.url);
        if (path.startsWith("/v1/") || path === "/v1") return unknownOpenAIEndpoint(request, path);
        if (path.startsWith("/v1beta/") || path === "/v1beta") return unknownGeminiEndpoint(request, path);
        if (path.startsWith("/api/")) return apiErrorResponse(404, `Unknown management endpoint ${request.method} ${path}. See /docs.`, "not_found");
        if (request.method !== "GET" && request.method !== "HEAD") return new Response("Method not allowed", { status: 405 });
        return dashboard.serve(path);
      },
      { detail: { hide: true } },
    );
  return app;
}

export type OmniRouteApp = ReturnType<typeof createApp>;
