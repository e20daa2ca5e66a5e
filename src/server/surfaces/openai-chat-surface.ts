import { Elysia } from "elysia";
import { openAIErrorBody } from "../../formats/openai-chat/openai-chat-error";
import { openAIChatRequestSchema } from "../../formats/openai-chat/openai-chat-request";
import { forwardOpenAIChat } from "../../pipeline/forward-openai-chat";
import { RequestRecord } from "../../pipeline/request-record";
import { acceptRequestId } from "../../util/ids";
import type { GatewayRuntime } from "../gateway-runtime";
import { authenticateClient } from "../guards/client-auth";
import { readBodyText } from "../read-body";

const JSON_HEADERS = { "content-type": "application/json" };

function openAIError(status: number, requestId: string, message: string, fields: { code?: string; param?: string | null; type?: string } = {}, extra: Record<string, string> = {}): Response {
  return new Response(openAIErrorBody(status, message, fields), {
    status,
    headers: { ...JSON_HEADERS, "x-request-id": requestId, ...extra },
  });
}

/** `POST /v1/chat/completions`: authenticate, read and check the body, resolve the model, forward. */
export async function handleChatCompletions(runtime: GatewayRuntime, request: Request): Promise<Response> {
  const record = new RequestRecord(acceptRequestId(request.headers.get("x-request-id")), "openai-chat");
  const reject = (status: number, message: string, fields: { code?: string; param?: string | null; type?: string } = {}) => {
    runtime.logWriter.push(record.finish(status, message));
    return openAIError(status, record.id, message, fields);
  };

  const auth = authenticateClient(runtime, request.headers);
  if (!auth.ok) return reject(401, auth.message, { code: "invalid_api_key", type: "authentication_error" });
  record.apiKeyId = auth.keyId;

  const limit = runtime.services.settings.get().limits.maxRequestBodyBytes;
  const body = await readBodyText(request, limit);
  if (!body.ok) {
    if (body.reason === "aborted") return reject(499, "client closed the request", { code: "client_closed" });
    return reject(413, `Request body is larger than the ${limit}-byte limit. Send fewer or smaller messages, or raise limits.maxRequestBodyBytes in the settings.`, { code: "request_too_large" });
  }

  let json: unknown;
  try {
    json = JSON.parse(body.text);
  } catch (error) {
    return reject(400, `Request body is not valid JSON (${(error as Error).message}). Send a JSON object with "model" and "messages".`, { code: "invalid_json" });
  }
  if (json === null || typeof json !== "object" || Array.isArray(json)) {
    return reject(400, 'Request body must be a JSON object with "model" and "messages".', { code: "invalid_request" });
  }
  const parsed = openAIChatRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = issue.path.length > 0 ? issue.path.map(String).join(".") : null;
    return reject(400, param && !issue.message.includes(`'${param}'`) ? `Invalid '${param}': ${issue.message}` : issue.message, {
      code: "invalid_request",
      param,
    });
  }
  const chat = parsed.data;
  record.requestedModel = chat.model;
  record.stream = chat.stream === true;

  const route = runtime.router.resolve(chat.model);
  if (!route.ok) return reject(404, route.message, { code: "model_not_found", param: "model" });
  const { target } = route;
  record.providerId = target.connection.provider.id;
  record.connectionId = target.connection.id;
  record.upstreamModel = target.upstreamModel;

  return forwardOpenAIChat(runtime, { raw: body.text, request: chat, target, record, clientSignal: request.signal });
}

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
      const auth = authenticateClient(runtime, request.headers);
      if (!auth.ok) return openAIError(401, requestId, auth.message, { code: "invalid_api_key", type: "authentication_error" });
      return new Response(runtime.router.modelsBody(), { headers: { ...JSON_HEADERS, "x-request-id": requestId } });
    },
    {
      detail: {
        tags: ["OpenAI API"],
        summary: "List models of every enabled connection",
        description: "OpenAI list shape. Ids are `<alias>/<model>`, ready to use as `model`.",
        security: [{ bearerAuth: [] }],
      },
    },
  );
}

/** Anything else under /v1 answers in OpenAI's error shape rather than the framework's or the dashboard's. */
export function unknownOpenAIEndpoint(request: Request, path: string): Response {
  const requestId = acceptRequestId(request.headers.get("x-request-id"));
  const known = path === "/v1/chat/completions" || path === "/v1/models";
  return openAIError(
    known ? 405 : 404,
    requestId,
    known ? `${request.method} is not allowed on ${path}.` : `Unknown endpoint ${request.method} ${path}. OmniRoute serves POST /v1/chat/completions and GET /v1/models.`,
    { code: known ? "method_not_allowed" : "unknown_endpoint" },
  );
}
