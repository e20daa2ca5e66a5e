import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { OAuthRegistry } from "../../../../src/oauth/oauth-registry";
import { OAuthRefreshRejected, OAuthTransientError, type OAuthContext, type TokenSet } from "../../../../src/oauth/oauth-types";
import { ANTIGRAVITY_CLIENT, ANTIGRAVITY_ENDPOINTS, ONBOARD_POLL, antigravityOAuth, antigravityQuotaLimits } from "../../../../src/oauth/providers/antigravity";
import { ANTIGRAVITY_ACCOUNTS, startAntigravityOAuthMock, type AntigravityMockAccount, type AntigravityOAuthMock } from "../../../fakes/oauth-mock-antigravity";
import { failure } from "./module-harness";

const NOW = 1_800_000_000_000;
let mock: AntigravityOAuthMock;
let ctx: OAuthContext;

beforeAll(() => {
  mock = startAntigravityOAuthMock();
  const registry = new OAuthRegistry();
  registry.overrideEndpoints("antigravity", mock.endpoints);
  ctx = registry.context("antigravity", () => NOW);
  ONBOARD_POLL.delayMs = 10;
});
afterAll(() => mock.stop());
afterEach(() => {
  mock.calls.length = 0;
  mock.settings.refreshFailureStatus = null;
  mock.settings.loadCodeAssistFailures = 0;
});

async function connect(account: AntigravityMockAccount = ANTIGRAVITY_ACCOUNTS.first): Promise<TokenSet> {
  const start = antigravityOAuth.startAuthorization!(ctx);
  const redirected = new URL(mock.approve(start.authorizeUrl, account));
  return antigravityOAuth.exchangeCode!(ctx, { code: redirected.searchParams.get("code")!, state: start.state, verifier: start.verifier, redirectUri: start.redirectUri });
}

