import { cacheTtlFor } from "../../cache/cache-policy";
import { captureResponseBody, type CapturedBodies } from "../../logging/request-body-log";
import { WIRE_FORMATS } from "../../formats/wire-formats";
import { WRAPPED_SIGNATURE_IN_JSON } from "../../ir/foreign-signature";
import { FormatRequestError } from "../../ir/format-adapter";
import type { IRError, IRFormat, IRRequest, IRResponse } from "../../ir/ir-types";
import { prepareOAuthTarget } from "../../oauth/oauth-target";
import { forwardPassThrough } from "../../pipeline/forward-pass-through";
import type { ForwardResult } from "../../pipeline/forward-result";
import { RequestCoalescer } from "../../pipeline/request-coalescer";
import type { RequestPolicies } from "../../pipeline/request-policies";
import { routedResponseHeaders } from "../../pipeline/upstream-response-headers";
import { forwardTranslated, type TranslatedInput } from "../../pipeline/forward-translated";
import { RequestRecord } from "../../pipeline/request-record";
import { claimTrace } from "../../pipeline/request-trace";
import { classifyFailure, isRateLimit, penalisesAccount, worthTryingElsewhere } from "../../routing/failure-class";
import type { RouteTarget } from "../../routing/model-router";
import type { GateContext, RequestGate, RequestRefusal, TargetGate } from "../../routing/target-gate";
import { isSafeModelId, UNSAFE_MODEL_ID_MESSAGE } from "../../routing/model-id";
import { executorNeedsTranslation, isTokenRefusal } from "../../providers/executors/provider-executor";
import { permittedTargets } from "../../security/key-scope";
import { acceptRequestId } from "../../util/ids";
import type { GatewayRuntime } from "../gateway-runtime";
import { authenticateClient } from "../guards/client-auth";
import { jsonShapeProblem } from "../json-shape";
import { readBodyText } from "../read-body";

/** Fields of a gateway-made error, rendered by the surface format's own error encoder. */
export interface SurfaceErrorFields {
  type?: string;
  code?: string;
  param?: string | null;
}

const DEFAULT_ERROR_TYPE: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  405: "invalid_request_error",
  408: "timeout_error",
  413: "request_too_large",
  431: "request_too_large",
  426: "invalid_request_error",
  499: "client_closed",
};

/** An error in the caller's own API format, carrying the request id. */
export function surfaceError(format: IRFormat, requestId: string, status: number, message: string, fields: SurfaceErrorFields = {}): Response {
  const body = WIRE_FORMATS[format].adapter.encodeError(
    { status, type: fields.type ?? DEFAULT_ERROR_TYPE[status] ?? "api_error", message, code: fields.code ?? null, param: fields.param ?? null },
    requestId,
  );
  return new Response(body, { status, headers: { "content-type": "application/json", "x-request-id": requestId } });
}

/** Bytes of header names and values (what limits.maxHeaderBytes counts), without building an array. */
function headerSize(headers: Headers): number {
  let size = 0;
  headers.forEach((value, name) => {
    size += name.length + value.length;
  });
  return size;
}

/** A traced request comes from a signed-in dashboard session, not a client key. */
const TRACED_AUTH = { ok: true, keyId: null } as const;

export interface Inbound {
  record: RequestRecord;
  raw: string;
  body: Record<string, unknown>;
  /** Logs the request as failed and answers in the surface's format. */
  reject(status: number, message: string, fields?: SurfaceErrorFields): Response;
}

/**
 * The steps every API surface shares: request id, client authentication, body size limit, JSON parsing.
 * Errors come back already rendered in the surface's format.
 */
