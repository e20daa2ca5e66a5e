import { z } from "zod";
import { clientProfile } from "../../providers/executors/client-profiles";
import { reportedWindow, type ReportedLimit } from "../../quota/provider-limits";
import { createState } from "../pkce";
import {
  OAuthRefreshRejected,
  OAuthTransientError,
  type AuthorizationStart,
  type OAuthAccountInfo,
  type OAuthContext,
  type OAuthProviderModule,
  type TokenSet,
} from "../oauth-types";
import { codeExchangeRefusal, configuredEndpoint, oauthErrorCode, parseTime, readJson, refreshTokenGrant, refusal, send, sendForm, successJson } from "./oauth-response";

/**
 * Google Antigravity: a Google account's Antigravity (Gemini Code Assist backend, "cloudcode-pa") entitlement, over
 * Google's installed-app OAuth with the public client of the Antigravity IDE.
 *
 * Wire facts: /work/shared/docs/providers.md §4c. Authorization code WITHOUT PKCE and WITHOUT `openid` (adding
 * either hung Google's consent screen for this client), `access_type=offline` + `prompt=consent` so Google issues a
 * refresh token every time. The redirect is the loopback address the Antigravity clients use,
 * `http://localhost:51121/oauth-callback`: the gateway listens there while the flow waits, and on a remote server
 * the user pastes the address the browser failed to load. Code exchange and refresh are form-urlencoded at
 * oauth2.googleapis.com/token with the client's public secret (installed-app clients cannot keep one; it ships in
 * the IDE). Google refresh tokens do not rotate: a refresh answer has none, and a failed refresh never drops it —
 * only `invalid_grant` (revoked / expired) means re-auth.
 *
 * After the token comes the project bootstrap every request needs: `loadCodeAssist` names the account's Cloud Code
 * project (`cloudaicompanionProject`); an account that has none yet is onboarded (`onboardUser`, a long-running
 * operation re-asked until done). The project id is kept in the token set's `extra.projectId`. A bootstrap that
 * fails does not fail the sign-in: the project is re-discovered by the next refresh, which the request path forces
 * when a request finds it missing (src/pipeline/forward-translated.ts).
 */

/** The Antigravity IDE's public OAuth client (not a secret: installed-app clients ship it; see providers.md §4c). */
export const ANTIGRAVITY_CLIENT = {
  clientId: "1071006060591-tmhssin2h21lcre235vtolojh4g403ep.apps.googleusercontent.com",
  clientSecret: "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",
  redirectUri: "http://localhost:51121/oauth-callback",
  loopbackPort: 51121,
  scopes: [
    "https://www.googleapis.com/auth/cloud-platform",
    "https://www.googleapis.com/auth/userinfo.email",
    "https://www.googleapis.com/auth/userinfo.profile",
    "https://www.googleapis.com/auth/cclog",
    "https://www.googleapis.com/auth/experimentsandconfigs",
  ],
} as const;

/** Production endpoints; tests replace them through OAuthRegistry.overrideEndpoints. */
export const ANTIGRAVITY_ENDPOINTS = {
  authorize: "https://accounts.google.com/o/oauth2/v2/auth",
  token: "https://oauth2.googleapis.com/token",
  userinfo: "https://www.googleapis.com/oauth2/v1/userinfo",
  loadCodeAssist: "https://daily-cloudcode-pa.googleapis.com/v1internal:loadCodeAssist",
  onboardUser: "https://daily-cloudcode-pa.googleapis.com/v1internal:onboardUser",
  fetchAvailableModels: "https://daily-cloudcode-pa.googleapis.com/v1internal:fetchAvailableModels",
} as const;

/** What the IDE says about itself to loadCodeAssist / onboardUser. */
const CLIENT_METADATA = { ideType: "ANTIGRAVITY", platform: "PLATFORM_UNSPECIFIED", pluginType: "GEMINI" } as const;

/** onboardUser is a long-running operation: asked again until `done`, this many times, this far apart. */
export const ONBOARD_POLL = { attempts: 6, delayMs: 500 };

