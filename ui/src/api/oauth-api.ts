import { apiRequest } from "./client";
import type { ProviderConnection } from "./providers-api";

const encodeId = encodeURIComponent;

/** How a subscription provider signs an account in (GET /api/providers, the entry's `oauth`). */
export type OAuthFlowKind = "authorization-code" | "device-code";

/** The catalog entry's `oauth`: present only on providers connected by signing in, not with an API key. */
export interface ProviderOAuth {
  flows: OAuthFlowKind[];
  /** Plain words on the provider's terms of use and the risk of account suspension; shown before the user starts. */
  termsNote: string;
}

/** Expiry times come as epoch ms or ISO text; both are read the same way. */
export type ApiTime = number | string;

/** POST /api/oauth/{providerId}/start (or …/reconnect) for an authorization-code flow. */
export interface AuthorizationCodeStart {
  flowId: string;
  flow: "authorization-code";
  /** The provider's sign-in page: opened by the user in a new tab. */
  authorizeUrl: string;
  /**
   * `manual`: the provider's page ends on a code the user pastes back. `loopback`: the browser is redirected to
   * the gateway itself, which completes the flow; pasting the redirected URL stays possible for remote servers.
   */
  mode: "manual" | "loopback";
  expiresAt: ApiTime;
}

/** POST /api/oauth/{providerId}/start (or …/reconnect) for a device-code flow; the gateway polls the provider. */
export interface DeviceCodeStart {
  flowId: string;
  flow: "device-code";
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  expiresAt: ApiTime;
  intervalSeconds: number;
}

export type OAuthStart = AuthorizationCodeStart | DeviceCodeStart;

/** GET /api/oauth/flows/{flowId}. */
export interface OAuthFlowStatus {
  status: "pending" | "done" | "failed" | "expired";
  connectionId?: string;
  error?: string;
}

/** What the dashboard may know about a signed-in account: never a token. */
export interface OAuthAccountInfo {
  accountId?: string;
  email?: string;
  plan?: string;
}

/** The connection view's `auth`. */
export type ConnectionAuth =
  | { kind: "api-key" }
  | {
      kind: "oauth";
      state: "ok" | "needs-reauth";
      /** Why the last refresh was refused, when the account needs re-auth. */
      error: string | null;
      /** When the current access token expires (it is refreshed before); null when the provider did not say. */
      expiresAt: string | null;
      account: OAuthAccountInfo;
    };

export type OAuthConnectionAuth = Extract<ConnectionAuth, { kind: "oauth" }>;

export interface StartOptions {
  flow?: OAuthFlowKind;
  /** The new connection's name (a new account only; a reconnect keeps the name). */
  name?: string;
}

/** Epoch ms of an API time, or null when it cannot be read. */
export function apiTimeMs(time: ApiTime | null | undefined): number | null {
  if (time === null || time === undefined) return null;
  const ms = typeof time === "number" ? time : Date.parse(time);
  return Number.isFinite(ms) ? ms : null;
}

export function oauthAuth(connection: { auth?: ConnectionAuth }): OAuthConnectionAuth | undefined {
  return connection.auth?.kind === "oauth" ? connection.auth : undefined;
}

export const oauthApi = {
  /** Starts signing a new account in. */
  start: (providerId: string, options: StartOptions = {}) =>
    apiRequest<OAuthStart>("POST", `/api/oauth/${encodeId(providerId)}/start`, { body: options }),
  /** Starts signing an existing account in again: completing it replaces that connection's tokens. */
  reconnect: (connectionId: string, options: Pick<StartOptions, "flow"> = {}) =>
    apiRequest<OAuthStart>("POST", `/api/connections/${encodeId(connectionId)}/reconnect`, { body: options }),
  /** Completes an authorization-code flow with what the user pasted (`code#state`, a bare code or the redirected URL). */
  complete: (flowId: string, input: string) =>
    apiRequest<ProviderConnection>("POST", `/api/oauth/flows/${encodeId(flowId)}/complete`, { body: { input } }),
  status: (flowId: string) => apiRequest<OAuthFlowStatus>("GET", `/api/oauth/flows/${encodeId(flowId)}`),
};
