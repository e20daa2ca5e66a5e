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
import { codeExchangeRefusal, configuredEndpoint, INVALID_GRANT, oauthErrorCode, parseTime, readJson, refreshTokenGrant, send, successJson } from "./oauth-response";

/**
 * Claude Code subscription accounts (Pro / Max) over Anthropic's OAuth: authorization code + PKCE S256 with the
 * public client id of the official CLI. The only redirect URI that client registers is a page on
 * platform.claude.com that shows `code#state` for the user to paste back, so the flow is always `manual`.
 *
 * Wire facts: /work/shared/docs/providers.md §1b. The code exchange is JSON; the refresh is form-urlencoded with
 * `anthropic-beta: oauth-2025-04-20` (the JSON refresh failed for some accounts, OmniRoute PR #862).
 */

/** The official CLI's public OAuth client (not a secret: it ships in every copy of the CLI). */
export const CLAUDE_CODE_CLIENT = {
  clientId: "9d1c250a-e61b-44d9-88ed-5944d1962f5e",
  redirectUri: "https://platform.claude.com/oauth/code/callback",
  scopes: ["org:create_api_key", "user:profile", "user:inference", "user:sessions:claude_code", "user:mcp_servers"],
  /** The beta flag the OAuth endpoints (refresh, usage) want. */
  oauthBeta: "oauth-2025-04-20",
} as const;

/**
 * Production endpoints. The token URL is the one the current CLI (2.1.x) calls; older clients (and providers.md)
 * name `https://api.anthropic.com/v1/oauth/token` — change it here if Anthropic moves it again. Tests replace all of
 * them through OAuthRegistry.overrideEndpoints.
 */
export const CLAUDE_CODE_ENDPOINTS = {
  authorize: "https://claude.ai/oauth/authorize",
  token: "https://platform.claude.com/v1/oauth/token",
  usage: "https://api.anthropic.com/api/oauth/usage",
} as const;

// The account facts the token response carries (exchange, and usually refresh). All optional: a missing one only
// means the dashboard shows less.
const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive().optional(),
  scope: z.string().optional(),
  account: z.object({ uuid: z.string().optional(), email_address: z.string().optional() }).passthrough().nullish(),
  organization: z.object({ uuid: z.string().optional(), name: z.string().optional() }).passthrough().nullish(),
});
type TokenResponse = z.infer<typeof tokenResponseSchema>;

const usageWindowSchema = z.object({
  utilization: z.number().nullish(),
  resets_at: z.string().nullish(),
});

function endpoint(ctx: OAuthContext, name: keyof typeof CLAUDE_CODE_ENDPOINTS): string {
  return configuredEndpoint(ctx, "claude-code", name);
}

/** A token response → TokenSet, keeping what the previous set knew (refresh token, account facts) when absent. */
function toTokenSet(ctx: OAuthContext, body: TokenResponse, previous: TokenSet | null): TokenSet {
  const extra: Record<string, string> = { ...(previous?.extra ?? {}) };
  if (body.account?.uuid) extra.accountUuid = body.account.uuid;
  if (body.account?.email_address) extra.email = body.account.email_address;
  if (body.organization?.uuid) extra.organizationUuid = body.organization.uuid;
  if (body.organization?.name) extra.organizationName = body.organization.name;
  const refreshToken = body.refresh_token ?? previous?.refreshToken ?? null;
  const scope = body.scope ?? previous?.scope;
  return {
    accessToken: body.access_token,
    refreshToken,
    expiresAt: body.expires_in !== undefined ? ctx.now() + Math.round(body.expires_in * 1000) : null,
    ...(scope !== undefined ? { scope } : {}),
    extra,
  };
}

async function parseTokenResponse(response: Response, what: string): Promise<TokenResponse> {
  const parsed = tokenResponseSchema.safeParse(await readJson(response));
  if (!parsed.success) throw new OAuthTransientError(`${what} failed: the token response has no access_token`);
  return parsed.data;
}

