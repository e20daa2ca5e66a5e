import { AccountHealth } from "../../src/routing/account-health";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { type GenerateContentResponse, GoogleGenAI } from "@google/genai";
import OpenAI from "openai";
import { connectFormat, fixtureReply, type RecordedReply, type SeenRequest, startRecordedUpstream } from "../fakes/recorded-upstream";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";
import { type CellResult, failureLines, type RowResult, SURFACES, type Surface, summarize, writeConformance } from "../support/conformance-report";
import {
  allCases,
  type AnswerExpectation,
  type CaseExpectation,
  type ErrorExpectation,
  type ExpectedToolCall,
  type ExpectedUsage,
  type FixtureFormat,
  type NormalFinish,
  recordedRequestStreamed,
} from "../support/fixture-expectations";

/*
 * Translation conformance matrix: every recorded upstream answer (shared/fixtures/<format>/) × every inbound
 * surface, called through the official SDKs. Each cell is independent; results go to docs/conformance.md and
 * the test fails at the end if any cell failed, listing them.
 */

const DOC_PATH = join(import.meta.dir, "..", "..", "docs", "conformance.md");
const PROMPT = "Answer as recorded.";
const CELL_TIMEOUT_MS = 8000;
const encoder = new TextEncoder();

/** What one SDK call parsed, in neutral terms (finish already mapped back from the client's vocabulary). */
interface Observed {
  text: string;
  toolCalls: ExpectedToolCall[];
  reasoning: string;
  /** Normalised finish, or `?<raw>` when the client value has no mapping. */
  finish: string;
  /** The finish as the client saw it, for failure messages. */
  finishRaw: string;
  usage: ExpectedUsage | null;
  /** Inconsistencies the SDK output showed on its own (e.g. Responses deltas ≠ response.completed). */
  problems: string[];
}

interface CellRequest {
  model: string;
  stream: boolean;
  /** Tool names the answer uses: declared in the request so it looks like a real tool-using call. */
  toolNames: string[];
  signal: AbortSignal;
  /** Gemini only: which API version path the SDK uses. */
  geminiApiVersion: "v1" | "v1beta";
}

let gw: TestGateway;
let upstream: ReturnType<typeof startRecordedUpstream>;
const models = {} as Record<FixtureFormat, string>;
let openai: OpenAI;
let anthropic: Anthropic;
let geminiV1: GoogleGenAI;
let geminiV1beta: GoogleGenAI;

/** The cell being run: the one fake upstream answers with this case's recording. */
let current: { format: FixtureFormat; caseName: string; surface: Surface } | null = null;
const replyCache = new Map<string, RecordedReply>();

function recordedReply(format: FixtureFormat, caseName: string): RecordedReply {
  const key = `${format}/${caseName}`;
  let reply = replyCache.get(key);
  if (!reply) {
    reply = fixtureReply(format, caseName).reply;
    replyCache.set(key, reply);
  }
  return reply;
}

/**
 * A Gemini streamed-JSON-array recording, re-framed as SSE. Used only when a Gemini client (pass-through) asked for
 * `alt=sse`: the real API answers in the framing requested, and @google/genai can only read SSE.
 */
function jsonArrayAsSse(reply: RecordedReply): RecordedReply {
  const text = reply.pieces.map((piece) => new TextDecoder().decode(piece)).join("");
  const items = JSON.parse(text) as unknown[];
  return { ...reply, contentType: "text/event-stream", pieces: items.map((item) => encoder.encode(`data: ${JSON.stringify(item)}\r\n\r\n`)) };
}

/**
 * A recording whose last SSE event lacks its closing blank line (a trimmed capture), completed. Used only for
 * pass-through cells, where the gateway rightly forwards the bytes untouched and the SDK, written for the real
 * API (which always closes its events), would reject the dangling event. Translated cells get the exact bytes.
 */
function closeLastSseEvent(reply: RecordedReply): RecordedReply {
  const last = reply.pieces.at(-1);
  if (!last) return reply;
  const tail = new TextDecoder().decode(last.slice(-4));
  if (tail.endsWith("\n\n") || tail.endsWith("\r\n\r\n")) return reply;
  const lineEnd = tail.endsWith("\r\n") ? "\r\n" : tail.endsWith("\n") ? "\n" : "\n\n";
  return { ...reply, pieces: [...reply.pieces, encoder.encode(lineEnd)] };
}

