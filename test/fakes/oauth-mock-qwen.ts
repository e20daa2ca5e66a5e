import { createHash } from "node:crypto";
import { QWEN_CODE_CLIENT } from "../../src/oauth/providers/qwen-code";
import type { SeenOAuthCall } from "./oauth-mock-servers";
import { jsonReply, splitSse, startRecordedUpstream, type RecordedReply, type SeenRequest } from "./recorded-upstream";
import { mockToken, oauthError } from "./oauth-mock-kit";

/**
 * A mock of Qwen's OAuth server (device code with PKCE, token poll, refresh) and a mock Qwen portal upstream, on
 * random loopback ports. Wire shapes as chat.qwen.ai answers: form-urlencoded requests, RFC 8628 states as
 * 400 `authorization_pending` / 429 `slow_down` / 400 `expired_token` / 400 `access_denied`, a token answer with
 * `resource_url`, and 400 `invalid_grant` for a refused refresh token or a wrong PKCE verifier.
 * `mock.endpoints` is what `registry.overrideEndpoints("qwen-code", mock.endpoints)` takes.
 */

export interface QwenMockSettings {
  /** `interval` in the device-code answer (seconds). 0 keeps tests fast. */
  intervalSeconds: number;
  /** `expires_in` of device codes (seconds). */
  deviceExpiresInSeconds: number;
  /** Polls answered `authorization_pending` before the token comes (when `autoApprove`). */
  pendingPolls: number;
  /** Without auto-approval a device code stays pending until `approveDevice(userCode)`. */
  autoApprove: boolean;
  /** The first poll of each device code answers 429 `slow_down`. */
  slowDownOnce: boolean;
  /** Polls answer `access_denied`. */
  deny: boolean;
  /** Polls answer `expired_token`. */
  expireDeviceCodes: boolean;
  /** `expires_in` of issued access tokens (seconds). */
  expiresInSeconds: number;
  /** A refresh issues a new refresh token and invalidates the old one. False: no `refresh_token` in the answer. */
  rotateRefreshTokens: boolean;
  /** `resource_url` of token answers (device grant and refresh); null leaves the field out. */
  resourceUrl: string | null;
  /** When set, token answers carry an `id_token` (unsigned) with these claims. */
  idTokenClaims: Record<string, unknown> | null;
  /** Answer every refresh with this status (429, 500, …) instead of tokens; null = normal. */
  refreshFailureStatus: number | null;
  /** Delay before a refresh answers (makes concurrent-refresh tests meaningful). */
  refreshDelayMs: number;
}

export interface QwenOAuthMock {
  url: string;
  endpoints: { deviceCode: string; token: string };
  settings: QwenMockSettings;
  calls: SeenOAuthCall[];
  readonly deviceCodeRequests: number;
  readonly polls: number;
  /** Device grants that issued tokens. */
  readonly issued: number;
  readonly refreshes: number;
  /** Polls refused because the code_verifier did not hash to the device code's challenge. */
  readonly verifierMismatches: number;
  /** The user enters the code at qwen.ai (for `autoApprove: false`). */
  approveDevice(userCode: string): void;
  /** Revokes one refresh token, or every one issued so far: its next use answers 400 invalid_grant. */
  revokeRefreshToken(token?: string): void;
  /** Every access token issued so far stops working (the upstream answers 401 to it). */
  expireAccessTokens(): void;
  isValidAccessToken(token: string): boolean;
  validRefreshTokens(): string[];
  stop(): void;
}

async function record(request: Request, calls: SeenOAuthCall[]): Promise<SeenOAuthCall> {
  const url = new URL(request.url);
  const body = request.method === "GET" || request.method === "HEAD" ? "" : await request.text();
  const call: SeenOAuthCall = { method: request.method, path: url.pathname, query: url.searchParams, headers: Object.fromEntries(request.headers), body };
  calls.push(call);
  return call;
}