export async function readInbound(
  runtime: GatewayRuntime,
  request: Request,
  format: IRFormat,
  surface: string,
  bodyHint: string,
): Promise<{ ok: true; inbound: Inbound } | { ok: false; response: Response }> {
  const record = new RequestRecord(acceptRequestId(request.headers.get("x-request-id")), surface);
  const reject = (status: number, message: string, fields: SurfaceErrorFields = {}) => {
    runtime.logWriter.push(record.finish(status, message));
    return surfaceError(format, record.id, status, message, fields);
  };
  // The dashboard's round trip (admin session already checked) attaches a trace in process; nothing else can.
  const trace = claimTrace(request);
  if (trace) record.trace = trace;
  const auth = trace ? TRACED_AUTH : authenticateClient(runtime, request.headers, request.url);
  if (!auth.ok) return { ok: false, response: reject(401, auth.message, { code: "invalid_api_key", type: "authentication_error" }) };
  record.apiKeyId = auth.keyId;

  const limits = runtime.services.settings.get().limits;
  const headerBytes = headerSize(request.headers);
  if (headerBytes > limits.maxHeaderBytes) {
    return {
      ok: false,
      response: reject(431, `Request headers total ${headerBytes} bytes, more than the ${limits.maxHeaderBytes}-byte limit (limits.maxHeaderBytes). Send fewer or shorter headers.`, {
        code: "headers_too_large",
      }),
    };
  }
  const limit = limits.maxRequestBodyBytes;
  const text = await readBodyText(request, limit, limits.bodyReadTimeoutMs);
  if (!text.ok) {
    if (text.reason === "aborted") return { ok: false, response: reject(499, "client closed the request", { code: "client_closed" }) };
    if (text.reason === "timeout") {
      return {
        ok: false,
        response: reject(408, `The request body did not arrive within ${limits.bodyReadTimeoutMs} ms (limits.bodyReadTimeoutMs). Send it in one go.`, { code: "request_timeout" }),
      };
    }
    return {
      ok: false,
      response: reject(413, `Request body is larger than the ${limit}-byte limit. Send fewer or smaller messages, or raise limits.maxRequestBodyBytes in the settings.`, {
        code: "request_too_large",
      }),
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text.text);
  } catch (error) {
    return { ok: false, response: reject(400, `Request body is not valid JSON (${(error as Error).message}). Send ${bodyHint}.`, { code: "invalid_json" }) };
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    return { ok: false, response: reject(400, `Request body must be ${bodyHint}.`, { code: "invalid_request" }) };
  }
  const shapeProblem = jsonShapeProblem(json, limits.maxJsonDepth, limits.maxArrayLength);
  if (shapeProblem) return { ok: false, response: reject(400, `${shapeProblem} Send a flatter or shorter body.`, { code: "invalid_request" }) };
  record.clientFormat = format;
  record.clientBody = json as Record<string, unknown>;
  return { ok: true, inbound: { record, raw: text.text, body: json as Record<string, unknown>, reject } };
}

export interface DispatchOptions {
  format: IRFormat;
  request: Request;
  inbound: Inbound;
  /** The model id as the client wrote it. */
  model: string;
  stream: boolean;
  /** Turns the body into IR (defaults to the format adapter's decodeRequest). */
  decode?: (body: Record<string, unknown>) => IRRequest;
  /** Adjusts the decoded IR before it is routed (e.g. prefixing a stored conversation); may reject. */
  prepare?: (ir: IRRequest, target: RouteTarget) => Response | null;
  /** Decode and re-encode even when the upstream speaks the client's format (the body needs rewriting). */
  forceTranslate?: boolean;
  encoding?: TranslatedInput["encoding"];
  onAnswer?: (ir: IRRequest, answer: IRResponse) => void;
  /** Pass-through only: adjusts the upstream URL to the client's own choices. */
  adjustUrl?: (url: string) => string;
}

interface FailedAttempt {
  target: RouteTarget;
  error: IRError;
  headers: Record<string, string>;
}

/** `base · 2^attempt`, ±50 % jitter, at most 10 s: retries of many clients do not arrive in step. */
function backoffDelay(baseMs: number, attempt: number): number {
  const delay = Math.min(10_000, baseMs * 2 ** attempt);
  return Math.round(delay * (0.5 + Math.random()));
}

/** The target model's context window from the catalog, when known. */
function contextWindowOf(target: RouteTarget): number | null {
  return target.connection.provider.models.find((m) => m.id === target.upstreamModel)?.contextWindow ?? null;
}