function startAuthorization(ctx: OAuthContext): AuthorizationStart {
  const { verifier, challenge } = createPkce();
  const state = createState();
  const url = new URL(endpoint(ctx, "authorize"));
  // `code=true` asks the page to show the code for pasting (what the CLI sends for its manual login).
  url.searchParams.set("code", "true");
  url.searchParams.set("client_id", CLAUDE_CODE_CLIENT.clientId);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("redirect_uri", CLAUDE_CODE_CLIENT.redirectUri);
  url.searchParams.set("scope", CLAUDE_CODE_CLIENT.scopes.join(" "));
  url.searchParams.set("code_challenge", challenge);
  url.searchParams.set("code_challenge_method", "S256");
  url.searchParams.set("state", state);
  return { authorizeUrl: url.toString(), state, verifier, redirectUri: CLAUDE_CODE_CLIENT.redirectUri, mode: "manual", loopbackPort: null };
}

async function exchangeCode(
  ctx: OAuthContext,
  input: { code: string; state: string; verifier: string | null; redirectUri: string },
): Promise<TokenSet> {
  const what = "Claude authorization code exchange";
  const response = await send(ctx.fetch, what, endpoint(ctx, "token"), {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({
      grant_type: "authorization_code",
      code: input.code,
      state: input.state,
      client_id: CLAUDE_CODE_CLIENT.clientId,
      redirect_uri: input.redirectUri,
      code_verifier: input.verifier ?? "",
    }),
  });
  if (!response.ok) throw codeExchangeRefusal(what, response.status, oauthErrorCode(await readJson(response)));
  return toTokenSet(ctx, await parseTokenResponse(response, what), null);
}

async function refresh(ctx: OAuthContext, tokens: TokenSet): Promise<TokenSet> {
  const what = "Claude token refresh";
  if (!tokens.refreshToken) throw new OAuthRefreshRejected(`${what}: the account has no refresh token`);
  // Only an explicit invalid_grant means the refresh token is gone (revoked, expired, already used).
  const response = await refreshTokenGrant(
    ctx,
    what,
    endpoint(ctx, "token"),
    { refresh_token: tokens.refreshToken, client_id: CLAUDE_CODE_CLIENT.clientId },
    { permanentCodes: INVALID_GRANT, headers: { "anthropic-beta": CLAUDE_CODE_CLIENT.oauthBeta } },
  );
  return toTokenSet(ctx, await parseTokenResponse(response, what), tokens);
}

function describe(tokens: TokenSet): OAuthAccountInfo {
  const info: OAuthAccountInfo = {};
  if (tokens.extra.accountUuid) info.accountId = tokens.extra.accountUuid;
  if (tokens.extra.email) info.email = tokens.extra.email;
  return info;
}

/** `seven_day_sonnet` → `unified-7d-sonnet`: the names Anthropic's `anthropic-ratelimit-unified-*` headers use. */
function windowName(key: string): string | null {
  if (key === "five_hour") return "unified-5h";
  if (key === "seven_day") return "unified-7d";
  const model = /^seven_day_([a-z0-9_]+)$/.exec(key);
  return model ? `unified-7d-${model[1]!.replace(/_/g, "-")}` : null;
}

/** The usage endpoint's windows as reported limits; `utilization` there is a percentage (0..100). */
export function claudeUsageLimits(body: unknown, now: number): ReportedLimit[] {
  if (!body || typeof body !== "object") return [];
  const limits: ReportedLimit[] = [];
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const name = windowName(key);
    if (!name || value === null) continue;
    const parsed = usageWindowSchema.safeParse(value);
    if (!parsed.success || typeof parsed.data.utilization !== "number" || !Number.isFinite(parsed.data.utilization)) continue;
    limits.push(reportedWindow(name, { utilization: parsed.data.utilization / 100, resetAt: parseTime(parsed.data.resets_at) }, now)!);
  }
  return limits;
}

async function fetchQuota(ctx: OAuthContext, tokens: TokenSet): Promise<ReportedLimit[]> {
  const what = "Claude usage read";
  const response = await send(ctx.fetch, what, endpoint(ctx, "usage"), {
    method: "GET",
    headers: { authorization: `Bearer ${tokens.accessToken}`, accept: "application/json", "anthropic-beta": CLAUDE_CODE_CLIENT.oauthBeta },
  });
  return claudeUsageLimits(await successJson(response, what), ctx.now());
}

export const claudeCodeOAuth: OAuthProviderModule = {
  providerId: "claude-code",
  endpoints: CLAUDE_CODE_ENDPOINTS,
  startAuthorization,
  exchangeCode,
  refresh,
  describe,
  fetchQuota,
};
