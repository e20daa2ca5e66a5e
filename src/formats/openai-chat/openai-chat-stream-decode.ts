import type { StreamDecoder } from "../../ir/format-adapter";
import type { IRError, IRFinishReason, IRStreamEvent } from "../../ir/ir-types";
import { SseReader } from "../shared/sse-lines";
import { readUpstreamError } from "./openai-chat-error";
import {
  isRecord,
  readChatFinishReason,
  readChatUsage,
  syntheticToolCallId,
  type JsonRecord,
} from "./openai-chat-response-decode";
import { ThinkTagExtractor } from "./openai-chat-think-tags";

type Emit = (event: IRStreamEvent) => void;

interface ToolState {
  id: string;
  name: string;
  /** IR block index once block_start went out; -1 while we still wait for the name. */
  index: number;
  /** Argument text that arrived before the name (emitted with block_start). */
  buffered: string;
  hasArgs: boolean;
  closed: boolean;
}

const NO_EMIT: Emit = () => {};

/** HTTP status for a mid-stream error object that carries none. */
function statusForErrorType(type: unknown): number {
  switch (type) {
    case "invalid_request_error":
      return 400;
    case "authentication_error":
      return 401;
    case "permission_error":
      return 403;
    case "not_found_error":
      return 404;
    case "rate_limit_error":
    case "rate_limit_exceeded":
    case "insufficient_quota":
      return 429;
    case "overloaded_error":
      return 529;
    default:
      return 500;
  }
}

/** A `{"error":{…}}` payload inside the stream → IR error. */
function streamError(payload: JsonRecord, data: string): IRError {
  const raw = payload.error;
  const error = isRecord(raw) ? raw : {};
  const status =
    typeof error.code === "number" && error.code >= 400 && error.code < 600
      ? error.code
      : typeof error.status === "number" && error.status >= 400 && error.status < 600
        ? error.status
        : statusForErrorType(error.type);
  const fields = readUpstreamError(status, data);
  return { status, type: fields.type, message: fields.message, code: fields.code, param: fields.param };
}

/**
 * OpenAI Chat SSE → IR events. Text, reasoning (`reasoning_content` / `reasoning` / a leading `<think>`) and
 * tool calls become sequential IR blocks; a change of kind or of tool index closes the open block. The finish
 * event is held until `[DONE]` (or the body's end) so the usage chunk that follows the finish chunk lands first.
 */
export class ChatStreamDecoder implements StreamDecoder {
  #reader = new SseReader();
  #emit: Emit = NO_EMIT;
  #started = false;
  #done = false;
  #id = "";
  #model = "";
  #created = 0;
  #nextIndex = 0;
  /** Kind of the open block; "tool" with #openTool set. */
  #open: "text" | "thinking" | "tool" | null = null;
  #openIndex = -1;
  #openTool: ToolState | null = null;
  #tools = new Map<number | string, ToolState>();
  #sawToolCall = false;
  #finish: IRFinishReason | null = null;
  #refusal = "";
  #think: ThinkTagExtractor;