function replyFor(request: SeenRequest): RecordedReply {
  if (!current) return { status: 500, contentType: "application/json", pieces: [encoder.encode('{"error":{"message":"no cell is running"}}')] };
  const reply = recordedReply(current.format, current.caseName);
  const passThrough = current.surface === current.format;
  const jsonArray = reply.contentType === "application/json" && reply.status === 200 && request.path.includes(":streamGenerateContent");
  if (jsonArray && passThrough && request.query.includes("alt=sse")) return jsonArrayAsSse(reply);
  if (passThrough && reply.contentType === "text/event-stream") return closeLastSseEvent(reply);
  return reply;
}

beforeAll(async () => {
  upstream = startRecordedUpstream(replyFor);
  gw = await startTestGateway();
  for (const format of ["openai-chat", "openai-responses", "anthropic", "gemini"] as const) models[format] = await connectFormat(gw, format, upstream.url);
  openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: "x", maxRetries: 0 });
  anthropic = new Anthropic({ baseURL: gw.url, apiKey: "x", maxRetries: 0 });
  geminiV1 = new GoogleGenAI({ apiKey: "x", httpOptions: { baseUrl: gw.url } });
  geminiV1beta = new GoogleGenAI({ apiKey: "x", apiVersion: "v1beta", httpOptions: { baseUrl: gw.url } });
});

afterAll(async () => {
  await gw?.stop();
  upstream?.stop();
});

// ---------- small helpers ----------

type Json = Record<string, unknown>;
function asJson(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};
}
function str(value: unknown): string {
  return typeof value === "string" ? value : "";
}
function num(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}
function parseArgs(text: string, problems: string[]): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch {
    problems.push(`tool arguments are not JSON: ${JSON.stringify(text.slice(0, 60))}`);
    return text;
  }
}
function preview(text: string): string {
  const oneLine = JSON.stringify(text);
  return oneLine.length > 60 ? `${oneLine.slice(0, 40)}…${oneLine.slice(-16)} (${text.length} chars)` : oneLine;
}
function firstDifference(got: string, want: string): string {
  let i = 0;
  while (i < got.length && i < want.length && got[i] === want[i]) i++;
  return `differs at char ${i}: got ${preview(got.slice(i, i + 30))}, want ${preview(want.slice(i, i + 30))} (got ${got.length} chars, want ${want.length})`;
}
function noSpace(text: string): string {
  return text.replace(/\s+/g, "");
}

// ---------- SDK calls per surface: each returns what the SDK parsed ----------

function toolsFor(names: string[]) {
  return {
    chat: names.map((name) => ({ type: "function" as const, function: { name, parameters: { type: "object", properties: {} } } })),
    responses: names.map((name) => ({ type: "function" as const, name, parameters: { type: "object", properties: {} }, strict: false })),
    anthropic: names.map((name) => ({ name, input_schema: { type: "object" as const, properties: {} } })),
    gemini: [{ functionDeclarations: names.map((name) => ({ name, parametersJsonSchema: { type: "object", properties: {} } })) }],
  };
}

const CHAT_FINISH: Record<string, NormalFinish> = { stop: "stop", length: "length", tool_calls: "tool_calls", content_filter: "content_filter" };

