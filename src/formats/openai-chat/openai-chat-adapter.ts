import type { FormatAdapter } from "../../ir/format-adapter";
import type { IRError } from "../../ir/ir-types";
import { openAIErrorBody, readUpstreamError } from "./openai-chat-error";
import { decodeChatRequest } from "./openai-chat-request-decode";
import { encodeChatRequest } from "./openai-chat-request-encode";
import { decodeChatResponse } from "./openai-chat-response-decode";
import { chatErrorFields, encodeChatResponse } from "./openai-chat-response-encode";
import { ChatStreamDecoder } from "./openai-chat-stream-decode";
import { ChatStreamEncoder } from "./openai-chat-stream-encode";

/** Upstream error body in any shape → IR (OpenAI fields kept when present). */
function decodeChatError(status: number, bodyText: string): IRError {
  const fields = readUpstreamError(status, bodyText);
  return { status, type: fields.type, message: fields.message, code: fields.code, param: fields.param };
}

/** IR error → OpenAI's `{"error":{message,type,param,code}}`; the request id travels in a header, not here. */
function encodeChatError(error: IRError, _requestId: string): string {
  const fields = chatErrorFields(error);
  return openAIErrorBody(error.status, fields.message, { type: fields.type, code: fields.code, param: fields.param });
}

/** OpenAI Chat Completions, both as the client surface and as the upstream wire. */
export const openAIChatAdapter: FormatAdapter = {
  format: "openai-chat",
  decodeRequest: decodeChatRequest,
  encodeRequest: encodeChatRequest,
  decodeResponse: decodeChatResponse,
  encodeResponse: encodeChatResponse,
  createStreamDecoder: () => new ChatStreamDecoder(),
  createStreamEncoder: (context) => new ChatStreamEncoder(context),
  decodeError: decodeChatError,
  encodeError: encodeChatError,
};