/** Only `invalid_grant` says the refresh token is gone (revoked, expired, password changed). */
const PERMANENT_REFRESH_CODES = new Set(["invalid_grant"]);

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  id_token: z.string().min(1).optional(),
  expires_in: z.number().positive().optional(),
  scope: z.string().optional(),
});
type TokenResponse = z.infer<typeof tokenResponseSchema>;

const userinfoSchema = z.object({ email: z.string().optional(), id: z.string().optional() }).passthrough();

/** `cloudaicompanionProject`: a bare id, or `{id, name}`. */
const projectFieldSchema = z.union([z.string(), z.object({ id: z.string().optional() }).passthrough()]).nullish();
const tierSchema = z.object({ id: z.string().optional(), isDefault: z.boolean().optional() }).passthrough();
const loadCodeAssistSchema = z
  .object({
    cloudaicompanionProject: projectFieldSchema,
    currentTier: tierSchema.nullish(),
    paidTier: tierSchema.nullish(),
    allowedTiers: z.array(tierSchema).nullish(),
  })
  .passthrough();
const operationSchema = z
  .object({
    done: z.boolean().nullish(),
    response: z.object({ cloudaicompanionProject: projectFieldSchema }).passthrough().nullish(),
  })
  .passthrough();

const modelQuotaSchema = z
  .object({
    quotaInfo: z
      .object({
        remainingFraction: z.number().nullish(),
        resetTime: z.string().nullish(),
      })
      .passthrough()
      .nullish(),
  })
  .passthrough();
const availableModelsSchema = z.object({ models: z.record(z.string(), modelQuotaSchema).nullish() }).passthrough();

/** A project id usable in a request body: Google's ids (`useful-fuze-abc12`, `projects/123`) and nothing odd. */
const PROJECT_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
/** A model id usable in a limit name. */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function endpoint(ctx: OAuthContext, name: keyof typeof ANTIGRAVITY_ENDPOINTS): string {
  return configuredEndpoint(ctx, "antigravity", name);
}

function startAuthorization(ctx: OAuthContext): AuthorizationStart {
  const state = createState();
  const url = new URL(endpoint(ctx, "authorize"));
  url.searchParams.set("client_id", ANTIGRAVITY_CLIENT.clientId);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("redirect_uri", ANTIGRAVITY_CLIENT.redirectUri);
  url.searchParams.set("scope", ANTIGRAVITY_CLIENT.scopes.join(" "));
  url.searchParams.set("state", state);
  // A refresh token on every sign-in (Google issues one only with offline access on a consent screen).
  url.searchParams.set("access_type", "offline");
  url.searchParams.set("prompt", "consent");
  return { authorizeUrl: url.toString(), state, verifier: null, redirectUri: ANTIGRAVITY_CLIENT.redirectUri, mode: "loopback", loopbackPort: ANTIGRAVITY_CLIENT.loopbackPort };
}

function toTokenSet(ctx: OAuthContext, body: TokenResponse, previous: TokenSet | null): TokenSet {
  const scope = body.scope ?? previous?.scope;
  const idToken = body.id_token ?? previous?.idToken;
  return {
    accessToken: body.access_token,
    // Google never rotates: a refresh answer carries none, the one we hold stays good.
    refreshToken: body.refresh_token ?? previous?.refreshToken ?? null,
    expiresAt: body.expires_in !== undefined ? ctx.now() + Math.round(body.expires_in * 1000) : null,
    ...(idToken !== undefined ? { idToken } : {}),
    ...(scope !== undefined ? { scope } : {}),
    extra: { ...(previous?.extra ?? {}) },
  };
}

async function parseTokenResponse(response: Response, what: string): Promise<TokenResponse> {
  const parsed = tokenResponseSchema.safeParse(await readJson(response));
  if (!parsed.success) throw new OAuthTransientError(`${what} failed: the token response has no access_token`);
  return parsed.data;
}

/** Headers of the Cloud Code calls: the token and the IDE's user agent (client-profiles.json). */
function apiHeaders(accessToken: string): Record<string, string> {
  const profile = clientProfile("antigravity");
  return { ...profile.headers, authorization: `Bearer ${accessToken}`, "content-type": "application/json", accept: "application/json" };
}

