import type { RouteTarget } from "../routing/model-router";
import { OAuthRefreshRejected } from "./oauth-types";
import type { TokenManager } from "./token-manager";

/**
 * The request path's OAuth step, for targets whose connection has `oauth` (API-key targets never get here): the
 * target with the account's current runtime view and a token good for the next 30 s (refreshed first if need
 * be), or why it cannot be used now — `reauth` (the provider refused the refresh token) or `token-refresh` (the
 * token has run out and refreshing it failed for now).
 */
export async function prepareOAuthTarget(manager: TokenManager, target: RouteTarget): Promise<{ ok: true; target: RouteTarget } | { ok: false; reason: "reauth" | "token-refresh" }> {
  if (target.connection.authState === "needs-reauth") return { ok: false, reason: "reauth" };
  try {
    // Also swaps in the latest view: the plan may hold one from before another request's refresh.
    const connection = await manager.ensureFresh(target.connection.id);
    return { ok: true, target: connection === target.connection ? target : { ...target, connection } };
  } catch (error) {
    return { ok: false, reason: error instanceof OAuthRefreshRejected ? "reauth" : "token-refresh" };
  }
}
