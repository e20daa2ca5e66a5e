import { createHash } from "node:crypto";
import { CLAUDE_CODE_CLIENT } from "../../src/oauth/providers/claude-code";
import { GITHUB_COPILOT_CLIENT } from "../../src/oauth/providers/github-copilot";
import { jsonReply, splitSse, startRecordedUpstream, type RecordedReply, type SeenRequest } from "./recorded-upstream";
import { bearer, mockToken, oauthError } from "./oauth-mock-kit";

/**
 * Mock OAuth servers for the subscription providers, on random loopback ports, shared by every OAuth test (unit,
 * e2e, browser). Each mock behaves like the real provider on the wire (field names, content types, error codes) and
 * exposes switches for the states a test needs: expiry, rotation, revocation, pending device codes, quota figures.
 * `mock.endpoints` is what `registry.overrideEndpoints(providerId, mock.endpoints)` takes.
 */

/** One call an OAuth mock received (headers lower-cased, the body as text). */
export interface SeenOAuthCall {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Record<string, string>;
  body: string;
}

async function record(request: Request, calls: SeenOAuthCall[]): Promise<SeenOAuthCall> {
  const url = new URL(request.url);
  const body = request.method === "GET" || request.method === "HEAD" ? "" : await request.text();
  const call: SeenOAuthCall = { method: request.method, path: url.pathname, query: url.searchParams, headers: Object.fromEntries(request.headers), body };
  calls.push(call);
  return call;
}




// ───────────────────────────────────────── Claude Code ─────────────────────────────────────────

export interface ClaudeUsageWindow {
  /** Percent used, 0..100 (as the real endpoint reports it). */
  utilization: number;
  /** ISO 8601, or null. */
  resets_at: string | null;
}

export interface ClaudeMockSettings {
  /** `expires_in` of issued access tokens (seconds). */
  expiresInSeconds: number;
  /**
   * A refresh issues a new refresh token and invalidates the old one (Anthropic rotates). False: refresh answers
   * carry no `refresh_token` and the old one stays valid (the client must keep it).
   */
  rotateRefreshTokens: boolean;
  account: { uuid: string; email_address: string };
  organization: { uuid: string; name: string };
  /** Answer every code exchange with this status (429 rate limited, 500, …); the code stays usable. null = normal. */
  exchangeFailureStatus: number | null;
  /** Answer every refresh with this status (429 rate limited, 500, …) instead of tokens; null = normal. */
  refreshFailureStatus: number | null;
  /** Delay before a refresh answers (makes concurrent-refresh tests meaningful). */
  refreshDelayMs: number;
  /** The usage endpoint's body (raw, as Anthropic sends it). */
  usage: Record<string, unknown>;
  /** Answer the usage endpoint with this status instead; null = normal. */
  usageFailureStatus: number | null;
}

export interface ClaudeOAuthMock {
  url: string;
  endpoints: { authorize: string; token: string; usage: string };
  settings: ClaudeMockSettings;
  calls: SeenOAuthCall[];
  /** Grants seen at the token endpoint, in order. */
  readonly exchanges: number;
  readonly refreshes: number;
  readonly usageReads: number;
  /**
   * The user approves the authorize URL the gateway produced: the mock remembers its challenge and state, and
   * returns what platform.claude.com shows for pasting (`code#state`). The authorize URL itself is never fetched.
   */
  approve(authorizeUrl: string): string;
  /** Revokes one refresh token, or every one issued so far: its next use answers 400 invalid_grant. */
  revokeRefreshToken(token?: string): void;
  /** Every access token issued so far stops working (an upstream answers 401 to it). */
  expireAccessTokens(): void;
  isValidAccessToken(token: string): boolean;
  /** The refresh tokens currently valid (the last issued per family when rotating). */
  validRefreshTokens(): string[];
  /** Convenience: sets `five_hour` / `seven_day` / `seven_day_<model>` windows from percentages and reset times. */
  setUsage(windows: Partial<Record<"five_hour" | "seven_day" | `seven_day_${string}`, { utilization: number; resetsAt: number | null } | null>>): void;
  stop(): void;
}

