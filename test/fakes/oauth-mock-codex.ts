import { createHash } from "node:crypto";
import { CODEX_CLIENT } from "../../src/oauth/providers/codex";
import { fixtureReply, jsonReply, startRecordedUpstream, type RecordedReply, type SeenRequest } from "./recorded-upstream";
import { mockToken, oauthError } from "./oauth-mock-kit";

/**
 * Mock OpenAI auth (auth.openai.com) and ChatGPT backend (chatgpt.com/backend-api) for Codex accounts, on random
 * loopback ports. Wire shapes as the real ones: form-urlencoded token grants, an id_token JWT whose
 * `https://api.openai.com/auth` claim names the ChatGPT account and plan, single-use rotating refresh tokens (a
 * second use answers 400 `refresh_token_reused` and, like the real server, revokes the family), the wham/usage
 * windows, and a Codex `/responses` upstream that refuses what the real backend refuses (no stream, stored
 * requests, a missing or foreign chatgpt-account-id, no originator) and answers with a recorded Responses stream.
 * `mock.endpoints` is what `registry.overrideEndpoints("codex", mock.endpoints)` takes; `mock.upstream.url` +
 * `/backend-api/codex` is a connection's baseUrl.
 */

export interface CodexMockAccount {
  accountId: string;
  email: string;
  plan: string;
}

export interface CodexUsageWindow {
  /** Percent used, 0..100. */
  usedPercent: number;
  /** Epoch ms, or null. */
  resetAt: number | null;
}

export interface CodexMockSettings {
  expiresInSeconds: number;
  /** Delay before a refresh answers (makes concurrent-refresh tests meaningful). */
  refreshDelayMs: number;
  /** Answer every refresh with this status instead; null = normal. */
  refreshFailureStatus: number | null;
  /** Per account id: the 5 h (primary) and weekly (secondary) windows wham/usage reports. */
  usage: Record<string, { primary: CodexUsageWindow; secondary: CodexUsageWindow }>;
}

export interface SeenCodexCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export const CODEX_ACCOUNTS = {
  first: { accountId: "acct-codex-1111", email: "codex-one@example.com", plan: "pro" },
  second: { accountId: "acct-codex-2222", email: "codex-two@example.com", plan: "plus" },
} satisfies Record<string, CodexMockAccount>;

const encoder = new TextEncoder();
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An unsigned test JWT (alg none) with OpenAI's claims for `account`. */
export function codexIdToken(account: CodexMockAccount, expSeconds: number): string {
  const payload = {
    iss: "https://auth.openai.com",
    aud: [CODEX_CLIENT.clientId],
    sub: `auth0|${account.accountId}`,
    email: account.email,
    email_verified: true,
    exp: expSeconds,
    iat: expSeconds - 3600,
    "https://api.openai.com/auth": {
      chatgpt_account_id: account.accountId,
      chatgpt_plan_type: account.plan,
      chatgpt_user_id: `user-${account.accountId}`,
      organizations: [{ id: `org-${account.accountId}`, is_default: true, role: "owner", title: "Personal" }],
    },
  };
  return `${b64url({ alg: "none", typ: "JWT" })}.${b64url(payload)}.`;
}

/** An OpenAI API-shaped auth error (what auth.openai.com answers to refresh refusals). */
const apiError = (status: number, code: string, message: string) => Response.json({ error: { message, type: "invalid_request_error", param: null, code } }, { status });