describe("antigravity module", () => {
  test("is registered by default, with Google's production endpoints as data", () => {
    const plain = new OAuthRegistry();
    expect(plain.get("antigravity")).toBe(antigravityOAuth);
    expect(plain.endpointsOf("antigravity")).toEqual({ ...ANTIGRAVITY_ENDPOINTS });
    expect(ANTIGRAVITY_ENDPOINTS.token).toBe("https://oauth2.googleapis.com/token");
    expect(ANTIGRAVITY_ENDPOINTS.loadCodeAssist).toBe("https://daily-cloudcode-pa.googleapis.com/v1internal:loadCodeAssist");
    // Google refresh tokens do not rotate: no rotation group.
    expect(antigravityOAuth.rotationGroup).toBeUndefined();
  });

  test("authorize URL: the IDE's client, loopback 51121, offline + consent, no PKCE, no openid", () => {
    const start = antigravityOAuth.startAuthorization!(ctx);
    expect(start).toMatchObject({ mode: "loopback", loopbackPort: 51121, redirectUri: "http://localhost:51121/oauth-callback", verifier: null });
    const url = new URL(start.authorizeUrl);
    expect(`${url.origin}${url.pathname}`).toBe(mock.endpoints.authorize);
    const params = Object.fromEntries(url.searchParams);
    expect(params).toMatchObject({
      client_id: ANTIGRAVITY_CLIENT.clientId,
      response_type: "code",
      redirect_uri: "http://localhost:51121/oauth-callback",
      access_type: "offline",
      prompt: "consent",
      state: start.state,
    });
    expect(params.scope!.split(" ")).toEqual([...ANTIGRAVITY_CLIENT.scopes]);
    expect(params.scope).not.toContain("openid");
    expect(params.code_challenge).toBeUndefined();
    expect(params.code_challenge_method).toBeUndefined();
  });

  test("code exchange: a form with client id and secret, then userinfo and loadCodeAssist → email and project", async () => {
    const tokens = await connect(ANTIGRAVITY_ACCOUNTS.first);
    const exchange = mock.calls.find((c) => c.path === "/token")!;
    expect(exchange.headers["content-type"]).toStartWith("application/x-www-form-urlencoded");
    const form = new URLSearchParams(exchange.body);
    expect(Object.fromEntries(form)).toMatchObject({ grant_type: "authorization_code", client_id: ANTIGRAVITY_CLIENT.clientId, client_secret: ANTIGRAVITY_CLIENT.clientSecret, redirect_uri: ANTIGRAVITY_CLIENT.redirectUri });
    expect(form.has("code_verifier")).toBe(false);
    expect(tokens.accessToken).toStartWith("ya29.agy-at-mock");
    expect(tokens.refreshToken).toStartWith("1//agy-rt-mock");
    expect(tokens.expiresAt).toBe(NOW + 3600_000);
    expect(tokens.extra).toEqual({ email: "agy-one@example.com", projectId: "useful-fuze-11111", plan: "standard-tier" });
    const load = mock.calls.find((c) => c.path === "/v1internal:loadCodeAssist")!;
    expect(JSON.parse(load.body)).toEqual({ metadata: { ideType: "ANTIGRAVITY", platform: "PLATFORM_UNSPECIFIED", pluginType: "GEMINI" } });
    expect(load.headers["user-agent"]).toStartWith("antigravity/");
    expect(mock.calls.some((c) => c.path === "/v1internal:onboardUser")).toBe(false);
    expect(antigravityOAuth.describe(tokens)).toEqual({ accountId: "useful-fuze-11111", email: "agy-one@example.com", plan: "standard-tier" });
  });

  test("a new account without a project is onboarded (the operation asked again until done)", async () => {
    const tokens = await connect(ANTIGRAVITY_ACCOUNTS.second);
    expect(tokens.extra.projectId).toBe("bright-wave-22222");
    const onboards = mock.calls.filter((c) => c.path === "/v1internal:onboardUser");
    expect(onboards.length).toBe(2);
    expect(JSON.parse(onboards[0]!.body)).toMatchObject({ tierId: "free-tier", metadata: { ideType: "ANTIGRAVITY" } });
  });

  test("a bootstrap that fails does not fail the sign-in; the next refresh re-discovers the project", async () => {
    mock.settings.loadCodeAssistFailures = 1;
    const tokens = await connect(ANTIGRAVITY_ACCOUNTS.first);
    expect(tokens.extra.projectId).toBeUndefined();
    expect(tokens.extra.email).toBe("agy-one@example.com");
    const refreshed = await antigravityOAuth.refresh(ctx, tokens);
    expect(refreshed.extra.projectId).toBe("useful-fuze-11111");
  });

  test("refresh: form with the secret; the answer has no refresh token and the one held is kept (no rotation)", async () => {
    const tokens = await connect();
    mock.calls.length = 0;
    const refreshed = await antigravityOAuth.refresh(ctx, tokens);
    const form = new URLSearchParams(mock.calls.find((c) => c.path === "/token")!.body);
    expect(Object.fromEntries(form)).toEqual({ grant_type: "refresh_token", refresh_token: tokens.refreshToken!, client_id: ANTIGRAVITY_CLIENT.clientId, client_secret: ANTIGRAVITY_CLIENT.clientSecret });
    expect(refreshed.accessToken).not.toBe(tokens.accessToken);
    expect(refreshed.refreshToken).toBe(tokens.refreshToken);
    expect(refreshed.extra).toEqual(tokens.extra);
    // Project known: no bootstrap call on an ordinary refresh.
    expect(mock.calls.some((c) => c.path.startsWith("/v1internal:"))).toBe(false);
  });

  test("refresh refused with invalid_grant → OAuthRefreshRejected; a 5xx → transient, token kept", async () => {
    const tokens = await connect();
    mock.settings.refreshFailureStatus = 503;
    const transient = await failure(antigravityOAuth.refresh(ctx, tokens));
    expect(transient).toBeInstanceOf(OAuthTransientError);
    mock.settings.refreshFailureStatus = null;
    mock.revokeRefreshToken(tokens.refreshToken!);
    const rejected = await failure(antigravityOAuth.refresh(ctx, tokens));
    expect(rejected).toBeInstanceOf(OAuthRefreshRejected);
    expect(rejected.message).toContain("invalid_grant");
    expect(rejected.message).not.toContain(tokens.refreshToken!);
  });

  test("fetchQuota: fetchAvailableModels for the project → model-<id> limits", async () => {
    const tokens = await connect();
    const reset = NOW + 3600_000;
    mock.setQuota("agy-one@example.com", "gemini-3-flash", { remainingFraction: 0.25, resetAt: reset });
    mock.setQuota("agy-one@example.com", "claude-sonnet-4-6", { remainingFraction: 0, resetAt: reset });
    const limits = await antigravityOAuth.fetchQuota!(ctx, tokens);
    const quotaCall = mock.calls.find((c) => c.path === "/v1internal:fetchAvailableModels")!;
    expect(JSON.parse(quotaCall.body)).toEqual({ project: "useful-fuze-11111" });
    expect(limits.find((l) => l.name === "model-gemini-3-flash")).toEqual({ name: "model-gemini-3-flash", limit: null, remaining: null, utilization: 0.75, resetAt: reset, spent: false, model: "gemini-3-flash" });
    // A model at 0 is spent on its own; the others are not.
    expect(limits.find((l) => l.name === "model-claude-sonnet-4-6")).toMatchObject({ utilization: 1, spent: true, resetAt: reset, model: "claude-sonnet-4-6" });
    expect(limits.filter((l) => l.spent).map((l) => l.model)).toEqual(["claude-sonnet-4-6"]);
  });

  test("quota mapping: per-model limits, fractions clamped, past resets dropped, odd ids and models without quotaInfo skipped", () => {
    const limits = antigravityQuotaLimits(
      {
        models: {
          "gemini-3.1-pro-high": { quotaInfo: { remainingFraction: 1, resetTime: "2020-01-01T00:00:00Z" } },
          "no-quota": { displayName: "x" },
          "bad id!": { quotaInfo: { remainingFraction: 0.5 } },
          "exhausted": { quotaInfo: { resetTime: new Date(NOW + 60_000).toISOString() } },
        },
      },
      NOW,
    );
    // Each limit is scoped to its model: an exhausted one is spent on its own (it closes that model only).
    expect(limits).toEqual([
      { name: "model-gemini-3.1-pro-high", limit: null, remaining: null, utilization: 0, resetAt: null, spent: false, model: "gemini-3.1-pro-high" },
      { name: "model-exhausted", limit: null, remaining: null, utilization: 1, resetAt: NOW + 60_000, spent: true, model: "exhausted" },
    ]);
    expect(antigravityQuotaLimits("nonsense", NOW)).toEqual([]);
  });
});
