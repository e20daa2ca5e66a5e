import type { StreamDecoder } from "../../ir/format-adapter";
import { readSignature } from "../../ir/foreign-signature";
import type { IRBlockStart, IRError, IRFinishReason, IRStreamEvent } from "../../ir/ir-types";
import { SseReader } from "../shared/sse-lines";
import { isObject, optionalNumber, optionalString, type JsonObject } from "../shared/json";
import { decodeResponsesResponse, SUMMARY_SEPARATOR } from "./openai-responses-response-decode";
import { finishFromStatus, irErrorFrom } from "./openai-responses-status";
import { decodeResponsesUsage } from "./openai-responses-usage";

type Emit = (event: IRStreamEvent) => void;

interface Block {
  index: number;
  kind: IRBlockStart["kind"];
  closed: boolean;
  /** Some text / arguments went out already (a later `.done` with the full value must not repeat it). */
  hasContent: boolean;
  /**
   * Reasoning: the segment the last delta belonged to (summary index n, or content index n as −1−n); segments
   * are joined with SUMMARY_SEPARATOR. NaN before any.
   */
  segment: number;
}

/**
 * Responses SSE → IR events. Output items map to IR blocks in order: a message's output_text part, a
 * function_call, a reasoning item (its summary parts joined into one thinking block, its final
 * encrypted_content as the signature). Usage and the finish reason come from the terminal response event.
 */
export class ResponsesStreamDecoder implements StreamDecoder {
  readonly #reader = new SseReader();
  readonly #blocks = new Map<string, Block>();
  /** item id → output_index, for events that name only the item. */
  readonly #itemIndex = new Map<string, number>();
  #emit: Emit = () => {};
  #started = false;
  #done = false;
  #open: Block | null = null;
  #nextIndex = 0;
  #hasToolCalls = false;
  #refusal: string | undefined;

