import type { IRFilePart, IRImagePart, IRMessage, IRPart, IRRequest, IRSignature, IRTextPart, IRToolResultPart } from "../../ir/ir-types";
import { effortForBudget } from "../../ir/reasoning-budget";
import { dataUrl, type JsonObject } from "../shared/json";
import { LAYOUT_KEY, readLayout, responsesToolNamespaces, type Anchor, type ResponsesLayout } from "./openai-responses-layout";

/** The API rejects `max_output_tokens` below this. */
const MIN_OUTPUT_TOKENS = 16;

/**
 * IR → OpenAI Responses request body. A request that came from a Responses client (extensions of this format)
 * gets its own tools list, tool_choice, system layout and opaque items back verbatim; a translated request is
 * made stateless (`store:false`, encrypted reasoning included when reasoning is on) because the gateway keeps
 * the conversation itself.
 */
export function encodeResponsesRequest(request: IRRequest): Record<string, unknown> {
  const layout = readLayout(request);
  const own = request.extensions?.format === "openai-responses";
  const body: Record<string, unknown> = { model: request.model };
  const input: unknown[] = [];

  encodeSystem(request, layout, body, input);
  new InputWriter(input, layout?.anchors, request.messages.length, layout?.tools ? responsesToolNamespaces(request) : undefined).writeAll(
    request.messages,
  );
  body.input = input;

  if (layout?.tools) {
    body.tools = layout.tools;
  } else if (request.tools.length > 0) {
    body.tools = request.tools.map((tool) => {
      const encoded: JsonObject = { type: "function", name: tool.name };
      if (tool.description !== undefined) encoded.description = tool.description;
      encoded.parameters = tool.parameters;
      // The spec requires it, and an omitted strict means strict mode on OpenAI (every parameter required).
      encoded.strict = tool.strict ?? false;
      return encoded;
    });
  }
  if (layout?.toolChoice !== undefined) {
    body.tool_choice = layout.toolChoice;
  } else if (request.toolChoice && body.tools !== undefined) {
    const choice = request.toolChoice;
    body.tool_choice = choice.type === "tool" ? { type: "function", name: choice.name } : choice.type;
  }
  if (request.parallelToolCalls !== undefined) body.parallel_tool_calls = request.parallelToolCalls;
  if (request.maxTokens !== undefined) body.max_output_tokens = Math.max(MIN_OUTPUT_TOKENS, Math.floor(request.maxTokens));
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;

  const reasoning = encodeReasoning(request, layout);
  if (reasoning) body.reasoning = reasoning;
  const text = encodeText(request, layout);
  if (text) body.text = text;
  if (request.user !== undefined) body.user = request.user;
  body.stream = request.stream;

  if (own && request.extensions) {
    for (const [key, value] of Object.entries(request.extensions.fields)) if (key !== LAYOUT_KEY) body[key] = value;
  } else {
    // The gateway holds the conversation (previous_response_id is resolved before encoding): stay stateless,
    // and ask for the encrypted reasoning so the next turn can replay it.
    body.store = false;
    if (request.reasoning?.enabled) body.include = ["reasoning.encrypted_content"];
  }
  return body;
}

function encodeSystem(request: IRRequest, layout: ResponsesLayout | undefined, body: Record<string, unknown>, input: unknown[]): void {
  const system = request.system;
  if (system.length === 0) return;
  const sources = layout?.system;
  const expected = sources?.reduce((sum, source) => sum + (source.source === "instructions" ? 1 : source.parts), 0);
  if (sources && expected === system.length) {
    // The client's own arrangement (instructions and/or leading developer items), restored part for part.
    let at = 0;
    for (const source of sources) {
      if (source.source === "instructions") {
        body.instructions = system[at++]!.text;
        continue;
      }
      const parts = system.slice(at, at + source.parts);
      at += source.parts;
      const item: JsonObject = { type: "message" };
      if (source.id) item.id = source.id;
      item.role = source.role;
      item.content = source.text && parts.length === 1 ? parts[0]!.text : parts.map((part) => ({ type: "input_text", text: part.text }));
      input.push(item);
    }
    return;
  }
  body.instructions = system.length === 1 ? system[0]!.text : system.map((part) => part.text).join("\n\n");
}

