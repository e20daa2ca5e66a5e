import { Elysia } from "elysia";
import { z } from "zod";
import { healthDetails, healthDetailsSchema } from "../health-details";
import type { GatewayRuntime } from "../gateway-runtime";
import { ApiError } from "./api-error";

const resetBodySchema = z
  .object({ connectionId: z.string().min(1).max(200).optional().describe("One account; without it every account and every provider breaker") })
  .strict();

/** The dashboard's health page: everything at once, and a manual reset of routing penalties. */
export function healthRoutes(runtime: GatewayRuntime) {
  return new Elysia({ name: "admin:health", detail: { tags: ["Status"] } })
    .get("/api/health/details", () => healthDetails(runtime), {
      response: healthDetailsSchema,
      detail: {
        summary: "Uptime, version, memory, every account's and provider's breaker, cool-downs, re-auth flags, rate-limit queues, cache and request-log state",
      },
    })
    .post(
      "/api/health/reset",
      ({ body }) => {
        const connectionId = body?.connectionId;
        if (connectionId !== undefined && !runtime.services.connections.runtime().some((c) => c.id === connectionId)) {
          throw new ApiError(404, `No connection with id "${connectionId}".`, "not_found");
        }
        // Read at call time: the health tracker may be replaced (tests) and must be the one routing consults.
        const accountsReset = runtime.health.reset(connectionId);
        return { accountsReset, providersReset: connectionId === undefined };
      },
      {
        body: resetBodySchema.optional(),
        response: z.object({ accountsReset: z.number().int(), providersReset: z.boolean().describe("Provider breakers were reset too (no connectionId)") }),
        detail: { summary: "Clear cool-downs, re-auth flags and circuit breakers of one account (`{connectionId}`) or of all accounts and providers" },
      },
    );
}
