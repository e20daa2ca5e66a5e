import { randomUUID } from "node:crypto";
import { z } from "zod";
import { createPkce } from "../pkce";
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
import { configuredEndpoint, devicePollOutcome, INVALID_GRANT, oauthErrorCode, readJson, refreshTokenGrant, send, sendForm, successJson } from "./oauth-response";

/**
 * Qwen Code accounts (a qwen.ai login): the device flow of RFC 8628 with PKCE S256 — the challenge goes with the
 * device-code request, the verifier with every token poll — under the public client id of the Qwen Code CLI. The
 * token answer names the API host the account is served from (`resource_url`, e.g. `portal.qwen.ai`); requests go
 * to `https://<resource_url>/v1`. Refresh is the same token endpoint with `grant_type=refresh_token`, and may name
 * another host.
 *
 * Stored TokenSet: `accessToken` / `refreshToken` / `expiresAt` as issued; `extra.resourceUrl` = the `resource_url`
 * as the provider sent it and `extra.apiBase` = the base URL made from it (the connection service uses `apiBase` as
 * the account's base URL). Both are stored only when the host is an https host under qwen.ai or aliyuncs.com: the
 * value comes from a response, and a stray one must not send the account's token anywhere else. `extra.email` /
 * `extra.accountId` come from an `id_token` when the answer carries one (display only).
 *
 * No quota fetcher: providers.md names no quota endpoint for Qwen Code.
 *
 * Wire facts: /work/shared/docs/providers.md §6.
 */

/** The Qwen Code CLI's public OAuth client (not a secret: it ships in every copy of the CLI). */
export const QWEN_CODE_CLIENT = {
  clientId: "f0304373b74a44d2b584a3fb70ca9e56",
  scope: "openid profile email model.completion",
} as const;

/**
 * Production endpoints (the Qwen Code CLI's; OmniRoute's constants name the same paths on `qwen.ai`). Tests replace
 * them through OAuthRegistry.overrideEndpoints.
 */
export const QWEN_CODE_ENDPOINTS = {
  deviceCode: "https://chat.qwen.ai/api/v1/oauth2/device/code",
  token: "https://chat.qwen.ai/api/v1/oauth2/token",
} as const;

/** The domains an account's API host may be under (`resource_url`); anything else is ignored. */
export const QWEN_RESOURCE_DOMAINS = ["qwen.ai", "aliyuncs.com"] as const;

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

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).nullish(),
  expires_in: z.number().positive().nullish(),
  scope: z.string().nullish(),
  resource_url: z.string().nullish(),
  id_token: z.string().min(1).nullish(),
});
type TokenResponse = z.infer<typeof tokenResponseSchema>;

function endpoint(ctx: OAuthContext, name: keyof typeof QWEN_CODE_ENDPOINTS): string {
  return configuredEndpoint(ctx, "qwen-code", name);
}

/** Path characters a real resource URL uses (`/compatible-mode/v1`); anything else is refused rather than escaped. */
const SAFE_PATH = /^[A-Za-z0-9/_.-]*$/;

/**
 * The API base URL for a `resource_url`: `https://<host>[/path]/v1`. The Qwen CLI accepts both a bare host
 * (`portal.qwen.ai`) and a whole URL (`https://dashscope.aliyuncs.com/compatible-mode/v1`), appending `/v1` when it is
 * missing; so does this. Null unless the result is https, on a host under one of QWEN_RESOURCE_DOMAINS, with no
 * credentials, port, query or fragment — like copilotApiBase, a stray value must not redirect the account's token.
 */