/** Turns IR messages into input items, re-inserting anchored opaque items where the client had them. */
class InputWriter {
  readonly #anchors = new Map<number, Anchor[]>();
  /** The assistant message item being filled with consecutive text parts. */
  #message: JsonObject | null = null;
  #messageExtras: JsonObject | undefined;
  /** The reasoning item the previous thinking part became (later summary entries of the same item join it). */
  #reasoning: { item: JsonObject; signature: IRSignature } | null = null;

  constructor(
    private readonly input: unknown[],
    anchors: Anchor[] | undefined,
    messageCount: number,
    private readonly namespaces: Record<string, string> | undefined,
  ) {
    for (const anchor of anchors ?? []) {
      const index = messageCount - anchor.fromEnd;
      if (index < 0 || index > messageCount) continue;
      const list = this.#anchors.get(index);
      if (list) list.push(anchor);
      else this.#anchors.set(index, [anchor]);
    }
  }

  writeAll(messages: IRMessage[]): void {
    for (let i = 0; i < messages.length; i++) this.#write(messages[i]!, this.#anchors.get(i));
    for (const anchor of this.#anchors.get(messages.length) ?? []) this.#apply(anchor);
    this.#flush();
  }

  #write(message: IRMessage, anchors: Anchor[] | undefined): void {
    const content = message.content;
    let next = 0;
    const userParts: unknown[] = [];
    for (let j = 0; j < content.length; j++) {
      while (anchors && next < anchors.length && anchors[next]!.part <= j) this.#apply(anchors[next++]!);
      const part = content[j]!;
      if (message.role === "assistant") this.#assistantPart(part);
      else if (part.type === "tool_result") this.#push(toolOutput(part));
      else {
        const encoded = inputPart(part);
        if (encoded) userParts.push(encoded);
      }
    }
    while (anchors && next < anchors.length) this.#apply(anchors[next++]!);
    if (message.role !== "assistant" && userParts.length > 0) this.#push({ type: "message", role: message.role, content: userParts });
    this.#flush();
  }

  #assistantPart(part: IRPart): void {
    switch (part.type) {
      case "text": {
        if (part.text === "") return;
        if (!this.#message) {
          this.#message = { type: "message", role: "assistant", content: [], ...this.#messageExtras };
          this.#messageExtras = undefined;
        }
        (this.#message.content as unknown[]).push({ type: "output_text", text: part.text });
        return;
      }
      case "thinking": {
        const signature = part.signature;
        // Only this format's own encrypted reasoning can be replayed; unsigned or foreign thinking is dropped.
        if (!signature || signature.format !== "openai-responses") return;
        const last = this.#reasoning;
        if (last && this.input[this.input.length - 1] === last.item && last.signature.value === signature.value && last.signature.itemId === signature.itemId) {
          if (part.text) (last.item.summary as unknown[]).push({ type: "summary_text", text: part.text });
          return;
        }
        const item: JsonObject = { type: "reasoning" };
        if (signature.itemId) item.id = signature.itemId;
        item.summary = part.text ? [{ type: "summary_text", text: part.text }] : [];
        item.encrypted_content = signature.value;
        this.#push(item);
        this.#reasoning = { item, signature };
        return;
      }
      case "tool_call": {
        const item: JsonObject = { type: "function_call" };
        if (part.itemId) item.id = part.itemId;
        item.call_id = part.id;
        const namespace = this.namespaces?.[part.name];
        if (namespace) item.namespace = namespace;
        item.name = part.name;
        item.arguments = part.arguments === "" ? "{}" : part.arguments;
        this.#push(item);
        return;
      }
      default:
        // Images, files and tool results have no place in an assistant turn of this format.
        return;
    }
  }

