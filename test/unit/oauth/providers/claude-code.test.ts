import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { OAuthRegistry } from "../../../../src/oauth/oauth-registry";
import { OAuthRefreshRejected, OAuthTransientError, type OAuthContext, type TokenSet } from "../../../../src/oauth/oauth-types";
import { CLAUDE_CODE_CLIENT, CLAUDE_CODE_ENDPOINTS, claudeCodeOAuth, claudeUsageLimits } from "../../../../src/oauth/providers/claude-code";
import { startClaudeOAuthMock, type ClaudeOAuthMock } from "../../../fakes/oauth-mock-servers";
import { failure } from "./module-harness";

const NOW = 1_800_000_000_000;
let mock: ClaudeOAuthMock;
let registry: OAuthRegistry;
let ctx: OAuthContext;

beforeAll(() => {
  mock = startClaudeOAuthMock();
  registry = new OAuthRegistry();
  registry.overrideEndpoints("claude-code", mock.endpoints);
  ctx = registry.context("claude-code", () => NOW);
});
afterAll(() => mock.stop());
afterEach(() => {
  mock.calls.length = 0;
  mock.settings.refreshFailureStatus = null;
  mock.settings.exchangeFailureStatus = null;
  mock.settings.rotateRefreshTokens = true;
  mock.settings.usageFailureStatus = null;
});

/** Authorize, approve on the mock, paste `code#state` back: the tokens of a freshly connected account. */
async function connect(): Promise<TokenSet> {
  const start = claudeCodeOAuth.startAuthorization!(ctx);
  const [code, state] = mock.approve(start.authorizeUrl).split("#") as [string, string];
  return claudeCodeOAuth.exchangeCode!(ctx, { code, state, verifier: start.verifier, redirectUri: start.redirectUri });
}

