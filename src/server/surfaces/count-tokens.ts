import { WIRE_FORMATS } from "../../formats/wire-formats";
import { FormatRequestError } from "../../ir/format-adapter";
import type { IRFormat, IRRequest } from "../../ir/ir-types";
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
  const route = runtime.router.resolve(options.model);
  let family = FAMILY[format];
  if (route.ok) {
    const { connection, upstreamModel } = route.target;
    record.providerId = connection.provider.id;
    record.connectionId = connection.id;
    record.upstreamModel = upstreamModel;
    family = FAMILY[connection.provider.format];
    const upstreamWire = WIRE_FORMATS[connection.provider.format];
    const counter = upstreamWire.countTokens;
    if (counter && connection.countTokensUrl) {
      const counted = await askUpstream(runtime, options, ir, connection.provider.format, upstreamModel, connection.countTokensUrl(upstreamModel), connection.headers);
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

async function askUpstream(
  runtime: GatewayRuntime,
  options: CountTokensOptions,
  ir: IRRequest,
  upstreamFormat: IRFormat,
  upstreamModel: string,
  url: string,
  headers: Record<string, string>,
): Promise<number | null> {
  const counter = WIRE_FORMATS[upstreamFormat].countTokens!;
  // Same format: the client's own fields go up untouched (only the model changes); otherwise via the IR.
  const encoded =
    upstreamFormat === options.format ? { ...options.inbound.body } : WIRE_FORMATS[upstreamFormat].adapter.encodeRequest({ ...ir, model: upstreamModel });
  const forwarded: Record<string, string> = { ...headers };
  for (const name of WIRE_FORMATS[upstreamFormat].forwardedClientHeaders) {
    const value = options.request.headers.get(name);
    if (value && upstreamFormat === options.format) forwarded[name] = value;
  }
  const timeouts = runtime.services.settings.get().timeouts;
  try {
    const { response, deadline } = await callUpstream({
      url,
      headers: forwarded,
      body: JSON.stringify(counter.body(encoded, upstreamModel)),
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
