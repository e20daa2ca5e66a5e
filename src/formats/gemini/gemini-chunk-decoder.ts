import { readSignature } from "../../ir/foreign-signature";
import { SYNTHETIC_TOOL_CALL_PREFIX, type IRSignature, type IRStreamEvent, type IRUsage } from "../../ir/ir-types";
import { errorFromObject } from "./gemini-error";
import { decodeGeminiFinishReason } from "./gemini-finish-reason";
import { isRecord, type JsonObject } from "./gemini-json";
import { decodeGeminiUsage, sameUsage } from "./gemini-usage";

type Emit = (event: IRStreamEvent) => void;

/**
 * Turns GenerateContentResponse objects into IR events. Each streamed chunk is a whole response holding only
 * its new parts; a non-stream response is the same thing in one piece, so both decoders share this.
 *
 * - Consecutive text parts continue one text block, consecutive thought parts one thinking block. A signed
 *   part starts a new block only when the open one already has a signature (each signature keeps its part).
 * - A functionCall arrives whole: block_start, signature, one tool_args_delta, block_stop.
 * - An empty part carrying only a thoughtSignature (Gemini 3's last chunk) signs the open block, or opens an
 *   empty text block when there is none, so it can be replayed in place.
 * - The finish is held until end(): usage may still follow the finishReason chunk, and STOP means tool_calls
 *   once any functionCall was seen.
 *
 * Google's responses are always camelCase, so fields are read directly (the snake_case tolerance is for requests).
 */
export class GeminiChunkDecoder {
  #started = false;
  #errored = false;
  #nextIndex = 0;
  #openIndex = -1;
  #openKind: "text" | "thinking" | null = null;
  #openSigned = false;
  #sawToolCall = false;
  #finishReason: string | undefined;
  #blocked = false;
  #usage: IRUsage | undefined;
  #idBase: string | undefined;
  #idCounter = 0;

  chunk(chunk: unknown, emit: Emit): void {
    if (this.#errored || !isRecord(chunk)) return;
    const error = chunk.error;
    if (isRecord(error)) {
      this.#errored = true;
      emit({ type: "error", error: errorFromObject(error, 0) });
      return;
    }
    if (!this.#started) {
      this.#started = true;
      emit({
        type: "start",
        id: typeof chunk.responseId === "string" ? chunk.responseId : "",
        model: typeof chunk.modelVersion === "string" ? chunk.modelVersion : "",
        created: Math.floor(Date.now() / 1000),
      });
    }
    const candidates = chunk.candidates;
    const candidate: unknown = Array.isArray(candidates) ? candidates[0] : undefined;
    if (isRecord(candidate)) {
      const content = candidate.content;
      const parts = isRecord(content) ? content.parts : undefined;
      if (Array.isArray(parts)) {
        for (const part of parts) if (isRecord(part)) this.#part(part, emit);
      }
      if (typeof candidate.finishReason === "string") this.#finishReason = candidate.finishReason;
    } else {
      const feedback = chunk.promptFeedback;
      if (isRecord(feedback) && typeof feedback.blockReason === "string") this.#blocked = true;
    }
    const metadata = chunk.usageMetadata;
    if (isRecord(metadata)) {
      const usage = decodeGeminiUsage(metadata);
      if (!sameUsage(this.#usage, usage)) {
        this.#usage = usage;
        emit({ type: "usage", usage });
      }
    }
  }

  end(emit: Emit): void {
    if (!this.#errored) {
      if (!this.#started) {
        this.#started = true;
        emit({ type: "start", id: "", model: "", created: Math.floor(Date.now() / 1000) });
      }
      this.#close(emit);
      const reason =
        this.#finishReason !== undefined
          ? decodeGeminiFinishReason(this.#finishReason, this.#sawToolCall)
          : this.#blocked
            ? "content_filter"
            : this.#sawToolCall
              ? "tool_calls"
              : "stop";
      emit({ type: "finish", reason });
    }
    emit({ type: "end" });
  }

  #part(part: JsonObject, emit: Emit): void {
    const rawSignature = part.thoughtSignature;
    const signature: IRSignature | undefined =
      typeof rawSignature === "string" && rawSignature !== "" ? readSignature("gemini", rawSignature) : undefined;

    const functionCall = part.functionCall;
    if (isRecord(functionCall)) {
      this.#close(emit);
      const index = this.#nextIndex++;
      const args = functionCall.args;
      const id = functionCall.id;
      const name = functionCall.name;
      emit({
        type: "block_start",
        index,
        block: {
          kind: "tool_call",
          id: typeof id === "string" && id !== "" ? id : this.#syntheticId(),
          name: typeof name === "string" && name !== "" ? name : "unknown_tool",
        },
      });
      if (signature) emit({ type: "signature", index, signature });
      emit({ type: "tool_args_delta", index, json: args === undefined || args === null ? "{}" : JSON.stringify(args) });
      emit({ type: "block_stop", index });
      this.#sawToolCall = true;
      return;
    }

    const text = part.text;
    if (typeof text === "string" && text !== "") {
      const kind = part.thought === true ? "thinking" : "text";
      if (this.#openKind !== kind || (signature && this.#openSigned)) this.#open(kind, emit);
      if (signature) {
        emit({ type: "signature", index: this.#openIndex, signature });
        this.#openSigned = true;
      }
      emit(kind === "text" ? { type: "text_delta", index: this.#openIndex, text } : { type: "thinking_delta", index: this.#openIndex, text });
      return;
    }

    // An empty text part (or a part we have no IR form for) that carries only a signature.
    if (signature) {
      if (this.#openKind === null || this.#openSigned) this.#open("text", emit);
      emit({ type: "signature", index: this.#openIndex, signature });
      this.#openSigned = true;
    }
  }

  #open(kind: "text" | "thinking", emit: Emit): void {
    this.#close(emit);
    this.#openIndex = this.#nextIndex++;
    this.#openKind = kind;
    this.#openSigned = false;
    emit({ type: "block_start", index: this.#openIndex, block: { kind } });
  }

  #close(emit: Emit): void {
    if (this.#openKind === null) return;
    emit({ type: "block_stop", index: this.#openIndex });
    this.#openKind = null;
    this.#openSigned = false;
  }

  /** Response-side ids must be unique across turns (a client may replay several), so they carry a random base. */
  #syntheticId(): string {
    this.#idBase ??= Math.random().toString(36).slice(2, 10);
    return `${SYNTHETIC_TOOL_CALL_PREFIX}_${this.#idBase}${this.#idCounter++}`;
  }
}
