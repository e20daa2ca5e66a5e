import { FormatRequestError } from "../../ir/format-adapter";
import { readSignature } from "../../ir/foreign-signature";
import {
  SYNTHETIC_TOOL_CALL_PREFIX,
  type IRImagePart,
  type IRMessage,
  type IRPart,
  type IRReasoning,
  type IRReasoningEffort,
  type IRRequest,
  type IRResponseFormat,
  type IRSignature,
  type IRTextPart,
  type IRTool,
  type IRToolChoice,
} from "../../ir/ir-types";
import { camelCase, field, isRecord, parseJsonObject, recordField, stringField, type JsonObject } from "./gemini-json";
import {
  DECLARATION_EXTRAS,
  OPENAPI_PARAMETERS,
  OPENAPI_RESPONSE_SCHEMA,
  THINKING_LEVEL,
} from "./gemini-request-extensions";

/**
 * Gemini generateContent body → IR. The model and the stream switch live in the URL, so `model` is "" and
 * `stream` false here; the surface fills both in.
 */
export function decodeGeminiRequest(body: JsonObject): IRRequest {
  // countTokens also takes the whole request wrapped as {generateContentRequest: {model, contents, …}}.
  const wrapped = recordField(body, "generateContentRequest");
  if (wrapped && field(body, "contents") === undefined) return decodeGeminiRequest(wrapped);
  const extra: JsonObject = {};
  const request: IRRequest = { model: "", system: [], messages: [], tools: [], stream: false };

  for (const key of Object.keys(body)) {
    const value = body[key];
    if (value === undefined) continue;
    switch (camelCase(key)) {
      case "contents":
        request.messages = decodeContents(value);
        break;
      case "systemInstruction":
        request.system = decodeSystemInstruction(value);
        break;
      case "tools":
        decodeTools(value, request, extra);
        break;
      case "toolConfig":
        decodeToolConfig(value, request, extra);
        break;
      case "generationConfig":
        decodeGenerationConfig(value, request, extra);
        break;
      case "model":
        // Some clients repeat the model in the body; the URL's model is the one that counts.
        break;
      default:
        // safetySettings, cachedContent, labels and whatever Google adds next.
        extra[camelCase(key)] = value;
    }
  }
  if (field(body, "contents") === undefined) {
    throw new FormatRequestError("contents is required: an array of {role, parts} turns.", "contents");
  }
  if (Object.keys(extra).length > 0) request.extensions = { format: "gemini", fields: extra };
  return request;
}

// ---------------------------------------------------------------------------------------------- contents

function decodeContents(value: unknown): IRMessage[] {
  if (!Array.isArray(value)) {
    throw new FormatRequestError("contents must be an array of {role, parts} turns.", "contents");
  }
  if (value.length === 0) throw new FormatRequestError("contents must not be empty.", "contents");
  const ids = new ToolCallIds();
  const messages: IRMessage[] = [];
  for (let i = 0; i < value.length; i++) {
    const content: unknown = value[i];
    if (!isRecord(content)) {
      throw new FormatRequestError(`contents.${i} must be an object {role, parts}.`, `contents.${i}`);
    }
    const role = field(content, "role");
    let irRole: IRMessage["role"];
    if (role === undefined || role === null || role === "" || role === "user" || role === "function" || role === "tool") {
      irRole = "user";
    } else if (role === "model") {
      irRole = "assistant";
    } else {
      throw new FormatRequestError(
        `contents.${i}.role must be "user" or "model" (got ${JSON.stringify(role)}).`,
        `contents.${i}.role`,
      );
    }
    const parts = field(content, "parts");
    if (!Array.isArray(parts)) {
      throw new FormatRequestError(`contents.${i}.parts must be an array of parts.`, `contents.${i}.parts`);
    }
    const irParts: IRPart[] = [];
    for (let j = 0; j < parts.length; j++) {
      const part: unknown = parts[j];
      if (!isRecord(part)) {
        throw new FormatRequestError(`contents.${i}.parts.${j} must be an object.`, `contents.${i}.parts.${j}`);
      }
      const irPart = decodePart(part, `contents.${i}.parts.${j}`, ids);
      if (irPart) irParts.push(irPart);
    }
    if (irParts.length > 0) messages.push({ role: irRole, content: irParts });
  }
  return messages;
}

