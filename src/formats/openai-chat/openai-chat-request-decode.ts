import { FormatRequestError } from "../../ir/format-adapter";
import type {
  IRCacheControl,
  IRFilePart,
  IRImagePart,
  IRImageSource,
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
import { SYNTHETIC_TOOL_CALL_PREFIX } from "../../ir/ir-types";
import { parseDataUrl } from "../shared/json";
import { argumentsText, isRecord, type JsonRecord } from "./openai-chat-response-decode";

/** Top-level fields the IR models; every other field travels in `extensions.fields`. */
const MODELLED_FIELDS = new Set([
  "model",
  "messages",
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "functions",
  "function_call",
  "max_tokens",
  "max_completion_tokens",
  "temperature",
  "top_p",
  "seed",
  "stop",
  "reasoning_effort",
  "response_format",
  "n",
  "user",
  "stream",
]);

const EFFORTS: readonly IRReasoningEffort[] = ["none", "minimal", "low", "medium", "high", "xhigh", "max"];

function optionalNumber(body: JsonRecord, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) throw new FormatRequestError(`'${field}' must be a number.`, field);
  return value;
}

function imageSource(url: string): IRImageSource {
  const parsed = parseDataUrl(url);
  return parsed ? { kind: "base64", mediaType: parsed.mediaType, data: parsed.data } : { kind: "url", url };
}

function cacheControlOf(part: JsonRecord): { cacheControl?: IRCacheControl } {
  // Not in OpenAI's spec, but OpenRouter-style clients mark Anthropic cache breakpoints this way.
  return isRecord(part.cache_control) ? { cacheControl: part.cache_control } : {};
}

function mediaTypeForFilename(filename: string | undefined): string | undefined {
  if (!filename) return undefined;
  const dot = filename.lastIndexOf(".");
  const ext = dot === -1 ? "" : filename.slice(dot + 1).toLowerCase();
  if (ext === "pdf") return "application/pdf";
  if (ext === "txt") return "text/plain";
  return undefined;
}

function textPart(text: string, raw: JsonRecord): IRTextPart {
  return isRecord(raw.cache_control) ? { type: "text", text, cacheControl: raw.cache_control } : { type: "text", text };
}

/** One content part of a user/system/assistant/tool message. */
function decodePart(part: unknown, path: string): IRPart {
  if (typeof part === "string") return { type: "text", text: part };
  if (!isRecord(part)) throw new FormatRequestError(`${path} must be a content part object such as {"type":"text","text":"…"}.`, path);
  switch (part.type) {
    case "text":
    case "input_text":
    case "output_text":
      if (typeof part.text !== "string") throw new FormatRequestError(`${path}.text must be a string.`, `${path}.text`);
      return textPart(part.text, part);
    case "refusal":
      return { type: "text", text: typeof part.refusal === "string" ? part.refusal : "" };
    case "image_url": {
      const image = part.image_url;
      const url = typeof image === "string" ? image : isRecord(image) && typeof image.url === "string" ? image.url : undefined;
      if (!url) throw new FormatRequestError(`${path}.image_url.url must be an http(s) or data: URL.`, `${path}.image_url.url`);
      const detail = isRecord(image) && typeof image.detail === "string" ? image.detail : undefined;
      return {
        type: "image",
        source: imageSource(url),
        ...(detail ? { detail } : {}),
        ...cacheControlOf(part),
      } satisfies IRImagePart;
    }
    case "file": {
      const file = isRecord(part.file) ? part.file : {};
      const filename = typeof file.filename === "string" ? file.filename : undefined;
      if (typeof file.file_id === "string" && file.file_id) {
        return {
          type: "file",
          source: { kind: "file-id", fileId: file.file_id },
          ...(filename ? { filename } : {}),
          ...cacheControlOf(part),
        } satisfies IRFilePart;
      }
      if (typeof file.file_data === "string" && file.file_data) {
        const parsed = parseDataUrl(file.file_data);
        const mediaType = parsed?.mediaType ?? mediaTypeForFilename(filename) ?? "application/pdf";
        return {
          type: "file",
          source: { kind: "base64", mediaType, data: parsed ? parsed.data : file.file_data },
          mediaType,
          ...(filename ? { filename } : {}),
          ...cacheControlOf(part),
        } satisfies IRFilePart;
      }
      throw new FormatRequestError(`${path}.file needs 'file_data' or 'file_id'.`, `${path}.file`);
    }
    case "input_audio":
      throw new FormatRequestError(
        `${path}: audio input ('input_audio') cannot be translated for this model's API; send text or use a model served over OpenAI Chat.`,
        path,
      );
    default:
      throw new FormatRequestError(`${path}: unsupported content part type '${String(part.type)}'.`, `${path}.type`);
  }
}

