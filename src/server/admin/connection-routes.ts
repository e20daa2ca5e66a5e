import { Elysia } from "elysia";
import { z } from "zod";
import { testConnection } from "../../providers/connection-test";
import { providerDefinitionSchema } from "../../providers/provider-schema";
import { connectionCreateSchema, connectionUpdateSchema, connectionViewSchema } from "../../services/connection-service";
import type { GatewayRuntime } from "../gateway-runtime";
import { ApiError } from "./api-error";

const idParams = z.object({ id: z.string().min(1).max(100) });
const testResultSchema = z.object({
  ok: z.boolean(),
  latencyMs: z.number(),
  method: z.enum(["models", "chat"]),
  modelCount: z.number().optional(),
  error: z.string().optional(),
});

export function providerRoutes(runtime: GatewayRuntime) {
  const settings = runtime.services.settings;
  return new Elysia({ name: "admin:providers", detail: { tags: ["Providers"] } })
    .get(
      "/api/providers",
      () => {
        const disabled = new Set(settings.get().routing.disabledProviders);
        return runtime.services.registry.list().map((provider) => ({ ...provider, enabled: !disabled.has(provider.id) }));
      },
      {
        response: z.array(providerDefinitionSchema.extend({ enabled: z.boolean() })),
        detail: { summary: "Built-in provider catalog (ids, aliases, base URLs, models, prices) and whether each is switched on" },
      },
    )
    .patch(
      "/api/providers/:id",
      ({ params, body }) => {
        if (!runtime.services.registry.get(params.id)) throw new ApiError(404, `Provider ${params.id} does not exist. GET /api/providers lists them.`, "not_found");
        const current = settings.get().routing.disabledProviders.filter((id) => id !== params.id);
        settings.update({ routing: { disabledProviders: body.enabled ? current : [...current, params.id] } });
        // Takes effect for the next request; requests in flight keep their upstream.
        runtime.router.rebuild();
        return { id: params.id, enabled: body.enabled };
      },
      {
        params: idParams,
        body: z.object({ enabled: z.boolean() }).strict(),
        response: z.object({ id: z.string(), enabled: z.boolean() }),
        detail: { summary: "Switch a whole provider off or on (all its connections), at once and without a restart" },
      },
    );
}

export function connectionRoutes(runtime: GatewayRuntime) {
  const connections = runtime.services.connections;
  return new Elysia({ name: "admin:connections", detail: { tags: ["Connections"] } })
    .get("/api/connections", () => connections.list(), {
      response: z.array(connectionViewSchema),
      detail: { summary: "List connections (accounts); API keys are never returned" },
    })
    .post(
      "/api/connections",
      async ({ body, set }) => {
        // The checked variant also resolves the host: a name that points at a metadata address is refused.
        const created = await connections.createChecked(body);
        set.status = 201;
        return created;
      },
      { body: connectionCreateSchema, detail: { summary: "Connect a provider account" } },
    )
    .get(
      "/api/connections/:id",
      ({ params }) => {
        const view = connections.get(params.id);
        if (!view) throw new ApiError(404, `Connection ${params.id} does not exist.`, "not_found");
        return view;
      },
      { params: idParams, detail: { summary: "One connection" } },
    )
    .patch(
      "/api/connections/:id",
      async ({ params, body }) => {
        const view = await connections.updateChecked(params.id, body);
        // An edited account (new key, re-enabled, new URL) gets a clean slate: no cool-down, re-auth flag or open breaker.
        runtime.health.forget(params.id);
        return view;
      },
      {
      params: idParams,
      body: connectionUpdateSchema,
      detail: { summary: "Change a connection (send apiKey to replace the key, null to remove an optional one); clears its routing penalties" },
    },
    )
    .delete(
      "/api/connections/:id",
      ({ params, set }) => {
        if (!connections.delete(params.id)) throw new ApiError(404, `Connection ${params.id} does not exist.`, "not_found");
        runtime.health.forget(params.id);
        set.status = 204;
        return "";
      },
      { params: idParams, detail: { summary: "Delete a connection" } },
    )
    .post(
      "/api/connections/:id/test",
      async ({ params }) => {
        const runtimeConnection = connections.getRuntime(params.id);
        if (!runtimeConnection) throw new ApiError(404, `Connection ${params.id} does not exist.`, "not_found");
        // A subscription account is tested the way requests use it: with its token refreshed first if it has run out.
        const fresh = runtimeConnection.oauth ? await runtime.oauth.ensureFresh(params.id).catch((error: Error) => error) : runtimeConnection;
        const { models, ...result } =
          fresh instanceof Error ? { ok: false, latencyMs: 0, method: "models" as const, error: `Could not refresh the sign-in: ${fresh.message}` } : await testConnection(fresh);
        connections.recordTest(params.id, result, models);
        // A passing test proves the key works again.
        if (result.ok) runtime.health.forget(params.id);
        // A failing one is worth a line in the console log (the dashboard's console viewer shows it).
        else runtime.consoleLog.child("connections").warn(`connection test failed: ${runtimeConnection.name}`, { connectionId: params.id, providerId: runtimeConnection.provider.id, error: result.error ?? null });
        return result;
      },
      {
        params: idParams,
        response: testResultSchema,
        detail: { summary: "Test a connection: GET /models, or a one-token chat completion where there is none" },
      },
    );
}