export function startClaudeOAuthMock(overrides: Partial<ClaudeMockSettings> = {}): ClaudeOAuthMock {
  const settings: ClaudeMockSettings = {
    expiresInSeconds: 8 * 3600,
    rotateRefreshTokens: true,
    account: { uuid: "acc-0000-1111-2222", email_address: "claude-user@example.com" },
    organization: { uuid: "org-3333-4444", name: "Example Org" },
    exchangeFailureStatus: null,
    refreshFailureStatus: null,
    refreshDelayMs: 0,
    usage: { five_hour: { utilization: 10, resets_at: null }, seven_day: { utilization: 5, resets_at: null } },
    usageFailureStatus: null,
    ...overrides,
  };
  const calls: SeenOAuthCall[] = [];
  const codes = new Map<string, { state: string; challenge: string; redirectUri: string; used: boolean }>();
  const accessTokens = new Map<string, number>(); // token → expires at (epoch ms)
  const refreshTokens = new Set<string>();
  let counter = 0;
  let exchanges = 0;
  let refreshes = 0;
  let usageReads = 0;

  const issue = (withRefresh: boolean) => {
    counter++;
    const access = mockToken("sk-ant-oat01-mock", counter);
    accessTokens.set(access, Date.now() + settings.expiresInSeconds * 1000);
    const body: Record<string, unknown> = {
      token_type: "Bearer",
      access_token: access,
      expires_in: settings.expiresInSeconds,
      scope: CLAUDE_CODE_CLIENT.scopes.join(" "),
      account: { ...settings.account },
      organization: { ...settings.organization },
    };
    if (withRefresh) {
      const refresh = mockToken("sk-ant-ort01-mock", counter);
      refreshTokens.add(refresh);
      body.refresh_token = refresh;
    }
    return body;
  };

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const call = await record(request, calls);
      if (call.path === "/v1/oauth/token" && request.method === "POST") {
        const type = (call.headers["content-type"] ?? "").split(";")[0]!.trim();
        if (type === "application/json") {
          // The code exchange is JSON (the real endpoint's only accepted shape for it).
          let body: Record<string, unknown>;
          try {
            body = JSON.parse(call.body) as Record<string, unknown>;
          } catch {
            return oauthError(400, "invalid_request", "body is not JSON");
          }
          if (body.grant_type !== "authorization_code") return oauthError(400, "unsupported_grant_type");
          if (body.client_id !== CLAUDE_CODE_CLIENT.clientId) return oauthError(401, "invalid_client");
          if (settings.exchangeFailureStatus !== null) return Response.json({ type: "error", error: { type: "rate_limit_error", message: "mock failure" } }, { status: settings.exchangeFailureStatus });
          const grant = typeof body.code === "string" ? codes.get(body.code) : undefined;
          if (!grant || grant.used) return oauthError(400, "invalid_grant", "Invalid authorization code");
          if (body.state !== grant.state) return oauthError(400, "invalid_grant", "state mismatch");
          if (body.redirect_uri !== grant.redirectUri) return oauthError(400, "invalid_grant", "redirect_uri mismatch");
          const verifier = typeof body.code_verifier === "string" ? body.code_verifier : "";
          if (createHash("sha256").update(verifier).digest("base64url") !== grant.challenge) return oauthError(400, "invalid_grant", "code_verifier mismatch");
          grant.used = true;
          exchanges++;
          return Response.json(issue(true));
        }
        if (type === "application/x-www-form-urlencoded") {
          const form = new URLSearchParams(call.body);
          if (form.get("grant_type") !== "refresh_token") return oauthError(400, "unsupported_grant_type");
          if (form.get("client_id") !== CLAUDE_CODE_CLIENT.clientId) return oauthError(401, "invalid_client");
          // The refresh fix (OmniRoute PR #862): without the beta flag the real endpoint refuses some accounts.
          if (!(call.headers["anthropic-beta"] ?? "").split(",").map((s) => s.trim()).includes(CLAUDE_CODE_CLIENT.oauthBeta)) {
            return oauthError(400, "invalid_request", "missing anthropic-beta");
          }
          refreshes++;
          if (settings.refreshDelayMs > 0) await Bun.sleep(settings.refreshDelayMs);
          if (settings.refreshFailureStatus !== null) return oauthError(settings.refreshFailureStatus, "server_error");
          const token = form.get("refresh_token") ?? "";
          if (!refreshTokens.has(token)) return oauthError(400, "invalid_grant", "Refresh token not found or invalid");
          if (settings.rotateRefreshTokens) refreshTokens.delete(token);
          return Response.json(issue(settings.rotateRefreshTokens));
        }
        return oauthError(400, "invalid_request", "unsupported content type");
      }
      if (call.path === "/api/oauth/usage" && request.method === "GET") {
        usageReads++;
        const token = bearer(call.headers, "bearer");
        if (!token || !isValidAccessToken(token)) return Response.json({ type: "error", error: { type: "authentication_error", message: "invalid token" } }, { status: 401 });
        if (!(call.headers["anthropic-beta"] ?? "").includes(CLAUDE_CODE_CLIENT.oauthBeta)) {
          return Response.json({ type: "error", error: { type: "invalid_request_error", message: "OAuth beta required" } }, { status: 400 });
        }
        if (settings.usageFailureStatus !== null) return Response.json({ type: "error", error: { type: "api_error" } }, { status: settings.usageFailureStatus });
        return Response.json(settings.usage);
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
    endpoints: { authorize: `${url}/oauth/authorize`, token: `${url}/v1/oauth/token`, usage: `${url}/api/oauth/usage` },
    settings,
    calls,
    get exchanges() {
      return exchanges;
    },
    get refreshes() {
      return refreshes;
    },
    get usageReads() {
      return usageReads;
    },
    approve(authorizeUrl) {
      const params = new URL(authorizeUrl).searchParams;
      const state = params.get("state");
      const challenge = params.get("code_challenge");
      const redirectUri = params.get("redirect_uri");
      if (params.get("client_id") !== CLAUDE_CODE_CLIENT.clientId || params.get("response_type") !== "code") throw new Error("mock authorize: wrong client_id / response_type");
      if (!state || !challenge || params.get("code_challenge_method") !== "S256" || !redirectUri) throw new Error("mock authorize: missing state / PKCE / redirect_uri");
      const code = mockToken("mock-code-", ++counter);
      codes.set(code, { state, challenge, redirectUri, used: false });
      return `${code}#${state}`;
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
    setUsage(windows) {
      const usage: Record<string, unknown> = { ...settings.usage };
      for (const [key, value] of Object.entries(windows)) {
        usage[key] = value ? { utilization: value.utilization, resets_at: value.resetsAt === null ? null : new Date(value.resetsAt).toISOString() } : null;
      }
      settings.usage = usage;
    },
    stop: () => server.stop(true),
  };
}

// ───────────────────────────────────────── GitHub Copilot ─────────────────────────────────────────

export interface CopilotQuotaSnapshot {
  entitlement: number;
  remaining: number;
  percent_remaining: number;
  unlimited: boolean;
  overage_permitted: boolean;
  overage_count: number;
  quota_id: string;
}

export interface CopilotMockSettings {
  /** `interval` in the device-code answer (seconds). 0 keeps tests fast; GitHub sends 5. */
  intervalSeconds: number;
  /** `expires_in` of device codes (seconds). */
  deviceExpiresInSeconds: number;
  /** Polls answered `authorization_pending` before the token comes (when `autoApprove`). */
  pendingPolls: number;
  /** Without auto-approval a device code stays pending until `approveDevice(userCode)`. */
  autoApprove: boolean;
  /** The first poll of each device code answers `slow_down`. */
  slowDownOnce: boolean;
  /** Polls answer `access_denied` (the user clicked Cancel). */
  deny: boolean;
  /** Polls answer `expired_token`. */
  expireDeviceCodes: boolean;
  /** Lifetime of Copilot tokens (`expires_at` = now + this, seconds). Real ones live about 25 minutes. */
  copilotTokenTtlSeconds: number;
  /** The exchange answers 403 for every token (the account has no Copilot seat). */
  noCopilotAccess: boolean;
  /** Answer every exchange with this status instead (500, 429, …); null = normal. */
  exchangeFailureStatus: number | null;
  exchangeDelayMs: number;
  sku: string;
  /** When set, the exchange answer carries `endpoints.api` (business / enterprise plans). */
  apiEndpoint: string | null;
  login: string;
  email: string | null;
  /** The `copilot_internal/user` body (raw). */
  quota: Record<string, unknown>;
}

export interface CopilotOAuthMock {
  url: string;
  endpoints: { deviceCode: string; accessToken: string; copilotToken: string; user: string; quota: string };
  settings: CopilotMockSettings;
  calls: SeenOAuthCall[];
  readonly deviceCodeRequests: number;
  readonly polls: number;
  readonly exchanges: number;
  readonly userReads: number;
  readonly quotaReads: number;
  /** The user enters the code on github.com/login/device (for `autoApprove: false`). */
  approveDevice(userCode: string): void;
  /** The GitHub token stops working (revoked on github.com, or the app's authorization removed): exchanges → 401. */
  revokeGitHubToken(token?: string): void;
  /** Every Copilot token issued so far stops working (an upstream answers 401). */
  expireCopilotTokens(): void;
  isValidCopilotToken(token: string): boolean;
  /** The GitHub tokens issued so far. */
  githubTokens(): string[];
  /** Convenience: the premium-interactions snapshot (and the reset date) of the quota answer. */
  setPremium(snapshot: { entitlement: number; remaining: number; unlimited?: boolean; overagePermitted?: boolean; resetDate?: string }): void;
  stop(): void;
}

function snapshot(quotaId: string, entitlement: number, remaining: number, unlimited: boolean, overagePermitted = false): CopilotQuotaSnapshot {
  return {
    entitlement,
    remaining,
    percent_remaining: unlimited || entitlement <= 0 ? 100 : Math.max(0, (remaining / entitlement) * 100),
    unlimited,
    overage_permitted: overagePermitted,
    overage_count: 0,
    quota_id: quotaId,
  };
}

/** First day of next month (UTC), as `YYYY-MM-DD`, like `quota_reset_date`. */
function nextMonth(): string {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
}

export function startCopilotOAuthMock(overrides: Partial<CopilotMockSettings> = {}): CopilotOAuthMock {
  const resetDate = nextMonth();
  const settings: CopilotMockSettings = {
    intervalSeconds: 0,
    deviceExpiresInSeconds: 900,
    pendingPolls: 1,
    autoApprove: true,
    slowDownOnce: false,
    deny: false,
    expireDeviceCodes: false,
    copilotTokenTtlSeconds: 1500,
    noCopilotAccess: false,
    exchangeFailureStatus: null,
    exchangeDelayMs: 0,
    sku: "copilot_individual_pro",
    apiEndpoint: null,
    login: "octocat",
    email: "octocat@example.com",
    quota: {
      copilot_plan: "individual",
      quota_reset_date: resetDate,
      quota_reset_date_utc: `${resetDate}T00:00:00.000Z`,
      quota_snapshots: {
        chat: snapshot("chat", 0, 0, true),
        completions: snapshot("completions", 0, 0, true),
        premium_interactions: snapshot("premium_interactions", 300, 250, false),
      },
    },
    ...overrides,
  };
  const calls: SeenOAuthCall[] = [];
  const devices = new Map<string, { userCode: string; polls: number; approved: boolean; used: boolean; expiresAt: number }>();
  const githubTokens = new Set<string>();
  const revoked = new Set<string>();
  const copilotTokens = new Map<string, number>(); // token → expires at (epoch ms)
  let counter = 0;
  let deviceCodeRequests = 0;
  let polls = 0;
  let exchanges = 0;
  let userReads = 0;
  let quotaReads = 0;

  const githubAuth = (call: SeenOAuthCall): string | null => {
    const token = bearer(call.headers, "token") ?? bearer(call.headers, "bearer");
    return token && githubTokens.has(token) && !revoked.has(token) ? token : null;
  };
  const unauthorized = () => Response.json({ message: "Bad credentials", documentation_url: "https://docs.github.com/rest" }, { status: 401 });

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const call = await record(request, calls);
      const form = () => new URLSearchParams(call.body);
      if (call.path === "/login/device/code" && request.method === "POST") {
        deviceCodeRequests++;
        const params = form();
        if (params.get("client_id") !== GITHUB_COPILOT_CLIENT.clientId) return oauthError(400, "incorrect_client_credentials");
        counter++;
        const deviceCode = mockToken("mock-device-", counter);
        const userCode = `MOCK-${String(counter).padStart(4, "0")}`;
        devices.set(deviceCode, { userCode, polls: 0, approved: false, used: false, expiresAt: Date.now() + settings.deviceExpiresInSeconds * 1000 });
        return Response.json({
          device_code: deviceCode,
          user_code: userCode,
          verification_uri: "https://github.com/login/device",
          expires_in: settings.deviceExpiresInSeconds,
          interval: settings.intervalSeconds,
        });
      }
      if (call.path === "/login/oauth/access_token" && request.method === "POST") {
        polls++;
        const params = form();
        // GitHub answers the device-flow states with HTTP 200 and an `error` field.
        if (params.get("client_id") !== GITHUB_COPILOT_CLIENT.clientId) return Response.json({ error: "incorrect_client_credentials" });
        if (params.get("grant_type") !== "urn:ietf:params:oauth:grant-type:device_code") return Response.json({ error: "unsupported_grant_type" });
        const device = devices.get(params.get("device_code") ?? "");
        if (!device || device.used) return Response.json({ error: "incorrect_device_code" });
        device.polls++;
        if (settings.expireDeviceCodes || device.expiresAt <= Date.now()) return Response.json({ error: "expired_token" });
        if (settings.deny) return Response.json({ error: "access_denied" });
        if (settings.slowDownOnce && device.polls === 1) return Response.json({ error: "slow_down", interval: settings.intervalSeconds + 5 });
        const ready = settings.autoApprove ? device.polls > settings.pendingPolls + (settings.slowDownOnce ? 1 : 0) : device.approved;
        if (!ready) return Response.json({ error: "authorization_pending" });
        device.used = true;
        const token = mockToken("gho_mock", ++counter);
        githubTokens.add(token);
        return Response.json({ access_token: token, token_type: "bearer", scope: GITHUB_COPILOT_CLIENT.scope });
      }
      if (call.path === "/copilot_internal/v2/token" && request.method === "GET") {
        exchanges++;
        if (settings.exchangeDelayMs > 0) await Bun.sleep(settings.exchangeDelayMs);
        if (!githubAuth(call)) return unauthorized();
        if (settings.exchangeFailureStatus !== null) return Response.json({ message: "mock failure" }, { status: settings.exchangeFailureStatus });
        if (settings.noCopilotAccess) return Response.json({ message: "Resource not accessible by integration" }, { status: 403 });
        const expiresAt = Math.floor(Date.now() / 1000) + settings.copilotTokenTtlSeconds;
        const token = `tid=${mockToken("mock", ++counter)};exp=${expiresAt};sku=${settings.sku};8kp=1`;
        copilotTokens.set(token, expiresAt * 1000);
        return Response.json({
          token,
          expires_at: expiresAt,
          refresh_in: Math.max(0, settings.copilotTokenTtlSeconds - 300),
          sku: settings.sku,
          chat_enabled: true,
          ...(settings.apiEndpoint ? { endpoints: { api: settings.apiEndpoint, proxy: "https://proxy.example.invalid" } } : {}),
        });
      }
      if (call.path === "/user" && request.method === "GET") {
        userReads++;
        if (!githubAuth(call)) return unauthorized();
        return Response.json({ login: settings.login, id: 583231, email: settings.email, type: "User" });
      }
      if (call.path === "/copilot_internal/user" && request.method === "GET") {
        quotaReads++;
        if (!githubAuth(call)) return unauthorized();
        return Response.json({ login: settings.login, ...settings.quota });
      }
      return new Response("not found", { status: 404 });
    },
  });

  function isValidCopilotToken(token: string): boolean {
    const expiresAt = copilotTokens.get(token);
    return expiresAt !== undefined && expiresAt > Date.now();
  }

  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    endpoints: {
      deviceCode: `${url}/login/device/code`,
      accessToken: `${url}/login/oauth/access_token`,
      copilotToken: `${url}/copilot_internal/v2/token`,
      user: `${url}/user`,
      quota: `${url}/copilot_internal/user`,
    },
    settings,
    calls,
    get deviceCodeRequests() {
      return deviceCodeRequests;
    },
    get polls() {
      return polls;
    },
    get exchanges() {
      return exchanges;
    },
    get userReads() {
      return userReads;
    },
    get quotaReads() {
      return quotaReads;
    },
    approveDevice(userCode) {
      for (const device of devices.values()) if (device.userCode === userCode) device.approved = true;
    },
    revokeGitHubToken(token) {
      for (const issued of githubTokens) if (token === undefined || issued === token) revoked.add(issued);
    },
    expireCopilotTokens() {
      for (const token of copilotTokens.keys()) copilotTokens.set(token, 0);
    },
    isValidCopilotToken,
    githubTokens: () => [...githubTokens],
    setPremium({ entitlement, remaining, unlimited = false, overagePermitted = false, resetDate }) {
      const quota = { ...settings.quota };
      quota.quota_snapshots = {
        ...(quota.quota_snapshots as Record<string, unknown>),
        premium_interactions: snapshot("premium_interactions", entitlement, remaining, unlimited, overagePermitted),
      };
      if (resetDate !== undefined) {
        quota.quota_reset_date = resetDate.slice(0, 10);
        quota.quota_reset_date_utc = new Date(Date.parse(resetDate)).toISOString();
      }
      settings.quota = quota;
    },
    stop: () => server.stop(true),
  };
}