function projectIdOf(field: z.infer<typeof projectFieldSchema>): string | null {
  const id = typeof field === "string" ? field : field?.id;
  const trimmed = id?.trim();
  return trimmed && PROJECT_ID.test(trimmed) ? trimmed : null;
}

/** The tier to onboard onto: the one the account is on, else the default allowed one, else the free tier. */
function onboardTier(load: z.infer<typeof loadCodeAssistSchema>): string {
  return load.currentTier?.id ?? load.allowedTiers?.find((tier) => tier.isDefault)?.id ?? "free-tier";
}

/**
 * The account's Cloud Code project and tier: loadCodeAssist, then onboardUser (asked again until its operation is
 * done) when no project is named yet. Throws OAuthTransientError when no project came of it.
 */
export async function discoverProject(ctx: OAuthContext, accessToken: string): Promise<{ projectId: string; tier: string | null }> {
  const what = "Antigravity project lookup (loadCodeAssist)";
  const response = await send(ctx.fetch, what, endpoint(ctx, "loadCodeAssist"), {
    method: "POST",
    headers: apiHeaders(accessToken),
    body: JSON.stringify({ metadata: CLIENT_METADATA }),
  });
  const parsed = loadCodeAssistSchema.safeParse(await successJson(response, what));
  if (!parsed.success) throw new OAuthTransientError(`${what} failed: unreadable answer`);
  const load = parsed.data;
  const tier = load.paidTier?.id ?? load.currentTier?.id ?? null;
  const known = projectIdOf(load.cloudaicompanionProject);
  if (known) return { projectId: known, tier };

  const onboard = "Antigravity onboarding (onboardUser)";
  const tierId = onboardTier(load);
  for (let attempt = 0; attempt < ONBOARD_POLL.attempts; attempt++) {
    if (attempt > 0) await Bun.sleep(ONBOARD_POLL.delayMs);
    const answer = await send(ctx.fetch, onboard, endpoint(ctx, "onboardUser"), {
      method: "POST",
      headers: apiHeaders(accessToken),
      body: JSON.stringify({ tierId, metadata: CLIENT_METADATA }),
    });
    if (!answer.ok) throw refusal(onboard, answer.status, oauthErrorCode(await readJson(answer)), false);
    const operation = operationSchema.safeParse(await readJson(answer));
    if (!operation.success) throw new OAuthTransientError(`${onboard} failed: unreadable answer`);
    if (operation.data.done !== true) continue;
    const projectId = projectIdOf(operation.data.response?.cloudaicompanionProject);
    if (projectId) return { projectId, tier: tier ?? tierId };
    break;
  }
  throw new OAuthTransientError(`${onboard} failed: Google named no project for the account`);
}

/** The email of the account (null when userinfo does not answer: the account is then named without it). */
async function fetchEmail(ctx: OAuthContext, accessToken: string): Promise<string | null> {
  try {
    const response = await send(ctx.fetch, "Google userinfo", `${endpoint(ctx, "userinfo")}?alt=json`, {
      method: "GET",
      headers: { authorization: `Bearer ${accessToken}`, accept: "application/json" },
    });
    if (!response.ok) return null;
    const parsed = userinfoSchema.safeParse(await readJson(response));
    return parsed.success && parsed.data.email ? parsed.data.email : null;
  } catch {
    return null;
  }
}

/** Runs the project bootstrap into `tokens.extra` when the project is missing; a failure leaves it missing. */
async function withProject(ctx: OAuthContext, tokens: TokenSet): Promise<TokenSet> {
  if (tokens.extra.projectId) return tokens;
  try {
    const { projectId, tier } = await discoverProject(ctx, tokens.accessToken);
    return { ...tokens, extra: { ...tokens.extra, projectId, ...(tier ? { plan: tier } : {}) } };
  } catch {
    // Re-discovered on the next refresh (forced by the first request that finds it missing).
    return tokens;
  }
}