  constructor() {
    this.#think = new ThinkTagExtractor({
      thinking: (text) => this.#thinkingText(text),
      text: (text) => this.#plainText(text),
    });
  }

  push(text: string, emit: Emit): void {
    if (this.#done) return;
    this.#emit = emit;
    this.#reader.push(text, this.#onData);
  }

  end(emit: Emit): void {
    if (this.#done) return;
    this.#emit = emit;
    this.#reader.end(this.#onData);
    if (!this.#done) this.#finishAll();
  }

  #onData = (data: string): void => {
    if (this.#done) return;
    if (data === "[DONE]") {
      this.#finishAll();
      return;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return; // keep-alive noise or a truncated line: nothing to translate
    }
    if (!isRecord(chunk)) return;
    // OpenAI sends a bare {"error":…}; OpenRouter puts `error` on a normal chunk with finish_reason "error".
    if (isRecord(chunk.error) || typeof chunk.error === "string") {
      this.#ensureStart();
      this.#emit({ type: "error", error: streamError(chunk, data) });
      this.#emit({ type: "end" });
      this.#done = true;
      return;
    }
    // Azure's first chunk has empty id/model (prompt_filter_results only): keep the first real values.
    if (!this.#id && typeof chunk.id === "string") this.#id = chunk.id;
    if (!this.#model && typeof chunk.model === "string") this.#model = chunk.model;
    if (!this.#created && typeof chunk.created === "number") this.#created = chunk.created;

    const choices = chunk.choices;
    if (Array.isArray(choices) && choices.length > 0) {
      this.#ensureStart(); // the first real chunk (role only) already tells the client the answer began
      const choice = choices[0];
      if (isRecord(choice) && (choice.index === 0 || choice.index === undefined)) this.#choice(choice);
    }
    if (chunk.usage !== undefined && chunk.usage !== null) {
      const usage = readChatUsage(chunk.usage);
      if (usage) {
        this.#ensureStart();
        this.#emit({ type: "usage", usage });
      }
    }
  };

  #choice(choice: JsonRecord): void {
    const delta = choice.delta;
    if (isRecord(delta)) {
      const reasoning =
        typeof delta.reasoning_content === "string"
          ? delta.reasoning_content
          : typeof delta.reasoning === "string"
            ? delta.reasoning
            : "";
      if (reasoning) this.#thinkingText(reasoning);
      const content = delta.content;
      if (typeof content === "string" && content) this.#think.push(content);
      if (typeof delta.refusal === "string") this.#refusal += delta.refusal;
      const toolCalls = delta.tool_calls;
      if (Array.isArray(toolCalls)) {
        for (let i = 0; i < toolCalls.length; i++) {
          const call = toolCalls[i];
          if (isRecord(call)) this.#toolDelta(call);
        }
      } else if (isRecord(delta.function_call)) {
        this.#toolDelta({ index: "legacy-function-call", function: delta.function_call });
      }
    }
    const finish = readChatFinishReason(choice.finish_reason);
    if (finish !== null) {
      this.#finish = finish;
      this.#think.end();
      this.#closeOpen();
    }
  }

  #toolDelta(call: JsonRecord): void {
    const fn = isRecord(call.function) ? call.function : undefined;
    const id = typeof call.id === "string" ? call.id : "";
    const key = this.#toolKey(call.index, id);
    let tool = this.#tools.get(key);
    if (!tool) {
      // A new call: pending `<think>` detection and the open block end here.
      this.#think.end();
      this.#closeOpen();
      tool = { id, name: "", index: -1, buffered: "", hasArgs: false, closed: false };
      this.#tools.set(key, tool);
      this.#open = "tool";
      this.#openTool = tool;
    } else if (tool.closed) {
      return; // IR blocks cannot reopen; an upstream interleaving fragments of finished calls is not supported
    }
    if (!tool.id && id) tool.id = id;
    if (!tool.name && fn && typeof fn.name === "string" && fn.name) tool.name = fn.name;
    const rawArgs = fn?.arguments;
    const args = typeof rawArgs === "string" ? rawArgs : isRecord(rawArgs) ? JSON.stringify(rawArgs) : "";
    if (tool.index === -1) {
      if (args) tool.buffered += args;
      if (tool.name) this.#startTool(tool);
      return;
    }
    if (args) {
      if (args.trim()) tool.hasArgs = true;
      this.#emit({ type: "tool_args_delta", index: tool.index, json: args });
    }
  }

  /** Calls are keyed by `index`; a server that omits it is followed by id, else the open call continues. */
  #toolKey(index: unknown, id: string): number | string {
    if (typeof index === "number" || typeof index === "string") return index;
    if (id) {
      for (const [key, tool] of this.#tools) if (tool.id === id) return key;
      return `id:${id}`;
    }
    if (this.#openTool) {
      for (const [key, tool] of this.#tools) if (tool === this.#openTool) return key;
    }
    return `position:${this.#tools.size}`;
  }

  #startTool(tool: ToolState): void {
    this.#ensureStart();
    if (!tool.id) tool.id = syntheticToolCallId();
    tool.index = this.#nextIndex++;
    this.#sawToolCall = true;
    this.#emit({ type: "block_start", index: tool.index, block: { kind: "tool_call", id: tool.id, name: tool.name } });
    if (tool.buffered) {
      if (tool.buffered.trim()) tool.hasArgs = true;
      this.#emit({ type: "tool_args_delta", index: tool.index, json: tool.buffered });
      tool.buffered = "";
    }
  }

  #thinkingText(text: string): void {
    if (this.#open !== "thinking") this.#openBlock("thinking");
    this.#emit({ type: "thinking_delta", index: this.#openIndex, text });
  }

  #plainText(text: string): void {
    if (this.#open !== "text") this.#openBlock("text");
    this.#emit({ type: "text_delta", index: this.#openIndex, text });
  }

  #openBlock(kind: "text" | "thinking"): void {
    this.#closeOpen();
    this.#ensureStart();
    this.#open = kind;
    this.#openIndex = this.#nextIndex++;
    this.#emit({ type: "block_start", index: this.#openIndex, block: { kind } });
  }

  #closeOpen(): void {
    if (this.#open === null) return;
    if (this.#open === "tool") {
      const tool = this.#openTool!;
      tool.closed = true;
      this.#openTool = null;
      this.#open = null;
      // A call whose name never arrived cannot be executed by anyone: it is dropped.
      if (tool.index === -1) return;
      if (!tool.hasArgs) this.#emit({ type: "tool_args_delta", index: tool.index, json: "{}" });
      this.#emit({ type: "block_stop", index: tool.index });
      return;
    }
    this.#emit({ type: "block_stop", index: this.#openIndex });
    this.#open = null;
  }

  #ensureStart(): void {
    if (this.#started) return;
    this.#started = true;
    this.#emit({
      type: "start",
      id: this.#id,
      model: this.#model,
      created: this.#created || Math.floor(Date.now() / 1000),
    });
  }

  #finishAll(): void {
    this.#think.end();
    this.#closeOpen();
    this.#ensureStart();
    let reason = this.#finish ?? "stop";
    if (reason === "stop" && this.#sawToolCall) reason = "tool_calls";
    this.#emit(this.#refusal ? { type: "finish", reason, refusal: this.#refusal } : { type: "finish", reason });
    this.#emit({ type: "end" });
    this.#done = true;
  }
}
