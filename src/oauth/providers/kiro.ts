import { z } from "zod";
import { reportedWindow, type ReportedLimit } from "../../quota/provider-limits";
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
import { configuredEndpoint, devicePollOutcome, readJson, refreshRefusal, refusal, send, successJson } from "./oauth-response";

/**
 * Kiro (Amazon Q Developer / CodeWhisperer) accounts through an AWS Builder ID: the AWS SSO OIDC device flow.
 *
 * 1. `POST /client/register` registers a public OIDC client for this gateway (`clientName`, `clientType:"public"`,
 *    the CodeWhisperer scopes, grant types device_code + refresh_token). AWS answers a `clientId` and a
 *    `clientSecret` (valid ~90 days); refreshes need both, so they are kept in the TokenSet's `extra` (encrypted with
 *    the tokens). During the flow they travel in DeviceStart's `verifier` field — the flow state kept server-side
 *    and never shown — because DeviceStart has no other place for a flow secret.
 * 2. `POST /device_authorization` (`clientId`, `clientSecret`, `startUrl` = the Builder ID portal) → device code,
 *    user code, verification URI.
 * 3. `POST /token` with `grantType: urn:ietf:params:oauth:grant-type:device_code` until approved; the pending states
 *    come as 400 `authorization_pending` / `slow_down` / `expired_token` / `access_denied` (the `error` field, or the
 *    AWS exception name in `__type` / `x-amzn-errortype`).
 * Refresh: `POST /token` `grantType: refresh_token` with the registered client; `invalid_grant` (or a client whose
 * secret expired: `invalid_client`) means the account must sign in again.
 *
 * Quota: `GET getUsageLimits?origin=AI_EDITOR&resourceType=AGENTIC_REQUEST` → one ReportedLimit per resource of
 * `usageBreakdownList` (used/limit, free-trial bucket added while active, reset at `nextDateReset`).
 *
 * Regions: Builder ID lives in us-east-1, so the endpoints below are fixed data. Any region that does reach a URL
 * (kiroOidcEndpoints, for IAM Identity Center accounts) is checked against KIRO_REGION first: a region is
 * interpolated into a host name, and a value like `x.evil.example#` would send the account's tokens elsewhere
 * (GHSA-6mwv-4mrm-5p3m).
 *
 * Wire facts: /work/shared/docs/providers.md §5.
 */

/** The AWS region shape (`us-east-1`, `eu-central-1`, `ap-southeast-2`); nothing else goes into a host name. */
export const KIRO_REGION = /^[a-z]{2}-[a-z]+-\d{1,2}$/;

export function isValidRegion(region: unknown): region is string {
  return typeof region === "string" && KIRO_REGION.test(region);
}

/** The AWS SSO OIDC endpoints of a region; throws on a region that is not region-shaped. */
export function kiroOidcEndpoints(region: string): { register: string; deviceAuthorization: string; token: string } {
  if (!isValidRegion(region)) throw new OAuthTransientError("kiro: refusing a malformed AWS region");
  const base = `https://oidc.${region}.amazonaws.com`;
  return { register: `${base}/client/register`, deviceAuthorization: `${base}/device_authorization`, token: `${base}/token` };
}

/** Production endpoints (Builder ID: us-east-1). Tests replace them through OAuthRegistry.overrideEndpoints. */
export const KIRO_ENDPOINTS = {
  ...kiroOidcEndpoints("us-east-1"),
  usageLimits: "https://codewhisperer.us-east-1.amazonaws.com/getUsageLimits",
} as const;

/** What the gateway registers as (the Kiro IDE registers the same scopes under its own name). */
export const KIRO_CLIENT = {
  clientName: "OmniRoute",
  clientType: "public",
  scopes: ["codewhisperer:completions", "codewhisperer:analysis", "codewhisperer:conversations"],
  grantTypes: ["urn:ietf:params:oauth:grant-type:device_code", "refresh_token"],
  /** The AWS Builder ID portal: the start URL of every Builder ID sign-in. */
  startUrl: "https://view.awsapps.com/start",
} as const;

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";
const DEFAULT_INTERVAL_SECONDS = 5;
const JSON_HEADERS = { "content-type": "application/json", accept: "application/json" } as const;

const registerSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  clientSecretExpiresAt: z.number().optional(),
});
const deviceSchema = z.object({
  deviceCode: z.string().min(1),
  userCode: z.string().min(1),
  verificationUri: z.string().min(1),
  verificationUriComplete: z.string().optional(),
  expiresIn: z.number().positive(),
  interval: z.number().nonnegative().optional(),
});
const tokenSchema = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).nullish(),
  expiresIn: z.number().positive().nullish(),
  idToken: z.string().min(1).nullish(),
});
type TokenAnswer = z.infer<typeof tokenSchema>;

/** The registered client as the flow carries it (DeviceStart.verifier) and the TokenSet keeps it (`extra`). */
const clientSchema = z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1), clientSecretExpiresAt: z.string().optional() });
type RegisteredClient = z.infer<typeof clientSchema>;

function endpoint(ctx: OAuthContext, name: keyof typeof KIRO_ENDPOINTS): string {
  return configuredEndpoint(ctx, "kiro", name);
}

const CODE = /^[A-Za-z0-9_.:-]{1,64}$/;

/**
 * The error of an AWS OIDC answer, as an RFC 6749 code: `{error: "authorization_pending"}`, or the exception name
 * (`{__type: "…#AuthorizationPendingException"}`, header `x-amzn-errortype`) mapped to it. Code-shaped strings only.
 */
export function awsOidcError(body: unknown, headers: Headers): string | null {
  const record = body && typeof body === "object" ? (body as Record<string, unknown>) : {};
  if (typeof record.error === "string" && CODE.test(record.error)) return record.error;
  const typeName = typeof record.__type === "string" ? record.__type : (headers.get("x-amzn-errortype") ?? "");
  const exception = typeName.split("#").pop()!.split(":")[0]!.trim();
  const mapped: Record<string, string> = {
    AuthorizationPendingException: "authorization_pending",
    SlowDownException: "slow_down",
    ExpiredTokenException: "expired_token",
    AccessDeniedException: "access_denied",
    InvalidGrantException: "invalid_grant",
    InvalidClientException: "invalid_client",
    UnauthorizedClientException: "unauthorized_client",
  };
  if (mapped[exception]) return mapped[exception];
  return CODE.test(exception) ? exception : null;
}

async function post(ctx: OAuthContext, what: string, url: string, body: unknown): Promise<{ response: Response; json: unknown; code: string | null }> {
  const response = await send(ctx.fetch, what, url, { method: "POST", headers: JSON_HEADERS, body: JSON.stringify(body) });
  const json = await readJson(response);
  return { response, json, code: response.ok ? null : awsOidcError(json, response.headers) };
}

