import { readSignature } from "../../ir/foreign-signature";
import { FormatRequestError } from "../../ir/format-adapter";
import {
  REDACTED_THINKING_ITEM,
  type IRCacheControl,
  type IRFilePart,
  type IRImagePart,
  type IRImageSource,
  type IRMessage,
  type IRPart,
  type IRRequest,
  type IRResponseFormat,
  type IRTextPart,
  type IRTool,
  type IRToolChoice,
  type IRToolResultPart,
} from "../../ir/ir-types";
import { isObject, optionalNumber, optionalString, type JsonObject } from "./anthropic-json";
import { decodeReasoning, SIDE_CHANNEL_KEY, type AnthropicBlockSideChannel } from "./anthropic-request-extensions";

/** Top-level fields read into the IR; every other field goes to extensions verbatim. */
const DECODED_KEYS: ReadonlySet<string> = new Set([
  "model",
  "messages",
  "system",
  "tools",
  "tool_choice",
  "max_tokens",
  "temperature",
  "top_p",
  "top_k",
  "stop_sequences",
  "stream",
  "thinking",
  "output_config",
  "output_format",
  "metadata",
]);

/** Anthropic Messages request body (from a client) → IR. */
export function decodeAnthropicRequest(body: Record<string, unknown>): IRRequest {
  const model = body.model;
  if (typeof model !== "string" || model === "") {
    throw new FormatRequestError("model: a non-empty string is required (the model id to call).", "model");
  }
  if (!Array.isArray(body.messages)) {
    throw new FormatRequestError("messages: must be an array of {role, content} messages.", "messages");
  }

  const side: AnthropicBlockSideChannel = {};
  const fields: JsonObject = {};
  const request: IRRequest = {
    model,
    system: decodeSystem(body.system),
    messages: decodeMessages(body.messages, side),
    tools: [],
    stream: body.stream === true,
  };

  if (body.tools !== undefined && body.tools !== null) {
    if (!Array.isArray(body.tools)) throw new FormatRequestError("tools: must be an array of tool definitions.", "tools");
    request.tools = decodeTools(body.tools);
    if (body.tools.length > 0) fields.tools = body.tools;
  }
  decodeToolChoice(body.tool_choice, request);

  const maxTokens = optionalNumber(body.max_tokens);
  if (maxTokens !== undefined) request.maxTokens = maxTokens;
  const temperature = optionalNumber(body.temperature);
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optionalNumber(body.top_p);
  if (topP !== undefined) request.topP = topP;
  const topK = optionalNumber(body.top_k);
  if (topK !== undefined) request.topK = topK;
  if (Array.isArray(body.stop_sequences)) {
    const stops = body.stop_sequences.filter((s): s is string => typeof s === "string");
    if (stops.length > 0) request.stopSequences = stops;
  }

  const reasoning = decodeReasoning(body.thinking, body.output_config);
  if (reasoning) request.reasoning = reasoning;
  if (body.thinking !== undefined) fields.thinking = body.thinking;
  if (body.output_config !== undefined) fields.output_config = body.output_config;

  // output_config.format is the current field; output_format the beta one older SDKs still send.
  const format = isObject(body.output_config) && body.output_config.format != null ? body.output_config.format : body.output_format;
  const responseFormat = decodeOutputFormat(format);
  if (responseFormat) request.responseFormat = responseFormat;
  if (body.output_format !== undefined) fields.output_format = body.output_format;

  if (isObject(body.metadata)) {
    const user = optionalString(body.metadata.user_id);
    if (user !== undefined) request.user = user;
    fields.metadata = body.metadata;
  } else if (body.metadata !== undefined) {
    fields.metadata = body.metadata;
  }

  for (const key of Object.keys(body)) {
    if (!DECODED_KEYS.has(key)) fields[key] = body[key];
  }
  if (side.toolUseCacheControl || side.toolResultContent) fields[SIDE_CHANNEL_KEY] = side;
  if (Object.keys(fields).length > 0) request.extensions = { format: "anthropic", fields };
  return request;
}

function cacheControlOf(block: JsonObject): IRCacheControl | undefined {
  return isObject(block.cache_control) ? block.cache_control : undefined;
}

function textPart(text: string, cacheControl: IRCacheControl | undefined): IRTextPart {
  return cacheControl ? { type: "text", text, cacheControl } : { type: "text", text };
}

function decodeSystem(system: unknown): IRTextPart[] {
  if (system === undefined || system === null) return [];
  if (typeof system === "string") return system === "" ? [] : [{ type: "text", text: system }];
  if (!Array.isArray(system)) throw new FormatRequestError("system: must be a string or an array of text blocks.", "system");
  const parts: IRTextPart[] = [];
  system.forEach((block, i) => {
    if (!isObject(block) || typeof block.text !== "string") {
      throw new FormatRequestError(`system.${i}: each system block must be {type:"text", text:string}.`, `system.${i}`);
    }
    parts.push(textPart(block.text, cacheControlOf(block)));
  });
  return parts;
}

