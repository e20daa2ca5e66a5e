/** The Anthropic Messages endpoints without the web framework: the native API routes call these directly. */
import type { GatewayRuntime } from "../gateway-runtime";
import { countTokensResponse } from "./count-tokens";
import { dispatchInbound, readInbound } from "./inbound-request";

const BODY_HINT = 'a JSON object with "model", "max_tokens" and "messages"';

/** `POST /v1/messages` (Anthropic Messages; `?beta=true` as Claude Code sends it is accepted and ignored). */
export async function handleMessages(runtime: GatewayRuntime, request: Request): Promise<Response> {
  const read = await readInbound(runtime, request, "anthropic", "anthropic", BODY_HINT);
  if (!read.ok) return read.response;
  const { inbound } = read;
  const { model, messages, stream } = inbound.body;
  if (typeof model !== "string" || model === "") {
    return inbound.reject(400, "model: Field required — a string such as 'claude/claude-sonnet-4-6' (see GET /v1/models).", { param: "model" });
  }
  if (!Array.isArray(messages)) return inbound.reject(400, "messages: Field required — an array of {role, content} turns.", { param: "messages" });
  if (stream !== undefined && typeof stream !== "boolean") return inbound.reject(400, "stream: Input should be a valid boolean.", { param: "stream" });
  return dispatchInbound(runtime, { format: "anthropic", request, inbound, model, stream: stream === true });
}

/** `POST /v1/messages/count_tokens`. */
export async function handleCountTokens(runtime: GatewayRuntime, request: Request): Promise<Response> {
  const read = await readInbound(runtime, request, "anthropic", "anthropic-count-tokens", 'a JSON object with "model" and "messages"');
  if (!read.ok) return read.response;
  const { inbound } = read;
  const { model, messages } = inbound.body;
  if (typeof model !== "string" || model === "") return inbound.reject(400, "model: Field required.", { param: "model" });
  if (!Array.isArray(messages)) return inbound.reject(400, "messages: Field required — an array of {role, content} turns.", { param: "messages" });
  return countTokensResponse(runtime, { format: "anthropic", request, inbound, model, render: (tokens) => ({ input_tokens: tokens }) });
}
