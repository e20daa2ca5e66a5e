import { FormatRequestError } from "../../ir/format-adapter";
import { readSignature } from "../../ir/foreign-signature";
import type {
  IRFilePart,
  IRImagePart,
  IRMessage,
  IRPart,
  IRReasoning,
  IRReasoningEffort,
  IRRequest,
  IRResponseFormat,
  IRTextPart,
  IRTool,
  IRToolChoice,
  IRToolResultPart,
} from "../../ir/ir-types";
import { isObject, optionalNumber, optionalString, parseDataUrl, type JsonObject } from "../shared/json";
import { LAYOUT_KEY, type Anchor, type ResponsesLayout, type SystemSource } from "./openai-responses-layout";

/** Top-level fields the IR expresses itself; every other non-null field is kept in extensions and restored. */
const MAPPED_FIELDS = new Set([
  "model",
  "input",
  "instructions",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "max_output_tokens",
  "temperature",
  "top_p",
  "reasoning",
  "text",
  "previous_response_id",
  "user",
  "stream",
]);

const FUNCTION_TOOL_KEYS = new Set(["type", "name", "description", "parameters", "strict"]);
const EFFORTS = new Set<string>(["none", "minimal", "low", "medium", "high", "xhigh", "max"]);
const EMPTY_SCHEMA = (): Record<string, unknown> => ({ type: "object", properties: {} });

/** OpenAI Responses request body → IR. */
export function decodeResponsesRequest(body: Record<string, unknown>): IRRequest {
  if (typeof body.model !== "string" || body.model === "") throw new FormatRequestError("`model` is required and must be a string.", "model");
  const layout: ResponsesLayout = {};
  const conversation = new ConversationBuilder(body.store !== false);

  if (body.instructions !== undefined && body.instructions !== null) {
    if (typeof body.instructions !== "string") throw new FormatRequestError("`instructions` must be a string.", "instructions");
    if (body.instructions !== "") conversation.addInstructions(body.instructions);
  }

  const input = body.input;
  if (typeof input === "string") {
    // A bare string is one user message (the SDK's `input: "…"` shorthand), never an empty history.
    conversation.addUserText(input);
  } else if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) conversation.addItem(input[i], `input.${i}`);
  } else if (input !== undefined && input !== null) {
    throw new FormatRequestError("`input` must be a string or an array of input items.", "input");
  }
  const built = conversation.finish();
  if (built.systemLayout.length > 0) layout.system = built.systemLayout;
  if (built.anchors.length > 0) layout.anchors = built.anchors;

  const request: IRRequest = {
    model: body.model,
    system: built.system,
    messages: built.messages,
    tools: decodeTools(body.tools, layout),
    stream: body.stream === true,
  };

  const toolChoice = decodeToolChoice(body.tool_choice, layout);
  if (toolChoice) request.toolChoice = toolChoice;
  if (typeof body.parallel_tool_calls === "boolean") request.parallelToolCalls = body.parallel_tool_calls;
  const maxTokens = optionalNumber(body.max_output_tokens);
  if (maxTokens !== undefined) request.maxTokens = maxTokens;
  const temperature = optionalNumber(body.temperature);
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body.top_p);
  if (topP !== undefined) request.topP = topP;
  const reasoning = decodeReasoning(body.reasoning, layout);
  if (reasoning) request.reasoning = reasoning;
  const responseFormat = decodeText(body.text, layout);
  if (responseFormat) request.responseFormat = responseFormat;
  if (typeof body.user === "string") request.user = body.user;
  if (typeof body.previous_response_id === "string" && body.previous_response_id !== "") request.previousResponseId = body.previous_response_id;

  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(body)) {
    if (!MAPPED_FIELDS.has(key) && body[key] !== null && body[key] !== undefined) fields[key] = body[key];
  }
  if (Object.keys(layout).length > 0) fields[LAYOUT_KEY] = layout;
  if (Object.keys(fields).length > 0) request.extensions = { format: "openai-responses", fields };
  return request;
}

/**
 * Walks the input items in order. Consecutive reasoning / assistant message / function_call items form one
 * assistant message; consecutive function_call_output items one user message; leading system/developer
 * items (after `instructions`) become IR.system.
 */