function decodeMessages(messages: unknown[], side: AnthropicBlockSideChannel): IRMessage[] {
  const out: IRMessage[] = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i];
    const path = `messages.${i}`;
    if (!isObject(message)) throw new FormatRequestError(`${path}: each message must be an object {role, content}.`, path);
    const role = message.role;
    if (role !== "user" && role !== "assistant" && role !== "system") {
      throw new FormatRequestError(`${path}.role: must be "user", "assistant" or "system".`, `${path}.role`);
    }
    const content = message.content;
    if (typeof content === "string") {
      out.push({ role, content: [{ type: "text", text: content }] });
      continue;
    }
    if (!Array.isArray(content)) {
      throw new FormatRequestError(`${path}.content: must be a string or an array of content blocks.`, `${path}.content`);
    }
    let parts: IRPart[] = [];
    let split = false;
    for (let j = 0; j < content.length; j++) {
      const block = content[j];
      const blockPath = `${path}.content.${j}`;
      if (!isObject(block) || typeof block.type !== "string") {
        throw new FormatRequestError(`${blockPath}.type: every content block needs a string "type".`, `${blockPath}.type`);
      }
      if (block.type === "mid_conv_system") {
        // A system instruction placed inside a turn: the IR keeps it as a system message at that point.
        if (parts.length > 0) out.push({ role, content: parts });
        parts = [];
        split = true;
        out.push({ role: "system", content: midConversationSystem(block) });
        continue;
      }
      const part = decodeBlock(block, blockPath, side);
      if (part) parts.push(part);
    }
    if (!split || parts.length > 0) out.push({ role, content: parts });
  }
  return out;
}

function midConversationSystem(block: JsonObject): IRTextPart[] {
  const parts: IRTextPart[] = [];
  if (typeof block.content === "string") parts.push({ type: "text", text: block.content });
  else if (Array.isArray(block.content)) {
    for (const inner of block.content) {
      if (isObject(inner) && typeof inner.text === "string") parts.push(textPart(inner.text, cacheControlOf(inner)));
    }
  }
  const cacheControl = cacheControlOf(block);
  const last = parts[parts.length - 1];
  if (cacheControl && last && !last.cacheControl) last.cacheControl = cacheControl;
  return parts;
}

/** One content block → IR part; null for blocks the IR cannot express (server tool blocks and the like). */
function decodeBlock(block: JsonObject, path: string, side: AnthropicBlockSideChannel): IRPart | null {
  switch (block.type) {
    case "text":
      if (typeof block.text !== "string") throw new FormatRequestError(`${path}.text: a text block needs a string "text".`, `${path}.text`);
      return textPart(block.text, cacheControlOf(block));
    case "image":
      return decodeImage(block, path);
    case "document":
      return decodeDocument(block, path);
    case "tool_use": {
      if (typeof block.id !== "string" || block.id === "") {
        throw new FormatRequestError(`${path}.id: a tool_use block needs its string "id".`, `${path}.id`);
      }
      if (typeof block.name !== "string" || block.name === "") {
        throw new FormatRequestError(`${path}.name: a tool_use block needs its string "name".`, `${path}.name`);
      }
      const cacheControl = cacheControlOf(block);
      if (cacheControl) (side.toolUseCacheControl ??= {})[block.id] = cacheControl;
      return {
        type: "tool_call",
        id: block.id,
        name: block.name,
        arguments: block.input === undefined || block.input === null ? "{}" : JSON.stringify(block.input),
      };
    }
    case "tool_result":
      return decodeToolResult(block, path, side);
    case "thinking": {
      const signature = optionalString(block.signature);
      return {
        type: "thinking",
        text: optionalString(block.thinking) ?? "",
        ...(signature ? { signature: readSignature("anthropic", signature) } : {}),
      };
    }
    case "redacted_thinking": {
      const data = optionalString(block.data);
      if (!data) return null;
      return { type: "thinking", text: "", signature: readSignature("anthropic", data, REDACTED_THINKING_ITEM) };
    }
    default:
      return null;
  }
}

function decodeImageSource(source: unknown, path: string): IRImageSource | { kind: "file-id"; fileId: string } {
  if (isObject(source)) {
    if (source.type === "base64" && typeof source.data === "string") {
      return { kind: "base64", mediaType: optionalString(source.media_type) ?? "application/octet-stream", data: source.data };
    }
    if (source.type === "url" && typeof source.url === "string") return { kind: "url", url: source.url };
    if (source.type === "file" && typeof source.file_id === "string") return { kind: "file-id", fileId: source.file_id };
  }
  throw new FormatRequestError(
    `${path}.source: must be {type:"base64", media_type, data}, {type:"url", url} or {type:"file", file_id}.`,
    `${path}.source`,
  );
}

function decodeImage(block: JsonObject, path: string): IRImagePart | IRFilePart {
  const source = decodeImageSource(block.source, path);
  const cacheControl = cacheControlOf(block);
  if (source.kind === "file-id") {
    // The IR image has no file-id source; a file part marked image/* is encoded back as an image block.
    return { type: "file", source, mediaType: "image/*", ...(cacheControl ? { cacheControl } : {}) };
  }
  return { type: "image", source, ...(cacheControl ? { cacheControl } : {}) };
}