function decodeContent(content: unknown, path: string): IRPart[] {
  if (content === undefined || content === null) return [];
  // An empty string carries nothing; the message itself is still kept.
  if (typeof content === "string") return content ? [{ type: "text", text: content }] : [];
  if (!Array.isArray(content)) throw new FormatRequestError(`${path} must be a string or an array of content parts.`, path);
  const parts: IRPart[] = [];
  for (let i = 0; i < content.length; i++) parts.push(decodePart(content[i], `${path}.${i}`));
  return parts;
}

function textOnly(parts: IRPart[], path: string): IRTextPart[] {
  for (const part of parts) {
    if (part.type !== "text") throw new FormatRequestError(`${path}: system and developer messages may contain text only.`, path);
  }
  return parts as IRTextPart[];
}

function toolResultContent(content: unknown, path: string): IRToolResultPart["content"] {
  if (typeof content === "string") return content;
  if (content === undefined || content === null) return "";
  const parts = decodeContent(content, path);
  const kept: Array<IRTextPart | IRImagePart> = [];
  for (const part of parts) {
    if (part.type === "text" || part.type === "image") kept.push(part);
    else throw new FormatRequestError(`${path}: a tool result may contain text and images only.`, path);
  }
  return kept;
}

function decodeTool(tool: unknown, path: string): IRTool {
  if (!isRecord(tool)) throw new FormatRequestError(`${path} must be a tool object.`, path);
  if (tool.type !== undefined && tool.type !== "function") {
    throw new FormatRequestError(
      `${path}: tools of type '${String(tool.type)}' cannot be translated; only {"type":"function"} tools are supported here.`,
      `${path}.type`,
    );
  }
  const fn = isRecord(tool.function) ? tool.function : undefined;
  if (!fn || typeof fn.name !== "string" || !fn.name) {
    throw new FormatRequestError(`${path}.function.name is required.`, `${path}.function.name`);
  }
  return decodeFunction(fn);
}

function decodeFunction(fn: JsonRecord): IRTool {
  return {
    name: fn.name as string,
    ...(typeof fn.description === "string" ? { description: fn.description } : {}),
    parameters: isRecord(fn.parameters) ? fn.parameters : { type: "object", properties: {} },
    ...(typeof fn.strict === "boolean" ? { strict: fn.strict } : {}),
    ...(isRecord(fn.cache_control) ? { cacheControl: fn.cache_control } : {}),
  };
}

function decodeToolChoice(raw: unknown, path: string): IRToolChoice | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (raw === "auto" || raw === "none" || raw === "required") return { type: raw };
  if (isRecord(raw)) {
    if (raw.type === "function" && isRecord(raw.function) && typeof raw.function.name === "string") {
      return { type: "tool", name: raw.function.name };
    }
    // `allowed_tools` narrows the tool list per request; the IR keeps only its mode.
    if (raw.type === "allowed_tools" && isRecord(raw.allowed_tools)) {
      return raw.allowed_tools.mode === "required" ? { type: "required" } : { type: "auto" };
    }
  }
  throw new FormatRequestError(
    `'${path}' must be "auto", "none", "required" or {"type":"function","function":{"name":…}}.`,
    path,
  );
}

/** Legacy `function_call` request field: "auto" | "none" | {name}. */
function decodeLegacyFunctionCall(raw: unknown): IRToolChoice | undefined {
  if (raw === "auto" || raw === "none") return { type: raw };
  if (isRecord(raw) && typeof raw.name === "string") return { type: "tool", name: raw.name };
  return undefined;
}

