import { z } from "zod";
import type { ReportedLimit } from "../quota/provider-limits";

/**
 * The tokens of one subscription account. Stored encrypted (connections.oauth_encrypted); `accessToken` is what
 * the upstream request carries, and becomes the connection's runtime credential.
 */
export const tokenSetSchema = z.object({
  accessToken: z.string().min(1),
  /** Null when the provider issues none (then the account re-authenticates when the access token expires). */
  refreshToken: z.string().min(1).nullable(),
  /** Epoch ms when `accessToken` stops working; null = unknown (refreshed only when the upstream refuses it). */
  expiresAt: z.number().int().nullable(),
  idToken: z.string().optional(),
  scope: z.string().optional(),
  /**
   * Provider-specific values a request or a refresh needs, e.g. Codex `accountId` (chatgpt-account-id), Qwen
   * `resourceUrl`, Copilot `githubToken` (the long-lived token the short Copilot token is exchanged from).
   */
  extra: z.record(z.string(), z.string()).default({}),
});
export type TokenSet = z.infer<typeof tokenSetSchema>;

/** What the dashboard may show about an account: never a token. */
export const oauthAccountInfoSchema = z.object({
  accountId: z.string().optional(),
  email: z.string().optional(),
  plan: z.string().optional(),
});
export type OAuthAccountInfo = z.infer<typeof oauthAccountInfoSchema>;

/**
 * Where a module sends its OAuth calls. Production values live in each module's data; tests point them at mock
 * servers (OAuthRegistry.overrideEndpoints). Every URL a module calls comes from here, never from user input.
 */
export type OAuthEndpoints = Readonly<Record<string, string>>;

export interface OAuthContext {
  endpoints: OAuthEndpoints;
  /** fetch for OAuth calls: redirects never followed (`redirect: "manual"` set by the caller's wrapper), timeouts applied. */
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  now(): number;
}

/** An authorization-code flow started: the URL the user opens, and what completing it needs. */
export interface AuthorizationStart {
  authorizeUrl: string;
  state: string;
  /** PKCE code verifier (kept server-side with the flow; never shown). Null for providers without PKCE. */
  verifier: string | null;
  redirectUri: string;
  /**
   * `manual`: the redirect lands on a page of the provider that shows a code (Claude Code), or on a localhost URL
   * that fails to load on a remote machine: the user pastes the code or the whole redirected URL back.
   * `loopback`: the module's redirect URI is a local port the gateway listens on for the flow's life.
   */
  mode: "manual" | "loopback";
  /** For `loopback`: the port the redirect URI names (fixed by the provider's registered client, e.g. 1455). */
  loopbackPort: number | null;
}

export interface DeviceStart {
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  /** Seconds between polls (the provider's, raised on `slow_down`). */
  intervalSeconds: number;
  /** Epoch ms when the device code expires. */
  expiresAt: number;
  /** PKCE verifier for device flows that use one (Qwen). */
  verifier?: string;
}

export type DevicePoll =
  | { status: "pending" }
  | { status: "slow-down" }
  | { status: "done"; tokens: TokenSet }
  | { status: "failed"; message: string };

/** A refresh the provider refused for good (revoked, reused, expired refresh token): the account needs re-auth. */
export class OAuthRefreshRejected extends Error {
  override name = "OAuthRefreshRejected";
}

/** Any other OAuth failure (network, 5xx, malformed answer): worth retrying later; the account keeps its tokens. */
export class OAuthTransientError extends Error {
  override name = "OAuthTransientError";
}

/**
 * One subscription provider's OAuth: how an account is connected, how its tokens are refreshed, how its quota is
 * read. One module per provider in src/oauth/providers/, registered in src/oauth/oauth-registry.ts. The module is
 * pure protocol: storage, scheduling, single-flight and re-auth state are the token manager's.
 */
export interface OAuthProviderModule {
  /** The catalog provider id this module authenticates (src/providers/catalog). */
  providerId: string;
  /** Production endpoints (authorize, token, device, usage, …), by name. */
  endpoints: OAuthEndpoints;
  /** Start an authorization-code flow (absent when the provider only has a device flow). */
  startAuthorization?(ctx: OAuthContext): AuthorizationStart;
  /** Exchange the code the user brought back (already split from `code#state` or the redirected URL). */
  exchangeCode?(ctx: OAuthContext, input: { code: string; state: string; verifier: string | null; redirectUri: string }): Promise<TokenSet>;
  /** Start a device-code flow (absent when the provider only has an authorization-code flow). */
  startDevice?(ctx: OAuthContext): Promise<DeviceStart>;
  pollDevice?(ctx: OAuthContext, device: DeviceStart): Promise<DevicePoll>;
  /** New tokens from the current ones. Throws OAuthRefreshRejected (re-auth needed) or OAuthTransientError. */
  refresh(ctx: OAuthContext, tokens: TokenSet): Promise<TokenSet>;
  /**
   * Accounts whose refreshes must never overlap (single-use rotating refresh tokens under one client id, e.g.
   * Codex): the manager runs one refresh at a time per group. Undefined = per account only.
   */
  rotationGroup?: string;
  /** Refresh this long before `expiresAt` (default 5 minutes). */
  refreshMarginMs?: number;
  /** Showable facts about the account (from the id token or a userinfo call already made). */
  describe(tokens: TokenSet): OAuthAccountInfo;
  /** The provider's own quota figures for the account, as reported limits (utilization and reset times). */
  fetchQuota?(ctx: OAuthContext, tokens: TokenSet): Promise<ReportedLimit[]>;
}
