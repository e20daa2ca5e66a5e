import type { IRFormat } from "../../../src/ir/ir-types";
import { asArr, asObj, asStr } from "./wire-inventory";

/**
 * What each upstream rejects a request body for, beyond field types: role order, tool call ↔ result pairing,
 * empty turns, names, thinking rules. OpenAI bodies are also schema-validated separately (openapi-validator);
 * Anthropic and Gemini have no machine-readable spec, so these rules (from their API errors and docs) stand in.
 * Each function returns readable problems; an empty list means the body would be accepted.
 */

type Obj = Record<string, unknown>;

/** Wrapped foreign signatures (foreign-signature.ts) must never reach an upstream. */
const WRAPPED = "omr1.";
/** OpenAI: function names are a-z, A-Z, 0-9, underscores and dashes, at most 64. */
const OPENAI_TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
/** Gemini: starts with a letter or underscore; letters, digits, underscores, dots, colons, dashes; at most 64. */
const GEMINI_TOOL_NAME = /^[a-zA-Z_][a-zA-Z0-9_.:-]{0,63}$/;
/** Anthropic tool_use ids. */
const ANTHROPIC_TOOL_ID = /^[a-zA-Z0-9_-]+$/;

const JSON_SCHEMA_TYPES = new Set(["object", "array", "string", "number", "integer", "boolean", "null"]);
/** Keywords whose values are data, not schemas: their `type` keys mean nothing. */
const DATA_KEYWORDS = new Set(["enum", "const", "default", "examples", "example"]);
const SNAKE_KEYWORDS: Record<string, string> = { any_of: "anyOf", one_of: "oneOf", all_of: "allOf", additional_properties: "additionalProperties" };
const SCHEMA_MAPS = new Set(["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]);

/**
 * OpenAI and Anthropic take JSON Schema: `type` must be one of its lowercase names. Gemini's OpenAPI subset
 * (`parameters`, `responseSchema`) spells them "OBJECT", "STRING", …, which a translator has to lower.
 */
export function jsonSchemaProblems(schema: unknown, where: string): string[] {
  const problems: string[] = [];
  const visit = (node: unknown, path: string): void => {
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, `${path}[${i}]`));
    const obj = asObj(node);
    if (!obj) return;
    const type = obj.type;
    const types = Array.isArray(type) ? type : type === undefined ? [] : [type];
    for (const t of types) if (typeof t !== "string" || !JSON_SCHEMA_TYPES.has(t)) problems.push(`${path}.type ${JSON.stringify(t)} is not a JSON Schema type`);
    for (const [key, value] of Object.entries(obj)) {
      if (DATA_KEYWORDS.has(key) || key === "type") continue;
      if (SNAKE_KEYWORDS[key]) problems.push(`${path}.${key} is Gemini's spelling; JSON Schema ignores it (${SNAKE_KEYWORDS[key]})`);
      // Maps from names to schemas: their keys are property names, not keywords.
      if (SCHEMA_MAPS.has(key) && asObj(value)) for (const [name, sub] of Object.entries(asObj(value)!)) visit(sub, `${path}.${key}.${name}`);
      else visit(value, `${path}.${key}`);
    }
  };
  if (schema !== undefined && !asObj(schema)) problems.push(`${where} must be an object`);
  visit(schema, where);
  return problems;
}

function blocksOf(content: unknown): Obj[] {
  if (typeof content === "string") return [{ type: "text", text: content }];
  return asArr(content).map((b) => asObj(b) ?? {});
}

