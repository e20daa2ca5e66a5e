import { beforeEach, describe, expect, test } from "bun:test";
import { OAuthRegistry } from "../../../../src/oauth/oauth-registry";
import profiles from "../../../../src/providers/client-profiles.json";
import { OAuthRefreshRejected, OAuthTransientError, type OAuthContext } from "../../../../src/oauth/oauth-types";
import { GITHUB_COPILOT_CLIENT, GITHUB_COPILOT_ENDPOINTS, copilotQuotaLimits, githubCopilotOAuth } from "../../../../src/oauth/providers/github-copilot";
import { startCopilotOAuthMock, type CopilotMockSettings, type CopilotOAuthMock } from "../../../fakes/oauth-mock-servers";
import { deviceFlow, failure, mockSetup } from "./module-harness";

const module = githubCopilotOAuth;
const setup = mockSetup<CopilotMockSettings, CopilotOAuthMock>("github-copilot", startCopilotOAuthMock);
const { pollToEnd, connect } = deviceFlow(module);

const copilotProfile = profiles["github-copilot"].headers;

describe("github-copilot module", () => {
  let mock: CopilotOAuthMock;
  let ctx: OAuthContext;
  beforeEach(() => {
    ({ mock, ctx } = setup());
  });

  test("is registered by default, device flow only, with GitHub's production endpoints as data", () => {
    const plain = new OAuthRegistry();
    expect(plain.get("github-copilot")).toBe(module);
    expect(plain.endpointsOf("github-copilot")).toEqual({ ...GITHUB_COPILOT_ENDPOINTS });
    expect(module.startAuthorization).toBeUndefined();
    expect(GITHUB_COPILOT_ENDPOINTS.copilotToken).toBe("https://api.github.com/copilot_internal/v2/token");
  });

  test("device start: form POST with client_id and scope read:user, Accept JSON → the codes to show and the poll interval", async () => {
    mock.settings.intervalSeconds = 5;
    const before = Date.now();
    const device = await module.startDevice!(ctx);
    const call = mock.calls.find((c) => c.path === "/login/device/code")!;
    expect(call.headers.accept).toBe("application/json");
    expect(call.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(call.body))).toEqual({ client_id: "Iv1.b507a08c87ecfe98", scope: "read:user" });
    expect(device.userCode).toMatch(/^MOCK-\d{4}$/);
    expect(device.verificationUri).toBe("https://github.com/login/device");
    expect(device.intervalSeconds).toBe(5);
    expect(device.expiresAt).toBeGreaterThanOrEqual(before + 900_000);
    expect(device.expiresAt).toBeLessThanOrEqual(Date.now() + 900_000);
  });

  test("polling: pending until approved, then the GitHub token is exchanged for a Copilot token and the login read", async () => {
    mock.settings.pendingPolls = 2;
    const { states, last } = await pollToEnd(ctx);
    expect(states).toEqual(["pending", "pending", "done"]);
    if (last.status !== "done") throw new Error("not done");
    const tokens = last.tokens;
    const [githubToken] = mock.githubTokens();
    expect(githubToken).toStartWith("gho_");
    expect(tokens.accessToken).toStartWith("tid=");
    expect(mock.isValidCopilotToken(tokens.accessToken)).toBe(true);
    expect(tokens.refreshToken).toBe(githubToken!);
    expect(tokens.extra).toEqual({ githubToken: githubToken!, plan: "copilot_individual_pro", login: "octocat", email: "octocat@example.com" });
    // expires_at is epoch seconds.
    const exchange = mock.calls.find((c) => c.path === "/copilot_internal/v2/token")!;
    expect(tokens.expiresAt! % 1000).toBe(0);
    expect(tokens.expiresAt! - Date.now()).toBeGreaterThan(1_400_000);
    expect(tokens.scope).toBe("read:user");
    expect(module.describe(tokens)).toEqual({ accountId: "octocat", email: "octocat@example.com", plan: "copilot_individual_pro" });
    expect(mock.userReads).toBe(1);

    const poll = mock.calls.find((c) => c.path === "/login/oauth/access_token")!;
    expect(poll.headers.accept).toBe("application/json");
    const form = new URLSearchParams(poll.body);
    expect(form.get("grant_type")).toBe("urn:ietf:params:oauth:grant-type:device_code");
    expect(form.get("client_id")).toBe(GITHUB_COPILOT_CLIENT.clientId);

    // The exchange carries the GitHub token with the `token` scheme and the editor headers of the client profile.
    expect(exchange.method).toBe("GET");
    expect(exchange.headers.authorization).toBe(`token ${githubToken}`);
    expect(exchange.headers["editor-version"]).toBe(copilotProfile["editor-version"]);
    expect(exchange.headers["editor-plugin-version"]).toBe(copilotProfile["editor-plugin-version"]);
    expect(exchange.headers["user-agent"]).toBe(copilotProfile["user-agent"]);
    expect(exchange.headers["copilot-integration-id"]).toBeUndefined();
  });

  test("slow_down once, then pending, then done", async () => {
    mock.settings.slowDownOnce = true;
    mock.settings.pendingPolls = 1;
    const { states } = await pollToEnd(ctx);
    expect(states).toEqual(["slow-down", "pending", "done"]);
  });

  test("waits for the user when not auto-approved", async () => {
    mock.settings.autoApprove = false;
    const device = await module.startDevice!(ctx);
    expect((await module.pollDevice!(ctx, device)).status).toBe("pending");
    expect((await module.pollDevice!(ctx, device)).status).toBe("pending");
    mock.approveDevice(device.userCode);
    expect((await module.pollDevice!(ctx, device)).status).toBe("done");
  });

  test("denied, expired (by GitHub or by the clock), and no Copilot seat end the flow with a plain message", async () => {
    mock.settings.deny = true;
    expect((await pollToEnd(ctx)).last).toEqual({ status: "failed", message: "The authorization was denied on GitHub" });
    mock.settings.deny = false;

    mock.settings.expireDeviceCodes = true;
    expect((await pollToEnd(ctx)).last).toEqual({ status: "failed", message: "The device code expired before it was approved" });
    mock.settings.expireDeviceCodes = false;

    const device = await module.startDevice!(ctx);
    const polls = mock.polls;
    expect(await module.pollDevice!(ctx, { ...device, expiresAt: Date.now() - 1 })).toMatchObject({ status: "failed" });
    expect(mock.polls).toBe(polls);

    mock.settings.noCopilotAccess = true;
    const { last } = await pollToEnd(ctx);
    expect(last).toEqual({ status: "failed", message: "This GitHub account has no Copilot access (the Copilot token exchange was refused)" });
  });

  test("refresh = a new exchange with the GitHub token; the login and plan are kept", async () => {
    const tokens = await connect(ctx);
    const exchanges = mock.exchanges;
    const next = await module.refresh(ctx, tokens);
    expect(mock.exchanges).toBe(exchanges + 1);
    expect(next.accessToken).not.toBe(tokens.accessToken);
    expect(next.refreshToken).toBe(tokens.refreshToken);
    expect(next.extra).toEqual(tokens.extra);
    expect(mock.userReads).toBe(1);
    // A set whose GitHub token survives only as refreshToken still refreshes.
    const { githubToken: _, ...rest } = tokens.extra;
    expect((await module.refresh(ctx, { ...tokens, extra: rest })).extra.githubToken).toBe(tokens.refreshToken!);
  });

  test("refresh errors: revoked GitHub token (401) or no seat (403) → OAuthRefreshRejected; 5xx / network → transient", async () => {
    const tokens = await connect(ctx);
    mock.settings.exchangeFailureStatus = 502;
    const transient = await failure(module.refresh(ctx, tokens));
    expect(transient).toBeInstanceOf(OAuthTransientError);
    expect(transient.message).toBe("Copilot token exchange failed: HTTP 502");
    mock.settings.exchangeFailureStatus = null;

    mock.settings.noCopilotAccess = true;
    await expect(module.refresh(ctx, tokens)).rejects.toBeInstanceOf(OAuthRefreshRejected);
    mock.settings.noCopilotAccess = false;

    mock.revokeGitHubToken();
    const rejected = await failure(module.refresh(ctx, tokens));
    expect(rejected).toBeInstanceOf(OAuthRefreshRejected);
    expect(rejected.message).toBe("Copilot token exchange failed: HTTP 401");
    expect(rejected.message).not.toContain(tokens.refreshToken!);

    await expect(module.refresh(ctx, { ...tokens, refreshToken: null, extra: {} })).rejects.toBeInstanceOf(OAuthRefreshRejected);

    const down = setup();
    down.mock.stop();
    await expect(module.refresh(down.ctx, tokens)).rejects.toBeInstanceOf(OAuthTransientError);
  });

  test("a business plan's API host is kept only when it is https under githubcopilot.com", async () => {
    mock.settings.apiEndpoint = "https://api.business.githubcopilot.com";
    expect((await connect(ctx)).extra.apiBase).toBe("https://api.business.githubcopilot.com");
    mock.settings.apiEndpoint = "https://evil.example.com";
    expect((await connect(ctx)).extra.apiBase).toBeUndefined();
    mock.settings.apiEndpoint = "http://api.githubcopilot.com";
    expect((await connect(ctx)).extra.apiBase).toBeUndefined();
  });

  test("quota: copilot_internal/user with the GitHub token → premium interactions; unlimited → none", async () => {
    const tokens = await connect(ctx);
    mock.setPremium({ entitlement: 300, remaining: 60, resetDate: "2030-02-01" });
    const limits = await module.fetchQuota!(ctx, tokens);
    const call = mock.calls.find((c) => c.path === "/copilot_internal/user")!;
    expect(call.headers.authorization).toBe(`token ${tokens.refreshToken}`);
    expect(limits).toEqual([
      { name: "premium-interactions", limit: 300, remaining: 60, utilization: 0.8, resetAt: Date.parse("2030-02-01T00:00:00Z"), spent: false },
    ]);

    mock.setPremium({ entitlement: 300, remaining: 0 });
    expect((await module.fetchQuota!(ctx, tokens))[0]).toMatchObject({ remaining: 0, utilization: 1, spent: true });

    mock.setPremium({ entitlement: 0, remaining: 0, unlimited: true });
    expect(await module.fetchQuota!(ctx, tokens)).toEqual([]);

    mock.revokeGitHubToken();
    await expect(module.fetchQuota!(ctx, tokens)).rejects.toBeInstanceOf(OAuthTransientError);
  });

  test("quota mapping: limited chat (free plan), overage, negative remaining, past or missing reset dates", () => {
    const now = Date.parse("2030-01-15T00:00:00Z");
    const detail = (entitlement: number, remaining: number, extra: Record<string, unknown> = {}) => ({
      entitlement,
      remaining,
      percent_remaining: (remaining / entitlement) * 100,
      unlimited: false,
      overage_permitted: false,
      overage_count: 0,
      quota_id: "x",
      ...extra,
    });
    const free = copilotQuotaLimits(
      {
        quota_reset_date: "2030-02-01",
        quota_snapshots: { chat: detail(50, 10), completions: detail(2000, 1500), premium_interactions: detail(50, 50) },
      },
      now,
    );
    expect(free.map((l) => [l.name, l.limit, l.remaining, l.resetAt])).toEqual([
      ["premium-interactions", 50, 50, Date.parse("2030-02-01T00:00:00Z")],
      ["chat", 50, 10, Date.parse("2030-02-01T00:00:00Z")],
    ]);
    expect(free[0]!.utilization).toBe(0);

    // Paid overage on: past the allowance the account still works (billed), so it is not closed.
    const overage = copilotQuotaLimits({ quota_snapshots: { premium_interactions: detail(300, -12, { overage_permitted: true }) } }, now);
    expect(overage).toEqual([{ name: "premium-interactions", limit: 300, remaining: 0, utilization: 1.04, resetAt: null, spent: false }]);

    const past = copilotQuotaLimits({ quota_reset_date: "2029-12-01", quota_snapshots: { premium_interactions: detail(300, 0) } }, now);
    expect(past[0]).toMatchObject({ resetAt: null, spent: true });

    // Only a percentage known.
    const percent = copilotQuotaLimits({ quota_snapshots: { premium_interactions: { percent_remaining: 25, unlimited: false } } }, now);
    expect(percent).toEqual([{ name: "premium-interactions", limit: null, remaining: null, utilization: 0.75, resetAt: null, spent: false }]);

    expect(copilotQuotaLimits({}, now)).toEqual([]);
    expect(copilotQuotaLimits("nope", now)).toEqual([]);
  });
});