/**
 * Gemini calls usually carry no id. A call without one gets a synthesized id, and the next functionResponse
 * with the same name and no id takes the oldest such id (Gemini answers calls by name, in order). Ids are
 * positional (a counter), so the same history decodes to the same ids on every turn — which keeps prompt
 * caches of id-carrying upstreams warm.
 */
class ToolCallIds {
  #counter = 0;
  #pending = new Map<string, string[]>();
  #names = new Map<string, string>();

  forCall(name: string, id: string | undefined): string {
    if (id) {
      this.#names.set(id, name);
      return id;
    }
    const synthesized = this.#next();
    const queue = this.#pending.get(name);
    if (queue) queue.push(synthesized);
    else this.#pending.set(name, [synthesized]);
    return synthesized;
  }

  forResponse(name: string, id: string | undefined): string {
    if (id) return id;
    return this.#pending.get(name)?.shift() ?? this.#next();
  }

  nameOf(id: string | undefined): string | undefined {
    return id ? this.#names.get(id) : undefined;
  }

  #next(): string {
    return `${SYNTHETIC_TOOL_CALL_PREFIX}_${this.#counter++}`;
  }
}

function decodePart(part: JsonObject, path: string, ids: ToolCallIds): IRPart | undefined {
  const rawSignature = stringField(part, "thoughtSignature");
  const signature: IRSignature | undefined = rawSignature ? readSignature("gemini", rawSignature) : undefined;

  const text = field(part, "text");
  if (typeof text === "string") {
    if (field(part, "thought") === true) {
      return signature ? { type: "thinking", text, signature } : { type: "thinking", text };
    }
    // An empty text part that only carries a signature is kept in place so it can be replayed as sent.
    if (text === "" && !signature) return undefined;
    return signature ? { type: "text", text, signature } : { type: "text", text };
  }

  const functionCall = recordField(part, "functionCall");
  if (functionCall) {
    const name = stringField(functionCall, "name");
    if (!name) throw new FormatRequestError(`${path}.functionCall.name is required.`, `${path}.functionCall.name`);
    const args = field(functionCall, "args");
    return {
      type: "tool_call",
      id: ids.forCall(name, stringField(functionCall, "id")),
      name,
      arguments: args === undefined || args === null ? "{}" : JSON.stringify(args),
      ...(signature ? { signature } : {}),
    };
  }

  const functionResponse = recordField(part, "functionResponse");
  if (functionResponse) {
    const givenId = stringField(functionResponse, "id");
    const name = stringField(functionResponse, "name") ?? ids.nameOf(givenId);
    if (!name) {
      throw new FormatRequestError(`${path}.functionResponse.name is required.`, `${path}.functionResponse.name`);
    }
    const text = functionResponseText(field(functionResponse, "response"));
    const images = functionResponseImages(field(functionResponse, "parts"));
    return {
      type: "tool_result",
      toolCallId: ids.forResponse(name, givenId),
      name,
      content: images.length > 0 ? [{ type: "text", text }, ...images] : text,
    };
  }

  const inlineData = recordField(part, "inlineData");
  if (inlineData) {
    const mimeType = stringField(inlineData, "mimeType") ?? "application/octet-stream";
    const data = stringField(inlineData, "data") ?? "";
    if (mimeType.startsWith("image/")) return { type: "image", source: { kind: "base64", mediaType: mimeType, data } };
    const filename = stringField(inlineData, "displayName");
    return {
      type: "file",
      source: { kind: "base64", mediaType: mimeType, data },
      mediaType: mimeType,
      ...(filename ? { filename } : {}),
    };
  }

  const fileData = recordField(part, "fileData");
  if (fileData) {
    const url = stringField(fileData, "fileUri");
    if (!url) throw new FormatRequestError(`${path}.fileData.fileUri is required.`, `${path}.fileData.fileUri`);
    const mimeType = stringField(fileData, "mimeType");
    if (mimeType?.startsWith("image/")) return { type: "image", source: { kind: "url", url } };
    return { type: "file", source: { kind: "url", url }, ...(mimeType ? { mediaType: mimeType } : {}) };
  }

  // executableCode / codeExecutionResult / videoMetadata-only parts have no IR form. A bare signature is kept.
  return signature ? { type: "text", text: "", signature } : undefined;
}

