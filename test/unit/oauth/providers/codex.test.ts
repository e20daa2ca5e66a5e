import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { OAuthRegistry } from "../../../../src/oauth/oauth-registry";
import { OAuthRefreshRejected, OAuthTransientError, type OAuthContext, type TokenSet } from "../../../../src/oauth/oauth-types";
import { CODEX_CLIENT, CODEX_ENDPOINTS, CODEX_ROTATION_GROUP, codexErrorCode, codexOAuth, codexUsageLimits, jwtClaims } from "../../../../src/oauth/providers/codex";
import { readReportedLimits } from "../../../../src/quota/provider-limits";
import { CODEX_ACCOUNTS, codexIdToken, startCodexOAuthMock, type CodexOAuthMock } from "../../../fakes/oauth-mock-codex";
import { failure } from "./module-harness";

const NOW = 1_800_000_000_000;
let mock: CodexOAuthMock;
let ctx: OAuthContext;

beforeAll(() => {
  mock = startCodexOAuthMock();
  const registry = new OAuthRegistry();
  registry.overrideEndpoints("codex", mock.endpoints);
  ctx = registry.context("codex", () => NOW);
});
afterAll(() => mock.stop());
afterEach(() => {
  mock.calls.length = 0;
  mock.settings.refreshFailureStatus = null;
});

/** Authorize, sign in on the mock, hand the redirected URL's code back: a freshly connected account's tokens. */
async function connect(account = CODEX_ACCOUNTS.first): Promise<TokenSet> {
  const start = codexOAuth.startAuthorization!(ctx);
  const redirected = new URL(mock.approve(start.authorizeUrl, account));
  return codexOAuth.exchangeCode!(ctx, { code: redirected.searchParams.get("code")!, state: start.state, verifier: start.verifier, redirectUri: start.redirectUri });
}

