import type { IRImagePart, IRMessage, IRPart, IRReasoning, IRRequest, IRResponseFormat, IRToolChoice, IRToolResultPart } from "../../ir/ir-types";
import { effortForBudget } from "../../ir/reasoning-budget";

type ChatPart = Record<string, unknown>;
type ChatMessage = Record<string, unknown>;

/** Text of several system parts: one part as is, several joined by a blank line. */
function joinSystemText(parts: readonly IRPart[]): string {
  let text = "";
  let first = true;
  for (const part of parts) {
    if (part.type !== "text") continue;
    text += first ? part.text : `\n\n${part.text}`;
    first = false;
  }
  return text;
}

function imageUrl(part: IRImagePart): ChatPart {
  const url = part.source.kind === "url" ? part.source.url : `data:${part.source.mediaType};base64,${part.source.data}`;
  return { type: "image_url", image_url: part.detail ? { url, detail: part.detail } : { url } };
}

function userPart(part: IRPart): ChatPart | null {
  switch (part.type) {
    case "text":
      return { type: "text", text: part.text };
    case "image":
      return imageUrl(part);
    case "file": {
      const source = part.source;
      if (source.kind === "file-id") return { type: "file", file: { file_id: source.fileId } };
      if (source.kind === "base64") {
        const data = `data:${source.mediaType};base64,${source.data}`;
        return { type: "file", file: part.filename ? { filename: part.filename, file_data: data } : { file_data: data } };
      }
      // Chat has no by-URL document input: images go as image_url, anything else as a reference the model can read.
      const mediaType = part.mediaType ?? "";
      if (mediaType.startsWith("image/")) return { type: "image_url", image_url: { url: source.url } };
      return { type: "text", text: part.filename ? `[${part.filename}](${source.url})` : source.url };
    }
    default:
      return null; // thinking / tool calls have no place in a user turn
  }
}

/** A tool message's content is a string; images a result carried are moved into the user message that follows. */
function toolResultText(part: IRToolResultPart, images: ChatPart[]): string {
  if (typeof part.content === "string") return part.content;
  let text = "";
  for (const item of part.content) {
    if (item.type === "text") text += text ? `\n${item.text}` : item.text;
    else images.push(imageUrl(item));
  }
  return text;
}

function encodeUser(message: IRMessage, out: ChatMessage[]): void {
  const parts: ChatPart[] = [];
  const images: ChatPart[] = [];
  let sawToolResult = false;
  for (const part of message.content) {
    if (part.type === "tool_result") {
      sawToolResult = true;
      out.push({ role: "tool", tool_call_id: part.toolCallId, content: toolResultText(part, images) });
      continue;
    }
    const encoded = userPart(part);
    if (encoded) parts.push(encoded);
  }
  const content = images.length > 0 ? [...images, ...parts] : parts;
  if (content.length === 0) {
    if (!sawToolResult) out.push({ role: "user", content: "" });
    return;
  }
  const only = content[0]!;
  out.push({ role: "user", content: content.length === 1 && only.type === "text" ? only.text : content });
}

function encodeAssistant(message: IRMessage, out: ChatMessage[]): void {
  let text = "";
  let hasText = false;
  const toolCalls: ChatPart[] = [];
  for (const part of message.content) {
    if (part.type === "text") {
      text += part.text;
      hasText = true;
    } else if (part.type === "tool_call") {
      toolCalls.push({
        id: part.id,
        type: "function",
        function: { name: part.name, arguments: part.arguments.trim() === "" ? "{}" : part.arguments },
      });
    }
    // Thinking and every signature are dropped: Chat has no field that carries them back upstream.
  }
  const encoded: ChatMessage = { role: "assistant", content: hasText ? text : toolCalls.length > 0 ? null : "" };
  if (toolCalls.length > 0) encoded.tool_calls = toolCalls;
  out.push(encoded);
}

function toolChoice(choice: IRToolChoice): unknown {
  return choice.type === "tool" ? { type: "function", function: { name: choice.name } } : choice.type;
}

/** IR reasoning → `reasoning_effort` (Chat knows none/minimal/low/medium/high). */
function reasoningEffort(reasoning: IRReasoning): string | undefined {
  if (!reasoning.enabled) return "none";
  const effort = reasoning.effort ?? (reasoning.budgetTokens !== undefined ? effortForBudget(reasoning.budgetTokens) : undefined);
  if (effort === undefined) return undefined;
  return effort === "xhigh" || effort === "max" ? "high" : effort;
}

function responseFormat(format: IRResponseFormat): Record<string, unknown> {
  if (format.type !== "json_schema") return { type: format.type };
  const spec: Record<string, unknown> = { name: format.name ?? "response", schema: format.schema };
  if (format.strict !== undefined) spec.strict = format.strict;
  if (format.description !== undefined) spec.description = format.description;
  return { type: "json_schema", json_schema: spec };
}

/** IR → OpenAI-compatible Chat Completions body. */
export function encodeChatRequest(request: IRRequest): Record<string, unknown> {
  // Fields only a Chat client could have sent come back first; everything modelled below overrides them.
  const body: Record<string, unknown> = request.extensions?.format === "openai-chat" ? { ...request.extensions.fields } : {};
  body.model = request.model;

  const messages: ChatMessage[] = [];
  if (request.system.length > 0) messages.push({ role: "system", content: joinSystemText(request.system) });
  for (const message of request.messages) {
    if (message.role === "system") messages.push({ role: "system", content: joinSystemText(message.content) });
    else if (message.role === "user") encodeUser(message, messages);
    else encodeAssistant(message, messages);
  }
  body.messages = messages;

  if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => {
      const fn: Record<string, unknown> = { name: tool.name };
      if (tool.description !== undefined) fn.description = tool.description;
      fn.parameters = tool.parameters;
      if (tool.strict !== undefined) fn.strict = tool.strict;
      return { type: "function", function: fn };
    });
    // OpenAI rejects tool_choice / parallel_tool_calls on a request without tools.
    if (request.toolChoice) body.tool_choice = toolChoice(request.toolChoice);
    if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  }

  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.seed !== undefined) body.seed = request.seed;
  if (request.stopSequences && request.stopSequences.length > 0) body.stop = request.stopSequences;
  if (request.reasoning) {
    const effort = reasoningEffort(request.reasoning);
    if (effort !== undefined) body.reasoning_effort = effort;
  }
  if (request.responseFormat) body.response_format = responseFormat(request.responseFormat);
  if (request.user !== undefined) body.user = request.user;

  body.stream = request.stream;
  if (request.stream) {
    // The gateway needs usage for accounting; the pipeline strips the usage chunk from clients that did not ask.
    const options = body.stream_options;
    body.stream_options = typeof options === "object" && options !== null ? { ...options, include_usage: true } : { include_usage: true };
  } else {
    delete body.stream_options; // OpenAI rejects stream_options on a non-stream request
  }
  return body;
}