export function anthropicStructure(body: Obj): string[] {
  const problems: string[] = [];
  if (!Number.isInteger(body.max_tokens) || (body.max_tokens as number) <= 0) problems.push(`max_tokens must be a positive integer, got ${JSON.stringify(body.max_tokens)}`);
  if (body.system !== undefined && typeof body.system !== "string") {
    for (const [i, raw] of asArr(body.system).entries()) {
      const block = asObj(raw);
      if (block?.type !== "text" || typeof block.text !== "string" || block.text.trim() === "") problems.push(`system[${i}] must be a non-empty text block`);
    }
  }
  const messages = asArr(body.messages).map((m) => asObj(m) ?? {});
  if (messages.length === 0) problems.push("messages is empty");
  if (messages[0] && messages[0].role !== "user") problems.push(`first message has role ${String(messages[0].role)}, must be user`);
  let previousRole: unknown;
  messages.forEach((message, i) => {
    const where = `messages[${i}]`;
    if (message.role !== "user" && message.role !== "assistant") problems.push(`${where}.role is ${JSON.stringify(message.role)}; only user/assistant are allowed`);
    if (message.role === previousRole) problems.push(`${where} repeats role ${String(message.role)} (turns must alternate)`);
    previousRole = message.role;
    const blocks = blocksOf(message.content);
    if (blocks.length === 0 || (typeof message.content === "string" && message.content.trim() === "")) problems.push(`${where} (${String(message.role)}) has empty content`);
    blocks.forEach((block, j) => {
      const at = `${where}.content[${j}]`;
      // "" is rejected ("text content blocks must be non-empty"); a recorded request with " " was accepted.
      if (block.type === "text" && (typeof block.text !== "string" || block.text === "") && typeof message.content !== "string") problems.push(`${at} is an empty text block`);
      if (block.type === "thinking") {
        if (typeof block.signature !== "string" || block.signature === "") problems.push(`${at} is a thinking block without signature`);
        else if (block.signature.startsWith(WRAPPED)) problems.push(`${at} carries a wrapped foreign signature`);
        if (message.role !== "assistant") problems.push(`${at} thinking outside an assistant turn`);
      }
      if (block.type === "redacted_thinking" && (typeof block.data !== "string" || block.data === "" || block.data.startsWith(WRAPPED))) problems.push(`${at} redacted_thinking without valid data`);
      if (block.type === "tool_use") {
        if (message.role !== "assistant") problems.push(`${at} tool_use outside an assistant turn`);
        if (typeof block.name !== "string" || block.name === "") problems.push(`${at} tool_use without a name`);
        if (typeof block.id !== "string" || !ANTHROPIC_TOOL_ID.test(block.id)) problems.push(`${at} tool_use id ${JSON.stringify(block.id)} is not [a-zA-Z0-9_-]+`);
        if (!asObj(block.input)) problems.push(`${at} tool_use input must be an object`);
      }
      if (block.type === "tool_result" && message.role !== "user") problems.push(`${at} tool_result outside a user turn`);
    });
    // Every tool_use is answered in the very next user message, tool_result blocks first.
    const uses = blocks.filter((b) => b.type === "tool_use").map((b) => String(b.id));
    const next = messages[i + 1];
    const nextBlocks = next ? blocksOf(next.content) : [];
    if (message.role === "assistant" && uses.length > 0 && next) {
      const answered = new Set(nextBlocks.filter((b) => b.type === "tool_result").map((b) => String(b.tool_use_id)));
      for (const id of uses) if (!answered.has(id)) problems.push(`tool_use ${id} in ${where} has no tool_result in the next message`);
      const firstOther = nextBlocks.findIndex((b) => b.type !== "tool_result");
      const lastResult = nextBlocks.map((b) => b.type).lastIndexOf("tool_result");
      if (firstOther !== -1 && lastResult > firstOther) problems.push(`messages[${i + 1}] has content before its tool_result blocks`);
    }
    if (message.role === "user") {
      const prev = messages[i - 1];
      const prevUses = new Set(prev && prev.role === "assistant" ? blocksOf(prev.content).filter((b) => b.type === "tool_use").map((b) => String(b.id)) : []);
      for (const block of blocks) {
        if (block.type === "tool_result" && !prevUses.has(String(block.tool_use_id))) problems.push(`tool_result ${String(block.tool_use_id)} in ${where} answers no tool_use of the previous message`);
      }
    }
  });
  const last = messages.at(-1);
  if (last?.role === "assistant" && blocksOf(last.content).some((b) => b.type === "tool_use")) problems.push("the conversation ends with an unanswered tool_use");

  const thinking = asObj(body.thinking);
  const thinkingOn = thinking !== null && thinking.type !== "disabled";
  if (thinking?.type === "enabled") {
    const budget = thinking.budget_tokens;
    if (!Number.isInteger(budget) || (budget as number) < 1024) problems.push(`thinking.budget_tokens ${JSON.stringify(budget)} must be an integer ≥ 1024`);
    else if (typeof body.max_tokens === "number" && (budget as number) >= body.max_tokens) problems.push(`thinking.budget_tokens ${String(budget)} must be below max_tokens ${body.max_tokens}`);
  }
  if (thinkingOn) {
    if (body.temperature !== undefined && body.temperature !== 1) problems.push("temperature is set while thinking is on");
    if (body.top_k !== undefined) problems.push("top_k is set while thinking is on");
    const choice = asObj(body.tool_choice);
    if (choice && (choice.type === "any" || choice.type === "tool")) problems.push(`tool_choice ${String(choice.type)} with thinking on`);
    // An open tool loop (last user turn answers tool_use) needs the assistant turn to open with signed thinking.
    const lastIndex = messages.length - 1;
    if (last?.role === "user" && blocksOf(last.content).some((b) => b.type === "tool_result")) {
      const assistant = messages[lastIndex - 1];
      const first = assistant ? blocksOf(assistant.content)[0] : undefined;
      if (first?.type !== "thinking" && first?.type !== "redacted_thinking") problems.push("thinking is on but the tool-use turn being answered does not start with a thinking block");
    }
  }
  for (const [i, raw] of asArr(body.tools).entries()) {
    const tool = asObj(raw) ?? {};
    if (typeof tool.name !== "string" || tool.name === "") problems.push(`tools[${i}] has no name`);
    if ((tool.type === undefined || tool.type === "custom") && asObj(tool.input_schema)?.type !== "object") problems.push(`tools[${i}] (${String(tool.name)}) input_schema.type must be "object"`);
    problems.push(...jsonSchemaProblems(tool.input_schema, `tools[${i}].input_schema`));
  }
  const outputFormat = asObj(body.output_format);
  if (outputFormat?.schema !== undefined) problems.push(...jsonSchemaProblems(outputFormat.schema, "output_format.schema"));
  return problems;
}

