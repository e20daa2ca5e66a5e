import { z } from "zod";
import { reportedWindow, type ReportedLimit } from "../../quota/provider-limits";
import { createPkce, createState } from "../pkce";
import {
  OAuthRefreshRejected,
  OAuthTransientError,
  type AuthorizationStart,
  type OAuthAccountInfo,
  type OAuthContext,
  type OAuthProviderModule,
  type TokenSet,
} from "../oauth-types";
import { codeExchangeRefusal, configuredEndpoint, readJson, refreshTokenGrant, send, sendForm, successJson } from "./oauth-response";

/**
 * OpenAI Codex: ChatGPT subscription accounts (Plus / Pro / Business …) over OpenAI's OAuth, with the public client
 * id of the official Codex CLI. Authorization code + PKCE S256; the only redirect URI that client registers is
 * `http://localhost:1455/auth/callback`, so the flow is `loopback` on port 1455 — on a remote server the browser
 * fails to load that address and the user pastes it back (oauth-flows.ts accepts the whole redirected URL).
 *
 * Wire facts: /work/shared/docs/providers.md §2. Code exchange and refresh are form-urlencoded. Refresh tokens
 * are single-use and rotate, and every account shares the CLI's client id: two refreshes in flight at once can
 * revoke a whole token family (openai/codex#9648), so the module declares one rotation group and the token manager
 * never runs two of its refreshes together.
 */

/** The official CLI's public OAuth client (not a secret: it ships in every copy of the CLI). */
export const CODEX_CLIENT = {
  clientId: "app_EMoamEEZ73f0CkXaXp7hrann",
  redirectUri: "http://localhost:1455/auth/callback",
  loopbackPort: 1455,
  scopes: ["openid", "profile", "email", "offline_access"],
  /** The scope a refresh asks for (what the CLI sends; offline_access is implied by holding a refresh token). */
  refreshScope: "openid profile email",
  originator: "codex_cli_rs",
} as const;

/** Every Codex account refreshes in this one group (shared client id, single-use rotating refresh tokens). */
export const CODEX_ROTATION_GROUP = "openai-codex";

/** Production endpoints; tests replace them through OAuthRegistry.overrideEndpoints. */
export const CODEX_ENDPOINTS = {
  authorize: "https://auth.openai.com/oauth/authorize",
  token: "https://auth.openai.com/oauth/token",
  usage: "https://chatgpt.com/backend-api/wham/usage",
} as const;

/** The namespaced claim of OpenAI's id (and access) tokens that carries the ChatGPT account facts. */
const AUTH_CLAIM = "https://api.openai.com/auth";
const PROFILE_CLAIM = "https://api.openai.com/profile";

/**
 * Refresh refusals that mean the refresh token is gone for good: OpenAI's own codes (the CLI tells the user to log
 * in again on these) and the RFC 6749 one.
 */
const PERMANENT_REFRESH_CODES = new Set(["invalid_grant", "refresh_token_reused", "refresh_token_expired", "refresh_token_invalidated"]);

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  id_token: z.string().min(1).optional(),
  expires_in: z.number().positive().optional(),
  scope: z.string().optional(),
});
type TokenResponse = z.infer<typeof tokenResponseSchema>;

const claimsSchema = z
  .object({
    exp: z.number().optional(),
    email: z.string().optional(),
    [AUTH_CLAIM]: z
      .object({
        chatgpt_account_id: z.string().optional(),
        chatgpt_plan_type: z.string().optional(),
        chatgpt_user_id: z.string().optional(),
      })
      .passthrough()
      .optional(),
    [PROFILE_CLAIM]: z.object({ email: z.string().optional() }).passthrough().optional(),
  })
  .passthrough();
type Claims = z.infer<typeof claimsSchema>;

const usageWindowSchema = z
  .object({
    used_percent: z.number().nullish(),
    limit_window_seconds: z.number().nullish(),
    reset_after_seconds: z.number().nullish(),
    /** Epoch seconds. */
    reset_at: z.number().nullish(),
  })
  .passthrough();
const usageSchema = z
  .object({
    plan_type: z.string().nullish(),
    rate_limit: z
      .object({
        limit_reached: z.boolean().nullish(),
        primary_window: usageWindowSchema.nullish(),
        secondary_window: usageWindowSchema.nullish(),
      })
      .passthrough()
      .nullish(),
  })
  .passthrough();

function endpoint(ctx: OAuthContext, name: keyof typeof CODEX_ENDPOINTS): string {
  return configuredEndpoint(ctx, "codex", name);
}