/** `<alias>/<model>` of a target, as the route header and log name it. */
const targetName = (target: RouteTarget) => `${target.prefix}/${target.upstreamModel}`;

/** `served=<target>; failed=<target> (<status>), …` — which target answered and which were tried before it. */
function routeHeader(served: RouteTarget | null, failures: readonly FailedAttempt[]): string {
  const failed = failures.map((f) => `${targetName(f.target)} (${f.error.status})`).join(", ");
  return served ? (failed ? `served=${targetName(served)}; failed=${failed}` : `served=${targetName(served)}`) : `failed=${failed}`;
}

/** 4xx errors another target would refuse just the same: answered at once instead of failing over. */
function isClientError(error: IRError): boolean {
  return !worthTryingElsewhere(classifyFailure({ status: error.status, error }));
}

/**
 * Resolves the model to its targets and tries them in order until one answers: byte pass-through when the
 * upstream speaks the client's format, translation through the IR otherwise. An attempt that fails before
 * anything reached the client (unreachable, error status, stall or reset before the first byte, an error in a
 * 200) moves on to the next target; an error that is the client's own is answered at once.
 */
export async function dispatchInbound(runtime: GatewayRuntime, options: DispatchOptions): Promise<Response> {
  const bodyLog = runtime.bodyLog;
  if (!bodyLog.enabled) return dispatch(runtime, options);
  // Body logging is on: keep the client's body and a copy of the answer as the client reads it.
  const record = options.inbound.record;
  const bodies: CapturedBodies = { requestId: record.id, startedAt: record.startedAt, request: options.inbound.raw, response: [], truncated: false };
  const response = await dispatch(runtime, options);
  return captureResponseBody(response, bodies, bodyLog.maxBytes, () => bodyLog.push(bodies));
}

async function dispatch(runtime: GatewayRuntime, options: DispatchOptions): Promise<Response> {
  const { inbound } = options;
  const record = inbound.record;
  record.requestedModel = options.model;
  record.stream = options.stream;

  // A request the client key may not make now (its budget is spent): refused before anything else.
  const requestGates = runtime.gates.requests;
  if (requestGates.length > 0) {
    const refusal = refusedRequest(requestGates, { apiKeyId: record.apiKeyId, combo: null });
    if (refusal) return refuse(runtime, inbound, options.format, refusal);
  }

  // Prompt-injection guard (settings.security.promptGuard): off, this boolean is its whole cost.
  let flagged: string | null = null;
  if (runtime.promptGuard.active) {
    const matched = runtime.promptGuard.check(options.format, inbound.body);
    if (matched.length > 0) {
      record.guard = matched.join(",");
      if (runtime.promptGuard.mode === "block") {
        return inbound.reject(
          400,
          `The request was blocked by the prompt-injection guard: its text matches the pattern ${matched.join(", ")}. If this is a false positive, an admin can disable that pattern or set the guard to flag only (dashboard → Security → Prompt guard).`,
          { code: "prompt_injection_detected" },
        );
      }
      flagged = `flagged; rules=${record.guard}`;
    }
  }
  if (flagged !== null) {
    const response = await dispatchUnguarded(runtime, options);
    response.headers.set("x-omniroute-guard", flagged);
    return response;
  }
  return dispatchUnguarded(runtime, options);
}

