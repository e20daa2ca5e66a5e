import { surfaceFormatOf } from "../api-paths";
import { modelsVisibleTo } from "./scoped-models";
import { Elysia } from "elysia";
import { acceptRequestId } from "../../util/ids";
import type { GatewayRuntime } from "../gateway-runtime";
import { authenticateClient } from "../guards/client-auth";
import { geminiModelList } from "./gemini-surface";
import { surfaceError } from "./inbound-request";
import { handleChatCompletions, JSON_HEADERS, openAIError } from "./openai-chat-handler";
export { handleChatCompletions };

export function openAIChatSurface(runtime: GatewayRuntime) {
  return new Elysia({ name: "surface:openai-chat" })
    .post(
      "/v1/chat/completions",
      ({ request, server }) => {
        // Generations can be silent for minutes: exempt this request from the server's idle timeout.
        server?.timeout(request, 0);
        return handleChatCompletions(runtime, request);
      },
      {
      parse: "none",
      detail: {
        tags: ["OpenAI API"],
        summary: "Create a chat completion (OpenAI Chat Completions format)",
        description:
          "Body as OpenAI's `POST /v1/chat/completions`. `model` is `<alias>/<model>` (see `GET /v1/models`). " +
          "`stream` defaults to false. With matching formats the upstream's bytes are returned untouched. " +
          "Errors use OpenAI's error object; every response carries `x-request-id`.",
        security: [{ bearerAuth: [] }],
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["model", "messages"],
                properties: {
                  model: { type: "string", example: "ds/deepseek-v4-pro" },
                  messages: { type: "array", items: { type: "object" } },
                  stream: { type: "boolean", default: false },
                },
                additionalProperties: true,
              },
            },
          },
        },
      },
    });
}

export function openAIModelsSurface(runtime: GatewayRuntime) {
  return new Elysia({ name: "surface:openai-models" }).get(
    "/v1/models",
    ({ request }) => {
      const requestId = acceptRequestId(request.headers.get("x-request-id"));
      const auth = authenticateClient(runtime, request.headers, request.url);
      if (!auth.ok) return openAIError(401, requestId, auth.message, { code: "invalid_api_key", type: "authentication_error" });
      // @google/genai 3.x lists models at the same path as OpenAI; its client header tells the shapes apart.
      if (request.headers.has("x-goog-api-client")) return Response.json(geminiModelList(runtime, auth.keyId), { headers: { "x-request-id": requestId } });
      const scope = runtime.services.apiKeys.scopeOf(auth.keyId);
      const body = scope ? JSON.stringify({ object: "list", data: modelsVisibleTo(runtime, scope) }) : runtime.router.modelsBody();
      return new Response(body, { headers: { ...JSON_HEADERS, "x-request-id": requestId } });
    },
    {
      detail: {
        tags: ["OpenAI API"],
        summary: "List the models and combos this key may use",
        description: "OpenAI list shape. Ids are `<alias>/<model>`, ready to use as `model`.",
        security: [{ bearerAuth: [] }],
      },
    },
  );
}

const KNOWN_V1_PATHS = new Set(["/v1/chat/completions", "/v1/models", "/v1/messages", "/v1/messages/count_tokens", "/v1/responses"]);

/**
 * Anything else under /v1 answers in the error shape of the API the path belongs to (Anthropic for /v1/messages…,
 * Gemini for /v1/models/{model}:method, OpenAI otherwise) rather than the framework's or the dashboard's.
 */
export function unknownOpenAIEndpoint(request: Request, path: string): Response {
  const requestId = acceptRequestId(request.headers.get("x-request-id"));
  const format = surfaceFormatOf(path);
  const known = KNOWN_V1_PATHS.has(path) || format === "gemini";
  return surfaceError(
    format,
    requestId,
    known ? 405 : 404,
    known
      ? `${request.method} is not allowed on ${path}.`
      : `Unknown endpoint ${request.method} ${path}. OmniRoute serves POST /v1/chat/completions, /v1/responses, /v1/messages, /v1/messages/count_tokens, /v1/models/{model}:generateContent|streamGenerateContent|countTokens and GET /v1/models.`,
    { code: known ? "method_not_allowed" : "unknown_endpoint", ...(format === "gemini" ? { type: known ? "INVALID_ARGUMENT" : "NOT_FOUND" } : {}) },
  );
}

/** Unknown paths under /v1beta answer in Gemini's error shape. */
export function unknownGeminiEndpoint(request: Request, path: string): Response {
  return surfaceError(
    "gemini",
    acceptRequestId(request.headers.get("x-request-id")),
    404,
    `Unknown endpoint ${request.method} ${path}. OmniRoute serves POST /v1beta/models/{model}:generateContent|streamGenerateContent|countTokens and GET /v1beta/models.`,
    { type: "NOT_FOUND" },
  );
}
