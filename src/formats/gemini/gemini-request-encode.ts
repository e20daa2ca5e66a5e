import { parseDataUrl } from "../shared/json";
import { budgetForEffort } from "../../ir/reasoning-budget";
import {
  SYNTHETIC_TOOL_CALL_PREFIX,
  type IRFilePart,
  type IRImagePart,
  type IRMessage,
  type IRReasoning,
  type IRRequest,
  type IRSignature,
  type IRToolResultPart,
} from "../../ir/ir-types";
import { isRecord, parseJsonObject, type JsonObject } from "./gemini-json";
import {
  DECLARATION_EXTRAS,
  OPENAPI_PARAMETERS,
  OPENAPI_RESPONSE_SCHEMA,
  THINKING_LEVEL,
  geminiExtensionFields,
  restoreExtensionFields,
} from "./gemini-request-extensions";

/**
 * Google's documented placeholder for a functionCall whose history came from elsewhere (another model, or a
 * client that lost it): Gemini 3 rejects a current-turn functionCall without a signature, and accepts this.
 * Gemini CLI sends it too.
 */
export const SKIP_THOUGHT_SIGNATURE = "skip_thought_signature_validator";

type GeminiPart = JsonObject;
interface GeminiContent {
  role: "user" | "model";
  parts: GeminiPart[];
}

/** IR → Gemini generateContent body. The model goes in the URL, so it is not in the body. */
export function encodeGeminiRequest(request: IRRequest): JsonObject {
  const ext = geminiExtensionFields(request);
  const callNames = new Map<string, string>();
  for (const message of request.messages) {
    for (const part of message.content) if (part.type === "tool_call") callNames.set(part.id, part.name);
  }

  const systemParts: GeminiPart[] = [];
  for (const part of request.system) if (part.text !== "") systemParts.push({ text: part.text });

  const contents: GeminiContent[] = [];
  for (const message of request.messages) {
    if (message.role === "system") {
      // Gemini has no mid-conversation system turn: the text joins systemInstruction.
      for (const part of message.content) if (part.type === "text" && part.text !== "") systemParts.push({ text: part.text });
      continue;
    }
    const parts = encodeParts(message, callNames);
    if (parts.length === 0) continue;
    const role = message.role === "assistant" ? "model" : "user";
    const last = contents[contents.length - 1];
    if (last && last.role === role) {
      for (const part of parts) last.parts.push(part);
    } else {
      contents.push({ role, parts });
    }
  }

  const body: JsonObject = { contents };
  if (systemParts.length > 0) body.systemInstruction = { parts: systemParts };

  if (request.tools.length > 0) {
    const openApi = ext?.[OPENAPI_PARAMETERS];
    const openApiNames = Array.isArray(openApi) ? new Set(openApi) : undefined;
    const extrasValue = ext?.[DECLARATION_EXTRAS];
    const extras = isRecord(extrasValue) ? extrasValue : undefined;
    const declarations = request.tools.map((tool) => {
      const declaration: JsonObject = { name: tool.name };
      if (tool.description !== undefined) declaration.description = tool.description;
      if (openApiNames?.has(tool.name)) declaration.parameters = tool.parameters;
      else declaration.parametersJsonSchema = withoutSchemaKeyword(tool.parameters);
      const extra = extras?.[tool.name];
      if (isRecord(extra)) Object.assign(declaration, extra);
      return declaration;
    });
    body.tools = [{ functionDeclarations: declarations }];
  }

  const choice = request.toolChoice;
  if (choice) {
    const config: JsonObject =
      choice.type === "auto"
        ? { mode: "AUTO" }
        : choice.type === "none"
          ? { mode: "NONE" }
          : choice.type === "required"
            ? { mode: "ANY" }
            : { mode: "ANY", allowedFunctionNames: [choice.name] };
    body.toolConfig = { functionCallingConfig: config };
  }

  const generationConfig: JsonObject = {};
  if (request.maxTokens !== undefined) generationConfig.maxOutputTokens = request.maxTokens;
  if (request.temperature !== undefined) generationConfig.temperature = request.temperature;
  if (request.topP !== undefined) generationConfig.topP = request.topP;
  if (request.topK !== undefined) generationConfig.topK = request.topK;
  if (request.seed !== undefined) generationConfig.seed = request.seed;
  if (request.stopSequences && request.stopSequences.length > 0) generationConfig.stopSequences = request.stopSequences;
  const format = request.responseFormat;
  if (format?.type === "json_object") {
    generationConfig.responseMimeType = "application/json";
  } else if (format?.type === "json_schema") {
    generationConfig.responseMimeType = "application/json";
    if (ext?.[OPENAPI_RESPONSE_SCHEMA] === true) generationConfig.responseSchema = format.schema;
    else generationConfig.responseJsonSchema = withoutSchemaKeyword(format.schema);
  }
  if (request.reasoning) generationConfig.thinkingConfig = encodeThinking(request.reasoning, ext?.[THINKING_LEVEL] === true);
  if (Object.keys(generationConfig).length > 0) body.generationConfig = generationConfig;

  if (ext) restoreExtensionFields(body, ext);
  return body;
}

