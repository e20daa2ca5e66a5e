import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES } from "../fakes/openai-mock-upstream";

/**
 * What a recorded upstream answer says, read straight from the fixture files — deliberately NOT through
 * src/formats, so the conformance matrix compares the gateway against an independent reading of the wire.
 * Kept simple: a few lines per format, following wire-formats.md.
 */

export type FixtureFormat = "openai-chat" | "openai-responses" | "anthropic" | "gemini";
export const FIXTURE_FORMATS: readonly FixtureFormat[] = ["openai-chat", "openai-responses", "anthropic", "gemini"];

/** Finish reasons in one shared vocabulary (OpenAI Chat's). */
export type NormalFinish = "stop" | "length" | "tool_calls" | "content_filter";

export interface ExpectedToolCall {
  name: string;
  /** Parsed arguments object. */
  args: unknown;
}

/** Token counts in OpenAI's convention (input includes cache reads/writes, output includes reasoning). */
export interface ExpectedUsage {
  input: number;
  output: number;
}

export type AnswerFile = "sse" | "chunks" | "json-array" | "json";

interface CaseBase {
  format: FixtureFormat;
  caseName: string;
  mode: "stream" | "nonstream";
  file: AnswerFile;
}

export interface AnswerExpectation extends CaseBase {
  kind: "answer";
  text: string;
  toolCalls: ExpectedToolCall[];
  reasoning: string;
  finish: NormalFinish;
  /** null when the recording carries no usage at all. */
  usage: ExpectedUsage | null;
}

/** An upstream HTTP error (`error-<status>-….response.json`) or an error inside a stream. */
export interface ErrorExpectation extends CaseBase {
  kind: "error";
  /** HTTP status, or null for an error event inside a 200 stream. */
  status: number | null;
  message: string;
}

export type CaseExpectation = AnswerExpectation | ErrorExpectation;

const ANSWER_SUFFIXES: Array<[string, AnswerFile]> = [
  [".sse", "sse"],
  [".chunks.jsonl", "chunks"],
  [".json-array-stream.json", "json-array"],
  [".response.json", "json"],
];

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
function obj(value: unknown): Json {
  return isObject(value) ? value : {};
}
function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}
function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}
function parseArgs(text: string): unknown {
  return text.trim() === "" ? {} : JSON.parse(text);
}

/** Every case of a format that has a recorded answer, as `[caseName, file]`, sorted by name. */
export function listCases(format: FixtureFormat): Array<{ caseName: string; file: AnswerFile }> {
  const found = new Map<string, AnswerFile>();
  for (const name of readdirSync(join(FIXTURES, format))) {
    for (const [suffix, file] of ANSWER_SUFFIXES) {
      if (name.endsWith(suffix)) {
        found.set(name.slice(0, -suffix.length), file);
        break;
      }
    }
  }
  return [...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([caseName, file]) => ({ caseName, file }));
}

function readText(path: string): string {
  return readFileSync(join(FIXTURES, path), "utf8");
}

/** SSE data payloads (CRLF or LF framing; multi-line data joined; `[DONE]` dropped). */
function sseData(text: string): Json[] {
  const out: Json[] = [];
  for (const frame of text.split(/\r?\n\r?\n/)) {
    const data = frame
      .split(/\r?\n/)
      .filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(5).replace(/^ /, ""))
      .join("\n");
    if (data === "" || data === "[DONE]") continue;
    out.push(obj(JSON.parse(data)));
  }
  return out;
}

/** The upstream's payloads: one body for a non-stream answer, else every streamed chunk in order. */
function payloads(format: FixtureFormat, caseName: string, file: AnswerFile): Json[] {
  const base = `${format}/${caseName}`;
  switch (file) {
    case "sse":
      return sseData(readText(`${base}.sse`));
    case "chunks":
      return readText(`${base}.chunks.jsonl`)
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => obj(JSON.parse(line)));
    case "json-array":
      return arr(JSON.parse(readText(`${base}.json-array-stream.json`))).map(obj);
    case "json":
      return [obj(JSON.parse(readText(`${base}.response.json`)))];
  }
}

interface Reading {
  text: string;
  toolCalls: ExpectedToolCall[];
  reasoning: string;
  finish: NormalFinish;
  usage: ExpectedUsage | null;
}

// ---------- OpenAI Chat ----------

function chatFinish(reason: string, hasTools: boolean): NormalFinish {
  if (reason === "length") return "length";
  if (reason === "content_filter") return "content_filter";
  if (reason === "tool_calls" || reason === "function_call" || hasTools) return "tool_calls";
  return "stop";
}

function chatUsage(usage: unknown): ExpectedUsage | null {
  return isObject(usage) ? { input: num(usage.prompt_tokens), output: num(usage.completion_tokens) } : null;
}