export function qwenApiBase(resourceUrl: string | null | undefined): string | null {
  if (typeof resourceUrl !== "string") return null;
  const value = resourceUrl.trim();
  if (value === "" || value.length > 512) return null;
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" || url.username || url.password || url.port || url.search || url.hash) return null;
  if (value.includes("?") || value.includes("#")) return null;
  const host = url.hostname.toLowerCase();
  if (!QWEN_RESOURCE_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`))) return null;
  if (!SAFE_PATH.test(url.pathname)) return null;
  const path = url.pathname.replace(/\/+$/, "");
  return `${url.origin}${path.endsWith("/v1") ? path : `${path}/v1`}`;
}

/** The claims of a JWT's payload, unverified: used only for what the dashboard shows (email, subject). */
function idTokenFacts(idToken: string): Record<string, string> {
  try {
    const payload = idToken.split(".")[1];
    if (!payload) return {};
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    const facts: Record<string, string> = {};
    if (typeof claims.email === "string" && claims.email.length <= 320) facts.email = claims.email;
    if (typeof claims.sub === "string" && claims.sub.length <= 200) facts.accountId = claims.sub;
    return facts;
  } catch {
    return {};
  }
}

/**
 * A token answer → TokenSet. What the answer leaves out is kept from the previous set (refresh token, scope, the
 * API host); a `resource_url` that fails qwenApiBase is ignored, so the account keeps the host it had (or the
 * catalog's, for a new account).
 */
function toTokenSet(ctx: OAuthContext, body: TokenResponse, previous: TokenSet | null): TokenSet {
  const extra: Record<string, string> = { ...(previous?.extra ?? {}) };
  const apiBase = qwenApiBase(body.resource_url);
  if (apiBase && body.resource_url) {
    extra.resourceUrl = body.resource_url.trim();
    extra.apiBase = apiBase;
  }
  if (body.id_token) Object.assign(extra, idTokenFacts(body.id_token));
  const scope = body.scope ?? previous?.scope;
  const idToken = body.id_token ?? previous?.idToken;
  return {
    accessToken: body.access_token,
    refreshToken: body.refresh_token ?? previous?.refreshToken ?? null,
    expiresAt: typeof body.expires_in === "number" ? ctx.now() + Math.round(body.expires_in * 1000) : null,
    ...(scope ? { scope } : {}),
    ...(idToken ? { idToken } : {}),
    extra,
  };
}

async function startDevice(ctx: OAuthContext): Promise<DeviceStart> {
  const what = "Qwen device code request";
  const { verifier, challenge, method } = createPkce();
  const response = await sendForm(
    ctx.fetch,
    what,
    endpoint(ctx, "deviceCode"),
    { client_id: QWEN_CODE_CLIENT.clientId, scope: QWEN_CODE_CLIENT.scope, code_challenge: challenge, code_challenge_method: method },
    // x-request-id: the Qwen CLI tags its device requests with one (a random id, nothing about the account).
    { "x-request-id": randomUUID() },
  );
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
    verifier,
  };
}

async function pollDevice(ctx: OAuthContext, device: DeviceStart): Promise<DevicePoll> {
  if (ctx.now() >= device.expiresAt) return { status: "failed", message: "The device code expired before it was approved" };
  if (!device.verifier) return { status: "failed", message: "The Qwen device sign-in lost its PKCE verifier; start again" };
  const what = "Qwen device token poll";
  const response = await sendForm(ctx.fetch, what, endpoint(ctx, "token"), {
    grant_type: DEVICE_GRANT,
    client_id: QWEN_CODE_CLIENT.clientId,
    device_code: device.deviceCode,
    code_verifier: device.verifier,
  });
  // Qwen answers the pending states with 400 (`slow_down` with 429), as RFC 8628 says: the code decides, not the status.
  const body = await readJson(response);
  const code = oauthErrorCode(body);
  const outcome = devicePollOutcome(what, response.status, code, "qwen.ai");
  if (outcome) return outcome;
  const parsed = tokenResponseSchema.safeParse(body);
  if (!parsed.success) throw new OAuthTransientError(`${what} failed: the answer has no access token`);
  return { status: "done", tokens: toTokenSet(ctx, parsed.data, null) };
}

async function refresh(ctx: OAuthContext, tokens: TokenSet): Promise<TokenSet> {
  const what = "Qwen token refresh";
  if (!tokens.refreshToken) throw new OAuthRefreshRejected(`${what}: the account has no refresh token`);
  // Only an explicit invalid_grant means the refresh token is gone (expired, revoked, already used).
  const response = await refreshTokenGrant(
    ctx,
    what,
    endpoint(ctx, "token"),
    { refresh_token: tokens.refreshToken, client_id: QWEN_CODE_CLIENT.clientId },
    { permanentCodes: INVALID_GRANT },
  );
  const parsed = tokenResponseSchema.safeParse(await readJson(response));
  if (!parsed.success) throw new OAuthTransientError(`${what} failed: the token response has no access_token`);
  return toTokenSet(ctx, parsed.data, tokens);
}

function describe(tokens: TokenSet): OAuthAccountInfo {
  const info: OAuthAccountInfo = {};
  if (tokens.extra.accountId) info.accountId = tokens.extra.accountId;
  if (tokens.extra.email) info.email = tokens.extra.email;
  return info;
}

export const qwenCodeOAuth: OAuthProviderModule = {
  providerId: "qwen-code",
  endpoints: QWEN_CODE_ENDPOINTS,
  startDevice,
  pollDevice,
  refresh,
  describe,
};