function encodeParts(message: IRMessage, callNames: Map<string, string>): GeminiPart[] {
  const parts: GeminiPart[] = [];
  // Images returned by tools go right after the function responses of the same turn.
  let toolImages: GeminiPart[] | undefined;
  let turnSigned = false;
  for (const part of message.content) {
    if (toolImages && part.type !== "tool_result") flushImages();
    switch (part.type) {
      case "text": {
        const signature = geminiSignature(part.signature);
        if (part.text === "" && !signature) break;
        parts.push(signature ? { text: part.text, thoughtSignature: signature } : { text: part.text });
        break;
      }
      case "thinking": {
        // Only Gemini's own signed thoughts can go back; anything else is not replayable here.
        const signature = geminiSignature(part.signature);
        if (signature) parts.push({ text: part.text, thought: true, thoughtSignature: signature });
        break;
      }
      case "tool_call": {
        const functionCall: JsonObject = {};
        if (!part.id.startsWith(SYNTHETIC_TOOL_CALL_PREFIX)) functionCall.id = part.id;
        functionCall.name = part.name;
        functionCall.args = parseJsonObject(part.arguments) ?? {};
        const signature = geminiSignature(part.signature);
        if (signature) {
          turnSigned = true;
          parts.push({ functionCall, thoughtSignature: signature });
        } else if (!turnSigned) {
          // Gemini signs only the first of parallel calls; later unsigned calls of a signed turn stay as they were.
          parts.push({ functionCall, thoughtSignature: SKIP_THOUGHT_SIGNATURE });
        } else {
          parts.push({ functionCall });
        }
        break;
      }
      case "tool_result":
        parts.push(encodeToolResult(part, callNames));
        if (Array.isArray(part.content)) {
          for (const item of part.content) if (item.type === "image") (toolImages ??= []).push(encodeMedia(item));
        }
        break;
      case "image":
      case "file":
        parts.push(encodeMedia(part));
        break;
    }
  }
  flushImages();
  return parts;

  function flushImages(): void {
    if (!toolImages) return;
    for (const image of toolImages) parts.push(image);
    toolImages = undefined;
  }
}

function encodeToolResult(part: IRToolResultPart, callNames: Map<string, string>): GeminiPart {
  let text: string;
  if (typeof part.content === "string") {
    text = part.content;
  } else {
    text = "";
    for (const item of part.content) if (item.type === "text") text = text ? `${text}\n${item.text}` : item.text;
  }
  const functionResponse: JsonObject = {};
  if (!part.toolCallId.startsWith(SYNTHETIC_TOOL_CALL_PREFIX)) functionResponse.id = part.toolCallId;
  functionResponse.name = part.name || callNames.get(part.toolCallId) || "unknown_tool";
  // `response` must be an object: JSON-object text goes as that object, anything else as {output} (as Gemini CLI does).
  functionResponse.response = parseJsonObject(text) ?? { output: text };
  return { functionResponse };
}

function encodeMedia(part: IRImagePart | IRFilePart): GeminiPart {
  const source = part.source;
  const declaredType = part.type === "file" ? part.mediaType : undefined;
  if (source.kind === "base64") {
    return { inlineData: { mimeType: source.mediaType || declaredType || "application/octet-stream", data: source.data } };
  }
  if (source.kind === "url") {
    const inline = parseDataUrl(source.url);
    if (inline) return { inlineData: { mimeType: inline.mediaType, data: inline.data } };
    // The pipeline inlines http(s) images before we get here; what is left is a Files API / GCS / YouTube URI.
    const mimeType = declaredType ?? (part.type === "image" ? imageTypeFromUrl(source.url) : undefined);
    return { fileData: mimeType ? { fileUri: source.url, mimeType } : { fileUri: source.url } };
  }
  return { fileData: declaredType ? { fileUri: source.fileId, mimeType: declaredType } : { fileUri: source.fileId } };
}

const IMAGE_EXTENSIONS: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  heif: "image/heif",
};

/** The IR keeps no media type for image URLs; guess it from the path, or leave it to the Files API. */
function imageTypeFromUrl(url: string): string | undefined {
  const path = url.split(/[?#]/, 1)[0]!;
  const dot = path.lastIndexOf(".");
  return dot === -1 ? undefined : IMAGE_EXTENSIONS[path.slice(dot + 1).toLowerCase()];
}

const LEVELS: Partial<Record<string, string>> = { minimal: "MINIMAL", low: "LOW", medium: "MEDIUM", high: "HIGH" };

function encodeThinking(reasoning: IRReasoning, asLevel: boolean): JsonObject {
  const config: JsonObject = {};
  if (reasoning.includeThoughts !== undefined) config.includeThoughts = reasoning.includeThoughts;
  if (!reasoning.enabled || reasoning.budgetTokens === 0 || reasoning.effort === "none") {
    config.thinkingBudget = 0;
    return config;
  }
  if (reasoning.includeThoughts === undefined) config.includeThoughts = true;
  if (reasoning.budgetTokens !== undefined) {
    config.thinkingBudget = reasoning.budgetTokens;
  } else if (reasoning.effort) {
    const level = asLevel ? LEVELS[reasoning.effort] : undefined;
    if (level) config.thinkingLevel = level;
    else config.thinkingBudget = budgetForEffort(reasoning.effort);
  } else if (reasoning.adaptive) {
    config.thinkingBudget = -1; // Gemini's "dynamic" budget is the model deciding, like Anthropic adaptive.
  }
  return config;
}

function geminiSignature(signature: IRSignature | undefined): string | undefined {
  return signature && signature.format === "gemini" ? signature.value : undefined;
}

function withoutSchemaKeyword(schema: Record<string, unknown>): Record<string, unknown> {
  if (!("$schema" in schema)) return schema;
  const { $schema: _dropped, ...rest } = schema;
  return rest;
}