/** The email of an id token, unverified (display only). */
function emailOf(idToken: string | null | undefined): string | null {
  if (!idToken) return null;
  try {
    const claims = JSON.parse(Buffer.from(idToken.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
    return typeof claims.email === "string" && claims.email.length <= 320 ? claims.email : null;
  } catch {
    return null;
  }
}

function toTokenSet(ctx: OAuthContext, answer: TokenAnswer, client: RegisteredClient, previous: TokenSet | null): TokenSet {
  const extra: Record<string, string> = { ...(previous?.extra ?? {}), clientId: client.clientId, clientSecret: client.clientSecret, region: "us-east-1" };
  if (client.clientSecretExpiresAt) extra.clientSecretExpiresAt = client.clientSecretExpiresAt;
  const email = emailOf(answer.idToken);
  if (email) extra.email = email;
  return {
    accessToken: answer.accessToken,
    refreshToken: answer.refreshToken ?? previous?.refreshToken ?? null,
    expiresAt: typeof answer.expiresIn === "number" ? ctx.now() + Math.round(answer.expiresIn * 1000) : null,
    ...(answer.idToken ? { idToken: answer.idToken } : previous?.idToken ? { idToken: previous.idToken } : {}),
    extra,
  };
}

async function startDevice(ctx: OAuthContext): Promise<DeviceStart> {
  const registered = await post(ctx, "Kiro client registration", endpoint(ctx, "register"), {
    clientName: KIRO_CLIENT.clientName,
    clientType: KIRO_CLIENT.clientType,
    scopes: KIRO_CLIENT.scopes,
    grantTypes: KIRO_CLIENT.grantTypes,
    issuerUrl: KIRO_CLIENT.startUrl,
  });
  if (!registered.response.ok) throw refusal("Kiro client registration", registered.response.status, registered.code, false);
  const client = registerSchema.safeParse(registered.json);
  if (!client.success) throw new OAuthTransientError("Kiro client registration failed: the answer has no client id");
  const what = "Kiro device authorization";
  const started = await post(ctx, what, endpoint(ctx, "deviceAuthorization"), {
    clientId: client.data.clientId,
    clientSecret: client.data.clientSecret,
    startUrl: KIRO_CLIENT.startUrl,
  });
  if (!started.response.ok) throw refusal(what, started.response.status, started.code, false);
  const device = deviceSchema.safeParse(started.json);
  if (!device.success) throw new OAuthTransientError(`${what} failed: the answer has no device code`);
  const carried: RegisteredClient = {
    clientId: client.data.clientId,
    clientSecret: client.data.clientSecret,
    // AWS gives epoch seconds.
    ...(client.data.clientSecretExpiresAt ? { clientSecretExpiresAt: String(Math.round(client.data.clientSecretExpiresAt * 1000)) } : {}),
  };
  return {
    deviceCode: device.data.deviceCode,
    userCode: device.data.userCode,
    verificationUri: device.data.verificationUri,
    ...(device.data.verificationUriComplete ? { verificationUriComplete: device.data.verificationUriComplete } : {}),
    intervalSeconds: device.data.interval ?? DEFAULT_INTERVAL_SECONDS,
    expiresAt: ctx.now() + Math.round(device.data.expiresIn * 1000),
    verifier: JSON.stringify(carried),
  };
}

function carriedClient(device: DeviceStart): RegisteredClient | null {
  try {
    const parsed = clientSchema.safeParse(JSON.parse(device.verifier ?? ""));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

async function pollDevice(ctx: OAuthContext, device: DeviceStart): Promise<DevicePoll> {
  if (ctx.now() >= device.expiresAt) return { status: "failed", message: "The device code expired before it was approved" };
  const client = carriedClient(device);
  if (!client) return { status: "failed", message: "The Kiro sign-in lost its registered client; start again" };
  const what = "Kiro device token poll";
  const { response, json, code } = await post(ctx, what, endpoint(ctx, "token"), {
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    grantType: DEVICE_GRANT,
    deviceCode: device.deviceCode,
  });
  const outcome = devicePollOutcome(what, response.status, code, "the AWS Builder ID page");
  if (outcome) return outcome;
  const parsed = tokenSchema.safeParse(json);
  if (!parsed.success) throw new OAuthTransientError(`${what} failed: the answer has no access token`);
  return { status: "done", tokens: toTokenSet(ctx, parsed.data, client, null) };
}

const KIRO_PERMANENT_REFRESH_CODES = new Set(["invalid_grant", "invalid_client"]);

async function refresh(ctx: OAuthContext, tokens: TokenSet): Promise<TokenSet> {
  const what = "Kiro token refresh";
  if (!tokens.refreshToken) throw new OAuthRefreshRejected(`${what}: the account has no refresh token`);
  const client = clientSchema.safeParse(tokens.extra);
  if (!client.success) throw new OAuthRefreshRejected(`${what}: the account has no registered client`);
  const { response, json, code } = await post(ctx, what, endpoint(ctx, "token"), {
    clientId: client.data.clientId,
    clientSecret: client.data.clientSecret,
    grantType: "refresh_token",
    refreshToken: tokens.refreshToken,
  });
  if (!response.ok) {
    // invalid_grant: the refresh token is gone; invalid_client: the registered client expired (~90 days). Both need a
    // new sign-in. Anything else (429, 5xx, a 400 for another reason) is retried later.
    throw refreshRefusal(what, response.status, code, KIRO_PERMANENT_REFRESH_CODES);
  }
  const parsed = tokenSchema.safeParse(json);
  if (!parsed.success) throw new OAuthTransientError(`${what} failed: the answer has no access token`);
  return toTokenSet(ctx, parsed.data, client.data, tokens);
}

function describe(tokens: TokenSet): OAuthAccountInfo {
  const info: OAuthAccountInfo = {};
  if (tokens.extra.email) info.email = tokens.extra.email;
  if (tokens.extra.plan) info.plan = tokens.extra.plan;
  return info;
}

const usageNumber = z.number().finite().nonnegative();
const breakdownSchema = z.object({
  resourceType: z.string().regex(/^[A-Za-z0-9_]{1,64}$/).optional(),
  currentUsage: usageNumber.optional(),
  currentUsageWithPrecision: usageNumber.optional(),
  usageLimit: usageNumber.optional(),
  usageLimitWithPrecision: usageNumber.optional(),
  nextDateReset: z.union([z.number(), z.string()]).optional(),
  freeTrialInfo: z
    .object({
      freeTrialStatus: z.string().optional(),
      currentUsage: usageNumber.optional(),
      currentUsageWithPrecision: usageNumber.optional(),
      usageLimit: usageNumber.optional(),
      usageLimitWithPrecision: usageNumber.optional(),
    })
    .optional(),
});
const usageLimitsSchema = z.object({
  nextDateReset: z.union([z.number(), z.string()]).optional(),
  usageBreakdownList: z.array(z.unknown()).optional(),
});

/** AWS dates: epoch seconds (a number) or an ISO string. */
function resetTime(value: number | string | undefined): number | null {
  if (typeof value === "number" && Number.isFinite(value) && value > 0) return value < 1e12 ? Math.round(value * 1000) : Math.round(value);
  if (typeof value === "string") {
    const ms = Date.parse(value);
    return Number.isFinite(ms) ? ms : null;
  }
  return null;
}

/**
 * getUsageLimits → one limit per resource (`kiro-agentic-request`, `kiro-credit`, …): used and limit are the plan's
 * plus an active free-trial bucket's; spent when nothing is left, closed until `nextDateReset`.
 */
export function kiroQuotaLimits(body: unknown, now: number): ReportedLimit[] {
  const parsed = usageLimitsSchema.safeParse(body);
  if (!parsed.success) return [];
  const topReset = resetTime(parsed.data.nextDateReset);
  const limits: ReportedLimit[] = [];
  for (const item of parsed.data.usageBreakdownList ?? []) {
    const entry = breakdownSchema.safeParse(item);
    if (!entry.success || !entry.data.resourceType) continue;
    const b = entry.data;
    const resource = entry.data.resourceType;
    let used = b.currentUsageWithPrecision ?? b.currentUsage ?? null;
    let limit = b.usageLimitWithPrecision ?? b.usageLimit ?? null;
    const trial = b.freeTrialInfo;
    if (trial && (trial.freeTrialStatus ?? "").toUpperCase() === "ACTIVE") {
      used = (used ?? 0) + (trial.currentUsageWithPrecision ?? trial.currentUsage ?? 0);
      limit = (limit ?? 0) + (trial.usageLimitWithPrecision ?? trial.usageLimit ?? 0);
    }
    if (used === null || limit === null || limit <= 0) continue;
    const reset = resetTime(b.nextDateReset) ?? topReset;
    const name = `kiro-${resource.toLowerCase().replace(/_/g, "-")}`;
    limits.push(reportedWindow(name, { limit, remaining: limit - used, utilization: Math.min(1, used / limit), resetAt: reset }, now)!);
  }
  return limits;
}

async function fetchQuota(ctx: OAuthContext, tokens: TokenSet): Promise<ReportedLimit[]> {
  const what = "Kiro quota read (getUsageLimits)";
  const url = `${endpoint(ctx, "usageLimits")}?origin=AI_EDITOR&resourceType=AGENTIC_REQUEST`;
  const response = await send(ctx.fetch, what, url, {
    method: "GET",
    headers: { accept: "application/json", authorization: `Bearer ${tokens.accessToken}` },
  });
  return kiroQuotaLimits(await successJson(response, what, (body) => awsOidcError(body, response.headers)), ctx.now());
}

export const kiroOAuth: OAuthProviderModule = {
  providerId: "kiro",
  endpoints: KIRO_ENDPOINTS,
  startDevice,
  pollDevice,
  refresh,
  describe,
  fetchQuota,
};
