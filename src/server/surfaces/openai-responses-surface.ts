import { Elysia } from "elysia";
import type { GatewayRuntime } from "../gateway-runtime";
import { surfaceError } from "./inbound-request";
import { acceptRequestId } from "../../util/ids";
import { handleResponses } from "./openai-responses-handler";
export { handleResponses };

/**
 * Codex tries Responses over WebSocket first (`GET /v1/responses` with `Upgrade: websocket`) and retries for
 * seconds before using HTTP. 426 Upgrade Required is the answer that makes it fall back at once.
 */
function rejectWebSocket(request: Request): Response {
  const requestId = acceptRequestId(request.headers.get("x-request-id"));
  const upgrade = (request.headers.get("upgrade") ?? "").toLowerCase() === "websocket";
  const response = surfaceError(
    "openai-responses",
    requestId,
    upgrade ? 426 : 405,
    upgrade
      ? "OmniRoute serves the Responses API over HTTP only: send POST /v1/responses (with stream: true for server-sent events)."
      : "GET is not allowed on /v1/responses. Send POST /v1/responses.",
    { code: upgrade ? "websocket_not_supported" : "method_not_allowed" },
  );
  if (!upgrade) response.headers.set("allow", "POST");
  return response;
}

export function openAIResponsesSurface(runtime: GatewayRuntime) {
  return new Elysia({ name: "surface:openai-responses" })
    .post(
      "/v1/responses",
      ({ request, server }) => {
        server?.timeout(request, 0);
        return handleResponses(runtime, request);
      },
      {
        parse: "none",
        detail: {
          tags: ["OpenAI API"],
          summary: "Create a model response (OpenAI Responses format)",
          description:
            "Body as OpenAI's `POST /v1/responses`, streamed (full event set) or not. Any routed model works; other upstream " +
            "formats are translated. `previous_response_id` works for responses produced here within the retention window.",
          security: [{ bearerAuth: [] }],
        },
      },
    )
    .get("/v1/responses", ({ request }) => rejectWebSocket(request), {
      detail: {
        tags: ["OpenAI API"],
        summary: "WebSocket upgrade attempts are refused with 426 so clients fall back to HTTP at once",
      },
    });
}
