import { z } from "zod";
import type { ReportedLimit } from "../../quota/provider-limits";
import {
  OAuthRefreshRejected,
  OAuthTransientError,
  type DevicePoll,
  type DeviceStart,
  type OAuthAccountInfo,
  type OAuthContext,
  type OAuthProviderModule,
  type TokenSet,
} from "../oauth-types";
import { copilotGitHubHeaders } from "./copilot-headers";
import { configuredEndpoint, devicePollOutcome, oauthErrorCode, parseTime, readJson, refusal, send, sendForm, successJson } from "./oauth-response";

/**
 * GitHub Copilot accounts: GitHub's device flow (RFC 8628) with the public client id of the Copilot editor
 * plugins gives a long-lived GitHub token; that token is exchanged at `copilot_internal/v2/token` for a Copilot
 * token that lives minutes and is what chat requests carry. "Refreshing" is exchanging again.
 *
 * Stored TokenSet: `accessToken` = the Copilot token; `refreshToken` = the GitHub token (so the token manager knows a
 * refresh is possible), also kept as `extra.githubToken` (the name the exchange and the quota read look for);
 * `extra.login` = the GitHub login read once when the account is connected.
 *
 * Wire facts: /work/shared/docs/providers.md §3.
 */

/** The Copilot plugins' public OAuth app (not a secret: it ships in every copy of the plugin). */
export const GITHUB_COPILOT_CLIENT = {
  clientId: "Iv1.b507a08c87ecfe98",
  scope: "read:user",
} as const;

/** Production endpoints; tests replace them through OAuthRegistry.overrideEndpoints. */
export const GITHUB_COPILOT_ENDPOINTS = {
  deviceCode: "https://github.com/login/device/code",
  accessToken: "https://github.com/login/oauth/access_token",
  copilotToken: "https://api.github.com/copilot_internal/v2/token",
  user: "https://api.github.com/user",
  quota: "https://api.github.com/copilot_internal/user",
} as const;

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
/** RFC 8628 §3.2: without an `interval` the client waits 5 s between polls. */
const DEFAULT_INTERVAL_SECONDS = 5;

const deviceCodeSchema = z.object({
  device_code: z.string().min(1),
  user_code: z.string().min(1),
  verification_uri: z.string().min(1),
  verification_uri_complete: z.string().optional(),
  expires_in: z.number().positive(),
  interval: z.number().nonnegative().optional(),
});

const accessTokenSchema = z.object({ access_token: z.string().min(1), scope: z.string().optional() });

const copilotTokenSchema = z.object({
  token: z.string().min(1),
  expires_at: z.number().positive().optional(),
  sku: z.string().optional(),
  endpoints: z.object({ api: z.string().optional() }).passthrough().optional(),
});

const userSchema = z.object({ login: z.string().min(1), email: z.string().nullish() });

const quotaDetailSchema = z.object({
  entitlement: z.number().nullish(),
  remaining: z.number().nullish(),
  percent_remaining: z.number().nullish(),
  unlimited: z.boolean().nullish(),
  overage_permitted: z.boolean().nullish(),
});
const quotaSchema = z.object({
  copilot_plan: z.string().nullish(),
  quota_reset_date: z.string().nullish(),
  quota_reset_date_utc: z.string().nullish(),
  quota_snapshots: z.record(z.string(), z.unknown()).nullish(),
});

function endpoint(ctx: OAuthContext, name: keyof typeof GITHUB_COPILOT_ENDPOINTS): string {
  return configuredEndpoint(ctx, "github-copilot", name);
}

/** The GitHub token a set was exchanged from (extra first: the refresh token mirrors it). */
function githubToken(tokens: TokenSet): string | null {
  return tokens.extra.githubToken ?? tokens.refreshToken ?? null;
}

/**
 * The API host a business / enterprise plan names in the exchange answer (`endpoints.api`), kept only when it is an
 * https URL under githubcopilot.com: the executor may use it, and a stray value must not redirect requests.
 */
function copilotApiBase(value: string | undefined): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    const host = url.hostname.toLowerCase();
    if (url.protocol !== "https:" || url.username || url.password) return null;
    return host === "githubcopilot.com" || host.endsWith(".githubcopilot.com") ? url.origin : null;
  } catch {
    return null;
  }
}