// ───────────────────────────────────────── Mock upstreams ─────────────────────────────────────────

function anthropicMessage(model: string, stream: boolean): RecordedReply {
  const message = {
    id: "msg_mock_oauth",
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text: "ok" }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 10, output_tokens: 2 },
  };
  if (!stream) return jsonReply(200, message);
  const events: Array<[string, unknown]> = [
    ["message_start", { type: "message_start", message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 0 } } }],
    ["content_block_start", { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } }],
    ["content_block_delta", { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "ok" } }],
    ["content_block_stop", { type: "content_block_stop", index: 0 }],
    ["message_delta", { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: { output_tokens: 2 } }],
    ["message_stop", { type: "message_stop" }],
  ];
  const text = events.map(([event, data]) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`).join("");
  return { status: 200, contentType: "text/event-stream", pieces: splitSse(text) };
}

function chatCompletion(model: string, stream: boolean): RecordedReply {
  if (!stream) {
    return jsonReply(200, {
      id: "chatcmpl-mock-oauth",
      object: "chat.completion",
      created: 1_700_000_000,
      model,
      choices: [{ index: 0, message: { role: "assistant", content: "ok" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
    });
  }
  const chunk = (delta: unknown, finish: string | null, usage?: unknown) =>
    `data: ${JSON.stringify({ id: "chatcmpl-mock-oauth", object: "chat.completion.chunk", created: 1_700_000_000, model, choices: [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) })}\n\n`;
  const text =
    chunk({ role: "assistant", content: "" }, null) +
    chunk({ content: "ok" }, null) +
    chunk({}, "stop", { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 }) +
    "data: [DONE]\n\n";
  return { status: 200, contentType: "text/event-stream", pieces: splitSse(text) };
}

function requestedModel(body: string): { model: string; stream: boolean } {
  try {
    const parsed = JSON.parse(body) as { model?: unknown; stream?: unknown };
    return { model: typeof parsed.model === "string" ? parsed.model : "unknown", stream: parsed.stream === true };
  } catch {
    return { model: "unknown", stream: false };
  }
}

export type UpstreamReply = (request: SeenRequest) => RecordedReply | null;

/**
 * The upstreams OAuth accounts call: Anthropic Messages at `/v1/messages` (accepts `Bearer <access token>` while the
 * Claude mock says it is valid) and Copilot's OpenAI chat at `/chat/completions` (accepts `Bearer <copilot token>`
 * likewise). Anything else in Authorization → 401 in the provider's error shape. Every request is recorded with its
 * headers. `reply` (optional) answers an authorised request instead of the default "ok" message (return null to keep
 * the default), e.g. a 429 or a recorded fixture.
 */
export function startOAuthUpstreams(mocks: { claude: ClaudeOAuthMock; copilot: CopilotOAuthMock }, options: { claudeReply?: UpstreamReply; copilotReply?: UpstreamReply } = {}) {
  const anthropic = startRecordedUpstream((request) => {
    const token = bearer(request.headers, "bearer");
    if (!token || !mocks.claude.isValidAccessToken(token)) {
      return jsonReply(401, { type: "error", error: { type: "authentication_error", message: "OAuth token has expired." } });
    }
    if (request.path !== "/v1/messages" && request.path !== "/v1/messages/count_tokens") {
      return jsonReply(404, { type: "error", error: { type: "not_found_error", message: "not found" } });
    }
    const custom = options.claudeReply?.(request);
    if (custom) return custom;
    if (request.path === "/v1/messages/count_tokens") return jsonReply(200, { input_tokens: 10 });
    const { model, stream } = requestedModel(request.body);
    return anthropicMessage(model, stream);
  });
  const copilot = startRecordedUpstream((request) => {
    const token = bearer(request.headers, "bearer");
    if (!token || !mocks.copilot.isValidCopilotToken(token)) {
      return jsonReply(401, { error: { message: "unauthorized: token expired", type: "invalid_request_error", code: "unauthorized" } });
    }
    if (request.path !== "/chat/completions") return jsonReply(404, { error: { message: "not found", type: "invalid_request_error" } });
    const custom = options.copilotReply?.(request);
    if (custom) return custom;
    const { model, stream } = requestedModel(request.body);
    return chatCompletion(model, stream);
  });
  return {
    /** Base URL of the Anthropic mock (the connection's baseUrl; requests go to `<url>/v1/messages`). */
    anthropic,
    /** Base URL of the Copilot chat mock (requests go to `<url>/chat/completions`). */
    copilot,
    stop() {
      anthropic.stop();
      copilot.stop();
    },
  };
}

/** Every OAuth mock and both upstreams at once; `stop()` closes them all. */
export function startOAuthMocks(options: { claude?: Partial<ClaudeMockSettings>; copilot?: Partial<CopilotMockSettings> } = {}) {
  const claude = startClaudeOAuthMock(options.claude);
  const copilot = startCopilotOAuthMock(options.copilot);
  const upstreams = startOAuthUpstreams({ claude, copilot });
  return {
    claude,
    copilot,
    upstreams,
    stop() {
      upstreams.stop();
      claude.stop();
      copilot.stop();
    },
  };
}
