import { Elysia } from "elysia";
import { z } from "zod";
import { quotaWindowsSchema } from "../../quota/quota-config";
import { accountQuotaView, quotaOverviewSchema } from "../../quota/quota-view";
import { connectionViewSchema } from "../../services/connection-service";
import type { GatewayRuntime } from "../gateway-runtime";
import { ApiError } from "./api-error";

const idParams = z.object({ id: z.string().min(1).max(100) });
const connectionParams = z.object({ connectionId: z.string().min(1).max(100) });
const quotaBodySchema = z
  .object({
    windows: quotaWindowsSchema.describe(
      "The account's windows, replacing the current ones ([] removes them). Each: `{ id, window: {kind:'rolling',hours} | {kind:'daily'|'weekly'|'monthly',…}, limits: {requests?, tokens?, usd?}, reservePercent? }`",
    ),
  })
  .strict();

export function quotaRoutes(runtime: GatewayRuntime) {
  const connections = runtime.services.connections;
  return new Elysia({ name: "admin:quota", detail: { tags: ["Quota"] } })
    .get(
      "/api/quota",
      () => {
        const now = runtime.quota.now();
        return {
          now: new Date(now).toISOString(),
          connections: connections.runtime().map((connection) => accountQuotaView(connection, runtime.quota.describe(connection.id), now)),
        };
      },
      {
        response: quotaOverviewSchema,
        detail: {
          summary: "Quota of every connection: each window's usage, limit, remaining and reset countdown, plus what the provider last reported",
        },
      },
    )
    .put(
      "/api/connections/:id/quota",
      ({ params, body }) => {
        if (!connections.get(params.id)) throw new ApiError(404, `Connection ${params.id} does not exist.`, "not_found");
        // Changed windows are recounted from the request log at once (the service's change listener).
        return connections.update(params.id, { quota: body.windows });
      },
      {
        params: idParams,
        body: quotaBodySchema,
        response: connectionViewSchema,
        detail: { summary: "Set a connection's quota windows (rolling N hours, daily, weekly, monthly; requests, tokens or dollars; optional reserve)" },
      },
    )
    .post(
      "/api/quota/:connectionId/reset",
      ({ params, query }) => {
        const connection = connections.getRuntime(params.connectionId);
        if (!connection) throw new ApiError(404, `Connection ${params.connectionId} does not exist.`, "not_found");
        const windowId = query.window;
        if (windowId !== undefined && !(connection.quota ?? []).some((w) => w.id === windowId)) {
          const known = (connection.quota ?? []).map((w) => `'${w.id}'`).join(", ");
          throw new ApiError(404, `Connection ${connection.id} has no quota window '${windowId}'${known ? ` (it has ${known})` : " (it has none)"}.`, "not_found");
        }
        runtime.quota.reset(connection.id, windowId);
        return accountQuotaView(connection, runtime.quota.describe(connection.id), runtime.quota.now());
      },
      {
        params: connectionParams,
        query: z.object({ window: z.string().min(1).max(40).optional().describe("Reset only this window; without it every window and the provider's last report") }),
        response: quotaOverviewSchema.shape.connections.element,
        detail: { summary: "Reset a connection's quota now: its usage so far no longer counts (survives restarts)" },
      },
    );
}
