import { Elysia } from "elysia";
import { openAIErrorBody } from "../../formats/openai-chat/openai-chat-error";
import { clientQuotaSchema, clientQuotaView } from "../../quota/quota-view";
import { acceptRequestId } from "../../util/ids";
import type { GatewayRuntime } from "../gateway-runtime";
import { authenticateClient } from "../guards/client-auth";

/**
 * `GET /v1/quota`: what a client key may use and how much quota is left behind it — every enabled account with its
 * windows and reset times, and every enabled combo with the accounts it leads to. Keys carry no model permissions
 * yet, so every key sees all of it.
 */
export function quotaSurface(runtime: GatewayRuntime) {
  return new Elysia({ name: "surface:quota" }).get(
    "/v1/quota",
    ({ request }) => {
      const requestId = acceptRequestId(request.headers.get("x-request-id"));
      const auth = authenticateClient(runtime, request.headers, request.url);
      if (!auth.ok) {
        return new Response(openAIErrorBody(401, auth.message, { code: "invalid_api_key", type: "authentication_error" }), {
          status: 401,
          headers: { "content-type": "application/json", "x-request-id": requestId },
        });
      }
      const quota = runtime.quota;
      const body = clientQuotaView(runtime.services.connections.runtime(), runtime.services.combos.runtime(), (id) => quota.describe(id), quota.now());
      return Response.json(body, { headers: { "x-request-id": requestId } });
    },
    {
      response: { 200: clientQuotaSchema },
      detail: {
        tags: ["OpenAI API"],
        summary: "Quota left behind this key: accounts' windows (used, remaining, reset) and combos' availability",
        description:
          "OmniRoute extension. Authenticated with the client API key like every /v1 route. Accounts are the enabled connections; " +
          "`available: false` means routing skips the account until `available_at`.",
        security: [{ bearerAuth: [] }],
      },
    },
  );
}
