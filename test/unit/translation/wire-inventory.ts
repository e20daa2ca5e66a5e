import { SYNTHETIC_TOOL_CALL_PREFIX, type IRFormat } from "../../../src/ir/ir-types";

/**
 * What a request body carries that must survive translation, read straight from the wire JSON of any of the four
 * formats (never through the IR, so a decoder that drops something is caught too). The same reader runs on the
 * client's body and on each encoded upstream body, and `compareInventories` says what went missing.
 */

export type Json = unknown;
type Obj = Record<string, unknown>;

export function asObj(value: Json): Obj | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Obj) : null;
}
export function asArr(value: Json): unknown[] {
  return Array.isArray(value) ? value : [];
}
export function asStr(value: Json): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export interface WireCall {
  /** Absent for Gemini calls without an id. */
  id?: string;
  name: string;
  /** Parsed arguments (OpenAI's JSON text is parsed; unparsable text stays a string). */
  args: unknown;
}

export interface WireResult {
  id?: string;
  name?: string;
  /** Text as sent (Chat/Responses/Anthropic) or the Gemini `response` object. */
  value: unknown;
}

export interface WireInventory {
  /** User/assistant/system text (not thinking), in order. */
  texts: string[];
  toolNames: string[];
  calls: WireCall[];
  results: WireResult[];
  /** Image URLs or base64 payloads. */
  images: string[];
}