async function callChat(req: CellRequest): Promise<Observed> {
  const tools = toolsFor(req.toolNames).chat;
  const base = { model: req.model, messages: [{ role: "user" as const, content: PROMPT }], ...(tools.length > 0 ? { tools } : {}) };
  const problems: string[] = [];
  if (!req.stream) {
    const completion = await openai.chat.completions.create(base, { signal: req.signal });
    const choice = completion.choices[0];
    if (!choice) throw new Error("completion has no choices");
    const message = choice.message;
    const finishRaw = String(choice.finish_reason);
    return {
      text: message.content ?? "",
      toolCalls: (message.tool_calls ?? []).map((call) => {
        const fn = asJson(asJson(call).function);
        return { name: str(fn.name), args: parseArgs(str(fn.arguments), problems) };
      }),
      reasoning: str(asJson(message).reasoning_content),
      finish: CHAT_FINISH[finishRaw] ?? `?${finishRaw}`,
      finishRaw,
      usage: completion.usage ? { input: completion.usage.prompt_tokens, output: completion.usage.completion_tokens } : null,
      problems,
    };
  }
  const stream = await openai.chat.completions.create({ ...base, stream: true, stream_options: { include_usage: true } }, { signal: req.signal });
  let text = "";
  let reasoning = "";
  let finishRaw = "";
  let usage: ExpectedUsage | null = null;
  const calls = new Map<number, { name: string; args: string }>();
  for await (const chunk of stream) {
    if (chunk.usage) usage = { input: chunk.usage.prompt_tokens, output: chunk.usage.completion_tokens };
    for (const choice of chunk.choices) {
      const delta = choice.delta;
      text += delta.content ?? "";
      reasoning += str(asJson(delta).reasoning_content);
      for (const call of delta.tool_calls ?? []) {
        const entry = calls.get(call.index) ?? { name: "", args: "" };
        entry.name += call.function?.name ?? "";
        entry.args += call.function?.arguments ?? "";
        calls.set(call.index, entry);
      }
      if (choice.finish_reason) finishRaw = choice.finish_reason;
    }
  }
  return {
    text,
    toolCalls: [...calls.entries()].sort(([a], [b]) => a - b).map(([, call]) => ({ name: call.name, args: parseArgs(call.args, problems) })),
    reasoning,
    finish: CHAT_FINISH[finishRaw] ?? `?${finishRaw || "(none)"}`,
    finishRaw: finishRaw || "(none)",
    usage,
    problems,
  };
}

/** Reads a Responses `response` object (non-stream body, or the one in response.completed/incomplete). */
function readResponsesObject(response: Json, problems: string[]) {
  let text = "";
  let reasoning = "";
  let refused = false;
  const toolCalls: ExpectedToolCall[] = [];
  for (const raw of Array.isArray(response.output) ? response.output : []) {
    const item = asJson(raw);
    if (item.type === "message") {
      for (const part of Array.isArray(item.content) ? item.content : []) {
        if (asJson(part).type === "output_text") text += str(asJson(part).text);
        else if (asJson(part).type === "refusal") refused = true;
      }
    } else if (item.type === "reasoning") {
      for (const part of Array.isArray(item.summary) ? item.summary : []) reasoning += str(asJson(part).text);
    } else if (item.type === "function_call") {
      toolCalls.push({ name: str(item.name), args: parseArgs(str(item.arguments), problems) });
    }
  }
  const status = str(response.status);
  const reason = str(asJson(response.incomplete_details).reason);
  let finish: string;
  // A refusal is either `incomplete` (content_filter) or, as OpenAI itself sends it, `completed` with a refusal part.
  if (status === "completed") finish = toolCalls.length > 0 ? "tool_calls" : refused ? "content_filter" : "stop";
  else if (status === "incomplete" && reason === "max_output_tokens") finish = "length";
  else if (status === "incomplete" && reason === "content_filter") finish = "content_filter";
  else finish = `?${status}${reason ? `/${reason}` : ""}`;
  const usageJson = asJson(response.usage);
  const usage = "input_tokens" in usageJson ? { input: num(usageJson.input_tokens), output: num(usageJson.output_tokens) } : null;
  return { text, reasoning, toolCalls, finish, finishRaw: reason ? `${status} (${reason})` : status || "(none)", usage };
}

