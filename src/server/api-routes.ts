import type { IRFormat } from "../ir/ir-types";
import { createLogger } from "../logging/logger";
import { acceptRequestId } from "../util/ids";
import type { GatewayRuntime } from "./gateway-runtime";
import { gateApiRequest } from "./network-gate";
import { handleCountTokens, handleMessages } from "./surfaces/anthropic-handler";
import { handleGeminiModelCall } from "./surfaces/gemini-handler";
import { surfaceError } from "./surfaces/inbound-request";
import { handleChatCompletions } from "./surfaces/openai-chat-handler";
import { handleResponses } from "./surfaces/openai-responses-handler";

const httpLog = createLogger("http");

type RouteHandler = (request: Request, server: Bun.Server<undefined>) => Promise<Response>;

/**
 * The generation endpoints as Bun native routes, ahead of the Elysia app: per-request overhead is a product
 * feature, and these handlers need nothing from the framework (they authenticate, parse and answer errors in
 * their own format). Everything else — model lists, the management API, docs, the dashboard — and any method
 * these routes do not define falls through to Elysia. The same handlers are mounted in Elysia too, for the
 * OpenAPI document and for `app.handle` in tests.
 */
export function apiRoutes(runtime: GatewayRuntime): Record<string, { POST: RouteHandler }> {
  // Reconfigured in place on a settings change, so this reference stays current.
  const network = runtime.network;
  const route = (format: IRFormat, handle: (request: Request) => Promise<Response>) => ({
    async POST(request: Request, server: Bun.Server<undefined>) {
      // Generations can be silent for minutes: exempt this request from the server's idle timeout.
      server.timeout(request, 0);
      // No API network rule configured: one boolean, and the client address is not even looked up.
      if (network.apiActive) {
        const refused = gateApiRequest(network, request, server, format);
        if (refused) return refused;
      }
      try {
        return await handle(request);
      } catch (error) {
        return internalError(format, request, error);
      }
    },
  });
  return {
    "/v1/chat/completions": route("openai-chat", (request) => handleChatCompletions(runtime, request)),
    "/v1/responses": route("openai-responses", (request) => handleResponses(runtime, request)),
    "/v1/messages": route("anthropic", (request) => handleMessages(runtime, request)),
    "/v1/messages/count_tokens": route("anthropic", (request) => handleCountTokens(runtime, request)),
    "/v1beta/models/*": route("gemini", (request) => handleGeminiModelCall(runtime, request, "/v1beta/models/")),
    "/v1/models/*": route("gemini", (request) => handleGeminiModelCall(runtime, request, "/v1/models/")),
  };
}

/** An unexpected failure: logged (secrets redacted) and answered in the caller's format with the request id. */
export function internalError(format: IRFormat, request: Request, error: unknown): Response {
  const requestId = acceptRequestId(request.headers.get("x-request-id"));
  const path = new URL(request.url).pathname;
  httpLog.error(`internal error on ${request.method} ${path}`, { requestId, error });
  return surfaceError(format, requestId, 500, `Internal error in OmniRoute (request id ${requestId}). The details are in the server log.`, {
    code: "internal_error",
    type: "api_error",
  });
}