function readChat(chunks: Json[], stream: boolean): Reading {
  if (!stream) {
    const choice = obj(arr(chunks[0]?.choices)[0]);
    const message = obj(choice.message);
    const toolCalls = arr(message.tool_calls).map((call) => {
      const fn = obj(obj(call).function);
      return { name: str(fn.name), args: parseArgs(str(fn.arguments)) };
    });
    return {
      text: str(message.content),
      toolCalls,
      reasoning: str(message.reasoning_content),
      finish: chatFinish(str(choice.finish_reason), toolCalls.length > 0),
      usage: chatUsage(chunks[0]?.usage),
    };
  }
  let text = "";
  let reasoning = "";
  let finish = "";
  let usage: ExpectedUsage | null = null;
  const calls = new Map<number, { name: string; args: string }>();
  for (const chunk of chunks) {
    usage = chatUsage(chunk.usage) ?? usage;
    for (const rawChoice of arr(chunk.choices)) {
      const choice = obj(rawChoice);
      const delta = obj(choice.delta);
      text += str(delta.content);
      reasoning += str(delta.reasoning_content);
      for (const rawCall of arr(delta.tool_calls)) {
        const call = obj(rawCall);
        const index = num(call.index);
        const fn = obj(call.function);
        const entry = calls.get(index) ?? { name: "", args: "" };
        entry.name += str(fn.name);
        entry.args += str(fn.arguments);
        calls.set(index, entry);
      }
      if (typeof choice.finish_reason === "string") finish = choice.finish_reason;
    }
  }
  const toolCalls = [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => ({ name: call.name, args: parseArgs(call.args) }));
  return { text, toolCalls, reasoning, finish: chatFinish(finish, toolCalls.length > 0), usage };
}

// ---------- OpenAI Responses ----------

/** A Responses object (non-stream body, or the one carried by response.completed / response.incomplete). */
function readResponseObject(response: Json): Reading {
  let text = "";
  let reasoning = "";
  const toolCalls: ExpectedToolCall[] = [];
  for (const rawItem of arr(response.output)) {
    const item = obj(rawItem);
    if (item.type === "message") {
      for (const part of arr(item.content)) if (obj(part).type === "output_text") text += str(obj(part).text);
    } else if (item.type === "reasoning") {
      for (const part of arr(item.summary)) reasoning += str(obj(part).text);
    } else if (item.type === "function_call") {
      toolCalls.push({ name: str(item.name), args: parseArgs(str(item.arguments)) });
    }
  }
  let finish: NormalFinish = toolCalls.length > 0 ? "tool_calls" : "stop";
  if (response.status === "incomplete") {
    const reason = str(obj(response.incomplete_details).reason);
    finish = reason === "content_filter" ? "content_filter" : "length";
  }
  const usage = isObject(response.usage) ? { input: num(response.usage.input_tokens), output: num(response.usage.output_tokens) } : null;
  return { text, toolCalls, reasoning, finish, usage };
}

function readResponses(chunks: Json[], stream: boolean): Reading {
  if (!stream) return readResponseObject(chunks[0] ?? {});
  const terminal = chunks.find((event) => event.type === "response.completed" || event.type === "response.incomplete");
  if (!terminal) throw new Error("Responses stream without response.completed/incomplete");
  return readResponseObject(obj(terminal.response));
}

// ---------- Anthropic ----------

function anthropicFinish(reason: string): NormalFinish {
  if (reason === "max_tokens" || reason === "model_context_window_exceeded") return "length";
  if (reason === "tool_use") return "tool_calls";
  if (reason === "refusal") return "content_filter";
  return "stop";
}

/** Cumulative usage: later objects overwrite the fields they carry (as message_delta does). */
function anthropicUsage(parts: Json[]): ExpectedUsage | null {
  if (parts.length === 0) return null;
  const merged: Json = {};
  for (const part of parts) for (const [key, value] of Object.entries(part)) if (value !== null && value !== undefined) merged[key] = value;
  return {
    input: num(merged.input_tokens) + num(merged.cache_read_input_tokens) + num(merged.cache_creation_input_tokens),
    output: num(merged.output_tokens),
  };
}

