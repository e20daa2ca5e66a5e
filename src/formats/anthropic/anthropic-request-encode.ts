import { parseDataUrl } from "../shared/json";
import { budgetForEffort } from "../../ir/reasoning-budget";
import {
  REDACTED_THINKING_ITEM,
  type IRFilePart,
  type IRImageSource,
  type IRMessage,
  type IRPart,
  type IRReasoning,
  type IRReasoningEffort,
  type IRRequest,
  type IRTextPart,
  type IRTool,
  type IRToolResultPart,
} from "../../ir/ir-types";
import { argumentsToInput, isObject, mergeOwnedKeys, type JsonObject } from "./anthropic-json";
import {
  anthropicExtensionFields,
  decodeReasoning,
  MERGED_KEYS,
  readSideChannel,
  sameReasoning,
  SIDE_CHANNEL_KEY,
  type AnthropicBlockSideChannel,
} from "./anthropic-request-extensions";

/** Anthropic requires max_tokens; used when the client gave none. */
export const DEFAULT_MAX_TOKENS = 8192;
/** Anthropic's minimum thinking budget. */
const MIN_THINKING_BUDGET = 1024;
/** Room left for the answer when max_tokens has to grow past the thinking budget. */
const ANSWER_HEADROOM = 4096;

type WireBlock = JsonObject & { type: string };
interface WireMessage {
  role: "user" | "assistant";
  content: WireBlock[];
}

/** IR → Anthropic Messages request body. */
export function encodeAnthropicRequest(request: IRRequest): Record<string, unknown> {
  const ext = anthropicExtensionFields(request);
  const side: AnthropicBlockSideChannel = ext ? readSideChannel(ext) : {};

  const system: WireBlock[] = request.system.flatMap(systemBlock);
  const messages: WireMessage[] = [];
  for (const message of request.messages) {
    if (message.role === "system") {
      // Anthropic's system prompt is top-level only: later instructions are appended to it, in order.
      for (const part of message.content) if (part.type === "text") system.push(...systemBlock(part));
      continue;
    }
    appendMessage(messages, message, side);
  }
  for (const message of messages) if (message.role === "user") toolResultsFirst(message);

  const body: Record<string, unknown> = { model: request.model };
  let maxTokens = request.maxTokens ?? DEFAULT_MAX_TOKENS;

  if (system.length === 1 && !system[0]!.cache_control) body.system = system[0]!.text;
  else if (system.length > 0) body.system = system;
  body.messages = messages;

  const tools = encodeTools(request.tools, ext);
  if (tools.length > 0) {
    body.tools = tools;
    const toolChoice = encodeToolChoice(request);
    if (toolChoice) body.tool_choice = toolChoice;
  }
  if (request.stopSequences && request.stopSequences.length > 0) body.stop_sequences = request.stopSequences;

  // Thinking: the client's own config when the IR still says what it said, else derived from the IR.
  let thinking: JsonObject | undefined;
  let effort: unknown;
  const originalOutputConfig = ext && isObject(ext.output_config) ? ext.output_config : undefined;
  if (ext && sameReasoning(request.reasoning, decodeReasoning(ext.thinking, ext.output_config))) {
    thinking = isObject(ext.thinking) ? ext.thinking : undefined;
    effort = originalOutputConfig?.effort;
  } else {
    ({ thinking, effort } = encodeReasoning(request.reasoning));
  }
  const forcedTool = request.toolChoice?.type === "required" || request.toolChoice?.type === "tool";
  if (thinking && thinking.type !== "disabled" && (forcedTool || toolLoopLacksThinking(messages))) {
    // Anthropic answers 400 when thinking meets a forced tool choice, or a tool-loop turn without a signed
    // thinking block first (history written by another provider): this request goes without thinking.
    thinking = undefined;
  }
  const thinkingOn = thinking !== undefined && thinking.type !== "disabled";
  if (thinking) {
    if (thinking.type === "enabled" && typeof thinking.budget_tokens === "number" && thinking.budget_tokens >= maxTokens) {
      maxTokens = thinking.budget_tokens + ANSWER_HEADROOM;
    }
    body.thinking = thinking;
  }
  body.max_tokens = maxTokens;

  // Anthropic rejects temperature and top_k while thinking, and top_p below 0.95.
  if (request.temperature !== undefined && !thinkingOn) body.temperature = Math.min(Math.max(request.temperature, 0), 1);
  if (request.topP !== undefined && (!thinkingOn || request.topP >= 0.95)) body.top_p = request.topP;
  if (request.topK !== undefined && !thinkingOn) body.top_k = request.topK;

  const format = encodeResponseFormat(request);
  const useBetaFormatField = ext !== undefined && ext.output_format !== undefined && !isObject(originalOutputConfig?.format);
  const outputConfig = mergeOwnedKeys(originalOutputConfig, { effort, format: useBetaFormatField ? undefined : format });
  if (Object.keys(outputConfig).length > 0) body.output_config = outputConfig;
  if (useBetaFormatField && format) body.output_format = format;

  const originalMetadata = ext && isObject(ext.metadata) ? ext.metadata : undefined;
  const metadata = mergeOwnedKeys(originalMetadata, { user_id: request.user });
  if (Object.keys(metadata).length > 0) body.metadata = metadata;

  if (request.stream) body.stream = true;

  if (ext) {
    for (const key of Object.keys(ext)) {
      if (!MERGED_KEYS.has(key) && key !== SIDE_CHANNEL_KEY && !(key in body)) body[key] = ext[key];
    }
  }
  return body;
}