describe("claude-code module", () => {
  test("is registered by default, with Anthropic's production endpoints as data", () => {
    const plain = new OAuthRegistry();
    expect(plain.get("claude-code")).toBe(claudeCodeOAuth);
    expect(plain.endpointsOf("claude-code")).toEqual({ ...CLAUDE_CODE_ENDPOINTS });
    expect(CLAUDE_CODE_ENDPOINTS.authorize).toBe("https://claude.ai/oauth/authorize");
    expect(CLAUDE_CODE_ENDPOINTS.usage).toBe("https://api.anthropic.com/api/oauth/usage");
  });

  test("authorize URL: client id, code flow, manual redirect, the five scopes, S256 challenge of the verifier, state", () => {
    const start = claudeCodeOAuth.startAuthorization!(ctx);
    expect(start.mode).toBe("manual");
    expect(start.loopbackPort).toBeNull();
    expect(start.redirectUri).toBe("https://platform.claude.com/oauth/code/callback");
    const url = new URL(start.authorizeUrl);
    expect(`${url.origin}${url.pathname}`).toBe(mock.endpoints.authorize);
    const params = url.searchParams;
    expect(params.get("client_id")).toBe("9d1c250a-e61b-44d9-88ed-5944d1962f5e");
    expect(params.get("response_type")).toBe("code");
    expect(params.get("redirect_uri")).toBe(start.redirectUri);
    expect(params.get("scope")).toBe("org:create_api_key user:profile user:inference user:sessions:claude_code user:mcp_servers");
    expect(params.get("code_challenge_method")).toBe("S256");
    expect(start.verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(params.get("code_challenge")).toBe(createHash("sha256").update(start.verifier!).digest("base64url"));
    expect(params.get("state")).toBe(start.state);
    expect(params.get("code")).toBe("true");
    // The verifier never travels in the URL.
    expect(start.authorizeUrl).not.toContain(start.verifier!);
    // Each start is a new verifier and state.
    const again = claudeCodeOAuth.startAuthorization!(ctx);
    expect(again.verifier).not.toBe(start.verifier);
    expect(again.state).not.toBe(start.state);
  });

  test("code exchange: a JSON POST with exactly the six fields; the token set and the account it describes", async () => {
    const tokens = await connect();
    const call = mock.calls.find((c) => c.path === "/v1/oauth/token")!;
    expect(call.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(call.body) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(["client_id", "code", "code_verifier", "grant_type", "redirect_uri", "state"]);
    expect(body.grant_type).toBe("authorization_code");
    expect(body.client_id).toBe(CLAUDE_CODE_CLIENT.clientId);
    expect(body.redirect_uri).toBe("https://platform.claude.com/oauth/code/callback");

    expect(tokens.accessToken).toStartWith("sk-ant-oat01-");
    expect(tokens.refreshToken).toStartWith("sk-ant-ort01-");
    expect(tokens.expiresAt).toBe(NOW + mock.settings.expiresInSeconds * 1000);
    expect(tokens.scope).toBe(CLAUDE_CODE_CLIENT.scopes.join(" "));
    expect(tokens.extra).toEqual({ accountUuid: "acc-0000-1111-2222", email: "claude-user@example.com", organizationUuid: "org-3333-4444", organizationName: "Example Org" });
    expect(claudeCodeOAuth.describe(tokens)).toEqual({ accountId: "acc-0000-1111-2222", email: "claude-user@example.com" });
    expect(mock.isValidAccessToken(tokens.accessToken)).toBe(true);
  });

  test("code exchange errors: a refused code ends the flow, a 429 is transient; messages carry status and OAuth code only", async () => {
    const start = claudeCodeOAuth.startAuthorization!(ctx);
    const [code, state] = mock.approve(start.authorizeUrl).split("#") as [string, string];
    const wrong = claudeCodeOAuth.exchangeCode!(ctx, { code, state, verifier: "x".repeat(43), redirectUri: start.redirectUri });
    const error = await failure(wrong);
    // Not transient: the flow must end (a transient error would invite pasting the same code again).
    expect(error).not.toBeInstanceOf(OAuthTransientError);
    expect(error.message).toBe("Claude authorization code exchange failed: HTTP 400 (invalid_grant)");
    expect(error.message).not.toContain(code);

    // Rate limited (a known problem of this endpoint) or down: transient, and the same code still works afterwards.
    mock.settings.exchangeFailureStatus = 429;
    const limited = await failure(claudeCodeOAuth.exchangeCode!(ctx, { code, state, verifier: start.verifier, redirectUri: start.redirectUri }));
    expect(limited).toBeInstanceOf(OAuthTransientError);
    expect(limited.message).toBe("Claude authorization code exchange failed: HTTP 429 (rate_limit_error)");
    mock.settings.exchangeFailureStatus = null;
    expect(mock.isValidAccessToken((await claudeCodeOAuth.exchangeCode!(ctx, { code, state, verifier: start.verifier, redirectUri: start.redirectUri })).accessToken)).toBe(true);

    const reused = await failure(claudeCodeOAuth.exchangeCode!(ctx, { code, state, verifier: start.verifier, redirectUri: start.redirectUri }));
    expect(reused.message).toContain("(invalid_grant)");
  });

  test("refresh: form-urlencoded grant_type / refresh_token / client_id with anthropic-beta; the refresh token rotates", async () => {
    const first = await connect();
    mock.calls.length = 0;
    const before = mock.refreshes;
    const next = await claudeCodeOAuth.refresh(ctx, first);
    expect(mock.refreshes).toBe(before + 1);
    const call = mock.calls.find((c) => c.path === "/v1/oauth/token")!;
    expect(call.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(call.headers["anthropic-beta"]).toBe("oauth-2025-04-20");
    const form = new URLSearchParams(call.body);
    expect([...form.keys()].sort()).toEqual(["client_id", "grant_type", "refresh_token"]);
    expect(form.get("grant_type")).toBe("refresh_token");
    expect(form.get("refresh_token")).toBe(first.refreshToken);
    expect(form.get("client_id")).toBe(CLAUDE_CODE_CLIENT.clientId);

    expect(next.accessToken).not.toBe(first.accessToken);
    expect(next.refreshToken).not.toBe(first.refreshToken);
    expect(next.expiresAt).toBe(NOW + mock.settings.expiresInSeconds * 1000);
    expect(next.extra.email).toBe("claude-user@example.com");
    // The old refresh token is spent: using it again is a re-auth.
    await expect(claudeCodeOAuth.refresh(ctx, first)).rejects.toBeInstanceOf(OAuthRefreshRejected);
  });

  test("a refresh answer without refresh_token keeps the old one", async () => {
    const first = await connect();
    mock.settings.rotateRefreshTokens = false;
    const next = await claudeCodeOAuth.refresh(ctx, first);
    expect(next.refreshToken).toBe(first.refreshToken);
    expect(next.accessToken).not.toBe(first.accessToken);
  });

  test("error mapping: revoked refresh token → OAuthRefreshRejected; 429 / 5xx / network → OAuthTransientError", async () => {
    const tokens = await connect();
    mock.revokeRefreshToken(tokens.refreshToken!);
    const revoked = await failure(claudeCodeOAuth.refresh(ctx, tokens));
    expect(revoked).toBeInstanceOf(OAuthRefreshRejected);
    expect(revoked.message).toBe("Claude token refresh failed: HTTP 400 (invalid_grant)");
    expect(revoked.message).not.toContain(tokens.refreshToken!);

    const live = await connect();
    for (const status of [429, 500, 503]) {
      mock.settings.refreshFailureStatus = status;
      const error = await failure(claudeCodeOAuth.refresh(ctx, live));
      expect(error).toBeInstanceOf(OAuthTransientError);
      expect(error.message).toContain(`HTTP ${status}`);
    }
    mock.settings.refreshFailureStatus = null;

    const down = startClaudeOAuthMock();
    const downRegistry = new OAuthRegistry();
    downRegistry.overrideEndpoints("claude-code", down.endpoints);
    down.stop();
    await expect(claudeCodeOAuth.refresh(downRegistry.context("claude-code"), live)).rejects.toBeInstanceOf(OAuthTransientError);

    await expect(claudeCodeOAuth.refresh(ctx, { ...live, refreshToken: null })).rejects.toBeInstanceOf(OAuthRefreshRejected);
  });

  test("quota: Bearer + anthropic-beta; five_hour / seven_day / per-model windows as utilization 0..1 with resets", async () => {
    const tokens = await connect();
    const now = Date.now();
    mock.setUsage({
      five_hour: { utilization: 42, resetsAt: now + 3_600_000 },
      seven_day: { utilization: 100, resetsAt: now + 86_400_000 },
      seven_day_sonnet: { utilization: 7.5, resetsAt: now + 2 * 86_400_000 },
      seven_day_opus: null,
    });
    mock.calls.length = 0;
    const limits = await claudeCodeOAuth.fetchQuota!(registry.context("claude-code"), tokens);
    const call = mock.calls.find((c) => c.path === "/api/oauth/usage")!;
    expect(call.headers.authorization).toBe(`Bearer ${tokens.accessToken}`);
    expect(call.headers["anthropic-beta"]).toBe("oauth-2025-04-20");
    const round = (ms: number) => Math.floor(ms / 1000) * 1000;
    expect(limits.map((l) => ({ ...l, resetAt: l.resetAt === null ? null : round(l.resetAt) }))).toEqual([
      { name: "unified-5h", limit: null, remaining: null, utilization: 0.42, resetAt: round(now + 3_600_000), spent: false },
      { name: "unified-7d", limit: null, remaining: null, utilization: 1, resetAt: round(now + 86_400_000), spent: true },
      { name: "unified-7d-sonnet", limit: null, remaining: null, utilization: 0.075, resetAt: round(now + 2 * 86_400_000), spent: false },
    ]);
  });

  test("quota: a refused read is transient (the account is not closed by it)", async () => {
    const tokens = await connect();
    mock.settings.usageFailureStatus = 500;
    await expect(claudeCodeOAuth.fetchQuota!(ctx, tokens)).rejects.toBeInstanceOf(OAuthTransientError);
    mock.settings.usageFailureStatus = null;
    mock.expireAccessTokens();
    const error = await failure(claudeCodeOAuth.fetchQuota!(ctx, tokens));
    expect(error).toBeInstanceOf(OAuthTransientError);
    expect(error.message).toBe("Claude usage read failed: HTTP 401 (authentication_error)");
  });

  test("usage mapping: the recorded answer shape (nulls, extra_usage, unknown keys) and past resets", () => {
    const now = Date.parse("2026-01-02T12:00:00Z");
    const limits = claudeUsageLimits(
      {
        five_hour: { utilization: 24.0, resets_at: "2026-01-02T19:59:59.600956+00:00" },
        seven_day: { utilization: 36.0, resets_at: "2026-01-01T06:59:59.600974+00:00" },
        seven_day_oauth_apps: null,
        seven_day_opus: { utilization: null, resets_at: null },
        iguana_necktie: null,
        extra_usage: { is_enabled: false, monthly_limit: null, used_credits: null, utilization: null },
      },
      now,
    );
    expect(limits).toEqual([
      { name: "unified-5h", limit: null, remaining: null, utilization: 0.24, resetAt: Date.parse("2026-01-02T19:59:59.600Z"), spent: false },
      { name: "unified-7d", limit: null, remaining: null, utilization: 0.36, resetAt: null, spent: false },
    ]);
    expect(claudeUsageLimits("not json", now)).toEqual([]);
    expect(claudeUsageLimits(null, now)).toEqual([]);
  });
});