/**
 * `response` must be an object on the wire. `{output: "text"}` (Gemini CLI's shape for plain text) becomes
 * that text, any other object its JSON text — unless the output text itself looks like a JSON object, which
 * the encoder would otherwise send back unwrapped.
 */
function functionResponseText(response: unknown): string {
  if (!isRecord(response)) return response === undefined || response === null ? "{}" : JSON.stringify(response);
  const keys = Object.keys(response);
  if (keys.length === 1 && keys[0] === "output" && typeof response.output === "string") {
    if (parseJsonObject(response.output) === undefined) return response.output;
  }
  return JSON.stringify(response);
}

/** Multimodal function responses (Gemini 3) carry images in `functionResponse.parts`. */
function functionResponseImages(parts: unknown): IRImagePart[] {
  if (!Array.isArray(parts)) return [];
  const images: IRImagePart[] = [];
  for (const part of parts) {
    if (!isRecord(part)) continue;
    const inlineData = recordField(part, "inlineData");
    const mimeType = inlineData && stringField(inlineData, "mimeType");
    const data = inlineData && stringField(inlineData, "data");
    if (mimeType?.startsWith("image/") && data) images.push({ type: "image", source: { kind: "base64", mediaType: mimeType, data } });
  }
  return images;
}

function decodeSystemInstruction(value: unknown): IRTextPart[] {
  if (typeof value === "string") return value ? [{ type: "text", text: value }] : [];
  const parts = isRecord(value) ? field(value, "parts") : Array.isArray(value) ? value : undefined;
  if (!Array.isArray(parts)) {
    throw new FormatRequestError("systemInstruction must be a string or {parts: [{text}]}.", "systemInstruction");
  }
  const system: IRTextPart[] = [];
  for (const part of parts) {
    const text = isRecord(part) ? field(part, "text") : typeof part === "string" ? part : undefined;
    if (typeof text === "string" && text !== "") system.push({ type: "text", text });
  }
  return system;
}

// ------------------------------------------------------------------------------------------------- tools

function decodeTools(value: unknown, request: IRRequest, extra: JsonObject): void {
  if (!Array.isArray(value)) throw new FormatRequestError("tools must be an array.", "tools");
  const otherTools: JsonObject[] = [];
  const openApi: string[] = [];
  const declarationExtras: Record<string, JsonObject> = {};
  for (let i = 0; i < value.length; i++) {
    const tool: unknown = value[i];
    if (!isRecord(tool)) throw new FormatRequestError(`tools.${i} must be an object.`, `tools.${i}`);
    let other: JsonObject | undefined;
    for (const key of Object.keys(tool)) {
      const camel = camelCase(key);
      if (camel !== "functionDeclarations") {
        (other ??= {})[camel] = tool[key];
        continue;
      }
      const declarations = tool[key];
      if (!Array.isArray(declarations)) {
        throw new FormatRequestError(`tools.${i}.functionDeclarations must be an array.`, `tools.${i}.functionDeclarations`);
      }
      for (let j = 0; j < declarations.length; j++) {
        request.tools.push(decodeDeclaration(declarations[j], `tools.${i}.functionDeclarations.${j}`, openApi, declarationExtras));
      }
    }
    if (other) otherTools.push(other);
  }
  if (otherTools.length > 0) extra.tools = otherTools;
  if (openApi.length > 0) extra[OPENAPI_PARAMETERS] = openApi;
  if (Object.keys(declarationExtras).length > 0) extra[DECLARATION_EXTRAS] = declarationExtras;
}