  readonly #onEvent = (data: string, event: string | null): void => {
    if (this.#done) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      return; // not JSON (a keep-alive or a proxy's comment): nothing to translate
    }
    if (!isObject(parsed)) return;
    this.#dispatch(typeof parsed.type === "string" ? parsed.type : (event ?? ""), parsed);
  };

  push(text: string, emit: Emit): void {
    this.#emit = emit;
    this.#reader.push(text, this.#onEvent);
  }

  end(emit: Emit): void {
    this.#emit = emit;
    this.#reader.end(this.#onEvent);
    if (!this.#done) {
      this.#ensureStart(undefined);
      this.#closeOpen();
      this.#finishWith(this.#hasToolCalls ? "tool_calls" : this.#refusal !== undefined ? "content_filter" : "stop");
    }
    emit({ type: "end" });
  }

  #dispatch(type: string, data: JsonObject): void {
    if (this.#done) return;
    switch (type) {
      case "response.created":
      case "response.in_progress":
      case "response.queued":
        this.#ensureStart(data.response);
        return;
      case "response.output_item.added":
        return this.#itemAdded(data);
      case "response.content_part.added": {
        const part = data.part;
        if (isObject(part) && part.type === "output_text") this.#textPiece(this.#textKey(data), part.text, false);
        return;
      }
      case "response.output_text.delta":
        this.#textPiece(this.#textKey(data), data.delta, false);
        return;
      case "response.output_text.done":
        this.#textPiece(this.#textKey(data), data.text, true);
        return;
      case "response.content_part.done": {
        const part = data.part;
        if (!isObject(part) || part.type !== "output_text") return;
        const key = this.#textKey(data);
        this.#textPiece(key, part.text, true);
        const block = this.#blocks.get(key);
        if (block) this.#close(block);
        return;
      }
      case "response.refusal.delta":
        if (typeof data.delta === "string") this.#refusal = (this.#refusal ?? "") + data.delta;
        return;
      case "response.refusal.done":
        if (typeof data.refusal === "string") this.#refusal = data.refusal;
        return;
      case "response.function_call_arguments.delta": {
        const block = this.#blocks.get(`f:${this.#outputIndex(data)}`);
        if (block && !block.closed && typeof data.delta === "string" && data.delta !== "") {
          block.hasContent = true;
          this.#emit({ type: "tool_args_delta", index: block.index, json: data.delta });
        }
        return;
      }
      case "response.function_call_arguments.done": {
        const block = this.#blocks.get(`f:${this.#outputIndex(data)}`);
        if (block && !block.closed && !block.hasContent && typeof data.arguments === "string" && data.arguments !== "") {
          block.hasContent = true;
          this.#emit({ type: "tool_args_delta", index: block.index, json: data.arguments });
        }
        return;
      }
      case "response.reasoning_summary_text.delta":
        return this.#reasoningText(data, optionalNumber(data.summary_index) ?? 0, data.delta, false);
      case "response.reasoning_summary_text.done":
        return this.#reasoningText(data, optionalNumber(data.summary_index) ?? 0, data.text, true);
      case "response.reasoning_text.delta":
        return this.#reasoningText(data, -1 - (optionalNumber(data.content_index) ?? 0), data.delta, false);
      case "response.reasoning_text.done":
        return this.#reasoningText(data, -1 - (optionalNumber(data.content_index) ?? 0), data.text, true);
      case "response.output_item.done":
        return this.#itemDone(data);
      case "response.completed":
      case "response.incomplete":
      case "response.failed":
        return this.#terminal(type, data.response);
      case "error":
        // Real streams nest the error object; the spec's event has the fields flat (and `type` is the event's).
        return this.#error(irErrorFrom(isObject(data.error) ? data.error : { code: data.code, message: data.message, param: data.param }, "The upstream stream reported an error."));
      default:
        return; // hosted-tool progress, annotations, keep-alives: no IR counterpart
    }
  }

  #itemAdded(data: JsonObject): void {
    this.#ensureStart(undefined);
    const item = data.item;
    if (!isObject(item)) return;
    const index = this.#outputIndex(data);
    if (typeof item.id === "string") this.#itemIndex.set(item.id, index);
    if (item.type !== "function_call") return; // messages open per content part, reasoning on its first text
    this.#hasToolCalls = true;
    const block = this.#ensureBlock(`f:${index}`, toolStart(item));
    if (block && typeof item.arguments === "string" && item.arguments !== "") {
      block.hasContent = true;
      this.#emit({ type: "tool_args_delta", index: block.index, json: item.arguments });
    }
  }

  #itemDone(data: JsonObject): void {
    this.#ensureStart(undefined);
    const item = data.item;
    if (!isObject(item)) return;
    const index = this.#outputIndex(data);
    switch (item.type) {
      case "reasoning": {
        const key = `r:${index}`;
        const texts = summaryTexts(item);
        const encrypted = typeof item.encrypted_content === "string" && item.encrypted_content !== "" ? item.encrypted_content : undefined;
        let block = this.#blocks.get(key);
        if (!block && (texts !== "" || encrypted)) block = this.#ensureBlock(key, { kind: "thinking" });
        if (!block) return;
        if (!block.hasContent && texts !== "") this.#thinking(block, texts);
        // The final item's encrypted_content is the complete one (the `added` copy may be partial).
        if (encrypted && !block.closed) {
          this.#emit({ type: "signature", index: block.index, signature: readSignature("openai-responses", encrypted, optionalString(item.id)) });
        }
        this.#close(block);
        return;
      }
      case "function_call": {
        this.#hasToolCalls = true;
        const block = this.#blocks.get(`f:${index}`) ?? this.#ensureBlock(`f:${index}`, toolStart(item));
        if (!block) return;
        if (!block.hasContent && !block.closed && typeof item.arguments === "string" && item.arguments !== "") {
          block.hasContent = true;
          this.#emit({ type: "tool_args_delta", index: block.index, json: item.arguments });
        }
        this.#close(block);
        return;
      }
      case "message": {
        const content = Array.isArray(item.content) ? item.content : [];
        for (let i = 0; i < content.length; i++) {
          const part = content[i];
          if (!isObject(part)) continue;
          if (part.type === "refusal") {
            if (this.#refusal === undefined && typeof part.refusal === "string") this.#refusal = part.refusal;
            continue;
          }
          if (part.type !== "output_text") continue;
          const key = `t:${index}:${i}`;
          this.#textPiece(key, part.text, true);
          const block = this.#blocks.get(key);
          if (block) this.#close(block);
        }
        return;
      }
      default:
        return;
    }
  }

  /**
   * Text of a message's output_text part. Blocks open on the first non-empty text (an empty message makes no
   * block, as in the non-stream decode); a final value (`isFinal`) only speaks when no delta came through.
   */
  #textPiece(key: string, value: unknown, isFinal: boolean): void {
    if (typeof value !== "string" || value === "") return;
    const existing = this.#blocks.get(key);
    if (existing && (existing.closed || (isFinal && existing.hasContent))) return;
    const block = existing ?? this.#ensureBlock(key, { kind: "text" });
    if (block) this.#text(block, value);
  }

  #reasoningText(data: JsonObject, segment: number, value: unknown, isDone: boolean): void {
    if (typeof value !== "string") return;
    const key = `r:${this.#outputIndex(data)}`;
    const existing = this.#blocks.get(key);
    if (existing?.closed) return;
    // A `.done` repeats what its deltas said; it only speaks when no delta of that segment came through.
    if (isDone && existing && existing.segment === segment) return;
    if (value === "") {
      if (existing && !isDone) existing.segment = segment;
      return;
    }
    const block = existing ?? this.#ensureBlock(key, { kind: "thinking" });
    if (!block) return;
    if (block.hasContent && block.segment !== segment) this.#emit({ type: "thinking_delta", index: block.index, text: SUMMARY_SEPARATOR });
    block.segment = segment;
    block.hasContent = true;
    this.#emit({ type: "thinking_delta", index: block.index, text: value });
  }

  #terminal(type: string, response: unknown): void {
    this.#ensureStart(response);
    this.#closeOpen();
    const body = isObject(response) ? response : {};
    if (type === "response.failed" || body.status === "failed") {
      this.#error(irErrorFrom(body.error, "The upstream response failed."));
      return;
    }
    // An upstream that sends the final object without item events still gets its output through.
    if (this.#nextIndex === 0 && Array.isArray(body.output) && body.output.length > 0) this.#replayOutput(body);
    const usage = decodeResponsesUsage(body.usage);
    if (usage) this.#emit({ type: "usage", usage });
    const status = body.status ?? (type === "response.incomplete" ? "incomplete" : "completed");
    this.#finishWith(finishFromStatus(status, body.incomplete_details, this.#hasToolCalls, this.#refusal !== undefined));
  }

  #replayOutput(body: JsonObject): void {
    const decoded = decodeResponsesResponse(body);
    for (const part of decoded.content) {
      const index = this.#nextIndex++;
      if (part.type === "text") {
        this.#emit({ type: "block_start", index, block: { kind: "text" } });
        this.#emit({ type: "text_delta", index, text: part.text });
      } else if (part.type === "thinking") {
        this.#emit({ type: "block_start", index, block: { kind: "thinking" } });
        if (part.text) this.#emit({ type: "thinking_delta", index, text: part.text });
        if (part.signature) this.#emit({ type: "signature", index, signature: part.signature });
      } else {
        this.#hasToolCalls = true;
        this.#emit({ type: "block_start", index, block: { kind: "tool_call", id: part.id, name: part.name, ...(part.itemId ? { itemId: part.itemId } : {}) } });
        this.#emit({ type: "tool_args_delta", index, json: part.arguments });
      }
      this.#emit({ type: "block_stop", index });
    }
    if (decoded.refusal !== undefined && this.#refusal === undefined) this.#refusal = decoded.refusal;
  }

  #finishWith(reason: IRFinishReason): void {
    this.#done = true;
    this.#emit({ type: "finish", reason, ...(this.#refusal !== undefined ? { refusal: this.#refusal } : {}) });
  }

  #error(error: IRError): void {
    if (this.#done) return;
    this.#closeOpen();
    this.#done = true;
    this.#emit({ type: "error", error });
  }

  #ensureStart(response: unknown): void {
    if (this.#started) return;
    this.#started = true;
    const body = isObject(response) ? response : {};
    this.#emit({ type: "start", id: optionalString(body.id) ?? "", model: optionalString(body.model) ?? "", created: optionalNumber(body.created_at) ?? 0 });
  }

  /** The block for `key`, opened (closing the previous one) if new; undefined once it has been closed. */
  #ensureBlock(key: string, start: IRBlockStart): Block | undefined {
    const existing = this.#blocks.get(key);
    if (existing) return existing.closed ? undefined : existing;
    this.#ensureStart(undefined);
    this.#closeOpen();
    const block: Block = { index: this.#nextIndex++, kind: start.kind, closed: false, hasContent: false, segment: Number.NaN };
    this.#blocks.set(key, block);
    this.#open = block;
    this.#emit({ type: "block_start", index: block.index, block: start });
    return block;
  }

  #text(block: Block, text: string): void {
    if (block.closed) return;
    block.hasContent = true;
    this.#emit({ type: "text_delta", index: block.index, text });
  }

  #thinking(block: Block, text: string): void {
    if (block.closed) return;
    block.hasContent = true;
    this.#emit({ type: "thinking_delta", index: block.index, text });
  }

  #close(block: Block): void {
    if (block.closed) return;
    block.closed = true;
    if (this.#open === block) this.#open = null;
    this.#emit({ type: "block_stop", index: block.index });
  }

  #closeOpen(): void {
    if (this.#open) this.#close(this.#open);
  }

  #outputIndex(data: JsonObject): number {
    const index = optionalNumber(data.output_index);
    if (index !== undefined) return index;
    const itemId = optionalString(data.item_id);
    return (itemId !== undefined ? this.#itemIndex.get(itemId) : undefined) ?? -1;
  }

  #textKey(data: JsonObject): string {
    return `t:${this.#outputIndex(data)}:${optionalNumber(data.content_index) ?? 0}`;
  }
}

function toolStart(item: JsonObject): IRBlockStart {
  const id = optionalString(item.call_id) ?? optionalString(item.id) ?? "";
  const itemId = optionalString(item.id);
  return { kind: "tool_call", id, name: optionalString(item.name) ?? "", ...(itemId ? { itemId } : {}) };
}

function summaryTexts(item: JsonObject): string {
  const sources = Array.isArray(item.summary) && item.summary.length > 0 ? item.summary : Array.isArray(item.content) ? item.content : [];
  const texts: string[] = [];
  for (const entry of sources) if (isObject(entry) && typeof entry.text === "string") texts.push(entry.text);
  return texts.join(SUMMARY_SEPARATOR);
}
