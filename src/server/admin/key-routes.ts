import { Elysia } from "elysia";
import { z } from "zod";
import { ApiKeyError, apiKeyCreateSchema, apiKeyUpdateSchema, apiKeyViewSchema } from "../../services/api-key-service";
import type { GatewayRuntime } from "../gateway-runtime";
import { ApiError } from "./api-error";

export function keyRoutes(runtime: GatewayRuntime) {
  const apiKeys = runtime.services.apiKeys;
  return new Elysia({ name: "admin:keys", detail: { tags: ["Client API keys"] } })
    .get("/api/keys", () => apiKeys.list(), { response: z.array(apiKeyViewSchema), detail: { summary: "List client API keys (never the secrets)" } })
    .post(
      "/api/keys",
      ({ body, set }) => {
        const { name, ...options } = body;
        const created = rethrowAsApiError(() => apiKeys.create(name, options));
        set.status = 201;
        return created;
      },
      {
        body: apiKeyCreateSchema,
        response: { 201: apiKeyViewSchema.extend({ key: z.string().describe("The secret, shown this once only") }) },
        detail: {
          summary: "Create a client API key; the secret is in this response only",
          description: "Optional: `permissions` (allowed models / providers / combos, blocked providers), `expiresAt`, `rateLimit` {rpm}, `cacheTtlSeconds`.",
        },
      },
    )
    .patch(
      "/api/keys/:id",
      ({ params, body }) => {
        const view = rethrowAsApiError(() => apiKeys.update(params.id, body));
        if (!view) throw new ApiError(404, `API key ${params.id} does not exist.`, "not_found");
        return view;
      },
      {
        params: z.object({ id: z.string().min(1).max(100) }),
        body: apiKeyUpdateSchema,
        response: apiKeyViewSchema,
        detail: { summary: "Change a client API key: name, permissions, expiry, rate limit, response-cache opt-in" },
      },
    )
    .delete(
      "/api/keys/:id",
      ({ params, set }) => {
        if (!apiKeys.revoke(params.id)) throw new ApiError(404, `API key ${params.id} does not exist.`, "not_found");
        set.status = 204;
        return "";
      },
      { params: z.object({ id: z.string().min(1).max(100) }), detail: { summary: "Revoke a client API key" } },
    );
}

function rethrowAsApiError<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    if (error instanceof ApiKeyError) throw new ApiError(400, error.message, "invalid_api_key_settings");
    throw error;
  }
}