/** GitHub token → Copilot token. 401/403: the GitHub token is revoked or the account has no Copilot access. */
async function exchange(ctx: OAuthContext, ghToken: string, extra: Record<string, string>): Promise<TokenSet> {
  const what = "Copilot token exchange";
  const response = await send(ctx.fetch, what, endpoint(ctx, "copilotToken"), {
    method: "GET",
    headers: { ...copilotGitHubHeaders(), authorization: `token ${ghToken}` },
  });
  if (!response.ok) {
    const permanent = response.status === 401 || response.status === 403;
    throw refusal(what, response.status, oauthErrorCode(await readJson(response)), permanent);
  }
  const parsed = copilotTokenSchema.safeParse(await readJson(response));
  if (!parsed.success) throw new OAuthTransientError(`${what} failed: the answer has no token`);
  const next: Record<string, string> = { ...extra, githubToken: ghToken };
  if (parsed.data.sku) next.plan = parsed.data.sku;
  const api = copilotApiBase(parsed.data.endpoints?.api);
  if (api) next.apiBase = api;
  else delete next.apiBase;
  return {
    accessToken: parsed.data.token,
    refreshToken: ghToken,
    // expires_at is epoch seconds.
    expiresAt: parsed.data.expires_at !== undefined ? Math.round(parsed.data.expires_at * 1000) : null,
    extra: next,
  };
}

async function startDevice(ctx: OAuthContext): Promise<DeviceStart> {
  const what = "GitHub device code request";
  const response = await sendForm(ctx.fetch, what, endpoint(ctx, "deviceCode"), { client_id: GITHUB_COPILOT_CLIENT.clientId, scope: GITHUB_COPILOT_CLIENT.scope });
  const parsed = deviceCodeSchema.safeParse(await successJson(response, what));
  if (!parsed.success) throw new OAuthTransientError(`${what} failed: the answer has no device code`);
  const body = parsed.data;
  return {
    deviceCode: body.device_code,
    userCode: body.user_code,
    verificationUri: body.verification_uri,
    ...(body.verification_uri_complete ? { verificationUriComplete: body.verification_uri_complete } : {}),
    intervalSeconds: body.interval ?? DEFAULT_INTERVAL_SECONDS,
    expiresAt: ctx.now() + Math.round(body.expires_in * 1000),
  };
}

/** The GitHub login (and public email) for the dashboard; best effort: the account works without it. */
async function readUser(ctx: OAuthContext, ghToken: string): Promise<Record<string, string>> {
  try {
    const response = await ctx.fetch(endpoint(ctx, "user"), {
      method: "GET",
      headers: { ...copilotGitHubHeaders(), accept: "application/vnd.github+json", authorization: `token ${ghToken}` },
    });
    if (!response.ok) return {};
    const parsed = userSchema.safeParse(await readJson(response));
    if (!parsed.success) return {};
    return { login: parsed.data.login, ...(parsed.data.email ? { email: parsed.data.email } : {}) };
  } catch {
    return {};
  }
}

async function pollDevice(ctx: OAuthContext, device: DeviceStart): Promise<DevicePoll> {
  if (ctx.now() >= device.expiresAt) return { status: "failed", message: "The device code expired before it was approved" };
  const what = "GitHub device token poll";
  const response = await sendForm(ctx.fetch, what, endpoint(ctx, "accessToken"), {
    client_id: GITHUB_COPILOT_CLIENT.clientId,
    device_code: device.deviceCode,
    grant_type: DEVICE_GRANT,
  });
  // GitHub answers the pending states with 200 and an `error` field; other servers use 400 (RFC 8628): read both.
  const body = await readJson(response);
  const code = oauthErrorCode(body);
  const outcome = devicePollOutcome(what, response.status, code, "GitHub");
  if (outcome) return outcome;
  const parsed = accessTokenSchema.safeParse(body);
  if (!parsed.success) throw new OAuthTransientError(`${what} failed: the answer has no access token`);

  // The device code is used up now: a failed exchange cannot be retried by polling again, so it ends the flow.
  let tokens: TokenSet;
  try {
    tokens = await exchange(ctx, parsed.data.access_token, {});
  } catch (error) {
    if (error instanceof OAuthRefreshRejected) {
      return { status: "failed", message: "This GitHub account has no Copilot access (the Copilot token exchange was refused)" };
    }
    return { status: "failed", message: error instanceof Error ? error.message : "Copilot token exchange failed" };
  }
  const user = await readUser(ctx, parsed.data.access_token);
  return {
    status: "done",
    tokens: { ...tokens, ...(parsed.data.scope !== undefined ? { scope: parsed.data.scope } : {}), extra: { ...tokens.extra, ...user } },
  };
}