export function startCodexOAuthMock(overrides: Partial<CodexMockSettings> = {}) {
  const settings: CodexMockSettings = { expiresInSeconds: 3600, refreshDelayMs: 0, refreshFailureStatus: null, usage: {}, ...overrides };
  const calls: SeenCodexCall[] = [];
  const codes = new Map<string, { state: string; challenge: string; redirectUri: string; account: CodexMockAccount; used: boolean }>();
  const accessTokens = new Map<string, { account: CodexMockAccount; expiresAt: number }>();
  /** Refresh token → its family and whether it was spent. */
  const refreshTokens = new Map<string, { family: number; account: CodexMockAccount; used: boolean }>();
  const revokedFamilies = new Set<number>();
  let counter = 0;
  let families = 0;
  let exchanges = 0;
  let refreshes = 0;
  let usageReads = 0;
  let inFlight = 0;
  let maxInFlight = 0;

  const issue = (account: CodexMockAccount, family: number) => {
    counter++;
    const access = mockToken("codex-at-mock", counter);
    const refresh = mockToken("codex-rt-mock", counter);
    accessTokens.set(access, { account, expiresAt: Date.now() + settings.expiresInSeconds * 1000 });
    refreshTokens.set(refresh, { family, account, used: false });
    return {
      access_token: access,
      refresh_token: refresh,
      id_token: codexIdToken(account, Math.floor(Date.now() / 1000) + settings.expiresInSeconds),
      token_type: "Bearer",
      expires_in: settings.expiresInSeconds,
      scope: CODEX_CLIENT.scopes.join(" "),
    };
  };

  const accountOf = (headers: Record<string, string>): CodexMockAccount | null => {
    const match = /^bearer\s+(.+)$/i.exec(headers.authorization ?? "");
    const entry = match ? accessTokens.get(match[1]!.trim()) : undefined;
    return entry && entry.expiresAt > Date.now() ? entry.account : null;
  };

  const usageBody = (account: CodexMockAccount) => {
    const windows = settings.usage[account.accountId] ?? { primary: { usedPercent: 10, resetAt: null }, secondary: { usedPercent: 5, resetAt: null } };
    const window = (w: CodexUsageWindow, seconds: number) => ({
      used_percent: w.usedPercent,
      limit_window_seconds: seconds,
      reset_after_seconds: w.resetAt === null ? 0 : Math.max(0, Math.round((w.resetAt - Date.now()) / 1000)),
      reset_at: w.resetAt === null ? 0 : Math.floor(w.resetAt / 1000),
    });
    return {
      plan_type: account.plan,
      rate_limit: {
        allowed: windows.primary.usedPercent < 100 && windows.secondary.usedPercent < 100,
        limit_reached: windows.primary.usedPercent >= 100 || windows.secondary.usedPercent >= 100,
        primary_window: window(windows.primary, 5 * 3600),
        secondary_window: window(windows.secondary, 7 * 86400),
      },
      credits: { has_credits: false, unlimited: false, balance: null },
    };
  };

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      const body = request.method === "GET" ? "" : await request.text();
      const call: SeenCodexCall = { method: request.method, path: url.pathname, headers: Object.fromEntries(request.headers), body };
      calls.push(call);
      if (url.pathname === "/oauth/token" && request.method === "POST") {
        if ((call.headers["content-type"] ?? "").split(";")[0]!.trim() !== "application/x-www-form-urlencoded") return oauthError(400, "invalid_request", "invalid_request");
        const form = new URLSearchParams(body);
        if (form.get("client_id") !== CODEX_CLIENT.clientId) return oauthError(401, "invalid_client", "invalid_client");
        const grant = form.get("grant_type");
        if (grant === "authorization_code") {
          const entry = codes.get(form.get("code") ?? "");
          if (!entry || entry.used) return oauthError(400, "invalid_grant", "invalid_grant");
          if (form.get("redirect_uri") !== entry.redirectUri) return oauthError(400, "invalid_grant", "invalid_grant");
          if (createHash("sha256").update(form.get("code_verifier") ?? "").digest("base64url") !== entry.challenge) return oauthError(400, "invalid_grant", "invalid_grant");
          entry.used = true;
          exchanges++;
          return Response.json(issue(entry.account, ++families));
        }
        if (grant === "refresh_token") {
          refreshes++;
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          try {
            if (settings.refreshDelayMs > 0) await Bun.sleep(settings.refreshDelayMs);
            if (settings.refreshFailureStatus !== null) return oauthError(settings.refreshFailureStatus, "server_error");
            const entry = refreshTokens.get(form.get("refresh_token") ?? "");
            if (!entry) return apiError(401, "refresh_token_invalidated", "Your refresh token has been invalidated.");
            if (revokedFamilies.has(entry.family)) return apiError(401, "refresh_token_invalidated", "Your refresh token has been invalidated.");
            if (entry.used) {
              // Reuse detection: the whole family goes, as at the real server.
              revokedFamilies.add(entry.family);
              return apiError(400, "refresh_token_reused", "Your refresh token has already been used to generate a new access token.");
            }
            entry.used = true;
            return Response.json(issue(entry.account, entry.family));
          } finally {
            inFlight--;
          }
        }
        return oauthError(400, "unsupported_grant_type", "unsupported_grant_type");
      }
      if (url.pathname === "/backend-api/wham/usage" && request.method === "GET") {
        usageReads++;
        const account = accountOf(call.headers);
        if (!account) return Response.json({ detail: "Unauthorized" }, { status: 401 });
        return Response.json(usageBody(account));
      }
      return new Response("not found", { status: 404 });
    },
  });

  const base = `http://127.0.0.1:${server.port}`;

  /**
   * The Codex backend. Refuses (400, as the real one does) a request that is not streamed, is stored, lacks the
   * originator, or names another account than the token's; 401 for an unknown or expired token. `reply` may answer
   * an accepted request instead (return null for the default recorded stream).
   */
  let reply: ((request: SeenRequest, account: CodexMockAccount) => RecordedReply | null) | null = null;
  const upstream = startRecordedUpstream((request) => {
    const account = accountOf(request.headers);
    if (!account) return jsonReply(401, { error: { message: "Your authentication token has expired.", type: "invalid_request_error", code: "token_expired" } });
    if (request.path !== "/backend-api/codex/responses") return jsonReply(404, { detail: "Not Found" });
    if (request.headers["chatgpt-account-id"] !== account.accountId) return jsonReply(400, { detail: "chatgpt-account-id missing or not the token's account" });
    if (request.headers.originator !== CODEX_CLIENT.originator) return jsonReply(400, { detail: "originator required" });
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      return jsonReply(400, { detail: "body is not JSON" });
    }
    if (parsed.stream !== true) return jsonReply(400, { detail: "Stream must be set to true" });
    if (parsed.store !== false) return jsonReply(400, { detail: "Store must be set to false" });
    if (typeof parsed.instructions !== "string" || parsed.instructions === "") return jsonReply(400, { detail: "Instructions are required" });
    if (!Array.isArray(parsed.input)) return jsonReply(400, { detail: "Input must be a list" });
    for (const field of ["temperature", "max_output_tokens", "top_p"]) {
      if (field in parsed) return jsonReply(400, { detail: `Unsupported parameter: ${field}` });
    }
    const custom = reply?.(request, account);
    if (custom) return custom;
    const recorded = fixtureReply("openai-responses", "text-stream-raw").reply;
    const windows = settings.usage[account.accountId];
    return {
      ...recorded,
      headers: {
        ...recorded.headers,
        "x-codex-primary-used-percent": String(windows?.primary.usedPercent ?? 10),
        "x-codex-secondary-used-percent": String(windows?.secondary.usedPercent ?? 5),
      },
    };
  });

  return {
    url: base,
    endpoints: { authorize: `${base}/oauth/authorize`, token: `${base}/oauth/token`, usage: `${base}/backend-api/wham/usage` },
    /** A connection's baseUrl for the mock backend. */
    baseUrl: `${upstream.url}/backend-api/codex`,
    upstream,
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
    /** The most refreshes ever in flight at once (1 when the gateway serialises them). */
    get maxInFlight() {
      return maxInFlight;
    },
    resetInFlight() {
      maxInFlight = inFlight;
    },
    /**
     * The user signs in as `account` at the authorize URL: returns the address the browser is redirected to
     * (`http://localhost:1455/auth/callback?code=…&state=…`). The authorize URL itself is never fetched.
     */
    approve(authorizeUrl: string, account: CodexMockAccount = CODEX_ACCOUNTS.first): string {
      const params = new URL(authorizeUrl).searchParams;
      const state = params.get("state");
      const challenge = params.get("code_challenge");
      const redirectUri = params.get("redirect_uri");
      if (params.get("client_id") !== CODEX_CLIENT.clientId || params.get("response_type") !== "code") throw new Error("mock authorize: wrong client_id / response_type");
      if (!state || !challenge || params.get("code_challenge_method") !== "S256" || !redirectUri) throw new Error("mock authorize: missing state / PKCE / redirect_uri");
      const code = mockToken("ac_mock", ++counter);
      codes.set(code, { state, challenge, redirectUri, account, used: false });
      const redirect = new URL(redirectUri);
      redirect.searchParams.set("code", code);
      redirect.searchParams.set("scope", CODEX_CLIENT.scopes.join(" "));
      redirect.searchParams.set("state", state);
      return redirect.toString();
    },
    /** Every access token issued so far stops working (the backend answers 401). */
    expireAccessTokens() {
      for (const entry of accessTokens.values()) entry.expiresAt = 0;
    },
    /** Spends a refresh token behind the gateway's back (another client used it): its next use is a reuse. */
    spendRefreshToken(refreshToken: string) {
      const entry = refreshTokens.get(refreshToken);
      if (entry) entry.used = true;
    },
    setUsage(accountId: string, primary: CodexUsageWindow, secondary: CodexUsageWindow = { usedPercent: 5, resetAt: null }) {
      settings.usage[accountId] = { primary, secondary };
    },
    setReply(fn: ((request: SeenRequest, account: CodexMockAccount) => RecordedReply | null) | null) {
      reply = fn;
    },
    stop() {
      upstream.stop();
      server.stop(true);
    },
  };
}

export type CodexOAuthMock = ReturnType<typeof startCodexOAuthMock>;

/** A non-stream Responses body (for tests that need the upstream to misbehave). */
export const codexJsonReply = (body: unknown): RecordedReply => ({ status: 200, contentType: "application/json", pieces: [encoder.encode(JSON.stringify(body))] });
