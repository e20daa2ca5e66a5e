import { readSignature } from "../../ir/foreign-signature";
import type { StreamDecoder } from "../../ir/format-adapter";
import { REDACTED_THINKING_ITEM, type IRSignature, type IRStreamEvent } from "../../ir/ir-types";
import { SseReader } from "../shared/sse-lines";
import { statusForAnthropicErrorType } from "./anthropic-error";
import { isObject, optionalString, type JsonObject } from "./anthropic-json";
import { refusalExplanation } from "./anthropic-response-decode";
import { stopReasonToIR } from "./anthropic-stop-reason";
import { anthropicUsageToIR, readAnthropicUsage, type AnthropicUsageCounts } from "./anthropic-usage";

type Emit = (event: IRStreamEvent) => void;

/** The content block being streamed (Anthropic blocks never interleave). */
interface OpenBlock {
  /** Anthropic's index (counts every block, server-tool ones included). */
  wireIndex: number;
  /** IR index, or -1 for a block the IR cannot express (skipped). */
  index: number;
  kind: "text" | "thinking" | "tool_call" | "skip";
  /** A signature given on content_block_start instead of a signature_delta (some compatible upstreams). */
  signature?: IRSignature;
  /** Whole tool input given on content_block_start, used only when no input_json_delta follows. */
  startArgs?: string;
}

/**
 * Upstream Anthropic SSE → IR events. Tolerates ping and unknown events, whitespace-padded JSON, CRLF framing,
 * a stream without message_start, and a body that stops early.
 */
export class AnthropicStreamDecoder implements StreamDecoder {
  #reader = new SseReader();
  #emit: Emit = () => {};
  readonly #onFrame = (data: string) => this.#frame(data);
  #started = false;
  #done = false;
  #open: OpenBlock | null = null;
  #nextIndex = 0;
  #counts: AnthropicUsageCounts = {};
  #stopReason: unknown = undefined;
  #stopSequence: string | undefined;
  #refusal: string | undefined;
  #sawToolCall = false;

  push(text: string, emit: Emit): void {
    this.#emit = emit;
    this.#reader.push(text, this.#onFrame);
  }