async function refresh(ctx: OAuthContext, tokens: TokenSet): Promise<TokenSet> {
  const ghToken = githubToken(tokens);
  if (!ghToken) throw new OAuthRefreshRejected("Copilot token exchange: the account has no GitHub token");
  const next = await exchange(ctx, ghToken, tokens.extra);
  return tokens.scope !== undefined ? { ...next, scope: tokens.scope } : next;
}

function describe(tokens: TokenSet): OAuthAccountInfo {
  const info: OAuthAccountInfo = {};
  if (tokens.extra.login) info.accountId = tokens.extra.login;
  if (tokens.extra.email) info.email = tokens.extra.email;
  if (tokens.extra.plan) info.plan = tokens.extra.plan;
  return info;
}

/** One quota snapshot as a reported limit; null when it is unlimited or says nothing. */
function snapshotLimit(name: string, value: unknown, resetAt: number | null): ReportedLimit | null {
  const parsed = quotaDetailSchema.safeParse(value);
  if (!parsed.success || parsed.data.unlimited === true) return null;
  const { entitlement, remaining, percent_remaining: percent, overage_permitted: overage } = parsed.data;
  const limit = typeof entitlement === "number" && entitlement > 0 ? entitlement : null;
  const left = typeof remaining === "number" ? remaining : null;
  const utilization =
    limit !== null && left !== null ? Math.max(0, 1 - left / limit) : typeof percent === "number" ? Math.max(0, 1 - percent / 100) : null;
  if (limit === null && left === null && utilization === null) return null;
  return {
    name,
    limit,
    remaining: left !== null ? Math.max(0, left) : null,
    utilization,
    resetAt,
    // With paid overage enabled the account keeps working past its allowance (billed): not closed.
    spent: overage !== true && ((left !== null && left <= 0) || (utilization !== null && utilization >= 1)),
  };
}

/** `copilot_internal/user` → premium interactions (and chat when the plan limits it); unlimited → none. */
export function copilotQuotaLimits(body: unknown, now: number): ReportedLimit[] {
  const parsed = quotaSchema.safeParse(body);
  if (!parsed.success || !parsed.data.quota_snapshots) return [];
  const reset = parseTime(parsed.data.quota_reset_date_utc) ?? parseTime(parsed.data.quota_reset_date);
  const resetAt = reset !== null && reset > now ? reset : null;
  const snapshots = parsed.data.quota_snapshots;
  const limits: ReportedLimit[] = [];
  for (const [key, name] of [
    ["premium_interactions", "premium-interactions"],
    ["chat", "chat"],
  ] as const) {
    const limit = snapshotLimit(name, snapshots[key], resetAt);
    if (limit) limits.push(limit);
  }
  return limits;
}

async function fetchQuota(ctx: OAuthContext, tokens: TokenSet): Promise<ReportedLimit[]> {
  const what = "Copilot quota read";
  const ghToken = githubToken(tokens);
  if (!ghToken) return [];
  const response = await send(ctx.fetch, what, endpoint(ctx, "quota"), {
    method: "GET",
    headers: { ...copilotGitHubHeaders(), authorization: `token ${ghToken}` },
  });
  return copilotQuotaLimits(await successJson(response, what), ctx.now());
}

export const githubCopilotOAuth: OAuthProviderModule = {
  providerId: "github-copilot",
  endpoints: GITHUB_COPILOT_ENDPOINTS,
  startDevice,
  pollDevice,
  refresh,
  describe,
  fetchQuota,
};