function systemBlock(part: IRTextPart): WireBlock[] {
  if (part.text === "") return [];
  return [part.cacheControl ? { type: "text", text: part.text, cache_control: part.cacheControl } : { type: "text", text: part.text }];
}

/** Adds one IR message, merging it into the previous turn when the role repeats; empty turns are dropped. */
function appendMessage(messages: WireMessage[], message: IRMessage, side: AnthropicBlockSideChannel): void {
  const role = message.role === "assistant" ? "assistant" : "user";
  const blocks: WireBlock[] = [];
  for (const part of message.content) {
    const block = role === "assistant" ? assistantBlock(part, side) : userBlock(part, side);
    if (block) blocks.push(block);
  }
  if (blocks.length === 0) return;
  const last = messages[messages.length - 1];
  if (last && last.role === role) last.content.push(...blocks);
  else messages.push({ role, content: blocks });
}

function textBlock(part: IRTextPart): WireBlock | null {
  if (part.text === "") return null;
  return part.cacheControl ? { type: "text", text: part.text, cache_control: part.cacheControl } : { type: "text", text: part.text };
}

function assistantBlock(part: IRPart, side: AnthropicBlockSideChannel): WireBlock | null {
  switch (part.type) {
    case "text":
      return textBlock(part);
    case "thinking": {
      // Only Anthropic's own signatures may go back; unsigned or foreign thinking would be rejected.
      const signature = part.signature;
      if (!signature || signature.format !== "anthropic" || signature.value === "") return null;
      if (signature.itemId === REDACTED_THINKING_ITEM) return { type: "redacted_thinking", data: signature.value };
      return { type: "thinking", thinking: part.text, signature: signature.value };
    }
    case "tool_call": {
      const id = toolUseId(part.id);
      const block: WireBlock = { type: "tool_use", id, name: part.name, input: argumentsToInput(part.arguments) };
      const cacheControl = side.toolUseCacheControl?.[part.id];
      if (cacheControl) block.cache_control = cacheControl;
      return block;
    }
    default:
      // Images, files and tool results cannot sit in an assistant turn.
      return null;
  }
}