function readAnthropic(chunks: Json[], stream: boolean): Reading {
  let blocks: Json[];
  let stopReason: string;
  let usageParts: Json[];
  if (!stream) {
    const body = chunks[0] ?? {};
    blocks = arr(body.content).map(obj);
    stopReason = str(body.stop_reason);
    usageParts = isObject(body.usage) ? [body.usage] : [];
  } else {
    const byIndex = new Map<number, Json>();
    const partialJson = new Map<number, string>();
    stopReason = "";
    usageParts = [];
    for (const event of chunks) {
      if (event.type === "message_start") {
        const usage = obj(event.message).usage;
        if (isObject(usage)) usageParts.push(usage);
      } else if (event.type === "content_block_start") {
        byIndex.set(num(event.index), { ...obj(event.content_block) });
      } else if (event.type === "content_block_delta") {
        const block = byIndex.get(num(event.index));
        const delta = obj(event.delta);
        if (!block) continue;
        if (delta.type === "text_delta") block.text = str(block.text) + str(delta.text);
        else if (delta.type === "thinking_delta") block.thinking = str(block.thinking) + str(delta.thinking);
        else if (delta.type === "input_json_delta") partialJson.set(num(event.index), (partialJson.get(num(event.index)) ?? "") + str(delta.partial_json));
      } else if (event.type === "message_delta") {
        stopReason = str(obj(event.delta).stop_reason) || stopReason;
        if (isObject(event.usage)) usageParts.push(event.usage);
      }
    }
    for (const [index, json] of partialJson) {
      const block = byIndex.get(index);
      if (block) block.input = parseArgs(json);
    }
    blocks = [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, block]) => block);
  }
  let text = "";
  let reasoning = "";
  const toolCalls: ExpectedToolCall[] = [];
  for (const block of blocks) {
    if (block.type === "text") text += str(block.text);
    else if (block.type === "thinking") reasoning += str(block.thinking);
    else if (block.type === "tool_use") toolCalls.push({ name: str(block.name), args: block.input ?? {} });
  }
  return { text, toolCalls, reasoning, finish: anthropicFinish(stopReason), usage: anthropicUsage(usageParts) };
}

// ---------- Gemini ----------

const GEMINI_FILTER_REASONS = new Set(["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"]);

function readGemini(chunks: Json[]): Reading {
  let text = "";
  let reasoning = "";
  let finishReason = "";
  let blocked = false;
  let usage: ExpectedUsage | null = null;
  const toolCalls: ExpectedToolCall[] = [];
  for (const chunk of chunks) {
    if (str(obj(chunk.promptFeedback).blockReason) !== "") blocked = true;
    // Running totals: the last chunk's usageMetadata is final.
    if (isObject(chunk.usageMetadata)) {
      const u = chunk.usageMetadata;
      usage = { input: num(u.promptTokenCount) + num(u.toolUsePromptTokenCount), output: num(u.candidatesTokenCount) + num(u.thoughtsTokenCount) };
    }
    const candidate = obj(arr(chunk.candidates)[0]);
    for (const rawPart of arr(obj(candidate.content).parts)) {
      const part = obj(rawPart);
      if (isObject(part.functionCall)) toolCalls.push({ name: str(part.functionCall.name), args: part.functionCall.args ?? {} });
      else if (part.thought === true) reasoning += str(part.text);
      else text += str(part.text);
    }
    if (typeof candidate.finishReason === "string") finishReason = candidate.finishReason;
  }
  let finish: NormalFinish = "stop";
  if (blocked || GEMINI_FILTER_REASONS.has(finishReason)) finish = "content_filter";
  else if (finishReason === "MAX_TOKENS") finish = "length";
  else if (toolCalls.length > 0) finish = "tool_calls";
  return { text, toolCalls, reasoning, finish, usage };
}

// ---------- errors ----------

function errorMessage(body: Json): string {
  const error = body.error;
  if (isObject(error)) return str(error.message);
  return str(body.message) || str(error);
}

/** Reads one recorded case. */
export function readCase(format: FixtureFormat, caseName: string, file: AnswerFile): CaseExpectation {
  const mode = file === "json" ? "nonstream" : "stream";
  const base: CaseBase = { format, caseName, mode, file };
  const chunks = payloads(format, caseName, file);
  const httpError = /^error-(\d{3})/.exec(caseName);
  if (httpError && file === "json") {
    return { ...base, kind: "error", status: Number(httpError[1]), message: errorMessage(chunks[0] ?? {}) };
  }
  const streamError = chunks.find((chunk) => chunk.type === "error" || isObject(chunk.error));
  if (streamError) return { ...base, kind: "error", status: null, message: errorMessage(streamError) };
  const stream = mode === "stream";
  const reading =
    format === "openai-chat"
      ? readChat(chunks, stream)
      : format === "openai-responses"
        ? readResponses(chunks, stream)
        : format === "anthropic"
          ? readAnthropic(chunks, stream)
          : readGemini(chunks);
  return { ...base, kind: "answer", ...reading };
}

/** Every recorded case of every format, answers and errors alike. */
export function allCases(): CaseExpectation[] {
  const out: CaseExpectation[] = [];
  for (const format of FIXTURE_FORMATS) for (const { caseName, file } of listCases(format)) out.push(readCase(format, caseName, file));
  return out;
}

/** Whether the case's recorded request was a streaming one (errors recorded on stream:true requests). */
export function recordedRequestStreamed(format: FixtureFormat, caseName: string): boolean {
  const path = join(FIXTURES, `${format}/${caseName}.request.json`);
  if (!existsSync(path)) return false;
  return obj(JSON.parse(readFileSync(path, "utf8"))).stream === true;
}