/** An unsigned JWT-shaped id token (the module reads it for display only, never verifies it). */
export function unsignedIdToken(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.`;
}

const DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code";

export function startQwenOAuthMock(overrides: Partial<QwenMockSettings> = {}): QwenOAuthMock {
  const settings: QwenMockSettings = {
    intervalSeconds: 0,
    deviceExpiresInSeconds: 900,
    pendingPolls: 1,
    autoApprove: true,
    slowDownOnce: false,
    deny: false,
    expireDeviceCodes: false,
    expiresInSeconds: 3600,
    rotateRefreshTokens: true,
    resourceUrl: "portal.qwen.ai",
    idTokenClaims: null,
    refreshFailureStatus: null,
    refreshDelayMs: 0,
    ...overrides,
  };
  const calls: SeenOAuthCall[] = [];
  const devices = new Map<string, { userCode: string; challenge: string; polls: number; approved: boolean; used: boolean; expiresAt: number }>();
  const accessTokens = new Map<string, number>(); // token → expires at (epoch ms)
  const refreshTokens = new Set<string>();
  let counter = 0;
  let deviceCodeRequests = 0;
  let polls = 0;
  let issued = 0;
  let refreshes = 0;
  let verifierMismatches = 0;

  const issue = (withRefresh: boolean) => {
    counter++;
    const access = mockToken("qwen-mock-at-", counter);
    accessTokens.set(access, Date.now() + settings.expiresInSeconds * 1000);
    const body: Record<string, unknown> = {
      access_token: access,
      token_type: "Bearer",
      expires_in: settings.expiresInSeconds,
      scope: QWEN_CODE_CLIENT.scope,
    };
    if (withRefresh) {
      const refresh = mockToken("qwen-mock-rt-", counter);
      refreshTokens.add(refresh);
      body.refresh_token = refresh;
    }
    if (settings.resourceUrl !== null) body.resource_url = settings.resourceUrl;
    if (settings.idTokenClaims) body.id_token = unsignedIdToken(settings.idTokenClaims);
    return body;
  };

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const call = await record(request, calls);
      if (request.method !== "POST") return new Response("not found", { status: 404 });
      if ((call.headers["content-type"] ?? "").split(";")[0]!.trim() !== "application/x-www-form-urlencoded") {
        return oauthError(400, "invalid_request", "form body expected");
      }
      const form = new URLSearchParams(call.body);
      if (call.path === "/api/v1/oauth2/device/code") {
        deviceCodeRequests++;
        if (form.get("client_id") !== QWEN_CODE_CLIENT.clientId) return oauthError(400, "invalid_client");
        if (form.get("scope") !== QWEN_CODE_CLIENT.scope) return oauthError(400, "invalid_scope");
        const challenge = form.get("code_challenge") ?? "";
        if (form.get("code_challenge_method") !== "S256" || !/^[A-Za-z0-9_-]{43}$/.test(challenge)) {
          return oauthError(400, "invalid_request", "PKCE S256 code_challenge required");
        }
        counter++;
        const deviceCode = mockToken("qwen-mock-device-", counter);
        const userCode = `QW${String(counter).padStart(4, "0")}`;
        devices.set(deviceCode, { userCode, challenge, polls: 0, approved: false, used: false, expiresAt: Date.now() + settings.deviceExpiresInSeconds * 1000 });
        return Response.json({
          device_code: deviceCode,
          user_code: userCode,
          verification_uri: "https://chat.qwen.ai/authorize",
          verification_uri_complete: `https://chat.qwen.ai/authorize?user_code=${userCode}&client=qwen-code`,
          expires_in: settings.deviceExpiresInSeconds,
          interval: settings.intervalSeconds,
        });
      }
      if (call.path === "/api/v1/oauth2/token") {
        if (form.get("client_id") !== QWEN_CODE_CLIENT.clientId) return oauthError(400, "invalid_client");
        const grant = form.get("grant_type");
        if (grant === DEVICE_GRANT) {
          polls++;
          const device = devices.get(form.get("device_code") ?? "");
          if (!device || device.used) return oauthError(400, "invalid_grant", "unknown device code");
          // PKCE: the verifier must hash to the challenge the device code was requested with.
          const verifier = form.get("code_verifier") ?? "";
          if (createHash("sha256").update(verifier).digest("base64url") !== device.challenge) {
            verifierMismatches++;
            return oauthError(400, "invalid_grant", "code_verifier mismatch");
          }
          device.polls++;
          if (settings.expireDeviceCodes || device.expiresAt <= Date.now()) return oauthError(400, "expired_token");
          if (settings.deny) return oauthError(400, "access_denied");
          if (settings.slowDownOnce && device.polls === 1) return oauthError(429, "slow_down");
          const ready = settings.autoApprove ? device.polls > settings.pendingPolls + (settings.slowDownOnce ? 1 : 0) : device.approved;
          if (!ready) return oauthError(400, "authorization_pending", "The authorization request is still pending");
          device.used = true;
          issued++;
          return Response.json(issue(true));
        }
        if (grant === "refresh_token") {
          refreshes++;
          if (settings.refreshDelayMs > 0) await Bun.sleep(settings.refreshDelayMs);
          if (settings.refreshFailureStatus !== null) return oauthError(settings.refreshFailureStatus, "server_error");
          const token = form.get("refresh_token") ?? "";
          if (!refreshTokens.has(token)) return oauthError(400, "invalid_grant", "Refresh token expired or invalid");
          if (settings.rotateRefreshTokens) refreshTokens.delete(token);
          return Response.json(issue(settings.rotateRefreshTokens));
        }
        return oauthError(400, "unsupported_grant_type");
      }
      return new Response("not found", { status: 404 });
    },
  });

  function isValidAccessToken(token: string): boolean {
    const expiresAt = accessTokens.get(token);
    return expiresAt !== undefined && expiresAt > Date.now();
  }

  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    endpoints: { deviceCode: `${url}/api/v1/oauth2/device/code`, token: `${url}/api/v1/oauth2/token` },
    settings,
    calls,
    get deviceCodeRequests() {
      return deviceCodeRequests;
    },
    get polls() {
      return polls;
    },
    get issued() {
      return issued;
    },
    get refreshes() {
      return refreshes;
    },
    get verifierMismatches() {
      return verifierMismatches;
    },
    approveDevice(userCode) {
      for (const device of devices.values()) if (device.userCode === userCode) device.approved = true;
    },
    revokeRefreshToken(token) {
      if (token === undefined) refreshTokens.clear();
      else refreshTokens.delete(token);
    },
    expireAccessTokens() {
      for (const token of accessTokens.keys()) accessTokens.set(token, 0);
    },
    isValidAccessToken,
    validRefreshTokens: () => [...refreshTokens],
    stop: () => server.stop(true),
  };
}

