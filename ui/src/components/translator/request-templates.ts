import type { WireFormatId } from "./detect-format";

/** Room for a short answer: Anthropic requires max_tokens, the others are given the same for a fair comparison. */
const MAX_TOKENS = 1024;

/**
 * A one-message request body in each client format, as that format's SDKs send it. The model is not in it: the
 * round trip sets it (Gemini puts it in the path).
 */
export function chatRequestBody(format: WireFormatId, message: string, stream: boolean): Record<string, unknown> {
  switch (format) {
    case "openai-chat":
      return { messages: [{ role: "user", content: message }], max_tokens: MAX_TOKENS, ...(stream ? { stream: true } : {}) };
    case "openai-responses":
      return { input: message, max_output_tokens: MAX_TOKENS, ...(stream ? { stream: true } : {}) };
    case "anthropic":
      return { max_tokens: MAX_TOKENS, messages: [{ role: "user", content: message }], ...(stream ? { stream: true } : {}) };
    case "gemini":
      return { contents: [{ role: "user", parts: [{ text: message }] }], generationConfig: { maxOutputTokens: MAX_TOKENS } };
  }
}

/** Pretty JSON when the text is JSON; anything else (SSE, plain text) unchanged. */
export function prettyBody(text: string): string {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return text;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return text;
  }
}