function decodeResponseFormat(raw: unknown): IRResponseFormat | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isRecord(raw)) throw new FormatRequestError("'response_format' must be an object.", "response_format");
  if (raw.type === "text") return { type: "text" };
  if (raw.type === "json_object") return { type: "json_object" };
  if (raw.type === "json_schema") {
    const spec = isRecord(raw.json_schema) ? raw.json_schema : undefined;
    if (!spec || !isRecord(spec.schema)) {
      throw new FormatRequestError("'response_format.json_schema.schema' must be a JSON Schema object.", "response_format.json_schema.schema");
    }
    return {
      type: "json_schema",
      schema: spec.schema,
      ...(typeof spec.name === "string" ? { name: spec.name } : {}),
      ...(typeof spec.strict === "boolean" ? { strict: spec.strict } : {}),
      ...(typeof spec.description === "string" ? { description: spec.description } : {}),
    };
  }
  throw new FormatRequestError(
    `'response_format.type' must be "text", "json_object" or "json_schema", got '${String(raw.type)}'.`,
    "response_format.type",
  );
}

function decodeReasoningEffort(raw: unknown): IRReasoning | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== "string" || !EFFORTS.includes(raw as IRReasoningEffort)) {
    throw new FormatRequestError(`'reasoning_effort' must be one of ${EFFORTS.join(", ")}.`, "reasoning_effort");
  }
  const effort = raw as IRReasoningEffort;
  return { enabled: effort !== "none", effort, includeThoughts: true };
}

function decodeStop(raw: unknown): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === "string") return [raw];
  if (Array.isArray(raw) && raw.every((s) => typeof s === "string")) return raw as string[];
  throw new FormatRequestError("'stop' must be a string or an array of strings.", "stop");
}

/** Tracks legacy `function_call`s (no ids) so the `function` role results that follow can be matched by name. */
interface LegacyCall {
  id: string;
  name: string;
  answered: boolean;
}

