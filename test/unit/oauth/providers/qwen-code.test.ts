import { beforeEach, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { OAuthRegistry } from "../../../../src/oauth/oauth-registry";
import { OAuthRefreshRejected, OAuthTransientError, type DevicePoll, type OAuthContext } from "../../../../src/oauth/oauth-types";
import { QWEN_CODE_CLIENT, QWEN_CODE_ENDPOINTS, qwenApiBase, qwenCodeOAuth } from "../../../../src/oauth/providers/qwen-code";
import { startQwenOAuthMock, type QwenMockSettings, type QwenOAuthMock } from "../../../fakes/oauth-mock-qwen";
import { deviceFlow, failure, mockSetup } from "./module-harness";

const module = qwenCodeOAuth;
const setup = mockSetup<QwenMockSettings, QwenOAuthMock>("qwen-code", startQwenOAuthMock);
const { pollToEnd, connect } = deviceFlow(module);

const form = (body: string) => Object.fromEntries(new URLSearchParams(body));

describe("qwen-code module", () => {
  let mock: QwenOAuthMock;
  let ctx: OAuthContext;
  beforeEach(() => {
    ({ mock, ctx } = setup());
  });

  test("is registered by default, device flow only, no quota fetcher, Qwen's production endpoints as data", () => {
    const plain = new OAuthRegistry();
    expect(plain.get("qwen-code")).toBe(module);
    expect(plain.endpointsOf("qwen-code")).toEqual({ ...QWEN_CODE_ENDPOINTS });
    expect(QWEN_CODE_ENDPOINTS).toEqual({
      deviceCode: "https://chat.qwen.ai/api/v1/oauth2/device/code",
      token: "https://chat.qwen.ai/api/v1/oauth2/token",
    });
    expect(module.startAuthorization).toBeUndefined();
    expect(module.exchangeCode).toBeUndefined();
    expect(module.fetchQuota).toBeUndefined();
  });

  test("device start: form POST with client_id, scope and an S256 challenge; the verifier stays with the flow", async () => {
    mock.settings.intervalSeconds = 5;
    const before = Date.now();
    const device = await module.startDevice!(ctx);
    const call = mock.calls.find((c) => c.path === "/api/v1/oauth2/device/code")!;
    expect(call.method).toBe("POST");
    expect(call.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(call.headers.accept).toBe("application/json");
    expect(call.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    const body = form(call.body);
    expect(Object.keys(body)).toEqual(["client_id", "scope", "code_challenge", "code_challenge_method"]);
    expect(body.client_id).toBe("f0304373b74a44d2b584a3fb70ca9e56");
    expect(body.scope).toBe("openid profile email model.completion");
    expect(body.code_challenge_method).toBe("S256");
    // The challenge is BASE64URL(SHA256(verifier)); the verifier itself is never sent with the device request.
    expect(device.verifier).toMatch(/^[A-Za-z0-9_-]{43,128}$/);
    expect(body.code_challenge).toBe(createHash("sha256").update(device.verifier!).digest("base64url"));
    expect(call.body).not.toContain(device.verifier!);
    expect(device.userCode).toMatch(/^QW\d{4}$/);
    expect(device.verificationUri).toBe("https://chat.qwen.ai/authorize");
    expect(device.verificationUriComplete).toBe(`https://chat.qwen.ai/authorize?user_code=${device.userCode}&client=qwen-code`);
    expect(device.intervalSeconds).toBe(5);
    expect(device.expiresAt).toBeGreaterThanOrEqual(before + 900_000);
    expect(device.expiresAt).toBeLessThanOrEqual(Date.now() + 900_000);
    // Each start has its own verifier.
    expect((await module.startDevice!(ctx)).verifier).not.toBe(device.verifier);
  });

  test("polling: the exact form with the verifier; pending until approved; tokens with resource_url → the account's API base", async () => {
    mock.settings.pendingPolls = 2;
    const device = await module.startDevice!(ctx);
    const states: string[] = [];
    let last: DevicePoll = { status: "pending" };
    while (last.status === "pending" || last.status === "slow-down") {
      last = await module.pollDevice!(ctx, device);
      states.push(last.status);
    }
    expect(states).toEqual(["pending", "pending", "done"]);
    const poll = mock.calls.filter((c) => c.path === "/api/v1/oauth2/token").at(-1)!;
    expect(poll.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(poll.headers.accept).toBe("application/json");
    expect(form(poll.body)).toEqual({
      grant_type: "urn:ietf:params:oauth:grant-type:device_code",
      client_id: QWEN_CODE_CLIENT.clientId,
      device_code: device.deviceCode,
      code_verifier: device.verifier!,
    });
    if (last.status !== "done") throw new Error("not done");
    const tokens = last.tokens;
    expect(mock.isValidAccessToken(tokens.accessToken)).toBe(true);
    expect(tokens.refreshToken).toBe(mock.validRefreshTokens()[0]!);
    expect(tokens.expiresAt! - Date.now()).toBeGreaterThan(3_590_000);
    expect(tokens.expiresAt! - Date.now()).toBeLessThanOrEqual(3_600_000);
    expect(tokens.scope).toBe(QWEN_CODE_CLIENT.scope);
    expect(tokens.extra).toEqual({ resourceUrl: "portal.qwen.ai", apiBase: "https://portal.qwen.ai/v1" });
    expect(module.describe(tokens)).toEqual({});
    expect(mock.verifierMismatches).toBe(0);
  });

  test("PKCE is checked: a wrong or missing verifier is refused by the server, and the flow fails without leaking it", async () => {
    const device = await module.startDevice!(ctx);
    const wrong = `${"x".repeat(42)}y`;
    const refused = await module.pollDevice!(ctx, { ...device, verifier: wrong });
    expect(refused).toEqual({ status: "failed", message: "Qwen device token poll failed: HTTP 400 (invalid_grant)" });
    expect(mock.verifierMismatches).toBe(1);
    // Without a verifier the module does not poll at all.
    const polls = mock.polls;
    const { verifier: _, ...withoutVerifier } = device;
    expect(await module.pollDevice!(ctx, withoutVerifier)).toMatchObject({ status: "failed" });
    expect(mock.polls).toBe(polls);
    // The right verifier still works for the same device code.
    let last: DevicePoll = { status: "pending" };
    while (last.status === "pending") last = await module.pollDevice!(ctx, device);
    expect(last.status).toBe("done");
  });

  test("slow_down (HTTP 429) once, then pending, then done", async () => {
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

  test("denied, expired (by Qwen or by the clock) end the flow with a plain message; a 5xx is transient", async () => {
    mock.settings.deny = true;
    expect((await pollToEnd(ctx)).last).toEqual({ status: "failed", message: "The authorization was denied on qwen.ai" });
    mock.settings.deny = false;

    mock.settings.expireDeviceCodes = true;
    expect((await pollToEnd(ctx)).last).toEqual({ status: "failed", message: "The device code expired before it was approved" });
    mock.settings.expireDeviceCodes = false;

    const device = await module.startDevice!(ctx);
    const polls = mock.polls;
    expect(await module.pollDevice!(ctx, { ...device, expiresAt: Date.now() - 1 })).toMatchObject({ status: "failed" });
    expect(mock.polls).toBe(polls);

    const broken: OAuthContext = { ...ctx, fetch: async () => new Response("<html>bad gateway</html>", { status: 502 }) };
    const error = await failure(module.pollDevice!(broken, device));
    expect(error).toBeInstanceOf(OAuthTransientError);
    expect(error.message).toBe("Qwen device token poll failed: HTTP 502");
  });

  test("refresh: the exact form; a rotated refresh token replaces the old one; a new resource_url moves the API base", async () => {
    const tokens = await connect(ctx);
    mock.settings.resourceUrl = "https://dashscope.aliyuncs.com/compatible-mode/v1";
    const next = await module.refresh(ctx, tokens);
    const call = mock.calls.filter((c) => c.path === "/api/v1/oauth2/token").at(-1)!;
    expect(call.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(form(call.body)).toEqual({ grant_type: "refresh_token", refresh_token: tokens.refreshToken!, client_id: QWEN_CODE_CLIENT.clientId });
    expect(next.accessToken).not.toBe(tokens.accessToken);
    expect(next.refreshToken).not.toBe(tokens.refreshToken);
    expect(mock.validRefreshTokens()).toEqual([next.refreshToken!]);
    expect(next.extra).toEqual({ resourceUrl: "https://dashscope.aliyuncs.com/compatible-mode/v1", apiBase: "https://dashscope.aliyuncs.com/compatible-mode/v1" });

    // No refresh_token and no resource_url in the answer: the previous ones are kept.
    mock.settings.rotateRefreshTokens = false;
    mock.settings.resourceUrl = null;
    const kept = await module.refresh(ctx, next);
    expect(kept.refreshToken).toBe(next.refreshToken);
    expect(kept.extra).toEqual(next.extra);
    expect(kept.scope).toBe(QWEN_CODE_CLIENT.scope);
  });

  test("a hostile resource_url is refused: no API base from it, and a refresh keeps the good one", async () => {
    mock.settings.resourceUrl = "evil.example";
    const hostile = await connect(ctx);
    expect(hostile.extra).toEqual({});
    mock.settings.resourceUrl = "portal.qwen.ai";
    const good = await connect(ctx);
    expect(good.extra.apiBase).toBe("https://portal.qwen.ai/v1");
    for (const value of ["evil.example", "http://portal.qwen.ai", "portal.qwen.ai.evil.example", "https://user:pw@portal.qwen.ai"]) {
      mock.settings.resourceUrl = value;
      mock.settings.rotateRefreshTokens = false;
      const next = await module.refresh(ctx, good);
      expect(next.extra, value).toEqual({ resourceUrl: "portal.qwen.ai", apiBase: "https://portal.qwen.ai/v1" });
    }
  });

  test("qwenApiBase: https hosts under qwen.ai / aliyuncs.com only, bare host or whole URL, /v1 appended once", () => {
    expect(qwenApiBase("portal.qwen.ai")).toBe("https://portal.qwen.ai/v1");
    expect(qwenApiBase(" Portal.Qwen.AI ")).toBe("https://portal.qwen.ai/v1");
    expect(qwenApiBase("portal.qwen.ai/v1/")).toBe("https://portal.qwen.ai/v1");
    expect(qwenApiBase("qwen.ai")).toBe("https://qwen.ai/v1");
    expect(qwenApiBase("https://dashscope.aliyuncs.com/compatible-mode")).toBe("https://dashscope.aliyuncs.com/compatible-mode/v1");
    expect(qwenApiBase("https://dashscope-intl.aliyuncs.com/compatible-mode/v1")).toBe("https://dashscope-intl.aliyuncs.com/compatible-mode/v1");
    expect(qwenApiBase("https://portal.qwen.ai:443")).toBe("https://portal.qwen.ai/v1");
    for (const hostile of [
      "evil.example",
      "https://evil.example/v1",
      "portal.qwen.ai.evil.example",
      "evilqwen.ai",
      "notaliyuncs.com",
      "http://portal.qwen.ai",
      "ftp://portal.qwen.ai",
      "https://user:pw@portal.qwen.ai",
      "https://evil.example@portal.qwen.ai",
      "portal.qwen.ai:8443",
      "portal.qwen.ai?x=1",
      "portal.qwen.ai#frag",
      "portal.qwen.ai/%0d%0aX-Evil:1",
      "127.0.0.1",
      "https://[::1]/v1",
      "",
      "   ",
      null,
      undefined,
    ]) {
      expect(qwenApiBase(hostile), String(hostile)).toBeNull();
    }
  });

  test("refresh errors: invalid_grant → OAuthRefreshRejected (no token in the message); 5xx / 429 / network → transient", async () => {
    const tokens = await connect(ctx);
    mock.settings.refreshFailureStatus = 503;
    const transient = await failure(module.refresh(ctx, tokens));
    expect(transient).toBeInstanceOf(OAuthTransientError);
    expect(transient.message).toBe("Qwen token refresh failed: HTTP 503 (server_error)");
    mock.settings.refreshFailureStatus = 429;
    await expect(module.refresh(ctx, tokens)).rejects.toBeInstanceOf(OAuthTransientError);
    mock.settings.refreshFailureStatus = null;

    mock.revokeRefreshToken();
    const rejected = await failure(module.refresh(ctx, tokens));
    expect(rejected).toBeInstanceOf(OAuthRefreshRejected);
    expect(rejected.message).toBe("Qwen token refresh failed: HTTP 400 (invalid_grant)");
    expect(rejected.message).not.toContain(tokens.refreshToken!);

    await expect(module.refresh(ctx, { ...tokens, refreshToken: null })).rejects.toBeInstanceOf(OAuthRefreshRejected);

    const down = setup();
    down.mock.stop();
    await expect(module.refresh(down.ctx, tokens)).rejects.toBeInstanceOf(OAuthTransientError);
  });

  test("an id_token's email and subject are shown for the account (display only)", async () => {
    mock.settings.idTokenClaims = { sub: "qwen-user-42", email: "qwen-user@example.com" };
    const tokens = await connect(ctx);
    expect(tokens.idToken).toBeString();
    expect(module.describe(tokens)).toEqual({ accountId: "qwen-user-42", email: "qwen-user@example.com" });
    expect(tokens.extra.apiBase).toBe("https://portal.qwen.ai/v1");
  });
});