function decodeDocument(block: JsonObject, path: string): IRFilePart {
  const source = block.source;
  const cacheControl = cacheControlOf(block);
  const part: IRFilePart = { type: "file", source: { kind: "url", url: "" } };
  if (isObject(source) && source.type === "text" && typeof source.data === "string") {
    // Plain-text documents travel as base64 text/plain so every format can carry them; encoded back as text.
    const mediaType = optionalString(source.media_type) ?? "text/plain";
    part.source = { kind: "base64", mediaType, data: Buffer.from(source.data, "utf8").toString("base64") };
    part.mediaType = mediaType;
  } else if (isObject(source) && source.type === "content") {
    const text =
      typeof source.content === "string"
        ? source.content
        : Array.isArray(source.content)
          ? source.content
              .filter((b): b is JsonObject => isObject(b) && typeof b.text === "string")
              .map((b) => b.text as string)
              .join("\n")
          : "";
    part.source = { kind: "base64", mediaType: "text/plain", data: Buffer.from(text, "utf8").toString("base64") };
    part.mediaType = "text/plain";
  } else {
    const decoded = decodeImageSource(source, path);
    part.source = decoded;
    if (decoded.kind === "base64") part.mediaType = decoded.mediaType;
    else if (decoded.kind === "url") part.mediaType = "application/pdf";
  }
  const title = optionalString(block.title);
  if (title) part.filename = title;
  if (cacheControl) part.cacheControl = cacheControl;
  return part;
}

function decodeToolResult(block: JsonObject, path: string, side: AnthropicBlockSideChannel): IRToolResultPart {
  const id = block.tool_use_id;
  if (typeof id !== "string" || id === "") {
    throw new FormatRequestError(`${path}.tool_use_id: a tool_result block needs the id of its tool_use.`, `${path}.tool_use_id`);
  }
  const part: IRToolResultPart = { type: "tool_result", toolCallId: id, content: "" };
  const content = block.content;
  if (typeof content === "string") part.content = content;
  else if (Array.isArray(content)) {
    const parts: Array<IRTextPart | IRImagePart> = [];
    let lossy = false;
    for (let k = 0; k < content.length; k++) {
      const inner = content[k];
      if (!isObject(inner)) continue;
      if (inner.type === "text" && typeof inner.text === "string") parts.push(textPart(inner.text, cacheControlOf(inner)));
      else if (inner.type === "image") {
        const image = decodeImage(inner, `${path}.content.${k}`);
        if (image.type === "image") parts.push(image);
        else lossy = true;
      } else lossy = true;
    }
    part.content = parts;
    // Keep the exact blocks for an Anthropic upstream (tool_reference from tool search must reach it intact).
    if (lossy) (side.toolResultContent ??= {})[id] = content;
  }
  if (typeof block.is_error === "boolean") part.isError = block.is_error;
  const cacheControl = cacheControlOf(block);
  if (cacheControl) part.cacheControl = cacheControl;
  return part;
}

/** Custom tools → IR; server tools (a `type` other than "custom") stay only in extensions. */
function decodeTools(tools: unknown[]): IRTool[] {
  const out: IRTool[] = [];
  tools.forEach((tool, i) => {
    if (!isObject(tool)) throw new FormatRequestError(`tools.${i}: each tool must be an object.`, `tools.${i}`);
    if (tool.type !== undefined && tool.type !== null && tool.type !== "custom") return;
    if (typeof tool.name !== "string" || tool.name === "") {
      throw new FormatRequestError(`tools.${i}.name: a tool needs a non-empty string "name".`, `tools.${i}.name`);
    }
    const ir: IRTool = {
      name: tool.name,
      parameters: isObject(tool.input_schema) ? tool.input_schema : { type: "object", properties: {} },
    };
    if (typeof tool.description === "string") ir.description = tool.description;
    if (typeof tool.strict === "boolean") ir.strict = tool.strict;
    const cacheControl = cacheControlOf(tool);
    if (cacheControl) ir.cacheControl = cacheControl;
    out.push(ir);
  });
  return out;
}

function decodeToolChoice(choice: unknown, request: IRRequest): void {
  if (!isObject(choice)) return;
  let toolChoice: IRToolChoice | undefined;
  switch (choice.type) {
    case "auto":
      toolChoice = { type: "auto" };
      break;
    case "any":
      toolChoice = { type: "required" };
      break;
    case "none":
      toolChoice = { type: "none" };
      break;
    case "tool":
      if (typeof choice.name !== "string" || choice.name === "") {
        throw new FormatRequestError('tool_choice.name: {type:"tool"} needs the name of the tool to call.', "tool_choice.name");
      }
      toolChoice = { type: "tool", name: choice.name };
      break;
  }
  if (toolChoice) request.toolChoice = toolChoice;
  if (choice.disable_parallel_tool_use === true) request.parallelToolCalls = false;
}

function decodeOutputFormat(format: unknown): IRResponseFormat | undefined {
  if (!isObject(format) || format.type !== "json_schema" || !isObject(format.schema)) return undefined;
  return { type: "json_schema", schema: format.schema };
}