class ConversationBuilder {
  readonly system: IRTextPart[] = [];
  readonly systemLayout: SystemSource[] = [];
  readonly messages: IRMessage[] = [];
  /** Anchors with absolute message indexes until finish(). */
  readonly #anchors: Anchor[] = [];
  #open: { kind: "assistant" | "tool"; message: IRMessage } | null = null;
  #leading = true;

  /** `stored`: the client lets OpenAI keep items (store not false), so an id alone can still refer to one. */
  constructor(private readonly stored: boolean) {}

  addInstructions(text: string): void {
    this.system.push({ type: "text", text });
    this.systemLayout.push({ source: "instructions" });
  }

  addUserText(text: string): void {
    this.#leading = false;
    this.#open = null;
    this.messages.push({ role: "user", content: [{ type: "text", text }] });
  }

  addItem(item: unknown, path: string): void {
    if (!isObject(item)) throw new FormatRequestError(`${path} must be an object.`, path);
    const type = typeof item.type === "string" ? item.type : item.role !== undefined ? "message" : undefined;
    switch (type) {
      case "message":
        return this.#message(item, path);
      case "function_call":
        return this.#functionCall(item, path);
      case "function_call_output":
        return this.#functionCallOutput(item, path);
      case "reasoning":
        return this.#reasoning(item, path);
      case undefined:
        throw new FormatRequestError(`${path} needs a \`type\` (or a \`role\` for a message).`, `${path}.type`);
      default:
        // item_reference, hosted tool calls, compaction, custom tool calls …: only a Responses upstream can use them.
        this.#leading = false;
        this.#anchor({ item });
    }
  }

