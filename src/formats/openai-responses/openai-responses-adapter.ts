import type { FormatAdapter } from "../../ir/format-adapter";
import { decodeResponsesError, encodeResponsesError } from "./openai-responses-error";
import { decodeResponsesRequest } from "./openai-responses-request-decode";
import { encodeResponsesRequest } from "./openai-responses-request-encode";
import { decodeResponsesResponse } from "./openai-responses-response-decode";
import { encodeResponsesResponse } from "./openai-responses-response-encode";
import { ResponsesStreamDecoder } from "./openai-responses-stream-decode";
import { ResponsesStreamEncoder } from "./openai-responses-stream-encode";

export { responsesToolNamespaces } from "./openai-responses-layout";
export type { ResponsesClientEncodeContext } from "./openai-responses-response-encode";

/** OpenAI Responses API (`POST /v1/responses`): Codex CLI, opencode's openai provider, the openai SDKs. */
export const openAIResponsesAdapter: FormatAdapter = {
  format: "openai-responses",
  decodeRequest: decodeResponsesRequest,
  encodeRequest: encodeResponsesRequest,
  decodeResponse: decodeResponsesResponse,
  encodeResponse: encodeResponsesResponse,
  createStreamDecoder: () => new ResponsesStreamDecoder(),
  createStreamEncoder: (context) => new ResponsesStreamEncoder(context),
  decodeError: decodeResponsesError,
  encodeError: encodeResponsesError,
};