/**
 * The payload of a JWT, unverified. Only used to read account facts out of tokens we just received over TLS from
 * the token endpoint (the CLI does the same); nothing is authorised on the strength of these claims. Null when the
 * text is not a JWT or its claims are not what OpenAI sends.
 */
export function jwtClaims(token: string | undefined): Claims | null {
  if (!token) return null;
  const parts = token.split(".");
  if (parts.length !== 3 || !parts[1]) return null;
  try {
    const parsed = claimsSchema.safeParse(JSON.parse(Buffer.from(parts[1], "base64url").toString("utf8")));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The account facts the id token (else the access token) carries, as TokenSet `extra` values. */
function accountExtra(idToken: string | undefined, accessToken: string): Record<string, string> {
  const extra: Record<string, string> = {};
  for (const claims of [jwtClaims(accessToken), jwtClaims(idToken)]) {
    if (!claims) continue;
    const auth = claims[AUTH_CLAIM];
    if (auth?.chatgpt_account_id) extra.accountId = auth.chatgpt_account_id;
    if (auth?.chatgpt_plan_type) extra.plan = auth.chatgpt_plan_type;
    const email = claims.email ?? claims[PROFILE_CLAIM]?.email;
    if (email) extra.email = email;
  }
  return extra;
}

/** A token response → TokenSet, keeping what the previous set knew (refresh token, id token, account) when absent. */
function toTokenSet(ctx: OAuthContext, body: TokenResponse, previous: TokenSet | null): TokenSet {
  const idToken = body.id_token ?? previous?.idToken;
  const extra = { ...(previous?.extra ?? {}), ...accountExtra(body.id_token, body.access_token) };
  const scope = body.scope ?? previous?.scope;
  // No expires_in: the access token is a JWT whose `exp` says it.
  const exp = jwtClaims(body.access_token)?.exp;
  const expiresAt = body.expires_in !== undefined ? ctx.now() + Math.round(body.expires_in * 1000) : typeof exp === "number" ? exp * 1000 : null;
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token ?? previous?.refreshToken ?? null,
    expiresAt,
    ...(idToken !== undefined ? { idToken } : {}),
    ...(scope !== undefined ? { scope } : {}),
    extra,
  };
}

async function parseTokenResponse(response: Response, what: string): Promise<TokenResponse> {
  const parsed = tokenResponseSchema.safeParse(await readJson(response));
  if (!parsed.success) throw new OAuthTransientError(`${what} failed: the token response has no access_token`);
  return parsed.data;
}

const ERROR_CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * The error code of an OpenAI auth error body: `{error: "invalid_grant"}` (RFC 6749) or the API shape
 * `{error: {code: "refresh_token_reused", type: "invalid_request_error", message}}` — the code, not the type, says
 * what happened there. Only a short code-shaped string comes back, never echoed text.
 */
export function codexErrorCode(body: unknown): string | null {
  if (!body || typeof body !== "object") return null;
  const error = (body as { error?: unknown; code?: unknown }).error;
  const candidates: unknown[] =
    typeof error === "string"
      ? [error]
      : error && typeof error === "object"
        ? [(error as { code?: unknown }).code, (error as { type?: unknown }).type]
        : [(body as { code?: unknown }).code];
  for (const code of candidates) if (typeof code === "string" && ERROR_CODE.test(code)) return code;
  return null;
}

function startAuthorization(ctx: OAuthContext): AuthorizationStart {
  const { verifier, challenge } = createPkce();
  const state = createState();
  const url = new URL(endpoint(ctx, "authorize"));
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", CODEX_CLIENT.clientId);
  url.searchParams.set("redirect_uri", CODEX_CLIENT.redirectUri);
  url.searchParams.set("scope", CODEX_CLIENT.scopes.join(" "));
  url.searchParams.set("code_challenge", challenge);
  url.searchParams.set("code_challenge_method", "S256");
  // What the CLI sends: organisations in the id token, the simplified consent page, who is asking.
  url.searchParams.set("id_token_add_organizations", "true");
  url.searchParams.set("codex_cli_simplified_flow", "true");
  url.searchParams.set("originator", CODEX_CLIENT.originator);
  url.searchParams.set("state", state);
  // Always the account picker: a browser already signed in would otherwise connect the same account twice.
  url.searchParams.set("prompt", "login");
  return {
    authorizeUrl: url.toString(),
    state,
    verifier,
    redirectUri: CODEX_CLIENT.redirectUri,
    mode: "loopback",
    loopbackPort: CODEX_CLIENT.loopbackPort,
  };
}

async function exchangeCode(
  ctx: OAuthContext,
  input: { code: string; state: string; verifier: string | null; redirectUri: string },
): Promise<TokenSet> {
  const what = "Codex authorization code exchange";
  const response = await sendForm(ctx.fetch, what, endpoint(ctx, "token"), {
    grant_type: "authorization_code",
    code: input.code,
    redirect_uri: input.redirectUri,
    client_id: CODEX_CLIENT.clientId,
    code_verifier: input.verifier ?? "",
  });
  if (!response.ok) throw codeExchangeRefusal(what, response.status, codexErrorCode(await readJson(response)));
  return toTokenSet(ctx, await parseTokenResponse(response, what), null);
}

async function refresh(ctx: OAuthContext, tokens: TokenSet): Promise<TokenSet> {
  const what = "Codex token refresh";
  if (!tokens.refreshToken) throw new OAuthRefreshRejected(`${what}: the account has no refresh token`);
  // Reused / expired / invalidated / invalid_grant: the token (or its whole family) is gone — re-auth.
  const response = await refreshTokenGrant(
    ctx,
    what,
    endpoint(ctx, "token"),
    { refresh_token: tokens.refreshToken, client_id: CODEX_CLIENT.clientId, scope: CODEX_CLIENT.refreshScope },
    { permanentCodes: PERMANENT_REFRESH_CODES, errorCode: codexErrorCode },
  );
  return toTokenSet(ctx, await parseTokenResponse(response, what), tokens);
}

function describe(tokens: TokenSet): OAuthAccountInfo {
  const info: OAuthAccountInfo = {};
  if (tokens.extra.accountId) info.accountId = tokens.extra.accountId;
  if (tokens.extra.email) info.email = tokens.extra.email;
  if (tokens.extra.plan) info.plan = tokens.extra.plan;
  return info;
}

/** `codex-5h` / `codex-7d` from the window's length; by position when the length is absent. */
function windowName(window: z.infer<typeof usageWindowSchema>, fallback: "codex-5h" | "codex-7d"): string {
  const seconds = window.limit_window_seconds;
  if (typeof seconds !== "number" || !Number.isFinite(seconds) || seconds <= 0) return fallback;
  if (seconds === 5 * 3600) return "codex-5h";
  if (seconds === 7 * 86400) return "codex-7d";
  return seconds % 86400 === 0 ? `codex-${seconds / 86400}d` : seconds % 3600 === 0 ? `codex-${seconds / 3600}h` : `codex-${Math.round(seconds / 60)}m`;
}

/** The wham/usage windows as reported limits; `used_percent` is a percentage (0..100), `reset_at` epoch seconds. */
export function codexUsageLimits(body: unknown, now: number): ReportedLimit[] {
  const parsed = usageSchema.safeParse(body);
  if (!parsed.success || !parsed.data.rate_limit) return [];
  const rateLimit = parsed.data.rate_limit;
  const limits: ReportedLimit[] = [];
  const windows: Array<[z.infer<typeof usageWindowSchema> | null | undefined, "codex-5h" | "codex-7d"]> = [
    [rateLimit.primary_window, "codex-5h"],
    [rateLimit.secondary_window, "codex-7d"],
  ];
  for (const [window, fallback] of windows) {
    if (!window || typeof window.used_percent !== "number" || !Number.isFinite(window.used_percent)) continue;
    const resetAt =
      typeof window.reset_at === "number" && window.reset_at > 0
        ? window.reset_at * 1000
        : typeof window.reset_after_seconds === "number" && window.reset_after_seconds > 0
          ? now + window.reset_after_seconds * 1000
          : null;
    limits.push(reportedWindow(windowName(window, fallback), { utilization: window.used_percent / 100, resetAt }, now)!);
  }
  return limits;
}

async function fetchQuota(ctx: OAuthContext, tokens: TokenSet): Promise<ReportedLimit[]> {
  const what = "Codex usage read";
  const headers: Record<string, string> = { authorization: `Bearer ${tokens.accessToken}`, accept: "application/json" };
  if (tokens.extra.accountId) headers["chatgpt-account-id"] = tokens.extra.accountId;
  const response = await send(ctx.fetch, what, endpoint(ctx, "usage"), { method: "GET", headers });
  return codexUsageLimits(await successJson(response, what, codexErrorCode), ctx.now());
}

export const codexOAuth: OAuthProviderModule = {
  providerId: "codex",
  endpoints: CODEX_ENDPOINTS,
  startAuthorization,
  exchangeCode,
  refresh,
  rotationGroup: CODEX_ROTATION_GROUP,
  describe,
  fetchQuota,
};