async function callResponses(req: CellRequest): Promise<Observed> {
  const tools = toolsFor(req.toolNames).responses;
  const base = { model: req.model, input: PROMPT, ...(tools.length > 0 ? { tools } : {}) };
  const problems: string[] = [];
  if (!req.stream) {
    const response = await openai.responses.create(base, { signal: req.signal });
    return { ...readResponsesObject(asJson(response), problems), problems };
  }
  const stream = await openai.responses.create({ ...base, stream: true }, { signal: req.signal });
  let text = "";
  let reasoning = "";
  const toolCalls: ExpectedToolCall[] = [];
  let terminal: Json | null = null;
  for await (const event of stream) {
    if (event.type === "response.output_text.delta") text += event.delta;
    else if (event.type === "response.reasoning_summary_text.delta") reasoning += event.delta;
    else if (event.type === "response.output_item.done" && event.item.type === "function_call") {
      toolCalls.push({ name: event.item.name, args: parseArgs(event.item.arguments, problems) });
    } else if (event.type === "response.completed" || event.type === "response.incomplete" || event.type === "response.failed") {
      terminal = asJson(event.response);
    }
  }
  if (!terminal) {
    problems.push("stream ended without response.completed/incomplete");
    return { text, reasoning, toolCalls, finish: "?(none)", finishRaw: "(no terminal event)", usage: null, problems };
  }
  const final = readResponsesObject(terminal, problems);
  // The terminal event carries the whole response; clients such as Codex read it rather than the deltas.
  if (final.text !== text) problems.push(`response.completed output text ≠ streamed deltas (${firstDifference(final.text, text)})`);
  if (JSON.stringify(final.toolCalls) !== JSON.stringify(toolCalls)) problems.push(`response.completed function_call items ≠ output_item.done items`);
  if (noSpace(final.reasoning) !== noSpace(reasoning)) problems.push("response.completed reasoning summary ≠ streamed summary deltas");
  return { text, reasoning, toolCalls, finish: final.finish, finishRaw: final.finishRaw, usage: final.usage, problems };
}

const ANTHROPIC_FINISH: Record<string, NormalFinish> = { end_turn: "stop", stop_sequence: "stop", max_tokens: "length", tool_use: "tool_calls", refusal: "content_filter" };

async function callAnthropic(req: CellRequest): Promise<Observed> {
  const tools = toolsFor(req.toolNames).anthropic;
  const base = { model: req.model, max_tokens: 1024, messages: [{ role: "user" as const, content: PROMPT }], ...(tools.length > 0 ? { tools } : {}) };
  const message = req.stream ? await anthropic.messages.stream(base, { signal: req.signal }).finalMessage() : await anthropic.messages.create(base, { signal: req.signal });
  let text = "";
  let reasoning = "";
  const toolCalls: ExpectedToolCall[] = [];
  for (const block of message.content) {
    if (block.type === "text") text += block.text;
    else if (block.type === "thinking") reasoning += block.thinking;
    else if (block.type === "tool_use") toolCalls.push({ name: block.name, args: block.input });
  }
  const finishRaw = String(message.stop_reason);
  const u = message.usage;
  return {
    text,
    toolCalls,
    reasoning,
    finish: ANTHROPIC_FINISH[finishRaw] ?? `?${finishRaw}`,
    finishRaw,
    usage: u ? { input: (u.input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0), output: u.output_tokens ?? 0 } : null,
    problems: [],
  };
}

const GEMINI_FILTER = new Set(["SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY"]);

async function callGemini(req: CellRequest): Promise<Observed> {
  const client = req.geminiApiVersion === "v1beta" ? geminiV1beta : geminiV1;
  const tools = req.toolNames.length > 0 ? toolsFor(req.toolNames).gemini : undefined;
  const params = { model: req.model, contents: PROMPT, config: { abortSignal: req.signal, ...(tools ? { tools } : {}) } };
  const chunks: GenerateContentResponse[] = [];
  if (req.stream) for await (const chunk of await client.models.generateContentStream(params)) chunks.push(chunk);
  else chunks.push(await client.models.generateContent(params));
  let text = "";
  let reasoning = "";
  let finishRaw = "";
  let blocked = "";
  let usage: ExpectedUsage | null = null;
  const toolCalls: ExpectedToolCall[] = [];
  for (const chunk of chunks) {
    if (chunk.promptFeedback?.blockReason) blocked = String(chunk.promptFeedback.blockReason);
    const u = chunk.usageMetadata;
    if (u) usage = { input: (u.promptTokenCount ?? 0) + (u.toolUsePromptTokenCount ?? 0), output: (u.candidatesTokenCount ?? 0) + (u.thoughtsTokenCount ?? 0) };
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.functionCall) toolCalls.push({ name: part.functionCall.name ?? "", args: part.functionCall.args ?? {} });
      else if (part.thought) reasoning += part.text ?? "";
      else text += part.text ?? "";
    }
    if (candidate?.finishReason) finishRaw = String(candidate.finishReason);
  }
  let finish: string;
  if (GEMINI_FILTER.has(finishRaw) || (blocked && !finishRaw)) finish = "content_filter";
  else if (finishRaw === "MAX_TOKENS") finish = "length";
  else if (finishRaw === "STOP") finish = toolCalls.length > 0 ? "tool_calls" : "stop";
  else finish = `?${finishRaw || "(none)"}`;
  return { text, toolCalls, reasoning, finish, finishRaw: finishRaw || (blocked ? `promptFeedback.blockReason ${blocked}` : "(none)"), usage, problems: [] };
}