function userBlock(part: IRPart, side: AnthropicBlockSideChannel): WireBlock | null {
  switch (part.type) {
    case "text":
      return textBlock(part);
    case "image": {
      const block: WireBlock = { type: "image", source: imageSource(part.source) };
      if (part.cacheControl) block.cache_control = part.cacheControl;
      return block;
    }
    case "file":
      return fileBlock(part);
    case "tool_result":
      return toolResultBlock(part, side);
    default:
      // Thinking and tool calls belong to assistant turns.
      return null;
  }
}

/** Anthropic ids must match ^[a-zA-Z0-9_-]+$; other providers' ids (`functions.x:0`) are made to fit, consistently. */
function toolUseId(id: string): string {
  return /^[a-zA-Z0-9_-]+$/.test(id) ? id : id.replace(/[^a-zA-Z0-9_-]/g, "_") || "toolu_empty";
}

function toolResultBlock(part: IRToolResultPart, side: AnthropicBlockSideChannel): WireBlock {
  const block: WireBlock = { type: "tool_result", tool_use_id: toolUseId(part.toolCallId) };
  const raw = side.toolResultContent?.[part.toolCallId];
  if (raw) block.content = raw;
  else if (typeof part.content === "string") block.content = part.content;
  else {
    const content: WireBlock[] = [];
    for (const inner of part.content) {
      if (inner.type === "text") {
        const text = textBlock(inner);
        if (text) content.push(text);
      } else {
        const image: WireBlock = { type: "image", source: imageSource(inner.source) };
        if (inner.cacheControl) image.cache_control = inner.cacheControl;
        content.push(image);
      }
    }
    block.content = content;
  }
  if (part.isError !== undefined) block.is_error = part.isError;
  if (part.cacheControl) block.cache_control = part.cacheControl;
  return block;
}

/** base64 without any `data:` prefix; data URLs given as URLs become base64 sources. */
function imageSource(source: IRImageSource): JsonObject {
  if (source.kind === "url") {
    const inline = parseDataUrl(source.url);
    return inline ? { type: "base64", media_type: inline.mediaType, data: inline.data } : { type: "url", url: source.url };
  }
  const inline = parseDataUrl(source.data);
  return inline
    ? { type: "base64", media_type: inline.mediaType, data: inline.data }
    : { type: "base64", media_type: source.mediaType, data: source.data };
}

function fileBlock(part: IRFilePart): WireBlock {
  const source = part.source;
  let block: WireBlock;
  if (source.kind === "file-id") {
    const isImage = part.mediaType?.startsWith("image/") ?? false;
    block = { type: isImage ? "image" : "document", source: { type: "file", file_id: source.fileId } };
  } else {
    let wire = imageSource(source);
    if (wire.type === "base64" && typeof wire.media_type === "string" && wire.media_type.startsWith("text/")) {
      // Anthropic takes plain-text documents as text, not base64.
      wire = { type: "text", media_type: "text/plain", data: Buffer.from(String(wire.data), "base64").toString("utf8") };
    }
    const isImage = wire.type === "base64" && typeof wire.media_type === "string" && wire.media_type.startsWith("image/");
    block = { type: isImage ? "image" : "document", source: wire };
  }
  if (part.filename && block.type === "document") block.title = part.filename;
  if (part.cacheControl) block.cache_control = part.cacheControl;
  return block;
}

/** Anthropic requires all tool_result blocks of a user turn before anything else in it. */
function toolResultsFirst(message: WireMessage): void {
  const blocks = message.content;
  let seenOther = false;
  let misplaced = false;
  for (const block of blocks) {
    if (block.type === "tool_result") {
      if (seenOther) {
        misplaced = true;
        break;
      }
    } else seenOther = true;
  }
  if (!misplaced) return;
  message.content = [...blocks.filter((b) => b.type === "tool_result"), ...blocks.filter((b) => b.type !== "tool_result")];
}

function encodeTool(tool: IRTool, original: JsonObject | undefined): JsonObject {
  return mergeOwnedKeys(original, {
    name: tool.name,
    description: tool.description,
    input_schema: tool.parameters,
    cache_control: tool.cacheControl,
    strict: tool.strict,
  });
}

