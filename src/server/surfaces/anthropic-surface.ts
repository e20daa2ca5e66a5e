import { Elysia } from "elysia";
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

const apiKeyOrBearer: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { anthropicApiKey: [] }];

export function anthropicSurface(runtime: GatewayRuntime) {
  return new Elysia({ name: "surface:anthropic" })
    .post(
      "/v1/messages",
      ({ request, server }) => {
        server?.timeout(request, 0);
        return handleMessages(runtime, request);
      },
      {
        parse: "none",
        detail: {
          tags: ["Anthropic API"],
          summary: "Create a message (Anthropic Messages format)",
          description:
            "Body as Anthropic's `POST /v1/messages`; `?beta=true` is accepted. The key may come as `x-api-key` or " +
            "`Authorization: Bearer`. Any routed model works; non-Anthropic upstreams are translated. Errors use Anthropic's error object.",
          security: apiKeyOrBearer,
        },
      },
    )
    .post("/v1/messages/count_tokens", ({ request }) => handleCountTokens(runtime, request), {
      parse: "none",
      detail: {
        tags: ["Anthropic API"],
        summary: "Count input tokens (Anthropic format)",
        description:
          "Counted by the upstream when it can (Anthropic, Gemini, OpenAI Responses), otherwise estimated locally with a " +
          "calibrated tokenizer that errs on the high side. An estimate is marked with the header `x-omniroute-token-count: estimated`.",
        security: apiKeyOrBearer,
      },
    });
}
