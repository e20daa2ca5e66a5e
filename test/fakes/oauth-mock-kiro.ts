import { KIRO_CLIENT } from "../../src/oauth/providers/kiro";
import { encodeEventStreamMessage } from "../../src/upstream/aws-event-stream";
import type { SeenOAuthCall } from "./oauth-mock-servers";
import { jsonReply, startRecordedUpstream, type RecordedReply, type SeenRequest } from "./recorded-upstream";
import { mockToken } from "./oauth-mock-kit";

/**
 * A mock of AWS SSO OIDC for Builder ID (client registration, device authorization, token with the RFC 8628 states,
 * refresh with the registered client), Kiro's getUsageLimits, and a mock CodeWhisperer upstream answering real
 * AWS event-stream binary frames. Wire shapes as AWS answers: JSON camelCase bodies; errors as 400
 * `{error, error_description}` with the exception name in `x-amzn-errortype`.
 * `mock.endpoints` is what `registry.overrideEndpoints("kiro", mock.endpoints)` takes.
 */

export interface KiroMockSettings {
  intervalSeconds: number;
  deviceExpiresInSeconds: number;
  /** Polls answered `authorization_pending` before the token comes. */
  pendingPolls: number;
  /** The first poll of each device code answers `slow_down`. */
  slowDownOnce: boolean;
  deny: boolean;
  expiresInSeconds: number;
  /** Per-resource usage reported by getUsageLimits. */
  usage: { used: number; limit: number; resetAt: number };
  refreshDelayMs: number;
}

export interface KiroOAuthMock {
  url: string;
  endpoints: { register: string; deviceAuthorization: string; token: string; usageLimits: string };
  settings: KiroMockSettings;
  calls: SeenOAuthCall[];
  readonly registrations: number;
  readonly issued: number;
  readonly refreshes: number;
  readonly polls: number;
  readonly quotaReads: number;
  revokeRefreshToken(token?: string): void;
  expireAccessTokens(): void;
  isValidAccessToken(token: string): boolean;
  validRefreshTokens(): string[];
  stop(): void;
}

async function record(request: Request, calls: SeenOAuthCall[]): Promise<SeenOAuthCall> {
  const url = new URL(request.url);
  const body = request.method === "GET" ? "" : await request.text();
  const call: SeenOAuthCall = { method: request.method, path: url.pathname, query: url.searchParams, headers: Object.fromEntries(request.headers), body };
  calls.push(call);
  return call;
}

const EXCEPTIONS: Record<string, string> = {
  authorization_pending: "AuthorizationPendingException",
  slow_down: "SlowDownException",
  expired_token: "ExpiredTokenException",
  access_denied: "AccessDeniedException",
  invalid_grant: "InvalidGrantException",
  invalid_client: "InvalidClientException",
  invalid_request: "InvalidRequestException",
};

const awsError = (status: number, error: string) =>
  Response.json({ error, error_description: `mock ${error}` }, { status, headers: { "x-amzn-errortype": `${EXCEPTIONS[error] ?? error}:http://internal.amazon.com/coral/com.amazonaws.ssooidc/` } });