export function geminiStructure(body: Obj): string[] {
  const problems: string[] = [];
  const contents = asArr(body.contents).map((c) => asObj(c) ?? {});
  if (contents.length === 0) problems.push("contents is empty");
  if (contents[0] && contents[0].role !== "user") problems.push(`first content has role ${String(contents[0].role)}, must be user`);
  let previous: Obj | undefined;
  contents.forEach((content, i) => {
    const where = `contents[${i}]`;
    if (content.role !== "user" && content.role !== "model") problems.push(`${where}.role is ${JSON.stringify(content.role)}; only user/model are allowed`);
    if (previous && content.role === previous.role) problems.push(`${where} repeats role ${String(content.role)} (turns must alternate)`);
    const parts = asArr(content.parts).map((p) => asObj(p) ?? {});
    if (parts.length === 0) problems.push(`${where} (${String(content.role)}) has no parts`);
    let firstCallSeen = false;
    parts.forEach((part, j) => {
      const at = `${where}.parts[${j}]`;
      const keys = ["text", "inlineData", "fileData", "functionCall", "functionResponse", "executableCode", "codeExecutionResult"].filter((k) => part[k] !== undefined);
      if (keys.length !== 1) problems.push(`${at} must hold exactly one kind of data, has ${keys.join(",") || "none"}`);
      const signature = part.thoughtSignature;
      if (signature !== undefined && (typeof signature !== "string" || signature === "" || signature.startsWith(WRAPPED))) problems.push(`${at} has an invalid thoughtSignature`);
      const call = asObj(part.functionCall);
      if (call) {
        if (content.role !== "model") problems.push(`${at} functionCall outside a model turn`);
        if (typeof call.name !== "string" || call.name === "") problems.push(`${at} functionCall without a name`);
        if (call.args !== undefined && !asObj(call.args)) problems.push(`${at} functionCall args must be an object`);
        // Gemini 3 rejects a model turn whose (first) function call carries no thought signature.
        if (!firstCallSeen && typeof signature !== "string") problems.push(`${at} first functionCall of the turn has no thoughtSignature`);
        firstCallSeen = true;
      }
      const response = asObj(part.functionResponse);
      if (response) {
        if (content.role !== "user") problems.push(`${at} functionResponse outside a user turn`);
        if (!asObj(response.response)) problems.push(`${at} functionResponse.response must be an object`);
        const calls = asArr(previous?.parts).map((p) => asObj(asObj(p)?.functionCall)).filter((c): c is Obj => c !== null);
        if (typeof response.name !== "string" || response.name === "") problems.push(`${at} functionResponse without a name`);
        else if (!calls.some((c) => c.name === response.name)) problems.push(`${at} functionResponse ${response.name} answers no functionCall of the previous turn`);
      }
    });
    const responses = parts.filter((p) => p.functionResponse !== undefined).length;
    const callsBefore = asArr(previous?.parts).filter((p) => asObj(p)?.functionCall !== undefined).length;
    if (responses > 0 && responses !== callsBefore) problems.push(`${where} has ${responses} functionResponse parts for ${callsBefore} functionCall parts`);
    if (callsBefore > 0 && responses === 0) problems.push(`${where} does not answer the ${callsBefore} functionCall parts of the previous turn`);
    previous = content;
  });
  if (previous?.role === "model" && asArr(previous.parts).some((p) => asObj(p)?.functionCall !== undefined)) problems.push("the conversation ends with an unanswered functionCall");
  for (const raw of asArr(body.tools)) {
    for (const [i, decl] of asArr(asObj(raw)?.functionDeclarations).entries()) {
      const name = asStr(asObj(decl)?.name) ?? "";
      if (!GEMINI_TOOL_NAME.test(name)) problems.push(`functionDeclarations[${i}] name ${JSON.stringify(name)} is not a valid Gemini function name`);
    }
  }
  const system = asObj(body.systemInstruction);
  if (system && asArr(system.parts).length === 0) problems.push("systemInstruction has no parts");
  return problems;
}