/**
 * IR tools, in the client's original order when it was an Anthropic client, with its server tools and the
 * fields the IR lacks (defer_loading, input_examples, …) restored.
 */
function encodeTools(tools: IRTool[], ext: JsonObject | undefined): JsonObject[] {
  const originals = ext && Array.isArray(ext.tools) ? ext.tools : undefined;
  if (!originals) return tools.map((tool) => encodeTool(tool, undefined));
  const byName = new Map<string, IRTool>();
  for (const tool of tools) if (!byName.has(tool.name)) byName.set(tool.name, tool);
  const out: JsonObject[] = [];
  const done = new Set<string>();
  for (const original of originals) {
    if (!isObject(original)) continue;
    if (original.type !== undefined && original.type !== null && original.type !== "custom") {
      out.push(original);
      continue;
    }
    const name = typeof original.name === "string" ? original.name : "";
    const tool = byName.get(name);
    if (!tool || done.has(name)) continue;
    done.add(name);
    out.push(encodeTool(tool, original));
  }
  for (const tool of tools) {
    if (done.has(tool.name)) continue;
    done.add(tool.name);
    out.push(encodeTool(tool, undefined));
  }
  return out;
}

function encodeToolChoice(request: IRRequest): JsonObject | undefined {
  const choice = request.toolChoice;
  let wire: JsonObject | undefined;
  switch (choice?.type) {
    case "auto":
      wire = { type: "auto" };
      break;
    case "none":
      return { type: "none" };
    case "required":
      wire = { type: "any" };
      break;
    case "tool":
      wire = { type: "tool", name: choice.name };
      break;
  }
  if (request.parallelToolCalls === false) {
    wire ??= { type: "auto" };
    wire.disable_parallel_tool_use = true;
  }
  return wire;
}

/** Anthropic effort levels are low…max; finer OpenAI levels map to the nearest one. */
function anthropicEffort(effort: IRReasoningEffort | undefined): string | undefined {
  if (effort === undefined || effort === "none") return undefined;
  return effort === "minimal" ? "low" : effort;
}

function encodeReasoning(reasoning: IRReasoning | undefined): { thinking: JsonObject | undefined; effort: unknown } {
  if (!reasoning || !reasoning.enabled || reasoning.effort === "none" || reasoning.budgetTokens === 0) {
    return { thinking: undefined, effort: undefined };
  }
  if (reasoning.adaptive) return { thinking: { type: "adaptive" }, effort: anthropicEffort(reasoning.effort) };
  const explicit = reasoning.budgetTokens !== undefined && reasoning.budgetTokens > 0 ? reasoning.budgetTokens : undefined;
  const budget = Math.max(MIN_THINKING_BUDGET, explicit ?? budgetForEffort(reasoning.effort ?? "medium"));
  return { thinking: { type: "enabled", budget_tokens: budget }, effort: undefined };
}

/**
 * True when the current tool loop (the turns after the last user message with more than tool results) has an
 * assistant tool_use turn that does not open with a thinking block: Anthropic rejects such a history while
 * thinking is on.
 */
export function toolLoopLacksThinking(messages: ReadonlyArray<{ role: string; content: ReadonlyArray<{ type: string }> }>): boolean {
  let loopStart = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i]!;
    if (message.role === "user" && message.content.some((block) => block.type !== "tool_result")) {
      loopStart = i + 1;
      break;
    }
  }
  for (let i = loopStart; i < messages.length; i++) {
    const message = messages[i]!;
    if (message.role !== "assistant" || !message.content.some((block) => block.type === "tool_use")) continue;
    const first = message.content[0]!.type;
    if (first !== "thinking" && first !== "redacted_thinking") return true;
  }
  return false;
}

function encodeResponseFormat(request: IRRequest): JsonObject | undefined {
  const format = request.responseFormat;
  // Anthropic has no plain JSON mode; only a schema can be enforced.
  if (format?.type !== "json_schema") return undefined;
  return { type: "json_schema", schema: format.schema };
}