function decodeDeclaration(
  value: unknown,
  path: string,
  openApi: string[],
  declarationExtras: Record<string, JsonObject>,
): IRTool {
  if (!isRecord(value)) throw new FormatRequestError(`${path} must be an object {name, description, parameters}.`, path);
  const name = stringField(value, "name");
  if (!name) throw new FormatRequestError(`${path}.name is required.`, `${path}.name`);
  const tool: IRTool = { name, parameters: { type: "object", properties: {} } };
  let extras: JsonObject | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    switch (camelCase(key)) {
      case "name":
        break;
      case "description":
        if (typeof item === "string") tool.description = item;
        break;
      case "parametersJsonSchema":
        if (isRecord(item)) tool.parameters = item;
        break;
      case "parameters":
        // parametersJsonSchema wins when a client sends both.
        if (isRecord(item) && field(value, "parametersJsonSchema") === undefined) {
          tool.parameters = item;
          openApi.push(name);
        }
        break;
      default:
        (extras ??= {})[camelCase(key)] = item;
    }
  }
  if (extras) declarationExtras[name] = extras;
  return tool;
}

function decodeToolConfig(value: unknown, request: IRRequest, extra: JsonObject): void {
  if (!isRecord(value)) throw new FormatRequestError("toolConfig must be an object.", "toolConfig");
  const rest: JsonObject = {};
  for (const key of Object.keys(value)) {
    const camel = camelCase(key);
    if (camel !== "functionCallingConfig") {
      rest[camel] = value[key];
      continue;
    }
    const config = value[key];
    if (!isRecord(config)) continue;
    const mode = stringField(config, "mode")?.toUpperCase();
    const allowedValue = field(config, "allowedFunctionNames");
    const allowed = Array.isArray(allowedValue) ? allowedValue.filter((n): n is string => typeof n === "string") : [];
    const restConfig: JsonObject = {};
    let choice: IRToolChoice | undefined;
    if (mode === "AUTO") choice = { type: "auto" };
    else if (mode === "NONE") choice = { type: "none" };
    else if (mode === "ANY") choice = allowed.length === 1 ? { type: "tool", name: allowed[0]! } : { type: "required" };
    else if (mode === "VALIDATED") {
      // Constrained-decoding auto: the IR's nearest is auto; the mode itself is restored for Gemini.
      choice = { type: "auto" };
      restConfig.mode = "VALIDATED";
    } else if (mode !== undefined && mode !== "MODE_UNSPECIFIED") {
      restConfig.mode = mode;
    }
    if (choice) request.toolChoice = choice;
    if (allowed.length > 0 && choice?.type !== "tool") restConfig.allowedFunctionNames = allowed;
    if (Object.keys(restConfig).length > 0) rest.functionCallingConfig = restConfig;
  }
  if (Object.keys(rest).length > 0) extra.toolConfig = rest;
}

// ------------------------------------------------------------------------------------- generationConfig

const THINKING_LEVELS: Record<string, IRReasoningEffort> = {
  MINIMAL: "minimal",
  LOW: "low",
  MEDIUM: "medium",
  HIGH: "high",
};

