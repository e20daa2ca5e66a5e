import { ANTIGRAVITY_CLIENT } from "../../src/oauth/providers/antigravity";
import { fixtureReply, jsonReply, splitSse, startRecordedUpstream, type RecordedReply, type SeenRequest } from "./recorded-upstream";
import { mockToken, oauthError } from "./oauth-mock-kit";

/**
 * Mock Google OAuth (accounts.google.com / oauth2.googleapis.com / userinfo) and Cloud Code (loadCodeAssist,
 * onboardUser, fetchAvailableModels) for Antigravity accounts, plus a Cloud Code generation upstream, on random
 * loopback ports. Wire shapes as the real ones: form-urlencoded grants with the public client id AND secret, no PKCE,
 * refresh answers without a refresh token (Google's do not rotate), `invalid_grant` for a revoked one; loadCodeAssist
 * naming the project (or, for a new account, only the tiers it may onboard onto); onboardUser a long-running
 * operation that is done on its second ask; per-model quotaInfo. The upstream requires the Antigravity envelope and
 * answers recorded Gemini fixtures wrapped as `{response: …}`, event by event.
 * `mock.endpoints` is what `registry.overrideEndpoints("antigravity", mock.endpoints)` takes; `mock.baseUrl` is a
 * connection's baseUrl.
 */

export interface AntigravityMockAccount {
  email: string;
  /** The project loadCodeAssist names; null = a new account, onboarded on first sign-in. */
  project: string | null;
  /** The project onboarding gives it. */
  onboardProject: string;
  tier: string;
}

export interface ModelQuota {
  remainingFraction: number;
  /** Epoch ms. */
  resetAt: number | null;
}

export interface AntigravityMockSettings {
  expiresInSeconds: number;
  refreshDelayMs: number;
  /** Answer every refresh with this status instead; null = normal. */
  refreshFailureStatus: number | null;
  /** loadCodeAssist answers 503 this many more times (a bootstrap that fails). */
  loadCodeAssistFailures: number;
  /** Per email, per model id. */
  quota: Record<string, Record<string, ModelQuota>>;
}

export interface SeenGoogleCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

export const ANTIGRAVITY_ACCOUNTS = {
  first: { email: "agy-one@example.com", project: "useful-fuze-11111", onboardProject: "useful-fuze-11111", tier: "standard-tier" },
  second: { email: "agy-two@example.com", project: null, onboardProject: "bright-wave-22222", tier: "free-tier" },
} satisfies Record<string, AntigravityMockAccount>;

export const MOCK_MODELS = ["gemini-3.1-pro-high", "gemini-3-flash", "claude-sonnet-4-6"] as const;

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const apiError = (status: number, message: string, reason: string) => Response.json({ error: { code: status, message, status: reason } }, { status });


/** A recorded Gemini answer with every event (or the one body) wrapped as Cloud Code wraps it. */
export function wrappedFixture(caseName: string): RecordedReply {
  const { mode, reply } = fixtureReply("gemini", caseName);
  const text = reply.pieces.map((piece) => decoder.decode(piece)).join("");
  if (mode === "nonstream") return { ...reply, pieces: [encoder.encode(JSON.stringify({ response: JSON.parse(text), traceId: "trace-mock" }))] };
  const events: string[] = [];
  for (const block of text.split(/\r?\n\r?\n/)) {
    const data = block
      .split(/\r?\n/)
      .filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(5).trim())
      .join("\n");
    if (data === "") continue;
    events.push(`data: ${JSON.stringify({ response: JSON.parse(data), traceId: "trace-mock", metadata: {} })}\r\n\r\n`);
  }
  return { ...reply, pieces: splitSse(events.join("")) };
}