async function dispatchUnguarded(runtime: GatewayRuntime, options: DispatchOptions): Promise<Response> {
  const { inbound } = options;
  const record = inbound.record;
  // Response cache, opt-in per client key or combo: with nobody opted in this is two map-size reads.
  const services = runtime.services;
  const ttlSeconds = cacheTtlFor(services.apiKeys.cacheTtls, services.combos.cacheTtls, record.apiKeyId, options.model);
  const ticket = ttlSeconds > 0 ? runtime.responseCache.open(options.format, options.request, inbound.raw, inbound.body, record.apiKeyId, ttlSeconds, options.stream, runtime.requestPolicies.fingerprint) : null;
  if (ticket !== null) {
    if (ticket.hit) {
      // No upstream call, no provider and no usage of its own: the log row only says it was a hit.
      record.cache = "hit";
      record.markFirstByte();
      runtime.logWriter.push(record.finish(ticket.hit.status, null));
      return runtime.responseCache.replay(ticket.hit, record.id);
    }
    record.cache = ticket.bypass ? "bypass" : "miss";
  }

  const windowMs = services.settings.get().routing.dedupWindowMs;
  if (windowMs === 0) return ticket ? runtime.responseCache.capture(ticket, await routeAttempts(runtime, options), record) : routeAttempts(runtime, options);

  const idempotencyKey = options.request.headers.get("idempotency-key");
  const key = RequestCoalescer.key(record.apiKeyId, pathOf(options.request.url), idempotencyKey, inbound.raw);
  const turn = runtime.coalescer.enter(key, record.id, windowMs, idempotencyKey !== null);
  if (turn.role === "follower") {
    const shared = await turn.answer;
    if (shared) {
      // Its twin made the call (and carries the usage); this request only records that it shared it.
      record.sharedWith = turn.leaderId;
      runtime.logWriter.push(record.finish(shared.status, null));
      shared.headers.set("x-request-id", record.id);
      shared.headers.set("x-omniroute-shared-with", turn.leaderId);
      // This request's own cache verdict, not the twin's (the twin's recording stores the answer).
      if (ticket) shared.headers.set("x-omniroute-cache", ticket.bypass ? "bypass" : "miss");
      else shared.headers.delete("x-omniroute-cache");
      return shared;
    }
    // The twin failed before it had an answer to share: make this call ourselves.
    return ticket ? runtime.responseCache.capture(ticket, await routeAttempts(runtime, options), record) : routeAttempts(runtime, options);
  }
  try {
    const routed = await routeAttempts(runtime, options);
    return turn.settle(ticket ? await runtime.responseCache.capture(ticket, routed, record) : routed);
  } catch (error) {
    turn.abandon();
    throw error;
  }
}

/** The path of a request URL (the endpoint part of a coalescing key). */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  const query = url.indexOf("?", start);
  return query === -1 ? url.slice(start) : url.slice(start, query);
}