function parseArgs(text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `data:<mime>;base64,<data>` → `<data>`; other URLs as they are. */
function imageRef(url: string): string {
  const match = /^data:[^;,]+;base64,(.*)$/s.exec(url);
  return match ? match[1]! : url;
}

function emptyInventory(): WireInventory {
  return { texts: [], toolNames: [], calls: [], results: [], images: [] };
}

function chatInventory(body: Obj): WireInventory {
  const inv = emptyInventory();
  for (const raw of asArr(body.messages)) {
    const message = asObj(raw);
    if (!message) continue;
    const role = asStr(message.role);
    if (role === "tool") {
      inv.results.push({ id: asStr(message.tool_call_id), value: chatText(message.content, inv) });
      continue;
    }
    const content = message.content;
    if (typeof content === "string") {
      if (content !== "") inv.texts.push(content);
    } else {
      for (const rawPart of asArr(content)) {
        const part = asObj(rawPart);
        if (!part) continue;
        if (part.type === "text" && typeof part.text === "string" && part.text !== "") inv.texts.push(part.text);
        if (part.type === "image_url") {
          const url = asStr(asObj(part.image_url)?.url);
          if (url) inv.images.push(imageRef(url));
        }
      }
    }
    for (const rawCall of asArr(message.tool_calls)) {
      const call = asObj(rawCall);
      const fn = asObj(call?.function);
      if (!call || !fn) continue;
      inv.calls.push({ id: asStr(call.id), name: asStr(fn.name) ?? "", args: parseArgs(asStr(fn.arguments) ?? "") });
    }
  }
  for (const rawTool of asArr(body.tools)) {
    const tool = asObj(rawTool);
    if (tool?.type === "function") inv.toolNames.push(asStr(asObj(tool.function)?.name) ?? "");
  }
  return inv;
}

/** Text of a Chat tool message / Responses output: a string or text parts (images are noted as images). */
function chatText(content: Json, inv: WireInventory): string {
  if (typeof content === "string") return content;
  const texts: string[] = [];
  for (const rawPart of asArr(content)) {
    const part = asObj(rawPart);
    if (!part) continue;
    if ((part.type === "text" || part.type === "input_text" || part.type === "output_text") && typeof part.text === "string") texts.push(part.text);
    if (part.type === "image_url") {
      const url = asStr(asObj(part.image_url)?.url);
      if (url) inv.images.push(imageRef(url));
    }
    if (part.type === "input_image") {
      const url = asStr(part.image_url);
      if (url) inv.images.push(imageRef(url));
    }
  }
  return texts.join("\n");
}

function responsesInventory(body: Obj): WireInventory {
  const inv = emptyInventory();
  if (typeof body.instructions === "string" && body.instructions !== "") inv.texts.push(body.instructions);
  if (typeof body.input === "string") {
    if (body.input !== "") inv.texts.push(body.input);
  } else {
    for (const rawItem of asArr(body.input)) {
      const item = asObj(rawItem);
      if (!item) continue;
      const type = asStr(item.type) ?? "message";
      if (type === "message") {
        const content = item.content;
        if (typeof content === "string") {
          if (content !== "") inv.texts.push(content);
          continue;
        }
        for (const rawPart of asArr(content)) {
          const part = asObj(rawPart);
          if (!part) continue;
          if ((part.type === "input_text" || part.type === "output_text") && typeof part.text === "string" && part.text !== "") inv.texts.push(part.text);
          if (part.type === "input_image") {
            const url = asStr(part.image_url) ?? asStr(part.file_id);
            if (url) inv.images.push(imageRef(url));
          }
        }
      } else if (type === "function_call") {
        inv.calls.push({ id: asStr(item.call_id), name: asStr(item.name) ?? "", args: parseArgs(asStr(item.arguments) ?? "") });
      } else if (type === "function_call_output") {
        inv.results.push({ id: asStr(item.call_id), value: chatText(item.output, inv) });
      }
    }
  }
  for (const rawTool of asArr(body.tools)) {
    const tool = asObj(rawTool);
    if (tool?.type === "function") inv.toolNames.push(asStr(tool.name) ?? "");
  }
  return inv;
}

function anthropicInventory(body: Obj): WireInventory {
  const inv = emptyInventory();
  if (typeof body.system === "string") {
    if (body.system !== "") inv.texts.push(body.system);
  } else {
    for (const rawBlock of asArr(body.system)) {
      const text = asStr(asObj(rawBlock)?.text);
      if (text) inv.texts.push(text);
    }
  }
  for (const rawMessage of asArr(body.messages)) {
    const message = asObj(rawMessage);
    if (!message) continue;
    if (typeof message.content === "string") {
      if (message.content !== "") inv.texts.push(message.content);
      continue;
    }
    for (const rawBlock of asArr(message.content)) {
      const block = asObj(rawBlock);
      if (!block) continue;
      if (block.type === "text" && typeof block.text === "string" && block.text !== "") inv.texts.push(block.text);
      else if (block.type === "image") anthropicImage(block, inv);
      else if (block.type === "tool_use") inv.calls.push({ id: asStr(block.id), name: asStr(block.name) ?? "", args: block.input ?? {} });
      else if (block.type === "tool_result") {
        let value: string;
        if (typeof block.content === "string") value = block.content;
        else {
          const texts: string[] = [];
          for (const rawInner of asArr(block.content)) {
            const inner = asObj(rawInner);
            if (inner?.type === "text" && typeof inner.text === "string") texts.push(inner.text);
            if (inner?.type === "image") anthropicImage(inner, inv);
          }
          value = texts.join("\n");
        }
        inv.results.push({ id: asStr(block.tool_use_id), value });
      }
    }
  }
  for (const rawTool of asArr(body.tools)) {
    const tool = asObj(rawTool);
    // Server tools (web_search_2025…, bash_2025…) are typed; the client's own tools are untyped or "custom".
    if (tool && (tool.type === undefined || tool.type === "custom")) inv.toolNames.push(asStr(tool.name) ?? "");
  }
  return inv;
}

function anthropicImage(block: Obj, inv: WireInventory): void {
  const source = asObj(block.source);
  const ref = asStr(source?.data) ?? asStr(source?.url);
  if (ref) inv.images.push(ref);
}

function isImage(mimeType: unknown): boolean {
  return typeof mimeType === "string" && mimeType.startsWith("image/");
}

function geminiInventory(body: Obj): WireInventory {
  const inv = emptyInventory();
  const system = asObj(body.systemInstruction ?? body.system_instruction);
  for (const rawPart of asArr(system?.parts)) {
    const text = asStr(asObj(rawPart)?.text);
    if (text) inv.texts.push(text);
  }
  for (const rawContent of asArr(body.contents)) {
    for (const rawPart of asArr(asObj(rawContent)?.parts)) {
      const part = asObj(rawPart);
      if (!part) continue;
      if (typeof part.text === "string" && part.text !== "" && part.thought !== true) inv.texts.push(part.text);
      // Only images: video/audio/PDF parts have no place in most other formats.
      const inline = asObj(part.inlineData ?? part.inline_data);
      if (inline && typeof inline.data === "string" && isImage(inline.mimeType ?? inline.mime_type)) inv.images.push(inline.data);
      const file = asObj(part.fileData ?? part.file_data);
      const uri = asStr(file?.fileUri ?? file?.file_uri);
      if (uri && isImage(file?.mimeType ?? file?.mime_type)) inv.images.push(uri);
      const call = asObj(part.functionCall ?? part.function_call);
      if (call) inv.calls.push({ ...(typeof call.id === "string" ? { id: call.id } : {}), name: asStr(call.name) ?? "", args: call.args ?? {} });
      const response = asObj(part.functionResponse ?? part.function_response);
      if (response) {
        inv.results.push({ ...(typeof response.id === "string" ? { id: response.id } : {}), name: asStr(response.name) ?? "", value: response.response ?? {} });
      }
    }
  }
  for (const rawTool of asArr(body.tools)) {
    const tool = asObj(rawTool);
    for (const rawDecl of asArr(tool?.functionDeclarations ?? tool?.function_declarations)) inv.toolNames.push(asStr(asObj(rawDecl)?.name) ?? "");
  }
  return inv;
}

export function wireInventory(format: IRFormat, body: Obj): WireInventory {
  switch (format) {
    case "openai-chat":
      return chatInventory(body);
    case "openai-responses":
      return responsesInventory(body);
    case "anthropic":
      return anthropicInventory(body);
    case "gemini":
      return geminiInventory(body);
  }
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((item, i) => deepEqual(item, bb[i]));
  }
  const ao = a as Obj;
  const bo = b as Obj;
  const keys = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bkeys = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return keys.length === bkeys.length && keys.every((k) => deepEqual(ao[k], bo[k]));
}