  finish(): { system: IRTextPart[]; systemLayout: SystemSource[]; messages: IRMessage[]; anchors: Anchor[] } {
    const total = this.messages.length;
    for (const anchor of this.#anchors) anchor.fromEnd = total - anchor.fromEnd;
    return { system: this.system, systemLayout: this.systemLayout, messages: this.messages, anchors: this.#anchors };
  }

  #message(item: JsonObject, path: string): void {
    const role = item.role;
    if (role === "system" || role === "developer") {
      const content = decodeInputContent(item.content, `${path}.content`);
      if (this.#leading && content.every((part): part is IRTextPart => part.type === "text")) {
        this.system.push(...content);
        const source: SystemSource = { source: "item", role, parts: content.length, text: typeof item.content === "string" };
        if (typeof item.id === "string") source.id = item.id;
        this.systemLayout.push(source);
        return;
      }
      this.#leading = false;
      this.#open = null;
      this.messages.push({ role: "system", content });
      return;
    }
    this.#leading = false;
    if (role === "user") {
      this.#open = null;
      this.messages.push({ role: "user", content: decodeInputContent(item.content, `${path}.content`) });
      return;
    }
    if (role !== "assistant") throw new FormatRequestError(`${path}.role must be user, assistant, system or developer.`, `${path}.role`);
    const message = this.#ensureOpen("assistant");
    const extras: JsonObject = {};
    if (typeof item.phase === "string") extras.phase = item.phase;
    const last = message.content[message.content.length - 1];
    // Remember where this item began when it carries extras or would otherwise merge into the previous one.
    if (Object.keys(extras).length > 0 || last?.type === "text") this.#anchor({ message: extras });
    message.content.push(...decodeAssistantContent(item.content, `${path}.content`));
  }

  #functionCall(item: JsonObject, path: string): void {
    this.#leading = false;
    const callId = item.call_id;
    if (typeof callId !== "string" || callId === "") throw new FormatRequestError(`${path}.call_id is required.`, `${path}.call_id`);
    if (typeof item.name !== "string" || item.name === "") throw new FormatRequestError(`${path}.name is required.`, `${path}.name`);
    const args = item.arguments;
    const text = typeof args === "string" ? (args.trim() === "" ? "{}" : args) : args === undefined || args === null ? "{}" : JSON.stringify(args);
    this.#ensureOpen("assistant").content.push({
      type: "tool_call",
      id: callId,
      name: item.name,
      arguments: text,
      ...(typeof item.id === "string" && item.id !== "" ? { itemId: item.id } : {}),
    });
  }

  #functionCallOutput(item: JsonObject, path: string): void {
    this.#leading = false;
    const callId = item.call_id;
    if (typeof callId !== "string" || callId === "") throw new FormatRequestError(`${path}.call_id is required.`, `${path}.call_id`);
    const result: IRToolResultPart = { type: "tool_result", toolCallId: callId, content: decodeToolOutput(item.output, `${path}.output`) };
    if (typeof item.name === "string" && item.name !== "") result.name = item.name;
    // Codex's older shape: {content, success:false} for a failed call.
    if (isObject(item.output) && item.output.success === false) result.isError = true;
    this.#ensureOpen("tool").content.push(result);
  }

  #reasoning(item: JsonObject, path: string): void {
    this.#leading = false;
    const texts = reasoningTexts(item);
    const id = typeof item.id === "string" && item.id !== "" ? item.id : undefined;
    const encrypted = item.encrypted_content;
    if (typeof encrypted === "string" && encrypted !== "") {
      const signature = readSignature("openai-responses", encrypted, id);
      const message = this.#ensureOpen("assistant");
      // One thinking part per summary entry, all signed alike; the Responses encoder folds them back into one item.
      if (texts.length === 0) message.content.push({ type: "thinking", text: "", signature });
      else for (const text of texts) message.content.push({ type: "thinking", text, signature });
      return;
    }
    if (encrypted !== undefined && encrypted !== null && typeof encrypted !== "string") {
      throw new FormatRequestError(`${path}.encrypted_content must be a string.`, `${path}.encrypted_content`);
    }
    // No encrypted content: with store on, the id points at state only OpenAI has, so the item is kept verbatim
    // for a Responses upstream (with store:false it points at nothing and is dropped). Other formats get the
    // visible summary as unsigned thinking, which they drop or show.
    const keep = id !== undefined && this.stored;
    if (texts.length === 0) {
      if (keep) this.#anchor({ item });
      return;
    }
    const message = this.#ensureOpen("assistant");
    if (keep) this.#anchor({ item });
    for (const text of texts) message.content.push({ type: "thinking", text });
  }

  #ensureOpen(kind: "assistant" | "tool"): IRMessage {
    if (this.#open && this.#open.kind === kind) return this.#open.message;
    const message: IRMessage = { role: kind === "assistant" ? "assistant" : "user", content: [] };
    this.messages.push(message);
    this.#open = { kind, message };
    return message;
  }

  /** Pins at the current position: the end of the open group, or before the next message. */
  #anchor(anchor: Omit<Anchor, "fromEnd" | "part">): void {
    if (this.#open) {
      this.#anchors.push({ fromEnd: this.messages.length - 1, part: this.#open.message.content.length, ...anchor });
    } else {
      this.#anchors.push({ fromEnd: this.messages.length, part: 0, ...anchor });
    }
  }
}

function reasoningTexts(item: JsonObject): string[] {
  const texts: string[] = [];
  if (Array.isArray(item.summary)) {
    for (const entry of item.summary) if (isObject(entry) && typeof entry.text === "string") texts.push(entry.text);
  }
  if (texts.length === 0 && Array.isArray(item.content)) {
    for (const entry of item.content) if (isObject(entry) && typeof entry.text === "string") texts.push(entry.text);
  }
  return texts;
}

/** User / system message content: a string or input_text / input_image / input_file parts. */
function decodeInputContent(content: unknown, path: string): IRPart[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) throw new FormatRequestError(`${path} must be a string or an array of content parts.`, path);
  const parts: IRPart[] = [];
  for (let i = 0; i < content.length; i++) {
    const part = content[i];
    const partPath = `${path}.${i}`;
    if (!isObject(part)) throw new FormatRequestError(`${partPath} must be an object.`, partPath);
    switch (part.type) {
      case "input_text":
      case "output_text":
      case "text":
        parts.push({ type: "text", text: textOf(part, partPath) });
        break;
      case "refusal":
        parts.push({ type: "text", text: optionalString(part.refusal) ?? "" });
        break;
      case "input_image":
        parts.push(decodeImage(part, partPath));
        break;
      case "input_file":
        parts.push(decodeFile(part, partPath));
        break;
      default:
        throw new FormatRequestError(`${partPath}.type \`${String(part.type)}\` is not supported; use input_text, input_image or input_file.`, `${partPath}.type`);
    }
  }
  return parts;
}