export function startKiroOAuthMock(overrides: Partial<KiroMockSettings> = {}): KiroOAuthMock {
  const settings: KiroMockSettings = {
    intervalSeconds: 0,
    deviceExpiresInSeconds: 600,
    pendingPolls: 1,
    slowDownOnce: false,
    deny: false,
    expiresInSeconds: 3600,
    usage: { used: 3, limit: 50, resetAt: Date.now() + 20 * 86_400_000 },
    refreshDelayMs: 0,
    ...overrides,
  };
  const calls: SeenOAuthCall[] = [];
  const clients = new Map<string, string>(); // clientId → secret
  const devices = new Map<string, { clientId: string; polls: number; used: boolean }>();
  const access = new Map<string, number>();
  const refresh = new Map<string, string>(); // refresh token → clientId
  let n = 0;
  let registrations = 0;
  let issued = 0;
  let refreshes = 0;
  let polls = 0;
  let quotaReads = 0;

  const issue = (clientId: string) => {
    n++;
    const at = mockToken("kiro-mock-at-", n);
    const rt = mockToken("kiro-mock-rt-", n);
    access.set(at, Date.now() + settings.expiresInSeconds * 1000);
    refresh.set(rt, clientId);
    return { accessToken: at, refreshToken: rt, tokenType: "Bearer", expiresIn: settings.expiresInSeconds };
  };
  const clientOk = (body: Record<string, unknown>) => typeof body.clientId === "string" && clients.get(body.clientId) === body.clientSecret;

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const call = await record(request, calls);
      if (call.path === "/getUsageLimits") {
        quotaReads++;
        const bearer = /^Bearer (.+)$/.exec(call.headers.authorization ?? "")?.[1];
        if (!bearer || !isValidAccessToken(bearer)) return Response.json({ message: "expired" }, { status: 403, headers: { "x-amzn-errortype": "AccessDeniedException" } });
        if (call.query.get("origin") !== "AI_EDITOR" || call.query.get("resourceType") !== "AGENTIC_REQUEST") return awsError(400, "invalid_request");
        return Response.json({
          nextDateReset: Math.floor(settings.usage.resetAt / 1000),
          subscriptionInfo: { subscriptionTitle: "KIRO FREE", type: "Q_DEVELOPER_STANDALONE_FREE" },
          usageBreakdownList: [
            {
              resourceType: "CREDIT",
              currentUsage: Math.floor(settings.usage.used),
              currentUsageWithPrecision: settings.usage.used,
              usageLimit: settings.usage.limit,
              usageLimitWithPrecision: settings.usage.limit,
              nextDateReset: Math.floor(settings.usage.resetAt / 1000),
              freeTrialInfo: { freeTrialStatus: "EXPIRED", currentUsage: 0, usageLimit: 500 },
            },
          ],
        });
      }
      if (request.method !== "POST") return new Response("not found", { status: 404 });
      if ((call.headers["content-type"] ?? "").split(";")[0] !== "application/json") return awsError(400, "invalid_request");
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(call.body) as Record<string, unknown>;
      } catch {
        return awsError(400, "invalid_request");
      }
      if (call.path === "/client/register") {
        registrations++;
        const scopes = body.scopes as unknown;
        if (body.clientType !== "public" || JSON.stringify(scopes) !== JSON.stringify(KIRO_CLIENT.scopes) || typeof body.clientName !== "string") return awsError(400, "invalid_request");
        if (JSON.stringify(body.grantTypes) !== JSON.stringify(KIRO_CLIENT.grantTypes)) return awsError(400, "invalid_request");
        n++;
        const clientId = `kiro-mock-client-${n}`;
        const secret = mockToken("kiro-mock-secret-", n);
        clients.set(clientId, secret);
        return Response.json({ clientId, clientSecret: secret, clientIdIssuedAt: Math.floor(Date.now() / 1000), clientSecretExpiresAt: Math.floor(Date.now() / 1000) + 90 * 86_400 });
      }
      if (call.path === "/device_authorization") {
        if (!clientOk(body)) return awsError(400, "invalid_client");
        if (body.startUrl !== KIRO_CLIENT.startUrl) return awsError(400, "invalid_request");
        n++;
        const deviceCode = mockToken("kiro-mock-device-", n);
        const userCode = `KIRO-${String(n).padStart(4, "0")}`;
        devices.set(deviceCode, { clientId: body.clientId as string, polls: 0, used: false });
        return Response.json({
          deviceCode,
          userCode,
          verificationUri: "https://device.sso.us-east-1.amazonaws.com/",
          verificationUriComplete: `https://device.sso.us-east-1.amazonaws.com/?user_code=${userCode}`,
          expiresIn: settings.deviceExpiresInSeconds,
          interval: settings.intervalSeconds,
        });
      }
      if (call.path === "/token") {
        if (!clientOk(body)) return awsError(400, "invalid_client");
        if (body.grantType === "urn:ietf:params:oauth:grant-type:device_code") {
          polls++;
          const device = devices.get(String(body.deviceCode));
          if (!device || device.used || device.clientId !== body.clientId) return awsError(400, "invalid_grant");
          device.polls++;
          if (settings.deny) return awsError(400, "access_denied");
          if (settings.slowDownOnce && device.polls === 1) return awsError(400, "slow_down");
          if (device.polls <= settings.pendingPolls + (settings.slowDownOnce ? 1 : 0)) return awsError(400, "authorization_pending");
          device.used = true;
          issued++;
          return Response.json(issue(device.clientId));
        }
        if (body.grantType === "refresh_token") {
          refreshes++;
          if (settings.refreshDelayMs > 0) await Bun.sleep(settings.refreshDelayMs);
          const owner = refresh.get(String(body.refreshToken));
          if (!owner || owner !== body.clientId) return awsError(400, "invalid_grant");
          refresh.delete(String(body.refreshToken));
          return Response.json(issue(owner));
        }
        return awsError(400, "unsupported_grant_type");
      }
      return new Response("not found", { status: 404 });
    },
  });

  function isValidAccessToken(value: string): boolean {
    const until = access.get(value);
    return until !== undefined && until > Date.now();
  }

  const url = `http://127.0.0.1:${server.port}`;
  return {
    url,
    endpoints: { register: `${url}/client/register`, deviceAuthorization: `${url}/device_authorization`, token: `${url}/token`, usageLimits: `${url}/getUsageLimits` },
    settings,
    calls,
    get registrations() {
      return registrations;
    },
    get issued() {
      return issued;
    },
    get refreshes() {
      return refreshes;
    },
    get polls() {
      return polls;
    },
    get quotaReads() {
      return quotaReads;
    },
    revokeRefreshToken(value) {
      if (value === undefined) refresh.clear();
      else refresh.delete(value);
    },
    expireAccessTokens() {
      for (const key of access.keys()) access.set(key, 0);
    },
    isValidAccessToken,
    validRefreshTokens: () => [...refresh.keys()],
    stop: () => server.stop(true),
  };
}

