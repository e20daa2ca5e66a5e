import type { FormatAdapter } from "../../ir/format-adapter";
import { decodeGeminiError, encodeGeminiError } from "./gemini-error";
import { decodeGeminiRequest } from "./gemini-request-decode";
import { encodeGeminiRequest } from "./gemini-request-encode";
import { decodeGeminiResponse } from "./gemini-response-decode";
import { encodeGeminiResponse } from "./gemini-response-encode";
import { GeminiStreamDecoder } from "./gemini-stream-decode";
import { GeminiStreamEncoder } from "./gemini-stream-encode";

/** Gemini generateContent / streamGenerateContent, both directions. The model lives in the URL, not the body. */
export const geminiAdapter: FormatAdapter = {
  format: "gemini",
  decodeRequest: decodeGeminiRequest,
  encodeRequest: encodeGeminiRequest,
  decodeResponse: decodeGeminiResponse,
  encodeResponse: encodeGeminiResponse,
  createStreamDecoder: () => new GeminiStreamDecoder(),
  createStreamEncoder: (context) => new GeminiStreamEncoder(context),
  decodeError: decodeGeminiError,
  encodeError: encodeGeminiError,
};