const CALLERS: Record<Surface, (req: CellRequest) => Promise<Observed>> = {
  "openai-chat": callChat,
  "openai-responses": callResponses,
  anthropic: callAnthropic,
  gemini: callGemini,
};

/** The expected finish in the client's own words, for failure messages. */
const FINISH_WORDS: Record<Surface, Record<NormalFinish, string>> = {
  "openai-chat": { stop: "stop", length: "length", tool_calls: "tool_calls", content_filter: "content_filter" },
  "openai-responses": {
    stop: "completed",
    length: "incomplete (max_output_tokens)",
    tool_calls: "completed + function_call",
    content_filter: "incomplete (content_filter) or completed + refusal part",
  },
  anthropic: { stop: "end_turn", length: "max_tokens", tool_calls: "tool_use", content_filter: "refusal" },
  gemini: { stop: "STOP", length: "MAX_TOKENS", tool_calls: "STOP + functionCall", content_filter: "SAFETY" },
};

// ---------- comparing ----------

function compareAnswer(surface: Surface, want: AnswerExpectation, got: Observed): string[] {
  const reasons: string[] = [...got.problems];
  if (got.text !== want.text) reasons.push(`text ${firstDifference(got.text, want.text)}`);
  const gotNames = got.toolCalls.map((call) => call.name);
  const wantNames = want.toolCalls.map((call) => call.name);
  if (JSON.stringify(gotNames) !== JSON.stringify(wantNames)) {
    reasons.push(`tool calls: got [${gotNames.join(", ")}], want [${wantNames.join(", ")}]`);
  } else {
    want.toolCalls.forEach((call, i) => {
      const gotArgs = got.toolCalls[i]?.args;
      if (!Bun.deepEquals(gotArgs, call.args, true)) reasons.push(`tool ${call.name}#${i} args: got ${JSON.stringify(gotArgs)}, want ${JSON.stringify(call.args)}`);
    });
  }
  // Thinking blocks may be joined with separators: compare reasoning text without whitespace.
  if (noSpace(got.reasoning) !== noSpace(want.reasoning)) {
    reasons.push(want.reasoning === "" ? `unexpected reasoning ${preview(got.reasoning)}` : got.reasoning === "" ? `reasoning missing (want ${want.reasoning.length} chars)` : `reasoning ${firstDifference(got.reasoning, want.reasoning)}`);
  }
  if (got.finish !== want.finish) reasons.push(`finish: got ${got.finishRaw}, want ${FINISH_WORDS[surface][want.finish]}`);
  if (want.usage) {
    if (!got.usage) reasons.push("usage missing");
    else if (got.usage.input !== want.usage.input || got.usage.output !== want.usage.output) {
      reasons.push(`usage: got in ${got.usage.input}/out ${got.usage.output}, want in ${want.usage.input}/out ${want.usage.output}`);
    }
  }
  return reasons;
}

function errorStatus(error: unknown): number | undefined {
  const status = asJson(error).status;
  return typeof status === "number" ? status : undefined;
}

function compareError(want: ErrorExpectation, error: unknown): string[] {
  const reasons: string[] = [];
  const message = error instanceof Error ? error.message : String(error);
  const status = errorStatus(error);
  if (want.status !== null && status !== want.status) reasons.push(`status: got ${status ?? "none"}, want ${want.status} (${preview(message)})`);
  const escaped = JSON.stringify(want.message).slice(1, -1);
  if (!message.includes(want.message) && !message.includes(escaped)) reasons.push(`message ${preview(message)} lacks upstream message ${preview(want.message)}`);
  return reasons;
}