/** Assistant history content: a string or output_text / refusal parts. */
function decodeAssistantContent(content: unknown, path: string): IRTextPart[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  if (!Array.isArray(content)) throw new FormatRequestError(`${path} must be a string or an array of content parts.`, path);
  const parts: IRTextPart[] = [];
  for (let i = 0; i < content.length; i++) {
    const part = content[i];
    const partPath = `${path}.${i}`;
    if (!isObject(part)) throw new FormatRequestError(`${partPath} must be an object.`, partPath);
    if (part.type === "output_text" || part.type === "input_text" || part.type === "text") parts.push({ type: "text", text: textOf(part, partPath) });
    else if (part.type === "refusal") parts.push({ type: "text", text: optionalString(part.refusal) ?? "" });
    else throw new FormatRequestError(`${partPath}.type \`${String(part.type)}\` is not supported in an assistant message; use output_text.`, `${partPath}.type`);
  }
  return parts;
}

function textOf(part: JsonObject, path: string): string {
  if (typeof part.text !== "string") throw new FormatRequestError(`${path}.text must be a string.`, `${path}.text`);
  return part.text;
}

function decodeImage(part: JsonObject, path: string): IRImagePart | IRFilePart {
  const detail = optionalString(part.detail);
  const url = part.image_url;
  if (typeof url === "string" && url !== "") {
    const inline = parseDataUrl(url);
    const image: IRImagePart = {
      type: "image",
      source: inline ? { kind: "base64", mediaType: inline.mediaType, data: inline.data } : { kind: "url", url },
    };
    if (detail) image.detail = detail;
    return image;
  }
  if (typeof part.file_id === "string" && part.file_id !== "") {
    // An uploaded image: only OpenAI can resolve the id. `image/*` tells the Responses encoder to send input_image.
    return { type: "file", source: { kind: "file-id", fileId: part.file_id }, mediaType: "image/*" };
  }
  throw new FormatRequestError(`${path} needs an image_url (URL or data URL) or a file_id.`, `${path}.image_url`);
}

function decodeFile(part: JsonObject, path: string): IRFilePart {
  const filename = optionalString(part.filename);
  const withName = (file: IRFilePart): IRFilePart => (filename ? { ...file, filename } : file);
  if (typeof part.file_id === "string" && part.file_id !== "") return withName({ type: "file", source: { kind: "file-id", fileId: part.file_id } });
  if (typeof part.file_data === "string" && part.file_data !== "") {
    const inline = parseDataUrl(part.file_data);
    const mediaType = inline?.mediaType ?? (filename?.toLowerCase().endsWith(".pdf") ? "application/pdf" : "application/octet-stream");
    return withName({ type: "file", source: { kind: "base64", mediaType, data: inline ? inline.data : part.file_data }, mediaType });
  }
  if (typeof part.file_url === "string" && part.file_url !== "") return withName({ type: "file", source: { kind: "url", url: part.file_url } });
  throw new FormatRequestError(`${path} needs a file_id, file_data or file_url.`, path);
}

/** function_call_output.output: a string, or input_text / input_image parts. */
function decodeToolOutput(output: unknown, path: string): IRToolResultPart["content"] {
  if (typeof output === "string") return output;
  if (output === undefined || output === null) return "";
  if (isObject(output)) return typeof output.content === "string" ? output.content : JSON.stringify(output);
  if (!Array.isArray(output)) return JSON.stringify(output);
  const parts: Array<IRTextPart | IRImagePart> = [];
  for (let i = 0; i < output.length; i++) {
    const part = output[i];
    const partPath = `${path}.${i}`;
    if (isObject(part) && (part.type === "input_text" || part.type === "output_text" || part.type === "text") && typeof part.text === "string") {
      parts.push({ type: "text", text: part.text });
    } else if (isObject(part) && part.type === "input_image") {
      const image = decodeImage(part, partPath);
      // A tool result holds text and images only: an uploaded-file image is described rather than lost silently.
      parts.push(image.type === "image" ? image : { type: "text", text: JSON.stringify(part) });
    } else {
      parts.push({ type: "text", text: JSON.stringify(part) });
    }
  }
  return parts;
}