async function routeAttempts(runtime: GatewayRuntime, options: DispatchOptions): Promise<Response> {
  const { inbound, format } = options;
  const record = inbound.record;
  if (!isSafeModelId(options.model)) return inbound.reject(400, UNSAFE_MODEL_ID_MESSAGE, { code: "invalid_model", param: "model" });
  const plan = runtime.router.plan(options.model);
  if (!plan.ok) return inbound.reject(404, plan.message, { code: "model_not_found", param: "model", type: "not_found_error" });
  record.combo = plan.combo ?? null;
  // A restricted key reaches only what its permissions allow; every other key skips this (an empty-map lookup).
  let targets = plan.targets;
  const scope = runtime.services.apiKeys.scopeOf(record.apiKeyId);
  if (scope) {
    const permitted = permittedTargets(scope, plan, options.model);
    if (!permitted.ok) return inbound.reject(403, permitted.message, { code: "model_not_allowed", param: "model" });
    targets = permitted.targets;
  }
  const targetGates = runtime.gates.targets;
  const gateContext: GateContext = { apiKeyId: record.apiKeyId, combo: record.combo };

  // A client may echo a signature we wrapped for it (issued by another format): the same-format upstream must
  // not see it, so such a body goes through the IR, whose encoder drops it.
  const echoesForeign = WIRE_FORMATS[format].carriesSignatures && inbound.raw.includes(WRAPPED_SIGNATURE_IN_JSON);
  // Global request controls (settings.requests): with all of them off, this one check is their whole cost.
  const policies: RequestPolicies | null = runtime.requestPolicies.active ? runtime.requestPolicies : null;
  const failures: FailedAttempt[] = [];
  const unavailable: Array<{ target: RouteTarget; until: number | null; reason: string }> = [];
  const health = runtime.health;

  // After a context-length failure, only a target with a larger window is worth a try.
  let needsContextAbove = 0;
  const { transientRetries, retryBackoffMs } = runtime.services.settings.get().routing;
  let retriesLeft = 0;
  let retrying: RouteTarget | null = null;
  // OAuth accounts whose 401 already earned their one refresh-and-retry (created on the first such 401 only).
  let oauthRetried: Set<string> | null = null;
  for (let index = 0; index < targets.length; index++) {
    let target = targets[index]!;
    if (needsContextAbove > 0 && (contextWindowOf(target) ?? Infinity) <= needsContextAbove) continue;
    // OAuth accounts (null for API-key connections: this check is their whole cost): a token good for the next 30 s.
    if (target.connection.oauth !== null) {
      const prepared = await prepareOAuthTarget(runtime.oauth, target);
      if (!prepared.ok) {
        unavailable.push({ target, until: null, reason: prepared.reason });
        continue;
      }
      target = prepared.target;
    }
    const connectionId = target.connection.id;
    const providerId = target.connection.provider.id;
    // Accounts cooling down, awaiting re-authentication or behind an open breaker are skipped, not tried.
    const availability = health.check(connectionId, providerId);
    // Quota windows and budgets: a spent account or tier is passed over like one cooling down.
    if (availability.available && targetGates.length > 0) {
      const closed = closedGate(targetGates, target, gateContext);
      if (closed) {
        unavailable.push({ target, until: closed.until, reason: closed.reason });
        continue;
      }
    }
    const lease = availability.available ? health.begin(connectionId, providerId) : null;
    if (!lease) {
      unavailable.push({ target, until: availability.available ? null : availability.until, reason: availability.available ? "busy probe" : availability.reason });
      continue;
    }

    // The gateway's own limits (settings.routing.rateLimits): may wait in a queue; refused → the next target.
    const slot = await runtime.rateLimiter.acquire(connectionId, providerId, options.request.signal);
    if (!slot.ok) {
      health.end(lease);
      unavailable.push({ target, until: Date.now() + slot.retryAfterMs, reason: "rate-limit" });
      continue;
    }
    record.onFinish = (status, ttfbMs, latencyMs) => {
      if (status < 400) health.recordSuccess(connectionId, providerId, { ...(ttfbMs !== null ? { ttfbMs } : {}), latencyMs });
      health.end(lease);
      slot.release();
    };
    record.providerId = target.connection.provider.id;
    record.connectionId = target.connection.id;
    record.upstreamModel = target.upstreamModel;
    record.comboTarget = target.comboTarget ?? null;
    let result: ForwardResult;
    const executor = target.connection.executor;
    const rebuild =
      options.forceTranslate ||
      echoesForeign ||
      target.connection.provider.quirks.sanitizeResponses === true ||
      (policies !== null && policies.affects(target)) ||
      // Null for API-key connections: this check is their whole cost.
      (executor !== null && executorNeedsTranslation(executor, options.stream));
    if (target.connection.provider.format === format && !rebuild) {
      result = await forwardPassThrough(runtime, {
        format,
        raw: inbound.raw,
        body: inbound.body,
        stream: options.stream,
        target,
        record,
        clientSignal: options.request.signal,
        clientHeaders: options.request.headers,
        ...(options.adjustUrl ? { adjustUrl: options.adjustUrl } : {}),
      });
    } else {
      // Each attempt rewrites its IR for its upstream, so a later attempt (retry or next target) decodes the
      // client's body afresh rather than paying for a defensive copy on every request.
      let ir: IRRequest;
      try {
        ir = (options.decode ?? WIRE_FORMATS[format].adapter.decodeRequest)(inbound.body);
      } catch (error) {
        if (error instanceof FormatRequestError) return inbound.reject(400, error.message, { code: "invalid_request", param: error.param });
        throw error;
      }
      ir.stream = options.stream;
      const rejected = options.prepare?.(ir, target);
      if (rejected) return rejected;
      if (policies !== null) policies.apply(ir, target);
      const onAnswer = options.onAnswer;
      result = await forwardTranslated(runtime, {
        clientFormat: format,
        request: ir,
        target,
        record,
        clientSignal: options.request.signal,
        clientHeaders: options.request.headers,
        ...(options.encoding ? { encoding: options.encoding } : {}),
        ...(onAnswer ? { onAnswer: (answer: IRResponse) => onAnswer(ir, answer) } : {}),
      });
    }
    if (result.kind === "answered") {
      if (failures.length > 0) result.response.headers.set("x-omniroute-route", routeHeader(target, failures));
      return result.response;
    }
    record.onFinish = null;
    // An OAuth account's token refused: one refresh and the same target again before it counts as a failure.
    if (target.connection.oauth !== null && isTokenRefusal(target.connection.executor, result.error) && !oauthRetried?.has(connectionId) && !options.request.signal.aborted) {
      (oauthRetried ??= new Set()).add(connectionId);
      if (await runtime.oauth.refreshAfterUnauthorized(connectionId, target.connection.apiKey)) {
        health.end(lease);
        slot.release();
        index--;
        continue;
      }
    }
    const failure = classifyFailure({ status: result.error.status, error: result.error, headers: result.headers });
    // A provider that limits each model on its own: a 429 closes this model on the account, not the account.
    if (isRateLimit(failure) && target.connection.executor?.limitsPerModel) runtime.quota.closeModel(connectionId, target.upstreamModel, failure.retryAt);
    else if (penalisesAccount(failure)) health.recordFailure(connectionId, providerId, failure);
    health.end(lease);
    slot.release();
    failures.push({ target, error: result.error, headers: result.headers });
    (record.failedAttempts ??= []).push({ target: targetName(target), status: result.error.status, error: result.error.message.slice(0, 300) });
    if (!worthTryingElsewhere(failure)) break;
    if (failure.class === "context-length") needsContextAbove = Math.max(needsContextAbove, contextWindowOf(target) ?? 0);
    // A transient failure earns the same target a bounded number of retries, with backoff, before moving on.
    if (failure.class === "transient" && result.error.code !== "upstream_redirect") {
      // Retries belong to one target: a target reached after skips starts with its own allowance.
      if (retrying !== targets[index]) {
        retrying = targets[index]!;
        retriesLeft = transientRetries;
      }
      if (retriesLeft > 0 && !options.request.signal.aborted) {
        const attempt = transientRetries - retriesLeft;
        retriesLeft--;
        await Bun.sleep(backoffDelay(retryBackoffMs, attempt));
        if (options.request.signal.aborted) break;
        index--;
        continue;
      }
    }
    retriesLeft = 0;
  }
  if (failures.length === 0) return unavailableEverywhere(runtime, inbound, format, unavailable);
  return exhausted(runtime, inbound, format, failures, unavailable);
}