function decodeGenerationConfig(value: unknown, request: IRRequest, extra: JsonObject): void {
  if (!isRecord(value)) throw new FormatRequestError("generationConfig must be an object.", "generationConfig");
  const rest: JsonObject = {};
  let mimeType: string | undefined;
  let jsonSchema: JsonObject | undefined;
  let openApiSchema: JsonObject | undefined;
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item === undefined || item === null) continue;
    const camel = camelCase(key);
    switch (camel) {
      case "maxOutputTokens":
        request.maxTokens = expectNumber(item, "generationConfig.maxOutputTokens");
        break;
      case "temperature":
        request.temperature = expectNumber(item, "generationConfig.temperature");
        break;
      case "topP":
        request.topP = expectNumber(item, "generationConfig.topP");
        break;
      case "topK":
        request.topK = expectNumber(item, "generationConfig.topK");
        break;
      case "seed":
        request.seed = expectNumber(item, "generationConfig.seed");
        break;
      case "stopSequences":
        if (!Array.isArray(item) || !item.every((s) => typeof s === "string")) {
          throw new FormatRequestError("generationConfig.stopSequences must be an array of strings.", "generationConfig.stopSequences");
        }
        request.stopSequences = item;
        break;
      case "candidateCount":
        if (typeof item === "number" && item > 1) {
          throw new FormatRequestError(
            "generationConfig.candidateCount > 1 is not supported by this gateway; send one request per candidate.",
            "generationConfig.candidateCount",
          );
        }
        rest.candidateCount = item;
        break;
      case "responseMimeType":
        if (typeof item === "string") mimeType = item;
        break;
      case "responseJsonSchema":
        if (isRecord(item)) jsonSchema = item;
        else rest.responseJsonSchema = item;
        break;
      case "responseSchema":
        if (isRecord(item)) openApiSchema = item;
        else rest.responseSchema = item;
        break;
      case "thinkingConfig":
        request.reasoning = decodeThinkingConfig(item, rest, extra);
        break;
      default:
        // responseModalities, presencePenalty, frequencyPenalty, mediaResolution, speechConfig, …
        rest[camel] = item;
    }
  }

  const schema = jsonSchema ?? openApiSchema;
  if (mimeType === "application/json") {
    const format: IRResponseFormat = schema ? { type: "json_schema", schema } : { type: "json_object" };
    request.responseFormat = format;
    if (!jsonSchema && openApiSchema) extra[OPENAPI_RESPONSE_SCHEMA] = true;
    else if (jsonSchema && openApiSchema) rest.responseSchema = openApiSchema;
  } else {
    // text/plain, text/x.enum and friends: not an IR response format; restored as sent.
    if (mimeType !== undefined) rest.responseMimeType = mimeType;
    if (jsonSchema) rest.responseJsonSchema = jsonSchema;
    if (openApiSchema) rest.responseSchema = openApiSchema;
  }
  if (Object.keys(rest).length > 0) extra.generationConfig = rest;
}

function decodeThinkingConfig(value: unknown, generationRest: JsonObject, extra: JsonObject): IRReasoning | undefined {
  if (!isRecord(value)) return undefined;
  const reasoning: IRReasoning = { enabled: true };
  const rest: JsonObject = {};
  for (const key of Object.keys(value)) {
    const item = value[key];
    const camel = camelCase(key);
    if (camel === "thinkingBudget" && typeof item === "number") {
      reasoning.budgetTokens = item;
      if (item === 0) reasoning.enabled = false;
    } else if (camel === "thinkingLevel" && typeof item === "string" && THINKING_LEVELS[item.toUpperCase()]) {
      reasoning.effort = THINKING_LEVELS[item.toUpperCase()];
      extra[THINKING_LEVEL] = true;
    } else if (camel === "includeThoughts" && typeof item === "boolean") {
      reasoning.includeThoughts = item;
    } else if (item !== undefined) {
      rest[camel] = item;
    }
  }
  if (Object.keys(rest).length > 0) generationRest.thinkingConfig = rest;
  return reasoning;
}

function expectNumber(value: unknown, param: string): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new FormatRequestError(`${param} must be a number.`, param);
  }
  return value;
}