/** Chat client body → IR. */
export function decodeChatRequest(body: Record<string, unknown>): IRRequest {
  if (typeof body.model !== "string" || !body.model) {
    throw new FormatRequestError("'model' is required and must be a non-empty string.", "model");
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    throw new FormatRequestError("'messages' is required and must be a non-empty array of message objects.", "messages");
  }
  const n = body.n;
  if (typeof n === "number" && n > 1) {
    throw new FormatRequestError(
      "'n' greater than 1 is not supported for this model: the request is translated to an API that returns one choice. Send n=1 or several requests.",
      "n",
    );
  }

  const system: IRTextPart[] = [];
  const messages: IRMessage[] = [];
  /** The user message collecting the current run of tool results, if the last message was a tool result. */
  let toolResults: IRMessage | null = null;
  const legacyCalls: LegacyCall[] = [];
  let leading = true;

  for (let i = 0; i < body.messages.length; i++) {
    const path = `messages.${i}`;
    const message: unknown = body.messages[i];
    if (!isRecord(message)) throw new FormatRequestError(`${path} must be a message object.`, path);
    const role = message.role;
    if (role === "system" || role === "developer") {
      const parts = textOnly(decodeContent(message.content, `${path}.content`), `${path}.content`);
      toolResults = null;
      if (leading) system.push(...parts);
      else messages.push({ role: "system", content: parts });
      continue;
    }
    leading = false;
    if (role === "user") {
      toolResults = null;
      messages.push({ role: "user", content: decodeContent(message.content, `${path}.content`) });
    } else if (role === "assistant") {
      toolResults = null;
      const content: IRPart[] = [];
      const reasoning =
        typeof message.reasoning_content === "string" ? message.reasoning_content : typeof message.reasoning === "string" ? message.reasoning : "";
      if (reasoning) content.push({ type: "thinking", text: reasoning });
      content.push(...decodeContent(message.content, `${path}.content`));
      if (typeof message.refusal === "string" && message.refusal && !content.some((p) => p.type === "text")) {
        content.push({ type: "text", text: message.refusal });
      }
      if (Array.isArray(message.tool_calls)) {
        message.tool_calls.forEach((call: unknown, j: number) => {
          const callPath = `${path}.tool_calls.${j}`;
          if (!isRecord(call)) throw new FormatRequestError(`${callPath} must be a tool call object.`, callPath);
          if (call.type !== undefined && call.type !== "function") {
            throw new FormatRequestError(`${callPath}: tool calls of type '${String(call.type)}' cannot be translated.`, `${callPath}.type`);
          }
          const fn = isRecord(call.function) ? call.function : undefined;
          if (!fn || typeof fn.name !== "string" || !fn.name) {
            throw new FormatRequestError(`${callPath}.function.name is required.`, `${callPath}.function.name`);
          }
          if (typeof call.id !== "string" || !call.id) throw new FormatRequestError(`${callPath}.id is required.`, `${callPath}.id`);
          content.push({ type: "tool_call", id: call.id, name: fn.name, arguments: argumentsText(fn.arguments) });
        });
      } else if (isRecord(message.function_call) && typeof message.function_call.name === "string") {
        const id = `${SYNTHETIC_TOOL_CALL_PREFIX}_fn_${i}`;
        legacyCalls.push({ id, name: message.function_call.name, answered: false });
        content.push({ type: "tool_call", id, name: message.function_call.name, arguments: argumentsText(message.function_call.arguments) });
      }
      messages.push({ role: "assistant", content });
    } else if (role === "tool" || role === "function") {
      let toolCallId: string;
      let name: string | undefined;
      if (role === "tool") {
        if (typeof message.tool_call_id !== "string" || !message.tool_call_id) {
          throw new FormatRequestError(`${path}.tool_call_id is required on tool messages.`, `${path}.tool_call_id`);
        }
        toolCallId = message.tool_call_id;
      } else {
        // Legacy function result: matched to the earliest unanswered function_call of that name.
        name = typeof message.name === "string" ? message.name : undefined;
        const call = legacyCalls.find((c) => !c.answered && c.name === name);
        if (call) call.answered = true;
        toolCallId = call?.id ?? `${SYNTHETIC_TOOL_CALL_PREFIX}_fn_${i}`;
      }
      const part: IRToolResultPart = {
        type: "tool_result",
        toolCallId,
        ...(name ? { name } : {}),
        content: toolResultContent(message.content, `${path}.content`),
      };
      if (toolResults) toolResults.content.push(part);
      else {
        toolResults = { role: "user", content: [part] };
        messages.push(toolResults);
      }
    } else {
      throw new FormatRequestError(
        `${path}.role must be one of system, developer, user, assistant, tool; got '${String(role)}'.`,
        `${path}.role`,
      );
    }
  }

  const tools: IRTool[] = [];
  if (body.tools !== undefined && body.tools !== null) {
    if (!Array.isArray(body.tools)) throw new FormatRequestError("'tools' must be an array.", "tools");
    body.tools.forEach((tool: unknown, i: number) => tools.push(decodeTool(tool, `tools.${i}`)));
  }
  if (Array.isArray(body.functions)) {
    for (const fn of body.functions) if (isRecord(fn) && typeof fn.name === "string" && fn.name) tools.push(decodeFunction(fn));
  }

  const toolChoice = decodeToolChoice(body.tool_choice, "tool_choice") ?? decodeLegacyFunctionCall(body.function_call);
  const maxTokens = optionalNumber(body, "max_completion_tokens") ?? optionalNumber(body, "max_tokens");
  const temperature = optionalNumber(body, "temperature");
  const topP = optionalNumber(body, "top_p");
  const seed = optionalNumber(body, "seed");
  const stopSequences = decodeStop(body.stop);
  const reasoning = decodeReasoningEffort(body.reasoning_effort);
  const responseFormat = decodeResponseFormat(body.response_format);
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== "boolean") {
    throw new FormatRequestError("'stream' must be true or false.", "stream");
  }

  const fields: Record<string, unknown> = {};
  let hasFields = false;
  for (const key of Object.keys(body)) {
    if (MODELLED_FIELDS.has(key)) continue;
    fields[key] = body[key];
    hasFields = true;
  }

  return {
    model: body.model,
    system,
    messages,
    tools,
    ...(toolChoice ? { toolChoice } : {}),
    ...(typeof body.parallel_tool_calls === "boolean" ? { parallelToolCalls: body.parallel_tool_calls } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(topP !== undefined ? { topP } : {}),
    ...(seed !== undefined ? { seed } : {}),
    ...(stopSequences ? { stopSequences } : {}),
    ...(reasoning ? { reasoning } : {}),
    ...(responseFormat ? { responseFormat } : {}),
    stream: body.stream === true,
    ...(typeof body.user === "string" && body.user ? { user: body.user } : {}),
    ...(hasFields ? { extensions: { format: "openai-chat" as const, fields } } : {}),
  };
}