function refusedRequest(gates: readonly RequestGate[], context: GateContext): RequestRefusal | null {
  const now = Date.now();
  for (const gate of gates) {
    const refusal = gate.check(context, now);
    if (refusal) return refusal;
  }
  return null;
}

/** A request-level refusal in the client's format, with Retry-After when the reopening time is known. */
function refuse(runtime: GatewayRuntime, inbound: Inbound, format: IRFormat, refusal: RequestRefusal): Response {
  const record = inbound.record;
  const headers: Record<string, string> = { "content-type": "application/json", "x-request-id": record.id };
  if (refusal.retryAt !== null) headers["retry-after"] = String(Math.max(1, Math.ceil((refusal.retryAt - Date.now()) / 1000)));
  const error: IRError = { status: refusal.status, type: "rate_limit_error", code: refusal.code, message: refusal.message };
  runtime.logWriter.push(record.finish(error.status, error.message));
  return new Response(WIRE_FORMATS[format].adapter.encodeError(error, record.id), { status: error.status, headers });
}

/** Reasons that mean "used up for now" (429 with a reset time) rather than "broken" (503). */
const LIMITED_REASONS = new Set(["cooldown", "rate-limit", "quota", "budget"]);

/** The first gate that keeps a target closed, if any. */
function closedGate(gates: readonly TargetGate[], target: RouteTarget, context: GateContext): { until: number | null; reason: string } | null {
  const now = Date.now();
  for (const gate of gates) {
    const verdict = gate.check(target, context, now);
    if (!verdict.open) return verdict;
  }
  return null;
}

