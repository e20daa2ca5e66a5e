/**
 * Guesses which API format a pasted document is written in, and whether it is a request, a non-stream response or
 * a stream's SSE text. Pure and synchronous (no DOM), so it is unit-tested against the recorded fixtures.
 */

export const WIRE_FORMAT_IDS = ["openai-chat", "openai-responses", "anthropic", "gemini"] as const;
export type WireFormatId = (typeof WIRE_FORMAT_IDS)[number];

export const DOCUMENT_KINDS = ["request", "response", "stream"] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

export interface Detection {
  format: WireFormatId;
  kind: DocumentKind;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** The format of `text`, or null when it is empty, not JSON / SSE, or fits no format. */
export function detectDocument(text: string): Detection | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  if (/^(event|data|id|retry)\s*:/m.test(trimmed) && !trimmed.startsWith("{") && !trimmed.startsWith("[")) {
    const format = detectSse(trimmed);
    return format ? { format, kind: "stream" } : null;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return null;
  }
  // Gemini's streamGenerateContent without alt=sse: one JSON array of response chunks.
  if (Array.isArray(parsed)) return parsed.length > 0 && parsed.every((item) => isObject(item) && isGeminiResponse(item)) ? { format: "gemini", kind: "stream" } : null;
  if (!isObject(parsed)) return null;
  const response = detectResponse(parsed);
  if (response) return { format: response, kind: "response" };
  const request = detectRequest(parsed);
  return request ? { format: request, kind: "request" } : null;
}

/** The format of one SSE body, from its event names or the first data payloads that say. */
function detectSse(text: string): WireFormatId | null {
  let checked = 0;
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line.startsWith("event:")) {
      const name = line.slice(6).trim();
      if (name.startsWith("response.")) return "openai-responses";
      if (ANTHROPIC_EVENTS.has(name)) return "anthropic";
      continue;
    }
    if (!line.startsWith("data:")) continue;
    const data = line.slice(5).trim();
    if (data === "[DONE]") return "openai-chat";
    if (++checked > 50) break;
    let payload: unknown;
    try {
      payload = JSON.parse(data);
    } catch {
      continue;
    }
    if (!isObject(payload)) continue;
    const format = detectChunk(payload);
    if (format) return format;
  }
  return null;
}

const ANTHROPIC_EVENTS = new Set(["message_start", "message_delta", "message_stop", "content_block_start", "content_block_delta", "content_block_stop", "ping"]);

function detectChunk(chunk: Json): WireFormatId | null {
  const type = typeof chunk.type === "string" ? chunk.type : "";
  if (type.startsWith("response.")) return "openai-responses";
  if (ANTHROPIC_EVENTS.has(type)) return "anthropic";
  if (chunk.object === "chat.completion.chunk" || Array.isArray(chunk.choices)) return "openai-chat";
  if (isGeminiResponse(chunk)) return "gemini";
  return null;
}

function isGeminiResponse(body: Json): boolean {
  return Array.isArray(body.candidates) || isObject(body.usageMetadata) || isObject(body.promptFeedback);
}

function detectResponse(body: Json): WireFormatId | null {
  if (isGeminiResponse(body)) return "gemini";
  if (body.object === "chat.completion" || Array.isArray(body.choices)) return "openai-chat";
  if (body.object === "response" || (Array.isArray(body.output) && typeof body.status === "string")) return "openai-responses";
  if (body.type === "message" || (body.role === "assistant" && Array.isArray(body.content) && "stop_reason" in body)) return "anthropic";
  return null;
}

const CHAT_ONLY_FIELDS = [
  "max_completion_tokens",
  "n",
  "response_format",
  "stream_options",
  "frequency_penalty",
  "presence_penalty",
  "logprobs",
  "top_logprobs",
  "logit_bias",
  "seed",
  "parallel_tool_calls",
  "reasoning_effort",
  "modalities",
  "audio",
  "prediction",
  "functions",
  "function_call",
  "web_search_options",
];
const ANTHROPIC_ONLY_FIELDS = ["stop_sequences", "top_k", "thinking", "anthropic_version", "container", "mcp_servers", "context_management"];
const ANTHROPIC_BLOCKS = new Set(["tool_use", "tool_result", "thinking", "redacted_thinking", "document", "server_tool_use", "search_result"]);
const CHAT_BLOCKS = new Set(["image_url", "input_audio"]);

function detectRequest(body: Json): WireFormatId | null {
  if (Array.isArray(body.contents) || isObject(body.generationConfig) || isObject(body.systemInstruction) || isObject(body.system_instruction)) return "gemini";
  if (!Array.isArray(body.messages)) {
    return "input" in body || "instructions" in body || "previous_response_id" in body ? "openai-responses" : null;
  }
  // Chat Completions and Messages share `model` and `messages`: weigh what only one of them has.
  let chat = 0;
  let anthropic = 0;
  if ("system" in body) anthropic += 3;
  anthropic += ANTHROPIC_ONLY_FIELDS.filter((field) => field in body).length * 2;
  chat += CHAT_ONLY_FIELDS.filter((field) => field in body).length * 2;
  // Messages requires max_tokens; Chat rarely sends it (max_completion_tokens replaced it).
  if ("max_tokens" in body) anthropic += 1;
  else chat += 1;
  for (const message of body.messages) {
    if (!isObject(message)) continue;
    if (message.role === "system" || message.role === "developer" || message.role === "tool" || message.role === "function") chat += 3;
    if ("tool_calls" in message || "tool_call_id" in message || "function_call" in message) chat += 3;
    if (!Array.isArray(message.content)) continue;
    for (const block of message.content) {
      if (!isObject(block) || typeof block.type !== "string") continue;
      if (ANTHROPIC_BLOCKS.has(block.type) || (block.type === "image" && isObject(block.source)) || "cache_control" in block) anthropic += 3;
      if (CHAT_BLOCKS.has(block.type)) chat += 3;
    }
  }
  if (Array.isArray(body.tools)) {
    for (const tool of body.tools) {
      if (!isObject(tool)) continue;
      if ("input_schema" in tool) anthropic += 3;
      if (tool.type === "function" && isObject(tool.function)) chat += 3;
    }
  }
  if (typeof body.tool_choice === "string") chat += 2;
  else if (isObject(body.tool_choice) && (body.tool_choice.type === "any" || body.tool_choice.type === "tool" || body.tool_choice.type === "auto")) anthropic += 2;
  return anthropic > chat ? "anthropic" : "openai-chat";
}