  end(emit: Emit): void {
    this.#emit = emit;
    this.#reader.end(this.#onFrame);
    if (this.#done) return;
    if (!this.#started) {
      emit({ type: "error", error: { status: 502, type: "api_error", message: "The upstream stream ended before sending any event." } });
      emit({ type: "end" });
      this.#done = true;
      return;
    }
    // Cut short: close what is open and report the end we know of (none known → "other").
    this.#finish(this.#stopReason);
  }

  #frame(data: string): void {
    if (this.#done) return;
    let event: unknown;
    try {
      event = JSON.parse(data);
    } catch {
      return;
    }
    if (!isObject(event)) return;
    switch (event.type) {
      case "message_start":
        this.#messageStart(event);
        break;
      case "content_block_start":
        this.#blockStart(event);
        break;
      case "content_block_delta":
        this.#blockDelta(event);
        break;
      case "content_block_stop":
        if (this.#open && this.#open.wireIndex === event.index) this.#closeBlock();
        break;
      case "message_delta":
        this.#messageDelta(event);
        break;
      case "message_stop":
        this.#ensureStarted();
        this.#finish(this.#stopReason ?? "end_turn");
        break;
      case "error":
        this.#error(event);
        break;
    }
  }

  #ensureStarted(): void {
    if (this.#started) return;
    this.#started = true;
    this.#emit({ type: "start", id: "", model: "", created: Math.floor(Date.now() / 1000) });
  }

  #messageStart(event: JsonObject): void {
    if (this.#started) return;
    this.#started = true;
    const message = isObject(event.message) ? event.message : {};
    const start: IRStreamEvent = {
      type: "start",
      id: optionalString(message.id) ?? "",
      model: optionalString(message.model) ?? "",
      created: Math.floor(Date.now() / 1000),
    };
    if (readAnthropicUsage(message.usage, this.#counts)) start.usage = anthropicUsageToIR(this.#counts);
    this.#emit(start);
  }

  #blockStart(event: JsonObject): void {
    this.#ensureStarted();
    if (this.#open) this.#closeBlock();
    const block = isObject(event.content_block) ? event.content_block : {};
    const wireIndex = typeof event.index === "number" ? event.index : -1;
    const emit = this.#emit;
    switch (block.type) {
      case "text": {
        const index = this.#nextIndex++;
        this.#open = { wireIndex, index, kind: "text" };
        emit({ type: "block_start", index, block: { kind: "text" } });
        if (typeof block.text === "string" && block.text !== "") emit({ type: "text_delta", index, text: block.text });
        return;
      }
      case "thinking": {
        const index = this.#nextIndex++;
        const signature = optionalString(block.signature);
        this.#open = { wireIndex, index, kind: "thinking", ...(signature ? { signature: readSignature("anthropic", signature) } : {}) };
        emit({ type: "block_start", index, block: { kind: "thinking" } });
        if (typeof block.thinking === "string" && block.thinking !== "") emit({ type: "thinking_delta", index, text: block.thinking });
        return;
      }
      case "redacted_thinking": {
        const data = optionalString(block.data);
        if (!data) break;
        const index = this.#nextIndex++;
        this.#open = { wireIndex, index, kind: "thinking", signature: readSignature("anthropic", data, REDACTED_THINKING_ITEM) };
        emit({ type: "block_start", index, block: { kind: "thinking" } });
        return;
      }
      case "tool_use": {
        if (typeof block.id !== "string" || typeof block.name !== "string") break;
        const index = this.#nextIndex++;
        this.#sawToolCall = true;
        this.#open = { wireIndex, index, kind: "tool_call" };
        if (isObject(block.input) && Object.keys(block.input).length > 0) this.#open.startArgs = JSON.stringify(block.input);
        emit({ type: "block_start", index, block: { kind: "tool_call", id: block.id, name: block.name } });
        return;
      }
    }
    // Server-tool blocks and unknown kinds: their deltas are ignored and they take no IR index.
    this.#open = { wireIndex, index: -1, kind: "skip" };
  }

  #blockDelta(event: JsonObject): void {
    const open = this.#open;
    if (!open || open.wireIndex !== event.index || open.kind === "skip") return;
    const delta = event.delta;
    if (!isObject(delta)) return;
    switch (delta.type) {
      case "text_delta":
        if (open.kind === "text" && typeof delta.text === "string" && delta.text !== "") {
          this.#emit({ type: "text_delta", index: open.index, text: delta.text });
        }
        break;
      case "thinking_delta":
        if (open.kind === "thinking" && typeof delta.thinking === "string" && delta.thinking !== "") {
          this.#emit({ type: "thinking_delta", index: open.index, text: delta.thinking });
        }
        break;
      case "signature_delta":
        if (open.kind === "thinking" && typeof delta.signature === "string" && delta.signature !== "") {
          open.signature = readSignature("anthropic", delta.signature);
        }
        break;
      case "input_json_delta":
        if (open.kind === "tool_call" && typeof delta.partial_json === "string" && delta.partial_json !== "") {
          open.startArgs = undefined;
          this.#emit({ type: "tool_args_delta", index: open.index, json: delta.partial_json });
        }
        break;
    }
  }

  #closeBlock(): void {
    const open = this.#open!;
    this.#open = null;
    if (open.kind === "skip") return;
    if (open.startArgs !== undefined) this.#emit({ type: "tool_args_delta", index: open.index, json: open.startArgs });
    if (open.signature) this.#emit({ type: "signature", index: open.index, signature: open.signature });
    this.#emit({ type: "block_stop", index: open.index });
  }

  #messageDelta(event: JsonObject): void {
    this.#ensureStarted();
    const delta = event.delta;
    if (isObject(delta)) {
      if (delta.stop_reason !== undefined && delta.stop_reason !== null) this.#stopReason = delta.stop_reason;
      const stopSequence = optionalString(delta.stop_sequence);
      if (stopSequence !== undefined) this.#stopSequence = stopSequence;
      const refusal = refusalExplanation(delta.stop_details);
      if (refusal !== undefined) this.#refusal = refusal;
    }
    // Cumulative: fields present here replace message_start's (some upstreams only know input tokens now).
    if (readAnthropicUsage(event.usage, this.#counts)) this.#emit({ type: "usage", usage: anthropicUsageToIR(this.#counts) });
  }

  #finish(stopReason: unknown): void {
    if (this.#open) this.#closeBlock();
    const finish: IRStreamEvent = { type: "finish", reason: stopReasonToIR(stopReason, this.#sawToolCall) };
    if (finish.reason === "stop_sequence" && this.#stopSequence !== undefined) finish.stopSequence = this.#stopSequence;
    if (this.#refusal !== undefined) finish.refusal = this.#refusal;
    this.#emit(finish);
    this.#emit({ type: "end" });
    this.#done = true;
  }

  #error(event: JsonObject): void {
    const error = isObject(event.error) ? event.error : {};
    const type = optionalString(error.type) ?? "api_error";
    this.#emit({
      type: "error",
      error: { status: statusForAnthropicErrorType(type), type, message: optionalString(error.message) ?? "Upstream stream error." },
    });
    this.#emit({ type: "end" });
    this.#done = true;
  }
}
