import { scopedProviderOf } from "../../security/key-scope";
import { Elysia } from "elysia";
import { openAIErrorBody } from "../../formats/openai-chat/openai-chat-error";
import { clientQuotaSchema, clientQuotaView } from "../../quota/quota-view";
import { acceptRequestId } from "../../util/ids";
import type { GatewayRuntime } from "../gateway-runtime";
import { authenticateClient } from "../guards/client-auth";

/**
 * `GET /v1/quota`: what a client key may use and how much quota is left behind it — every enabled account with its
 * windows and reset times, and every enabled combo with the accounts it leads to — as far as the key's permissions
 * reach.
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
      const services = runtime.services;
      // Only what this key may reach: switched-off and blocked providers and combos it may not name are left out.
      const scope = services.apiKeys.scopeOf(auth.keyId);
      const disabled = new Set(services.settings.get().routing.disabledProviders);
      const connections = services.connections.runtime().filter((c) => !disabled.has(c.provider.id) && !scope?.isBlocked(c.provider.id));
      const combos = scope ? services.combos.runtime().filter((combo) => scope.allowsCombo(combo.name)) : services.combos.runtime();
      const body = clientQuotaView(connections, combos, (id) => quota.describe(id), quota.now());
      if (scope) {
        const viaCombos = new Set(body.combos.flatMap((combo) => combo.accounts));
        const direct = new Set(connections.filter((c) => scope.reachesProvider(scopedProviderOf(c))).map((c) => c.id));
        body.accounts = body.accounts.filter((account) => viaCombos.has(account.id) || direct.has(account.id));
      }
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