describe("codex module", () => {
  test("is registered by default, with OpenAI's production endpoints as data, in the openai-codex rotation group", () => {
    const plain = new OAuthRegistry();
    expect(plain.get("codex")).toBe(codexOAuth);
    expect(plain.endpointsOf("codex")).toEqual({ ...CODEX_ENDPOINTS });
    expect(CODEX_ENDPOINTS).toEqual({
      authorize: "https://auth.openai.com/oauth/authorize",
      token: "https://auth.openai.com/oauth/token",
      usage: "https://chatgpt.com/backend-api/wham/usage",
    });
    expect(codexOAuth.rotationGroup).toBe(CODEX_ROTATION_GROUP);
    expect(CODEX_ROTATION_GROUP).toBe("openai-codex");
  });

  test("authorize URL: the CLI's client and params, loopback on 1455, S256 challenge of the verifier, state, prompt=login", () => {
    const start = codexOAuth.startAuthorization!(ctx);
    expect(start).toMatchObject({ mode: "loopback", loopbackPort: 1455, redirectUri: "http://localhost:1455/auth/callback" });
    const url = new URL(start.authorizeUrl);
    expect(`${url.origin}${url.pathname}`).toBe(mock.endpoints.authorize);
    const params = Object.fromEntries(url.searchParams);
    expect(params).toEqual({
      response_type: "code",
      client_id: "app_EMoamEEZ73f0CkXaXp7hrann",
      redirect_uri: "http://localhost:1455/auth/callback",
      scope: "openid profile email offline_access",
      code_challenge: createHash("sha256").update(start.verifier!).digest("base64url"),
      code_challenge_method: "S256",
      id_token_add_organizations: "true",
      codex_cli_simplified_flow: "true",
      originator: "codex_cli_rs",
      state: start.state,
      prompt: "login",
    });
    expect(start.authorizeUrl).not.toContain(start.verifier!);
    expect(codexOAuth.startAuthorization!(ctx).state).not.toBe(start.state);
  });

  test("code exchange: form-urlencoded with the verifier; the id token's claims give account id, plan and email", async () => {
    const tokens = await connect();
    const call = mock.calls.find((c) => c.path === "/oauth/token")!;
    expect(call.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    const form = Object.fromEntries(new URLSearchParams(call.body));
    expect(Object.keys(form).sort()).toEqual(["client_id", "code", "code_verifier", "grant_type", "redirect_uri"]);
    expect(form).toMatchObject({ grant_type: "authorization_code", client_id: CODEX_CLIENT.clientId, redirect_uri: CODEX_CLIENT.redirectUri });
    expect(tokens.accessToken).toStartWith("codex-at-mock");
    expect(tokens.refreshToken).toStartWith("codex-rt-mock");
    expect(tokens.idToken).toBeString();
    expect(tokens.expiresAt).toBe(NOW + 3600_000);
    expect(tokens.extra).toEqual({ accountId: "acct-codex-1111", plan: "pro", email: "codex-one@example.com" });
    expect(codexOAuth.describe(tokens)).toEqual({ accountId: "acct-codex-1111", email: "codex-one@example.com", plan: "pro" });
  });

  test("a used code is refused with a plain error (the flow ends), no code in the message", async () => {
    const start = codexOAuth.startAuthorization!(ctx);
    const code = new URL(mock.approve(start.authorizeUrl)).searchParams.get("code")!;
    const input = { code, state: start.state, verifier: start.verifier, redirectUri: start.redirectUri };
    await codexOAuth.exchangeCode!(ctx, input);
    const error = await failure(codexOAuth.exchangeCode!(ctx, input));
    expect(error).not.toBeInstanceOf(OAuthTransientError);
    expect(error.message).toContain("invalid_grant");
    expect(error.message).not.toContain(code);
  });

  test("refresh: form-urlencoded, rotates the refresh token, keeps the account facts", async () => {
    const tokens = await connect(CODEX_ACCOUNTS.second);
    mock.calls.length = 0;
    const next = await codexOAuth.refresh(ctx, tokens);
    const form = Object.fromEntries(new URLSearchParams(mock.calls[0]!.body));
    expect(form).toEqual({ grant_type: "refresh_token", refresh_token: tokens.refreshToken!, client_id: CODEX_CLIENT.clientId, scope: "openid profile email" });
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect(next.accessToken).not.toBe(tokens.accessToken);
    expect(next.extra).toEqual({ accountId: "acct-codex-2222", plan: "plus", email: "codex-two@example.com" });
  });

  test("a reused refresh token → OAuthRefreshRejected (refresh_token_reused), no token in the message", async () => {
    const tokens = await connect();
    await codexOAuth.refresh(ctx, tokens);
    const error = await failure(codexOAuth.refresh(ctx, tokens));
    expect(error).toBeInstanceOf(OAuthRefreshRejected);
    expect(error.message).toContain("refresh_token_reused");
    expect(error.message).not.toContain(tokens.refreshToken!);
  });

  test("a 5xx or 429 refresh is transient (the account keeps its tokens); no refresh token is rejected outright", async () => {
    const tokens = await connect();
    mock.settings.refreshFailureStatus = 503;
    expect(await failure(codexOAuth.refresh(ctx, tokens))).toBeInstanceOf(OAuthTransientError);
    mock.settings.refreshFailureStatus = 429;
    expect(await failure(codexOAuth.refresh(ctx, tokens))).toBeInstanceOf(OAuthTransientError);
    expect(await failure(codexOAuth.refresh(ctx, { ...tokens, refreshToken: null }))).toBeInstanceOf(OAuthRefreshRejected);
  });

  test("error codes: OpenAI's `error.code` wins over its type; RFC 6749 strings; nothing that is not code-shaped", () => {
    expect(codexErrorCode({ error: { type: "invalid_request_error", code: "refresh_token_reused", message: "x" } })).toBe("refresh_token_reused");
    expect(codexErrorCode({ error: "invalid_grant" })).toBe("invalid_grant");
    expect(codexErrorCode({ error: { message: "no code" } })).toBeNull();
    expect(codexErrorCode({ error: "has spaces and a token sk-123" })).toBeNull();
    expect(codexErrorCode("nope")).toBeNull();
  });

  test("JWT claims: read from the payload; anything else is null", () => {
    const claims = jwtClaims(codexIdToken(CODEX_ACCOUNTS.first, 2_000_000_000));
    expect(claims?.["https://api.openai.com/auth"]?.chatgpt_account_id).toBe("acct-codex-1111");
    expect(claims?.exp).toBe(2_000_000_000);
    expect(jwtClaims("not-a-jwt")).toBeNull();
    expect(jwtClaims("a.%%%.c")).toBeNull();
    expect(jwtClaims(undefined)).toBeNull();
  });

  test("quota: wham/usage with the bearer and account id → codex-5h and codex-7d windows", async () => {
    const tokens = await connect();
    const resetAt = Date.now() + 3600_000;
    mock.setUsage("acct-codex-1111", { usedPercent: 100, resetAt }, { usedPercent: 40, resetAt: null });
    const registry = new OAuthRegistry();
    registry.overrideEndpoints("codex", mock.endpoints);
    const limits = await codexOAuth.fetchQuota!(registry.context("codex"), tokens);
    const call = mock.calls.at(-1)!;
    expect(call.headers.authorization).toBe(`Bearer ${tokens.accessToken}`);
    expect(call.headers["chatgpt-account-id"]).toBe("acct-codex-1111");
    expect(limits).toEqual([
      { name: "codex-5h", limit: null, remaining: null, utilization: 1, resetAt: Math.floor(resetAt / 1000) * 1000, spent: true },
      { name: "codex-7d", limit: null, remaining: null, utilization: 0.4, resetAt: null, spent: false },
    ]);
  });

  test("usage parsing: window names from their length, reset_after_seconds, past resets dropped, junk ignored", () => {
    const now = 1_000_000_000_000;
    const limits = codexUsageLimits(
      {
        rate_limit: {
          primary_window: { used_percent: 12.5, limit_window_seconds: 18000, reset_after_seconds: 60 },
          secondary_window: { used_percent: 3, limit_window_seconds: 86400, reset_at: 1 },
        },
      },
      now,
    );
    expect(limits).toEqual([
      { name: "codex-5h", limit: null, remaining: null, utilization: 0.125, resetAt: now + 60_000, spent: false },
      { name: "codex-1d", limit: null, remaining: null, utilization: 0.03, resetAt: null, spent: false },
    ]);
    expect(codexUsageLimits({ rate_limit: null }, now)).toEqual([]);
    expect(codexUsageLimits("html", now)).toEqual([]);
    expect(codexUsageLimits({ rate_limit: { primary_window: { used_percent: "x" } } }, now)).toEqual([]);
  });

  test("x-codex-* answer headers feed the same windows (used-percent is always a percentage)", () => {
    const at = 1_000_000_000_000;
    const limits = readReportedLimits(
      { "x-codex-primary-used-percent": "1", "x-codex-primary-reset-after-seconds": "120", "x-codex-secondary-used-percent": "100", "x-codex-secondary-reset-at": String(at / 1000 + 3600), "x-codex-other": "7" },
      at,
    );
    expect(limits).toEqual([
      { name: "codex-5h", limit: null, remaining: null, utilization: 0.01, resetAt: at + 120_000, spent: false },
      { name: "codex-7d", limit: null, remaining: null, utilization: 1, resetAt: at + 3600_000, spent: true },
    ]);
  });
});
