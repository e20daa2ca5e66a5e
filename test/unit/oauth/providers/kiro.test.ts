import { describe, expect, test } from "bun:test";
import { OAuthRegistry } from "../../../../src/oauth/oauth-registry";
import { OAuthRefreshRejected, OAuthTransientError, type TokenSet } from "../../../../src/oauth/oauth-types";
import { awsOidcError, isValidRegion, KIRO_CLIENT, KIRO_ENDPOINTS, kiroOAuth, kiroOidcEndpoints, kiroQuotaLimits } from "../../../../src/oauth/providers/kiro";
import { startKiroOAuthMock, type KiroMockSettings, type KiroOAuthMock } from "../../../fakes/oauth-mock-kiro";
import { deviceFlow, failure, mockSetup } from "./module-harness";

const setup = mockSetup<KiroMockSettings, KiroOAuthMock>("kiro", startKiroOAuthMock);
const { pollToEnd } = deviceFlow(kiroOAuth);

describe("regions", () => {
  test("only region-shaped values reach a host name", () => {
    for (const region of ["us-east-1", "eu-central-1", "ap-southeast-2", "ca-central-1"]) expect(isValidRegion(region), region).toBe(true);
    for (const hostile of ["evil.example#", "us-east-1.evil.example", "us-east-1/../x", "US-EAST-1", "us-east-1 ", "", "us-east-123", "x", "127.0.0.1", "us-east-1@evil"]) {
      expect(isValidRegion(hostile), hostile).toBe(false);
      expect(() => kiroOidcEndpoints(hostile)).toThrow(OAuthTransientError);
    }
    expect(kiroOidcEndpoints("eu-central-1").token).toBe("https://oidc.eu-central-1.amazonaws.com/token");
    expect(KIRO_ENDPOINTS).toMatchObject({
      register: "https://oidc.us-east-1.amazonaws.com/client/register",
      deviceAuthorization: "https://oidc.us-east-1.amazonaws.com/device_authorization",
      token: "https://oidc.us-east-1.amazonaws.com/token",
    });
  });
});

describe("device flow", () => {
  test("registers a public client, starts at the Builder ID portal, pending → slow_down → done; the client kept in extra", async () => {
    const { mock, ctx } = setup({ pendingPolls: 1, slowDownOnce: true });
    const { states, last } = await pollToEnd(ctx);
    expect(states).toEqual(["slow-down", "pending", "done"]);
    const register = JSON.parse(mock.calls.find((c) => c.path === "/client/register")!.body);
    expect(register).toMatchObject({ clientType: "public", scopes: KIRO_CLIENT.scopes, grantTypes: KIRO_CLIENT.grantTypes });
    const device = JSON.parse(mock.calls.find((c) => c.path === "/device_authorization")!.body);
    expect(device.startUrl).toBe("https://view.awsapps.com/start");
    const tokens = (last as { tokens: TokenSet }).tokens;
    expect(tokens.accessToken).toMatch(/^kiro-mock-at-/);
    expect(tokens.refreshToken).toMatch(/^kiro-mock-rt-/);
    expect(tokens.extra.clientId).toBe(register.clientId ?? tokens.extra.clientId);
    expect(tokens.extra.clientSecret).toMatch(/^kiro-mock-secret-/);
    expect(tokens.expiresAt).toBeGreaterThan(Date.now());
  });

  test("denied and expired device codes fail; a lost registered client fails the flow", async () => {
    const { ctx } = setup({ deny: true });
    const { last } = await pollToEnd(ctx);
    expect(last).toMatchObject({ status: "failed", message: expect.stringContaining("denied") });
    const started = await kiroOAuth.startDevice!(ctx);
    expect(await kiroOAuth.pollDevice!(ctx, { ...started, expiresAt: Date.now() - 1 })).toMatchObject({ status: "failed", message: expect.stringContaining("expired") });
    expect(await kiroOAuth.pollDevice!(ctx, { ...started, verifier: "garbage" })).toMatchObject({ status: "failed" });
  });

  test("AWS exception names map to OAuth codes", () => {
    const none = new Headers();
    expect(awsOidcError({ error: "authorization_pending" }, none)).toBe("authorization_pending");
    expect(awsOidcError({ __type: "com.amazonaws.ssooidc#SlowDownException" }, none)).toBe("slow_down");
    expect(awsOidcError({}, new Headers({ "x-amzn-errortype": "ExpiredTokenException:http://internal.amazon.com/" }))).toBe("expired_token");
    expect(awsOidcError(undefined, none)).toBeNull();
    expect(awsOidcError({ error: "x".repeat(200) }, none)).toBeNull();
  });
});

