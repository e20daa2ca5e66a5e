import { isSafeModelId, UNSAFE_MODEL_ID_MESSAGE } from "../../routing/model-id";
import { withForwardedHeaders } from "../../pipeline/send-upstream";
import { permittedTargets } from "../../security/key-scope";
import { WIRE_FORMATS } from "../../formats/wire-formats";
import { FormatRequestError } from "../../ir/format-adapter";
import type { IRFormat, IRRequest } from "../../ir/ir-types";
import { prepareOAuthTarget } from "../../oauth/oauth-target";
import type { RouteTarget } from "../../routing/model-router";
import type { ConnectionRuntime } from "../../services/connection-service";
import { estimateInputTokens } from "../../tokens/token-estimator";
import { callUpstream } from "../../upstream/call-upstream";
import type { GatewayRuntime } from "../gateway-runtime";
import type { Inbound } from "./inbound-request";

const FAMILY: Record<IRFormat, "anthropic" | "gemini" | "openai"> = {
  anthropic: "anthropic",
  gemini: "gemini",
  "openai-chat": "openai",
  "openai-responses": "openai",
};

export interface CountTokensOptions {
  format: IRFormat;
  request: Request;
  inbound: Inbound;
  model: string;
  /** The request as IR (defaults to the format adapter's decodeRequest of the body). */
  decode?: (body: Record<string, unknown>) => IRRequest;
  /** The answer body in the surface's format. */
  render(tokens: number): Record<string, unknown>;
}

/**
 * Token counting: the routed upstream counts when its format has a counter (exact), otherwise — or when that
 * call fails — a local estimate calibrated to err high, because clients such as Claude Code compact their
 * context from this figure and an undercount lets the context overflow. A model that does not route still
 * gets an estimate: counting costs nothing and the client only wants a number.
 */
export async function countTokensResponse(runtime: GatewayRuntime, options: CountTokensOptions): Promise<Response> {
  const { inbound, format } = options;
  const record = inbound.record;
  record.requestedModel = options.model;
  let ir: IRRequest;
  try {
    ir = (options.decode ?? WIRE_FORMATS[format].adapter.decodeRequest)(inbound.body);
  } catch (error) {
    if (error instanceof FormatRequestError) return inbound.reject(400, error.message, { code: "invalid_request", param: error.param });
    throw error;
  }
  const headers: Record<string, string> = { "content-type": "application/json", "x-request-id": record.id };
  if (!isSafeModelId(options.model)) return inbound.reject(400, UNSAFE_MODEL_ID_MESSAGE, { code: "invalid_model", param: "model" });
  // A restricted key counts only for models it may use: the count may ask the upstream with the provider's key.
  const scope = runtime.services.apiKeys.scopeOf(record.apiKeyId);
  if (scope) {
    const plan = runtime.router.plan(options.model);
    const permitted = plan.ok ? permittedTargets(scope, plan, options.model) : null;
    if (permitted && !permitted.ok) return inbound.reject(403, permitted.message, { code: "model_not_allowed", param: "model" });
  }
  const route = runtime.router.resolve(options.model);
  let family = FAMILY[format];
  // A subscription account counts with a token good for the next 30 s (refreshed first if need be); one awaiting
  // re-authentication, or whose refresh failed for now, leaves the count to the estimate.
  let target = route.ok ? route.target : null;
  if (target?.connection.oauth) target = await preparedOrNull(runtime, target);
  if (target) {
    const { connection, upstreamModel } = target;
    record.providerId = connection.provider.id;
    record.connectionId = connection.id;
    record.upstreamModel = upstreamModel;
    family = FAMILY[connection.provider.format];
    const upstreamWire = WIRE_FORMATS[connection.provider.format];
    const counter = upstreamWire.countTokens;
    if (counter && connection.countTokensUrl) {
      const counted = await askUpstream(runtime, options, ir, connection, upstreamModel, connection.countTokensUrl(upstreamModel));
      if (counted !== null) {
        runtime.logWriter.push(record.finish(200, null));
        return new Response(JSON.stringify(options.render(counted)), { headers: { ...headers, "x-omniroute-token-count": "upstream" } });
      }
    }
  }
  const tokens = await estimateInputTokens(ir, family);
  runtime.logWriter.push(record.finish(200, null));
  return new Response(JSON.stringify(options.render(tokens)), { headers: { ...headers, "x-omniroute-token-count": "estimated" } });
}

async function preparedOrNull(runtime: GatewayRuntime, target: RouteTarget): Promise<RouteTarget | null> {
  const prepared = await prepareOAuthTarget(runtime.oauth, target);
  return prepared.ok ? prepared.target : null;
}

async function askUpstream(runtime: GatewayRuntime, options: CountTokensOptions, ir: IRRequest, connection: ConnectionRuntime, upstreamModel: string, url: string): Promise<number | null> {
  const upstreamFormat = connection.provider.format;
  const { headers, executor } = connection;
  const counter = WIRE_FORMATS[upstreamFormat].countTokens!;
  // Same format: the client's own fields go up untouched (only the model changes); otherwise via the IR.
  const encoded =
    upstreamFormat === options.format ? { ...options.inbound.body } : WIRE_FORMATS[upstreamFormat].adapter.encodeRequest({ ...ir, model: upstreamModel });
  // The client's own headers (e.g. anthropic-beta) only between same-format ends, through the one header filter.
  const forwarded = upstreamFormat === options.format ? withForwardedHeaders(headers, WIRE_FORMATS[upstreamFormat].forwardedClientHeaders, options.request.headers) : headers;
  const countBody = counter.body(encoded, upstreamModel);
  let request = { url, headers: forwarded, body: JSON.stringify(countBody) };
  // Subscription providers shape the count like their official client (API-key connections: this check only).
  if (executor) request = executor.shape({ ...request, clientHeaders: options.request.headers, clientBody: countBody, stream: false, model: upstreamModel, ...(connection.oauth ? { account: connection.oauth.extra } : {}) });
  const timeouts = runtime.services.settings.get().timeouts;
  try {
    const { response, deadline } = await callUpstream({
      url: request.url,
      headers: request.headers,
      body: request.body,
      clientSignal: options.request.signal,
      timeouts: { connectMs: timeouts.connectMs, firstByteMs: Math.min(timeouts.firstByteMs, 15_000), idleMs: Math.min(timeouts.idleMs, 15_000) },
    });
    const text = await response.text();
    deadline.finish();
    if (!response.ok) return null;
    return counter.read(JSON.parse(text));
  } catch {
    return null;
  }
}