/** Nothing was tried: every account is cooling down, awaiting re-authentication or behind an open breaker. */
function unavailableEverywhere(
  runtime: GatewayRuntime,
  inbound: Inbound,
  format: IRFormat,
  unavailable: ReadonlyArray<{ target: RouteTarget; until: number | null; reason: string }>,
): Response {
  const record = inbound.record;
  const untils = unavailable.map((u) => u.until).filter((u): u is number => u !== null);
  const earliest = untils.length > 0 ? Math.min(...untils) : null;
  const limited = unavailable.some((u) => LIMITED_REASONS.has(u.reason));
  const names = unavailable.map((u) => `${targetName(u.target)} (${u.reason})`).join(", ");
  const headers: Record<string, string> = { "content-type": "application/json", "x-request-id": record.id, "x-omniroute-route": `unavailable=${names}` };
  if (earliest !== null) headers["retry-after"] = String(Math.max(1, Math.ceil((earliest - Date.now()) / 1000)));
  const when = earliest !== null ? ` The earliest is available again at ${new Date(earliest).toISOString()}.` : "";
  const error: IRError = limited
    ? { status: 429, type: "rate_limit_error", code: "all_targets_cooling_down", message: `Every target is rate-limited or out of quota for now: ${names}.${when}` }
    : { status: 503, type: "api_error", code: "all_targets_unavailable", message: `No target is available right now: ${names}.${when}` };
  runtime.logWriter.push(record.finish(error.status, error.message));
  return new Response(WIRE_FORMATS[format].adapter.encodeError(error, record.id), { status: error.status, headers });
}

/**
 * Every target failed or was skipped. One target (however often retried) and nothing skipped: its last error as the
 * upstream gave it. Otherwise 429 with the earliest Retry-After when any target was rate-limited, out of quota or
 * skipped for a limit (cool-down, rate limit, quota, budget), else 503 — in the client's format, naming each one.
 */
function exhausted(
  runtime: GatewayRuntime,
  inbound: Inbound,
  format: IRFormat,
  failures: readonly FailedAttempt[],
  skipped: ReadonlyArray<{ target: RouteTarget; until: number | null; reason: string }>,
): Response {
  const record = inbound.record;
  const last = failures.at(-1)!;
  const route = routeHeader(null, failures);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-request-id": record.id,
    "x-omniroute-route": skipped.length > 0 ? `${route}; unavailable=${skipped.map((u) => `${targetName(u.target)} (${u.reason})`).join(", ")}` : route,
  };
  let error: IRError;
  if (isClientError(last.error) || (skipped.length === 0 && failures.every((f) => f.target === last.target))) {
    error = last.error;
    Object.assign(headers, last.headers, routedResponseHeaders(record.id, last.target));
  } else {
    const limited = failures.filter((f) => f.error.status === 429);
    const skippedForLimits = skipped.filter((u) => LIMITED_REASONS.has(u.reason));
    const summary = [...failures.map((f) => `${targetName(f.target)}: ${f.error.message}`), ...skipped.map((u) => `${targetName(u.target)}: skipped (${u.reason})`)].join(" | ");
    if (limited.length > 0 || skippedForLimits.length > 0) {
      const now = Date.now();
      const waits = [
        ...limited.map((f) => Number(f.headers["retry-after"])),
        ...skippedForLimits.map((u) => (u.until === null ? Number.NaN : Math.max(1, Math.ceil((u.until - now) / 1000)))),
      ].filter((n) => Number.isFinite(n) && n >= 0);
      if (waits.length > 0) headers["retry-after"] = String(Math.min(...waits));
      error = { status: 429, type: "rate_limit_error", code: "all_targets_rate_limited", message: `Every target is rate-limited, out of quota or failing. ${summary}` };
    } else {
      error = { status: 503, type: "api_error", code: "all_targets_failed", message: `Every target failed. ${summary}` };
    }
  }
  runtime.logWriter.push(record.finish(error.status, error.message));
  return new Response(WIRE_FORMATS[format].adapter.encodeError(error, record.id), { status: error.status, headers });
}