describe("refresh", () => {
  test("with the registered client; invalid_grant → OAuthRefreshRejected; a network failure is transient", async () => {
    const { mock, ctx } = setup();
    const { last } = await pollToEnd(ctx);
    const tokens = (last as { tokens: TokenSet }).tokens;
    const fresh = await kiroOAuth.refresh(ctx, tokens);
    expect(fresh.accessToken).not.toBe(tokens.accessToken);
    expect(fresh.extra.clientId).toBe(tokens.extra.clientId!);
    expect(JSON.parse(mock.calls.at(-1)!.body)).toMatchObject({ grantType: "refresh_token", clientId: tokens.extra.clientId, clientSecret: tokens.extra.clientSecret });
    const rejected = await failure(kiroOAuth.refresh(ctx, tokens)); // the old refresh token was rotated away
    expect(rejected).toBeInstanceOf(OAuthRefreshRejected);
    expect(rejected.message).toContain("invalid_grant");
    expect(rejected.message).not.toContain(tokens.refreshToken!);
    expect(await failure(kiroOAuth.refresh(ctx, { ...fresh, extra: {} }))).toBeInstanceOf(OAuthRefreshRejected);
    const registry = new OAuthRegistry();
    registry.overrideEndpoints("kiro", { token: "http://127.0.0.1:1/token" });
    expect(await failure(kiroOAuth.refresh(registry.context("kiro"), fresh))).toBeInstanceOf(OAuthTransientError);
  });
});

describe("quota", () => {
  test("getUsageLimits → one limit per resource, free trial added while active, spent at the limit", () => {
    const now = Date.parse("2026-11-01T00:00:00Z");
    const reset = Math.floor(Date.parse("2026-12-01T00:00:00Z") / 1000);
    const limits = kiroQuotaLimits(
      {
        nextDateReset: reset,
        usageBreakdownList: [
          { resourceType: "CREDIT", currentUsageWithPrecision: 12.5, usageLimitWithPrecision: 50, freeTrialInfo: { freeTrialStatus: "ACTIVE", currentUsage: 100, usageLimit: 500 } },
          { resourceType: "AGENTIC_REQUEST", currentUsage: 50, usageLimit: 50, nextDateReset: "2026-11-15T00:00:00Z" },
          { resourceType: "BAD TYPE", currentUsage: 1, usageLimit: 2 },
          { resourceType: "ZERO", currentUsage: 0, usageLimit: 0 },
          "junk",
        ],
      },
      now,
    );
    expect(limits).toEqual([
      { name: "kiro-credit", limit: 550, remaining: 437.5, utilization: 112.5 / 550, resetAt: reset * 1000, spent: false },
      { name: "kiro-agentic-request", limit: 50, remaining: 0, utilization: 1, resetAt: Date.parse("2026-11-15T00:00:00Z"), spent: true },
    ]);
    expect(kiroQuotaLimits("nope", now)).toEqual([]);
  });

  test("fetchQuota reads the mock with the access token", async () => {
    const { ctx } = setup({ usage: { used: 50, limit: 50, resetAt: Date.now() + 3600_000 } });
    const { last } = await pollToEnd(ctx);
    const limits = await kiroOAuth.fetchQuota!(ctx, (last as { tokens: TokenSet }).tokens);
    expect(limits).toEqual([expect.objectContaining({ name: "kiro-credit", spent: true })]);
  });
});