  #apply(anchor: Anchor): void {
    if (anchor.item) this.#push(anchor.item);
    if (anchor.message) {
      this.#flush();
      this.#messageExtras = anchor.message;
    }
  }

  #push(item: unknown): void {
    this.#flush();
    // Extras belong to the message item that started at their anchor; any other item in between ends that chance.
    this.#messageExtras = undefined;
    this.input.push(item);
  }

  #flush(): void {
    if (this.#message) {
      const message = this.#message;
      this.#message = null;
      // Without the output-item fields a client replayed (id, status, phase), the spec's form for assistant
      // history is the easy one: strict Responses backends reject output_text parts lacking annotations.
      const parts = message.content as Array<{ text: string }>;
      const plain = Object.keys(message).length === 3;
      this.input.push(plain ? { role: "assistant", content: parts.map((p) => p.text).join("") } : message);
    }
  }
}

function inputPart(part: IRPart): JsonObject | undefined {
  switch (part.type) {
    case "text":
      return { type: "input_text", text: part.text };
    case "image":
      return imagePart(part);
    case "file":
      return filePart(part);
    default:
      return undefined;
  }
}

function imagePart(part: IRImagePart): JsonObject {
  const url = part.source.kind === "base64" ? dataUrl(part.source.mediaType, part.source.data) : part.source.url;
  return { type: "input_image", image_url: url, detail: part.detail ?? "auto" };
}

function filePart(part: IRFilePart): JsonObject {
  const source = part.source;
  if (source.kind === "file-id") {
    if (part.mediaType?.startsWith("image/")) return { type: "input_image", file_id: source.fileId, detail: "auto" };
    return { type: "input_file", file_id: source.fileId, ...(part.filename ? { filename: part.filename } : {}) };
  }
  if (source.kind === "url") {
    if (part.mediaType?.startsWith("image/")) return { type: "input_image", image_url: source.url, detail: "auto" };
    return { type: "input_file", file_url: source.url, ...(part.filename ? { filename: part.filename } : {}) };
  }
  const mediaType = part.mediaType ?? source.mediaType;
  if (mediaType.startsWith("image/")) return { type: "input_image", image_url: dataUrl(mediaType, source.data), detail: "auto" };
  // The API wants a filename with inline file data.
  const filename = part.filename ?? (mediaType === "application/pdf" ? "document.pdf" : "file");
  return { type: "input_file", filename, file_data: dataUrl(mediaType, source.data) };
}

function toolOutput(part: IRToolResultPart): JsonObject {
  const content = part.content;
  let output: unknown;
  if (typeof content === "string") output = content;
  else if (content.every((entry): entry is IRTextPart => entry.type === "text")) output = content.map((entry) => entry.text).join("\n");
  else output = content.map((entry) => (entry.type === "text" ? { type: "input_text", text: entry.text } : imagePart(entry)));
  return { type: "function_call_output", call_id: part.toolCallId, output };
}

function encodeReasoning(request: IRRequest, layout: ResponsesLayout | undefined): JsonObject | undefined {
  const ir = request.reasoning;
  const original = layout?.reasoning;
  if (!ir) return original && Object.keys(original).length > 0 ? original : undefined;
  const reasoning: JsonObject = { ...original };
  if (!ir.enabled) {
    reasoning.effort = "none";
    return reasoning;
  }
  const effort = ir.effort ?? (ir.budgetTokens !== undefined ? effortForBudget(ir.budgetTokens) : undefined);
  if (effort) reasoning.effort = effort;
  else delete reasoning.effort;
  if (ir.includeThoughts) reasoning.summary = typeof original?.summary === "string" ? original.summary : "auto";
  else delete reasoning.summary;
  return Object.keys(reasoning).length > 0 ? reasoning : undefined;
}

function encodeText(request: IRRequest, layout: ResponsesLayout | undefined): JsonObject | undefined {
  const text: JsonObject = { ...layout?.text };
  const format = request.responseFormat;
  if (format?.type === "json_schema") {
    const encoded: JsonObject = { type: "json_schema", name: format.name ?? "response" };
    if (format.description !== undefined) encoded.description = format.description;
    encoded.schema = format.schema;
    if (format.strict !== undefined) encoded.strict = format.strict;
    text.format = encoded;
  } else if (format) {
    text.format = { type: format.type };
  }
  return Object.keys(text).length > 0 ? text : undefined;
}