export function startAntigravityOAuthMock(overrides: Partial<AntigravityMockSettings> = {}) {
  const settings: AntigravityMockSettings = { expiresInSeconds: 3600, refreshDelayMs: 0, refreshFailureStatus: null, loadCodeAssistFailures: 0, quota: {}, ...overrides };
  const calls: SeenGoogleCall[] = [];
  const codes = new Map<string, { redirectUri: string; account: AntigravityMockAccount; used: boolean }>();
  const accessTokens = new Map<string, { account: AntigravityMockAccount; expiresAt: number }>();
  const refreshTokens = new Map<string, { account: AntigravityMockAccount; revoked: boolean }>();
  /** Per email: the project the backend knows (null until onboarded) and how many onboardUser asks so far. */
  const projects = new Map<string, { project: string | null; onboardAsks: number }>();
  let counter = 0;
  let exchanges = 0;
  let refreshes = 0;
  let loads = 0;
  let onboards = 0;
  let quotaReads = 0;

  const stateOf = (account: AntigravityMockAccount) => {
    let state = projects.get(account.email);
    if (!state) {
      state = { project: account.project, onboardAsks: 0 };
      projects.set(account.email, state);
    }
    return state;
  };

  const issueAccess = (account: AntigravityMockAccount) => {
    counter++;
    const access = `ya29.agy-at-mock${mockToken("", counter)}`;
    accessTokens.set(access, { account, expiresAt: Date.now() + settings.expiresInSeconds * 1000 });
    return access;
  };

  const accountOf = (headers: Record<string, string>): AntigravityMockAccount | null => {
    const match = /^bearer\s+(.+)$/i.exec(headers.authorization ?? "");
    const entry = match ? accessTokens.get(match[1]!.trim()) : undefined;
    return entry && entry.expiresAt > Date.now() ? entry.account : null;
  };

  const jsonBody = (body: string): Record<string, unknown> | null => {
    try {
      const parsed = JSON.parse(body) as unknown;
      return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  };

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      const body = request.method === "GET" ? "" : await request.text();
      const call: SeenGoogleCall = { method: request.method, path: url.pathname, headers: Object.fromEntries(request.headers), body };
      calls.push(call);
      if (url.pathname === "/token" && request.method === "POST") {
        if ((call.headers["content-type"] ?? "").split(";")[0]!.trim() !== "application/x-www-form-urlencoded") return oauthError(400, "invalid_request", "form body required");
        const form = new URLSearchParams(body);
        if (form.get("client_id") !== ANTIGRAVITY_CLIENT.clientId || form.get("client_secret") !== ANTIGRAVITY_CLIENT.clientSecret) {
          return oauthError(401, "invalid_client", "The OAuth client was not found.");
        }
        const grant = form.get("grant_type");
        if (grant === "authorization_code") {
          const entry = codes.get(form.get("code") ?? "");
          if (!entry || entry.used) return oauthError(400, "invalid_grant", "Malformed auth code.");
          if (form.get("redirect_uri") !== entry.redirectUri) return oauthError(400, "redirect_uri_mismatch", "Bad Request");
          if (form.has("code_verifier")) return oauthError(400, "invalid_request", "code_verifier without a challenge");
          entry.used = true;
          exchanges++;
          const refresh = mockToken("1//agy-rt-mock", ++counter);
          refreshTokens.set(refresh, { account: entry.account, revoked: false });
          return Response.json({
            access_token: issueAccess(entry.account),
            expires_in: settings.expiresInSeconds,
            refresh_token: refresh,
            scope: ANTIGRAVITY_CLIENT.scopes.join(" "),
            token_type: "Bearer",
          });
        }
        if (grant === "refresh_token") {
          refreshes++;
          if (settings.refreshDelayMs > 0) await Bun.sleep(settings.refreshDelayMs);
          if (settings.refreshFailureStatus !== null) return oauthError(settings.refreshFailureStatus, "internal_failure", "backend error");
          const entry = refreshTokens.get(form.get("refresh_token") ?? "");
          if (!entry || entry.revoked) return oauthError(400, "invalid_grant", "Token has been expired or revoked.");
          // Google's refresh answers carry no refresh token: the one held stays valid.
          return Response.json({ access_token: issueAccess(entry.account), expires_in: settings.expiresInSeconds, scope: ANTIGRAVITY_CLIENT.scopes.join(" "), token_type: "Bearer" });
        }
        return oauthError(400, "unsupported_grant_type", "Invalid grant_type");
      }
      if (url.pathname === "/oauth2/v1/userinfo" && request.method === "GET") {
        const account = accountOf(call.headers);
        if (!account) return apiError(401, "Request is missing required authentication credential.", "UNAUTHENTICATED");
        return Response.json({ id: `1${account.email.length}0042`, email: account.email, verified_email: true, name: "Mock User", picture: "https://example.com/p.png" });
      }
      if (request.method === "POST" && url.pathname.startsWith("/v1internal:")) {
        const account = accountOf(call.headers);
        if (!account) return apiError(401, "Request had invalid authentication credentials.", "UNAUTHENTICATED");
        const parsed = jsonBody(body);
        const state = stateOf(account);
        const method = url.pathname.slice("/v1internal:".length);
        if (method === "loadCodeAssist") {
          loads++;
          if (settings.loadCodeAssistFailures > 0) {
            settings.loadCodeAssistFailures--;
            return apiError(503, "The service is currently unavailable.", "UNAVAILABLE");
          }
          const metadata = parsed?.metadata as Record<string, unknown> | undefined;
          if (metadata?.ideType !== "ANTIGRAVITY") return apiError(400, "metadata.ideType must be ANTIGRAVITY", "INVALID_ARGUMENT");
          if (state.project === null) {
            return Response.json({ allowedTiers: [{ id: "free-tier", name: "Free", isDefault: true }, { id: "standard-tier", name: "Standard" }], gcpManaged: false });
          }
          return Response.json({
            currentTier: { id: account.tier, name: account.tier },
            allowedTiers: [{ id: account.tier, isDefault: true }],
            cloudaicompanionProject: state.project,
            gcpManaged: false,
          });
        }
        if (method === "onboardUser") {
          onboards++;
          const metadata = parsed?.metadata as Record<string, unknown> | undefined;
          if (metadata?.ideType !== "ANTIGRAVITY" || typeof parsed?.tierId !== "string") return apiError(400, "tierId and metadata required", "INVALID_ARGUMENT");
          state.onboardAsks++;
          // A long-running operation: done on the second ask.
          if (state.onboardAsks < 2) return Response.json({ name: `operations/onboard-${account.email}`, done: false });
          state.project = account.onboardProject;
          return Response.json({ name: `operations/onboard-${account.email}`, done: true, response: { "@type": "type.googleapis.com/google.internal.cloud.code.v1internal.OnboardUserResponse", cloudaicompanionProject: { id: account.onboardProject, name: account.onboardProject } } });
        }
        if (method === "fetchAvailableModels") {
          quotaReads++;
          if (state.project === null || parsed?.project !== state.project) return apiError(403, "Permission denied on project", "PERMISSION_DENIED");
          const quotas = settings.quota[account.email] ?? {};
          const models: Record<string, unknown> = {};
          for (const id of MOCK_MODELS) {
            const quota = quotas[id] ?? { remainingFraction: 1, resetAt: Date.now() + 5 * 3600_000 };
            models[id] = {
              displayName: id,
              maxTokens: 1_048_576,
              quotaInfo: { ...(quota.remainingFraction > 0 ? { remainingFraction: quota.remainingFraction } : {}), ...(quota.resetAt !== null ? { resetTime: new Date(quota.resetAt).toISOString() } : {}) },
            };
          }
          return Response.json({ models });
        }
        return apiError(404, "Method not found.", "NOT_FOUND");
      }
      return new Response("not found", { status: 404 });
    },
  });

  const base = `http://127.0.0.1:${server.port}`;

  /** Replaces the default answer of an accepted generation request (null → the default wrapped fixture). */
  let reply: ((request: SeenRequest, account: AntigravityMockAccount) => RecordedReply | null) | null = null;
  const upstream = startRecordedUpstream((request) => {
    const account = accountOf(request.headers);
    if (!account) return jsonReply(401, { error: { code: 401, message: "Request had invalid authentication credentials.", status: "UNAUTHENTICATED" } });
    const stream = request.path === "/v1internal:streamGenerateContent";
    if (!stream && request.path !== "/v1internal:generateContent") return jsonReply(404, { error: { code: 404, message: "Not found", status: "NOT_FOUND" } });
    if (stream && request.query !== "?alt=sse") return jsonReply(400, { error: { code: 400, message: "alt=sse expected", status: "INVALID_ARGUMENT" } });
    const invalid = (message: string) => jsonReply(400, { error: { code: 400, message, status: "INVALID_ARGUMENT" } });
    let envelope: Record<string, unknown>;
    try {
      envelope = JSON.parse(request.body) as Record<string, unknown>;
    } catch {
      return invalid("body is not JSON");
    }
    const state = stateOf(account);
    if (state.project === null || envelope.project !== state.project) return jsonReply(403, { error: { code: 403, message: "Permission denied on resource project", status: "PERMISSION_DENIED" } });
    if (typeof envelope.model !== "string" || envelope.model === "") return invalid("model required");
    if (envelope.userAgent !== "antigravity" || envelope.requestType !== "agent") return invalid("userAgent / requestType");
    if (typeof envelope.requestId !== "string" || !envelope.requestId.startsWith("agent-")) return invalid("requestId");
    if ("contents" in envelope) return invalid('Unknown name "contents": Cannot find field.');
    const inner = envelope.request as Record<string, unknown> | undefined;
    if (!inner || !Array.isArray(inner.contents) || inner.contents.length === 0) return invalid("request.contents required");
    if (typeof inner.sessionId !== "string") return invalid("request.sessionId required");
    const custom = reply?.(request, account);
    if (custom) return custom;
    return wrappedFixture(stream ? "text-stream-raw" : "text-nonstream");
  });

  return {
    url: base,
    endpoints: {
      authorize: `${base}/o/oauth2/v2/auth`,
      token: `${base}/token`,
      userinfo: `${base}/oauth2/v1/userinfo`,
      loadCodeAssist: `${base}/v1internal:loadCodeAssist`,
      onboardUser: `${base}/v1internal:onboardUser`,
      fetchAvailableModels: `${base}/v1internal:fetchAvailableModels`,
    },
    baseUrl: upstream.url,
    upstream,
    settings,
    calls,
    get exchanges() {
      return exchanges;
    },
    get refreshes() {
      return refreshes;
    },
    get loads() {
      return loads;
    },
    get onboards() {
      return onboards;
    },
    get quotaReads() {
      return quotaReads;
    },
    /** The project the backend knows for an account now (null until onboarded). */
    projectOf(account: AntigravityMockAccount): string | null {
      return stateOf(account).project;
    },
    /**
     * The user signs in as `account`: the address Google redirects the browser to
     * (`http://localhost:51121/oauth-callback?state=…&code=…&scope=…`). The authorize URL itself is never fetched.
     */
    approve(authorizeUrl: string, account: AntigravityMockAccount = ANTIGRAVITY_ACCOUNTS.first): string {
      const params = new URL(authorizeUrl).searchParams;
      const state = params.get("state");
      const redirectUri = params.get("redirect_uri");
      if (params.get("client_id") !== ANTIGRAVITY_CLIENT.clientId || params.get("response_type") !== "code") throw new Error("mock authorize: wrong client_id / response_type");
      if (!state || !redirectUri) throw new Error("mock authorize: missing state / redirect_uri");
      if (params.has("code_challenge") || (params.get("scope") ?? "").split(" ").includes("openid")) throw new Error("mock authorize: PKCE / openid hang the consent screen");
      const code = `4/0A${mockToken("agy-code", ++counter)}`;
      codes.set(code, { redirectUri, account, used: false });
      const redirect = new URL(redirectUri);
      redirect.searchParams.set("state", state);
      redirect.searchParams.set("code", code);
      redirect.searchParams.set("scope", ANTIGRAVITY_CLIENT.scopes.join(" "));
      return redirect.toString();
    },
    expireAccessTokens() {
      for (const entry of accessTokens.values()) entry.expiresAt = 0;
    },
    /** The user revoked the gateway's access (or changed the password): the refresh token stops working. */
    revokeRefreshToken(refreshToken: string) {
      const entry = refreshTokens.get(refreshToken);
      if (entry) entry.revoked = true;
    },
    setQuota(email: string, model: string, quota: ModelQuota) {
      settings.quota[email] = { ...settings.quota[email], [model]: quota };
    },
    setReply(fn: ((request: SeenRequest, account: AntigravityMockAccount) => RecordedReply | null) | null) {
      reply = fn;
    },
    stop() {
      upstream.stop();
      server.stop(true);
    },
  };
}

export type AntigravityOAuthMock = ReturnType<typeof startAntigravityOAuthMock>;
