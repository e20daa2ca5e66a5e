/** `POST /v1/chat/completions` without the web framework: the native API routes call this directly. */
import { openAIErrorBody } from "../../formats/openai-chat/openai-chat-error";
import { isWellFormedChatRequest, openAIChatRequestSchema } from "../../formats/openai-chat/openai-chat-request";
import type { GatewayRuntime } from "../gateway-runtime";
import { dispatchInbound, readInbound } from "./inbound-request";

export const JSON_HEADERS = { "content-type": "application/json" };

export function openAIError(status: number, requestId: string, message: string, fields: { code?: string; param?: string | null; type?: string } = {}, extra: Record<string, string> = {}): Response {
  return new Response(openAIErrorBody(status, message, fields), {
    status,
    headers: { ...JSON_HEADERS, "x-request-id": requestId, ...extra },
  });
}

/** `POST /v1/chat/completions`: authenticate, read and check the body, resolve the model, forward. */
export async function handleChatCompletions(runtime: GatewayRuntime, request: Request): Promise<Response> {
  const read = await readInbound(runtime, request, "openai-chat", "openai-chat", 'a JSON object with "model" and "messages"');
  if (!read.ok) return read.response;
  const { inbound } = read;
  const parsed = isWellFormedChatRequest(inbound.body) ? { success: true as const, data: inbound.body } : openAIChatRequestSchema.safeParse(inbound.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = issue.path.length > 0 ? issue.path.map(String).join(".") : null;
    return inbound.reject(400, param && !issue.message.includes(`'${param}'`) ? `Invalid '${param}': ${issue.message}` : issue.message, {
      code: "invalid_request",
      param,
      type: "invalid_request_error",
    });
  }
  const chat = parsed.data;
  const streamOptions = inbound.body.stream_options as { include_usage?: unknown } | undefined;
  return dispatchInbound(runtime, {
    format: "openai-chat",
    request,
    inbound,
    model: chat.model,
    stream: chat.stream === true,
    encoding: { includeUsage: streamOptions?.include_usage === true },
  });
}
