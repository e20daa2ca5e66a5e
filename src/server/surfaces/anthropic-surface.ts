import { Elysia } from "elysia";
import type { GatewayRuntime } from "../gateway-runtime";
import { handleCountTokens, handleMessages } from "./anthropic-handler";
export { handleCountTokens, handleMessages };

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