export function chatStructure(body: Obj): string[] {
  const problems: string[] = [];
  const messages = asArr(body.messages).map((m) => asObj(m) ?? {});
  let open = new Set<string>();
  const known = new Set<string>();
  messages.forEach((message, i) => {
    const where = `messages[${i}]`;
    if (message.role !== "tool" && open.size > 0) {
      problems.push(`tool_calls ${[...open].join(", ")} are not answered by tool messages before ${where}`);
      open = new Set();
    }
    if (message.role === "assistant") {
      const calls = asArr(message.tool_calls).map((c) => asObj(c) ?? {});
      const content = message.content;
      // OpenAI accepted a recorded `content: ""` assistant turn; a turn with no content at all and no calls it rejects.
      if ((content === null || content === undefined) && calls.length === 0) problems.push(`${where} is an assistant turn without content or tool_calls`);
      for (const call of calls) {
        const name = asStr(asObj(call.function)?.name) ?? "";
        if (name === "") problems.push(`${where} has a tool call without a name`);
        const id = asStr(call.id) ?? "";
        if (id === "") problems.push(`${where} has a tool call without an id`);
        open.add(id);
        known.add(id);
      }
    } else if (message.role === "tool") {
      const id = asStr(message.tool_call_id) ?? "";
      if (!known.has(id)) problems.push(`${where} answers ${JSON.stringify(id)}, which no earlier assistant tool_calls issued`);
      open.delete(id);
    }
  });
  if (open.size > 0) problems.push(`tool_calls ${[...open].join(", ")} are never answered`);
  for (const [i, raw] of asArr(body.tools).entries()) {
    const fn = asObj(asObj(raw)?.function);
    const name = asStr(fn?.name) ?? "";
    if (!OPENAI_TOOL_NAME.test(name)) problems.push(`tools[${i}] name ${JSON.stringify(name)} is not a valid OpenAI function name`);
    problems.push(...jsonSchemaProblems(fn?.parameters, `tools[${i}].function.parameters`));
  }
  const jsonSchema = asObj(asObj(body.response_format)?.json_schema);
  if (jsonSchema?.schema !== undefined) problems.push(...jsonSchemaProblems(jsonSchema.schema, "response_format.json_schema.schema"));
  return problems;
}

export function responsesStructure(body: Obj): string[] {
  const problems: string[] = [];
  const items = Array.isArray(body.input) ? body.input.map((m) => asObj(m) ?? {}) : [];
  const calls = new Set<string>();
  const answered = new Set<string>();
  items.forEach((item, i) => {
    if (item.type === "function_call") {
      const id = asStr(item.call_id) ?? "";
      if (id === "") problems.push(`input[${i}] function_call without call_id`);
      if ((asStr(item.name) ?? "") === "") problems.push(`input[${i}] function_call without a name`);
      calls.add(id);
    } else if (item.type === "function_call_output") {
      const id = asStr(item.call_id) ?? "";
      if (!calls.has(id)) problems.push(`input[${i}] function_call_output ${JSON.stringify(id)} answers no earlier function_call`);
      answered.add(id);
    }
  });
  for (const id of calls) if (!answered.has(id)) problems.push(`function_call ${id} has no function_call_output`);
  for (const [i, raw] of asArr(body.tools).entries()) {
    const tool = asObj(raw) ?? {};
    if (tool.type !== "function") continue;
    if (!OPENAI_TOOL_NAME.test(asStr(tool.name) ?? "")) problems.push(`tools[${i}] name ${JSON.stringify(tool.name)} is not a valid OpenAI function name`);
    problems.push(...jsonSchemaProblems(tool.parameters, `tools[${i}].parameters`));
  }
  const format = asObj(asObj(body.text)?.format);
  if (format?.type === "json_schema") problems.push(...jsonSchemaProblems(format.schema, "text.format.schema"));
  return problems;
}

export function wireStructure(format: IRFormat, body: Obj): string[] {
  switch (format) {
    case "anthropic":
      return anthropicStructure(body);
    case "gemini":
      return geminiStructure(body);
    case "openai-chat":
      return chatStructure(body);
    case "openai-responses":
      return responsesStructure(body);
  }
}