// ---------- running the matrix ----------

async function runCell(expectation: CaseExpectation, surface: Surface, rowIndex: number): Promise<CellResult> {
  // Error cells provoke upstream failures on purpose; a cell must not inherit the previous one's cool-down.
  gw.gateway.runtime.health = new AccountHealth();
  const passThrough = expectation.format === surface;
  const stream = expectation.kind === "answer" ? expectation.mode === "stream" : expectation.status === null || recordedRequestStreamed(expectation.format, expectation.caseName);
  const request: CellRequest = {
    model: models[expectation.format],
    stream,
    toolNames: expectation.kind === "answer" ? [...new Set(expectation.toolCalls.map((call) => call.name))] : [],
    signal: AbortSignal.timeout(CELL_TIMEOUT_MS),
    geminiApiVersion: rowIndex % 2 === 0 ? "v1" : "v1beta",
  };
  current = { format: expectation.format, caseName: expectation.caseName, surface };
  let reasons: string[];
  try {
    const observed = await CALLERS[surface](request);
    reasons = expectation.kind === "answer" ? compareAnswer(surface, expectation, observed) : [`no error thrown (got text ${preview(observed.text)}, finish ${observed.finishRaw})`];
  } catch (error) {
    if (expectation.kind === "error") reasons = compareError(expectation, error);
    else {
      const status = errorStatus(error);
      const message = error instanceof Error ? error.message : String(error);
      reasons = [`SDK threw${status ? ` HTTP ${status}` : ""}: ${message.slice(0, 160)}`];
    }
  } finally {
    current = null;
  }
  return { surface, passed: reasons.length === 0, passThrough, reasons };
}

function describeRow(expectation: CaseExpectation): string {
  if (expectation.kind === "answer") return "answer";
  return expectation.status === null ? "mid-stream error" : `HTTP ${expectation.status} error`;
}

const NOTES = [
  "Gemini cells alternate between the SDK's default `/v1/models/…` paths and `apiVersion: \"v1beta\"` (`/v1beta/models/…`), row by row.",
  "`gemini/tool-json-array-stream.turn1` is a streamed JSON array (no `alt=sse`); it is replayed byte-exact to the translated cells. " +
    "For the Gemini pass-through cell the SDK asks for `alt=sse`, so the fake upstream sends the same chunks as SSE, as the real API would.",
  "`gemini/prompt-blocked-stream` was captured without the blank line that closes its last SSE event; the pass-through cell gets the " +
    "event closed (the gateway forwards bytes untouched and the SDK needs a closed event, which the real API always sends). Translated cells get the exact bytes.",
  "Responses: a refusal counts as `content_filter` when it is `incomplete` (`content_filter`) or `completed` with a `refusal` content part (OpenAI's own shape).",
  "Chat clients stream with `stream_options.include_usage`; reasoning is compared without whitespace (thinking blocks may be joined with blank lines).",
];

describe("translation conformance matrix (recorded upstream answers × client SDKs)", () => {
  test("every fixture case through every surface", async () => {
    const cases = allCases();
    expect(cases.length).toBeGreaterThan(40);
    const rows: RowResult[] = [];
    for (const [rowIndex, expectation] of cases.entries()) {
      const cells: CellResult[] = [];
      for (const surface of SURFACES) cells.push(await runCell(expectation, surface, rowIndex));
      rows.push({ fixture: `${expectation.format}/${expectation.caseName}`, mode: expectation.mode, what: describeRow(expectation), cells });
    }
    writeConformance(DOC_PATH, rows, NOTES);
    const s = summarize(rows);
    console.log(`conformance matrix: ${s.total} cells, ${s.passed} pass (${s.passThrough} pass-through), ${s.failed} fail → docs/conformance.md`);
    const failures = failureLines(rows);
    if (failures.length > 0) console.log(`failing cells:\n  ${failures.join("\n  ")}`);
    expect(failures).toEqual([]);
  }, 60_000);
});
