import { Elysia } from "elysia";
import { z } from "zod";
import type { SettingsPatch } from "../../config/settings-schema";
import { clientAddressOf, decideClientAddress, resolvedClientAddressOf } from "../../security/client-address";
import { NetworkRules, NetworkRulesError, validateNetworkSettings } from "../../security/network-rules";
import type { GatewayRuntime } from "../gateway-runtime";
import { ApiError } from "./api-error";

const networkReportSchema = z.object({
  clientIp: z.string().nullable(),
  viaProxy: z.boolean(),
  apiAllowed: z.boolean(),
  dashboardAllowed: z.boolean(),
  splitPort: z.object({ enabled: z.boolean(), port: z.number().nullable() }),
});

/** `GET /api/security/network`: the caller's address as the gateway sees it, and what the network rules make of it. */
export function securityNetworkRoutes(runtime: GatewayRuntime) {
  return new Elysia({ name: "admin:security-network", detail: { tags: ["Security"] } }).get(
    "/api/security/network",
    ({ request }) => {
      const address = clientAddressOf(request);
      const checked = resolvedClientAddressOf(request) ?? { ip: address.ip, parsed: null };
      return {
        clientIp: address.ip,
        viaProxy: address.viaProxy,
        apiAllowed: runtime.network.allows("api", checked),
        dashboardAllowed: runtime.network.allows("dashboard", checked),
        splitPort: { enabled: runtime.adminListen !== null, port: runtime.adminListen?.port ?? null },
      };
    },
    {
      response: networkReportSchema,
      detail: {
        summary:
          "Your client address as the gateway sees it (X-Forwarded-For believed only from security.trustedProxies), whether the API and dashboard allow / block lists let it in, and split-port mode",
      },
    },
  );
}

/**
 * Checks a `PATCH /api/settings` body's `security` part before it is stored: every address list must compile (400
 * naming the field and the entry), and the new dashboard rules (with the new trusted proxies) must still let in the
 * admin making the change (400 "this would lock you out"). Throws ApiError; call it before `settings.update`.
 */
export function assertNetworkSettingsPatch(runtime: GatewayRuntime, request: Request, patch: SettingsPatch["security"]): void {
  if (!patch) return;
  const next = { ...runtime.services.settings.get().security, ...patch };
  try {
    validateNetworkSettings(next);
  } catch (error) {
    if (error instanceof NetworkRulesError) throw new ApiError(400, error.message, "invalid_network_rule");
    throw error;
  }
  if (!patch.dashboardAccess && !patch.trustedProxies) return;
  // Only a request that came through the server has an address to protect (in-process calls have none).
  const current = resolvedClientAddressOf(request);
  if (!current) return;
  const rules = new NetworkRules(next);
  const address = decideClientAddress(request.headers, request.url.startsWith("https:"), current.peer, rules.trustedProxies);
  if (!rules.allows("dashboard", address)) {
    const ip = address.ip ?? "unknown";
    throw new ApiError(
      400,
      `This would lock you out: your address ${ip}${address.viaProxy ? " (from X-Forwarded-For)" : ""} would not be allowed by the new ` +
        `security.dashboardAccess rules. Add ${ip} (or its network) to dashboardAccess.allow and keep it out of dashboardAccess.block, ` +
        `or make this change from an address that stays allowed.`,
      "would_lock_out",
    );
  }
}