function decodeTools(raw: unknown, layout: ResponsesLayout): IRTool[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new FormatRequestError("`tools` must be an array.", "tools");
  const tools: IRTool[] = [];
  let keepOriginal = false;
  for (let i = 0; i < raw.length; i++) {
    const tool = raw[i];
    if (!isObject(tool)) throw new FormatRequestError(`tools.${i} must be an object.`, `tools.${i}`);
    const type = tool.type ?? "function";
    if (type === "function") {
      tools.push(decodeFunctionTool(tool, `tools.${i}`));
      if (Object.keys(tool).some((key) => !FUNCTION_TOOL_KEYS.has(key))) keepOriginal = true;
    } else if (type === "namespace") {
      // Codex groups functions under a namespace; the model calls them by their own name (+ `namespace`).
      keepOriginal = true;
      const inner = Array.isArray(tool.tools) ? tool.tools : [];
      for (let j = 0; j < inner.length; j++) {
        const fn = inner[j];
        if (isObject(fn) && (fn.type ?? "function") === "function") tools.push(decodeFunctionTool(fn, `tools.${i}.tools.${j}`));
      }
    } else {
      // Hosted tools (web_search, file_search, mcp, custom, …) run at OpenAI only.
      keepOriginal = true;
    }
  }
  if (keepOriginal) layout.tools = raw;
  return tools;
}

function decodeFunctionTool(tool: JsonObject, path: string): IRTool {
  if (typeof tool.name !== "string" || tool.name === "") throw new FormatRequestError(`${path}.name is required.`, `${path}.name`);
  const result: IRTool = { name: tool.name, parameters: isObject(tool.parameters) ? tool.parameters : EMPTY_SCHEMA() };
  if (typeof tool.description === "string" && tool.description !== "") result.description = tool.description;
  if (typeof tool.strict === "boolean") result.strict = tool.strict;
  return result;
}

function decodeToolChoice(raw: unknown, layout: ResponsesLayout): IRToolChoice | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (raw === "auto" || raw === "none" || raw === "required") return { type: raw };
  if (isObject(raw)) {
    if (raw.type === "function" && typeof raw.name === "string" && raw.name !== "") return { type: "tool", name: raw.name };
    layout.toolChoice = raw;
    if (raw.type === "allowed_tools") return { type: raw.mode === "required" ? "required" : "auto" };
    return { type: "auto" };
  }
  throw new FormatRequestError("`tool_choice` must be auto, none, required or a tool object.", "tool_choice");
}

function decodeReasoning(raw: unknown, layout: ResponsesLayout): IRReasoning | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) throw new FormatRequestError("`reasoning` must be an object.", "reasoning");
  layout.reasoning = raw;
  const effort = typeof raw.effort === "string" && EFFORTS.has(raw.effort) ? (raw.effort as IRReasoningEffort) : undefined;
  if (effort === "none") return { enabled: false, effort };
  const reasoning: IRReasoning = { enabled: true };
  if (effort) reasoning.effort = effort;
  if (typeof raw.summary === "string" || typeof raw.generate_summary === "string") reasoning.includeThoughts = true;
  return reasoning;
}

function decodeText(raw: unknown, layout: ResponsesLayout): IRResponseFormat | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isObject(raw)) throw new FormatRequestError("`text` must be an object.", "text");
  const { format, ...rest } = raw;
  let decoded: IRResponseFormat | undefined;
  if (isObject(format)) {
    if (format.type === "json_schema") {
      if (!isObject(format.schema)) throw new FormatRequestError("text.format.schema must be a JSON Schema object.", "text.format.schema");
      decoded = { type: "json_schema", schema: format.schema };
      if (typeof format.name === "string") decoded.name = format.name;
      if (typeof format.strict === "boolean") decoded.strict = format.strict;
      if (typeof format.description === "string") decoded.description = format.description;
    } else if (format.type === "json_object") {
      decoded = { type: "json_object" };
    } else if (format.type === "text") {
      decoded = { type: "text" };
    } else {
      rest.format = format;
    }
  }
  if (Object.keys(rest).length > 0) layout.text = rest;
  return decoded;
}
