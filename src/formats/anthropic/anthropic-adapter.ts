import type { FormatAdapter } from "../../ir/format-adapter";
import { decodeAnthropicError, encodeAnthropicError } from "./anthropic-error";
import { decodeAnthropicRequest } from "./anthropic-request-decode";
import { encodeAnthropicRequest } from "./anthropic-request-encode";
import { decodeAnthropicResponse } from "./anthropic-response-decode";
import { encodeAnthropicResponse } from "./anthropic-response-encode";
import { AnthropicStreamDecoder } from "./anthropic-stream-decode";
import { AnthropicStreamEncoder } from "./anthropic-stream-encode";

/** Anthropic Messages (`POST /v1/messages`), both as a client surface and as an upstream. */
export const anthropicAdapter: FormatAdapter = {
  format: "anthropic",
  decodeRequest: decodeAnthropicRequest,
  encodeRequest: encodeAnthropicRequest,
  decodeResponse: decodeAnthropicResponse,
  encodeResponse: encodeAnthropicResponse,
  createStreamDecoder: () => new AnthropicStreamDecoder(),
  createStreamEncoder: (context) => new AnthropicStreamEncoder(context),
  decodeError: decodeAnthropicError,
  encodeError: encodeAnthropicError,
};