/**
 * A tool result in comparable form. Gemini's `response` must be an object: text that is a JSON object travels as
 * that object, other text as `{output: text}` — and back. So both sides are brought to that object form.
 */
function canonicalResult(value: unknown): unknown {
  if (typeof value !== "string") return value;
  try {
    const parsed: unknown = JSON.parse(value);
    if (asObj(parsed)) return parsed;
  } catch {
    // plain text
  }
  return { output: value };
}

function resultMatches(expected: unknown, actual: unknown): boolean {
  if (deepEqual(canonicalResult(expected), canonicalResult(actual))) return true;
  // Text joined from several blocks may use another separator; the text itself must still be all there.
  if (typeof expected === "string" && typeof actual === "string") return actual.includes(expected);
  return false;
}

const short = (text: string) => JSON.stringify(text.length > 70 ? `${text.slice(0, 70)}…` : text);

/** The tool name a result answers: its own (Gemini) or that of the call with its id. */
function resultName(inv: WireInventory, result: WireResult): string | undefined {
  return result.name || inv.calls.find((c) => c.id !== undefined && c.id === result.id)?.name;
}

/** Ids the client chose must survive; ids we synthesized for Gemini calls (or none at all) match by name and order. */
function keyedById(id: string | undefined): id is string {
  return id !== undefined && !id.startsWith(SYNTHETIC_TOOL_CALL_PREFIX);
}

/** Everything `source` has that `target` lost, as readable lines (empty when nothing is lost). */
export function compareInventories(source: WireInventory, target: WireInventory, targetFormat: IRFormat): string[] {
  const problems: string[] = [];
  const haystack = target.texts.join("\u0000");
  for (const text of source.texts) if (!haystack.includes(text)) problems.push(`text lost: ${short(text)}`);

  const targetTools = new Set(target.toolNames);
  for (const name of source.toolNames) if (!targetTools.has(name)) problems.push(`tool definition lost: ${name}`);

  const usedCalls = new Set<number>();
  for (const call of source.calls) {
    const found = keyedById(call.id)
      ? target.calls.findIndex((c, i) => !usedCalls.has(i) && c.id === call.id)
      : target.calls.findIndex((c, i) => !usedCalls.has(i) && c.name === call.name);
    if (found === -1) {
      problems.push(`tool call lost: ${call.id ?? "(no id)"} ${call.name}`);
      continue;
    }
    usedCalls.add(found);
    const got = target.calls[found]!;
    if (got.name !== call.name) problems.push(`tool call ${call.id} renamed: ${call.name} → ${got.name}`);
    if (!deepEqual(got.args, call.args)) problems.push(`tool call ${call.id ?? call.name} arguments changed: ${JSON.stringify(call.args)} → ${JSON.stringify(got.args)}`);
  }

  const usedResults = new Set<number>();
  for (const result of source.results) {
    const name = resultName(source, result);
    const found = keyedById(result.id)
      ? target.results.findIndex((r, i) => !usedResults.has(i) && r.id === result.id)
      : target.results.findIndex((r, i) => !usedResults.has(i) && resultName(target, r) === name);
    if (found === -1) {
      problems.push(`tool result lost: ${result.id ?? name ?? "?"}`);
      continue;
    }
    usedResults.add(found);
    const got = target.results[found]!;
    if (!resultMatches(result.value, got.value)) {
      problems.push(`tool result ${result.id ?? name} changed: ${short(JSON.stringify(result.value))} → ${short(JSON.stringify(got.value))}`);
    }
    if (targetFormat === "gemini" && name && got.name !== name) problems.push(`functionResponse for ${result.id ?? name} is named ${JSON.stringify(got.name)}, its call is ${name}`);
  }

  const targetImages = target.images.join("\u0000");
  for (const image of source.images) if (!targetImages.includes(image)) problems.push(`image lost: ${short(image)}`);
  return problems;
}