async function exchangeCode(
  ctx: OAuthContext,
  input: { code: string; state: string; verifier: string | null; redirectUri: string },
): Promise<TokenSet> {
  const what = "Antigravity authorization code exchange";
  const response = await sendForm(ctx.fetch, what, endpoint(ctx, "token"), {
    grant_type: "authorization_code",
    code: input.code,
    redirect_uri: input.redirectUri,
    client_id: ANTIGRAVITY_CLIENT.clientId,
    client_secret: ANTIGRAVITY_CLIENT.clientSecret,
  });
  if (!response.ok) throw codeExchangeRefusal(what, response.status, oauthErrorCode(await readJson(response)));
  const tokens = toTokenSet(ctx, await parseTokenResponse(response, what), null);
  const email = await fetchEmail(ctx, tokens.accessToken);
  if (email) tokens.extra.email = email;
  return withProject(ctx, tokens);
}

async function refresh(ctx: OAuthContext, tokens: TokenSet): Promise<TokenSet> {
  const what = "Antigravity token refresh";
  if (!tokens.refreshToken) throw new OAuthRefreshRejected(`${what}: the account has no refresh token`);
  // invalid_grant: revoked or expired for good. Anything else (invalid_client, 429, 5xx) keeps the refresh token.
  const response = await refreshTokenGrant(
    ctx,
    what,
    endpoint(ctx, "token"),
    { refresh_token: tokens.refreshToken, client_id: ANTIGRAVITY_CLIENT.clientId, client_secret: ANTIGRAVITY_CLIENT.clientSecret },
    { permanentCodes: PERMANENT_REFRESH_CODES },
  );
  return withProject(ctx, toTokenSet(ctx, await parseTokenResponse(response, what), tokens));
}

function describe(tokens: TokenSet): OAuthAccountInfo {
  const info: OAuthAccountInfo = {};
  if (tokens.extra.projectId) info.accountId = tokens.extra.projectId;
  if (tokens.extra.email) info.email = tokens.extra.email;
  if (tokens.extra.plan) info.plan = tokens.extra.plan;
  return info;
}

/**
 * fetchAvailableModels' per-model quota as reported limits: `model-<id>`, utilization = 1 − remainingFraction,
 * each scoped to its model (`model`), so a spent one closes the account for that model only and the others keep
 * being served. A model without quotaInfo is left out (nothing is known of it).
 */
export function antigravityQuotaLimits(body: unknown, now: number): ReportedLimit[] {
  const parsed = availableModelsSchema.safeParse(body);
  if (!parsed.success || !parsed.data.models) return [];
  const limits: ReportedLimit[] = [];
  for (const [id, model] of Object.entries(parsed.data.models)) {
    const quota = model.quotaInfo;
    if (!quota || !MODEL_ID.test(id)) continue;
    // An absent fraction with a reset time is how the backend reports an exhausted model.
    const fraction = typeof quota.remainingFraction === "number" && Number.isFinite(quota.remainingFraction) ? Math.min(1, Math.max(0, quota.remainingFraction)) : quota.resetTime ? 0 : null;
    if (fraction === null) continue;
    limits.push(reportedWindow(`model-${id}`, { utilization: 1 - fraction, resetAt: parseTime(quota.resetTime), model: id }, now)!);
  }
  return limits;
}

async function fetchQuota(ctx: OAuthContext, tokens: TokenSet): Promise<ReportedLimit[]> {
  const what = "Antigravity quota read (fetchAvailableModels)";
  const projectId = tokens.extra.projectId;
  const response = await send(ctx.fetch, what, endpoint(ctx, "fetchAvailableModels"), {
    method: "POST",
    headers: apiHeaders(tokens.accessToken),
    body: JSON.stringify(projectId ? { project: projectId } : {}),
  });
  return antigravityQuotaLimits(await successJson(response, what), ctx.now());
}

export const antigravityOAuth: OAuthProviderModule = {
  providerId: "antigravity",
  endpoints: ANTIGRAVITY_ENDPOINTS,
  startAuthorization,
  exchangeCode,
  refresh,
  describe,
  fetchQuota,
};