function chatCompletion(model: string, stream: boolean): RecordedReply {
  if (!stream) {
    return jsonReply(200, {
      id: "chatcmpl-mock-qwen",
      object: "chat.completion",
      created: 1_700_000_000,
      model,
      choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
    });
  }
  const chunk = (delta: unknown, finish: string | null, usage?: unknown) =>
    `data: ${JSON.stringify({ id: "chatcmpl-mock-qwen", object: "chat.completion.chunk", created: 1_700_000_000, model, choices: usage ? [] : [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) })}\n\n`;
  const text =
    chunk({ role: "assistant", content: "" }, null) +
    chunk({ content: "ok" }, null) +
    chunk({}, "stop") +
    chunk({}, null, { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 }) +
    "data: [DONE]\n\n";
  return { status: 200, contentType: "text/event-stream", pieces: splitSse(text) };
}

/**
 * The Qwen portal: OpenAI Chat at `/v1/chat/completions` (the account's base URL is `<url>/v1`, as the module makes
 * it from `resource_url`), accepting `Bearer <access token>` while the mock says the token is valid; anything else →
 * 401 in the OpenAI error shape. Every request is recorded with its headers.
 */
export function startQwenUpstream(mock: QwenOAuthMock, options: { reply?: (request: SeenRequest) => RecordedReply | null } = {}) {
  return startRecordedUpstream((request) => {
    const match = /^bearer\s+(.+)$/i.exec(request.headers.authorization ?? "");
    const token = match?.[1]?.trim();
    if (!token || !mock.isValidAccessToken(token)) {
      return jsonReply(401, { error: { message: "Invalid access token or token expired", type: "invalid_request_error", code: "invalid_api_key" } });
    }
    if (request.path !== "/v1/chat/completions") return jsonReply(404, { error: { message: "not found", type: "invalid_request_error" } });
    const custom = options.reply?.(request);
    if (custom) return custom;
    let model = "unknown";
    let stream = false;
    try {
      const parsed = JSON.parse(request.body) as { model?: unknown; stream?: unknown };
      if (typeof parsed.model === "string") model = parsed.model;
      stream = parsed.stream === true;
    } catch {
      // keep the defaults
    }
    return chatCompletion(model, stream);
  });
}