type Json = Record<string, unknown>;
const isRecord = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * The checks Kiro's strict endpoint makes (what the mock refuses with 400 ValidationException): known top-level
 * fields only, a MANUAL conversation with an id, a user current message with content/modelId/origin AI_EDITOR,
 * history alternating user / assistant from a user turn. Returns the problem, or null.
 */
export function conversationStateProblem(body: unknown): string | null {
  if (!isRecord(body)) return "body is not an object";
  for (const key of Object.keys(body)) if (!["conversationState", "profileArn", "inferenceConfig", "additionalModelRequestFields"].includes(key)) return `unknown field ${key}`;
  const state = body.conversationState;
  if (!isRecord(state)) return "no conversationState";
  for (const key of Object.keys(state)) if (!["chatTriggerType", "conversationId", "currentMessage", "history", "agentContinuationId", "agentTaskType"].includes(key)) return `unknown conversationState field ${key}`;
  if (state.chatTriggerType !== "MANUAL") return "chatTriggerType";
  if (typeof state.conversationId !== "string" || !/^[0-9a-f-]{36}$/.test(state.conversationId)) return "conversationId";
  const current = isRecord(state.currentMessage) ? state.currentMessage.userInputMessage : null;
  if (!isRecord(current)) return "currentMessage is not a user turn";
  if (typeof current.content !== "string" || typeof current.modelId !== "string" || current.origin !== "AI_EDITOR") return "currentMessage fields";
  if (!Array.isArray(state.history)) return "history";
  let expect: "user" | "assistant" = "user";
  for (const entry of state.history) {
    if (!isRecord(entry)) return "history entry";
    const role = isRecord(entry.userInputMessage) ? "user" : isRecord(entry.assistantResponseMessage) ? "assistant" : null;
    if (role !== expect) return `history does not alternate (${role} where ${expect} was due)`;
    expect = role === "user" ? "assistant" : "user";
  }
  if (expect !== "user") return "history ends on a user turn before the current one";
  return null;
}

const frame = (type: string, payload: unknown) =>
  encodeEventStreamMessage({ ":event-type": type, ":content-type": "application/json", ":message-type": "event" }, JSON.stringify(payload));

/** Frames → body pieces cut at awkward offsets (inside preludes and payloads), as a network would. */
function awkwardPieces(frames: Uint8Array[]): Uint8Array[] {
  const all = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    all.set(f, at);
    at += f.length;
  }
  const pieces: Uint8Array[] = [];
  const sizes = [7, 50, 3, 90, 13];
  for (let i = 0, k = 0; i < all.length; k++) {
    const size = sizes[k % sizes.length]!;
    pieces.push(all.slice(i, i + size));
    i += size;
  }
  return pieces;
}

/** A text answer: "Hello from Kiro" over three events, then metering and context usage. */
export function kiroTextFrames(text = "Hello from Kiro"): Uint8Array[] {
  const parts = [text.slice(0, 5), text.slice(5, 10), text.slice(10)];
  return [
    ...parts.map((content) => frame("assistantResponseEvent", { content, modelId: "claude-sonnet-4.5" })),
    frame("meteringEvent", { unit: "credit", unitPlural: "credits", usage: 0.02 }),
    frame("contextUsageEvent", { contextUsagePercentage: 0.5 }),
  ];
}

/** A tool call: some text, then `get_weather` with its input split over three events (plus a repeated snapshot). */
export function kiroToolFrames(): Uint8Array[] {
  return [
    frame("assistantResponseEvent", { content: "Checking." }),
    frame("toolUseEvent", { toolUseId: "tooluse_kiro1", name: "get_weather", input: "" }),
    frame("toolUseEvent", { toolUseId: "tooluse_kiro1", name: "get_weather", input: '{"city":' }),
    frame("toolUseEvent", { toolUseId: "tooluse_kiro1", name: "get_weather", input: ' "Paris"' }),
    frame("toolUseEvent", { toolUseId: "tooluse_kiro1", name: "get_weather", input: "}" }),
    frame("toolUseEvent", { toolUseId: "tooluse_kiro1", name: "get_weather", stop: true }),
    frame("meteringEvent", { unit: "credit", usage: 0.05 }),
    frame("contextUsageEvent", { contextUsagePercentage: 1 }),
  ];
}

export const eventStreamReply = (frames: Uint8Array[]): RecordedReply => ({ status: 200, contentType: "application/vnd.amazon.eventstream", pieces: awkwardPieces(frames) });

/**
 * CodeWhisperer: `POST /generateAssistantResponse` with `Bearer <access token>` (else 403 like AWS), the Kiro target
 * header and a valid conversationState (else 400 ValidationException). The answer: a tool call when the current
 * message offers tools and carries no tool results, else text. Every request is recorded.
 */
export function startKiroUpstream(mock: KiroOAuthMock) {
  return startRecordedUpstream((request: SeenRequest) => {
    const bearer = /^bearer\s+(.+)$/i.exec(request.headers.authorization ?? "")?.[1]?.trim();
    if (!bearer || !mock.isValidAccessToken(bearer)) return jsonReply(403, { message: "The bearer token included in the request is invalid." }, { "x-amzn-errortype": "AccessDeniedException" });
    if (request.path !== "/generateAssistantResponse") return jsonReply(404, { message: "not found" });
    if (request.headers["x-amz-target"] !== "AmazonCodeWhispererStreamingService.GenerateAssistantResponse") return jsonReply(400, { message: "bad target" });
    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      return jsonReply(400, { message: "body is not JSON" });
    }
    const problem = conversationStateProblem(body);
    if (problem) return jsonReply(400, { message: `Improperly formed request: ${problem}`, __type: "ValidationException" }, { "x-amzn-errortype": "ValidationException" });
    const current = ((body as Json).conversationState as Json).currentMessage as { userInputMessage: { userInputMessageContext?: { tools?: unknown[]; toolResults?: unknown[] } } };
    const context = current.userInputMessage.userInputMessageContext;
    if (context?.tools?.length && !context.toolResults?.length) return eventStreamReply(kiroToolFrames());
    return eventStreamReply(kiroTextFrames());
  });
}
