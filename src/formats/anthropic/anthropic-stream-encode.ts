import { signatureForClient } from "../../ir/foreign-signature";
import type { ClientEncodeContext, StreamEncoder } from "../../ir/format-adapter";
import { mergeUsage } from "../../ir/stream-collector";
import { REDACTED_THINKING_ITEM, type IRFinishReason, type IRStreamEvent, type IRUsage } from "../../ir/ir-types";
import { anthropicErrorType } from "./anthropic-error";
import { anthropicMessageId } from "./anthropic-response-encode";
import { irToStopReason } from "./anthropic-stop-reason";
import { irUsageToAnthropic } from "./anthropic-usage";

interface OpenBlock {
  index: number;
  kind: "text" | "thinking" | "tool_call";
  /** Anthropic index; -1 while a thinking block is held back (it may turn out to be redacted, or empty). */
  wireIndex: number;
  redacted: boolean;
  /** Signature for the signature_delta sent just before content_block_stop. */
  signature?: string;
}

const json = JSON.stringify;

/**
 * IR events → Anthropic SSE for the client: message_start, content blocks, message_delta, message_stop.
 * Well-formed for any valid IR sequence (no blocks, tool-only, usage before or after finish, error at once).
 */
export class AnthropicStreamEncoder implements StreamEncoder {
  readonly #context: ClientEncodeContext;
  #started = false;
  #closed = false;
  #open: OpenBlock | null = null;
  #nextWireIndex = 0;
  #usage: IRUsage | undefined;
  #reason: IRFinishReason | undefined;
  #stopSequence: string | undefined;
  #refusal: string | undefined;
  #sawToolCall = false;

  constructor(context: ClientEncodeContext) {
    this.#context = context;
  }

  encode(event: IRStreamEvent): string {
    if (this.#closed) return "";
    switch (event.type) {
      case "start":
        if (event.usage) this.#usage = mergeUsage(this.#usage, event.usage);
        return this.#start(event.id);
      case "block_start": {
        let out = this.#start("") + this.#closeBlock();
        const block = event.block;
        if (block.kind === "thinking") {
          this.#open = { index: event.index, kind: "thinking", wireIndex: -1, redacted: false };
          return out;
        }
        const wireIndex = this.#nextWireIndex++;
        this.#open = { index: event.index, kind: block.kind, wireIndex, redacted: false };
        if (block.kind === "text") {
          out += `event: content_block_start\ndata: {"type":"content_block_start","index":${wireIndex},"content_block":{"type":"text","text":""}}\n\n`;
        } else {
          this.#sawToolCall = true;
          out += `event: content_block_start\ndata: {"type":"content_block_start","index":${wireIndex},"content_block":{"type":"tool_use","id":${json(block.id)},"name":${json(block.name)},"input":{}}}\n\n`;
        }
        return out;
      }
      case "text_delta": {
        const open = this.#open;
        if (!open || open.index !== event.index || open.kind !== "text" || event.text === "") return "";
        return delta(open.wireIndex, `{"type":"text_delta","text":${json(event.text)}}`);
      }
      case "thinking_delta": {
        const open = this.#open;
        if (!open || open.index !== event.index || open.kind !== "thinking" || open.redacted || event.text === "") return "";
        return this.#openThinking(open) + delta(open.wireIndex, `{"type":"thinking_delta","thinking":${json(event.text)}}`);
      }
      case "tool_args_delta": {
        const open = this.#open;
        if (!open || open.index !== event.index || open.kind !== "tool_call" || event.json === "") return "";
        return delta(open.wireIndex, `{"type":"input_json_delta","partial_json":${json(event.json)}}`);
      }
      case "signature": {
        // Text and tool_use blocks have no signature field in Anthropic's format.
        const open = this.#open;
        if (!open || open.index !== event.index || open.kind !== "thinking" || open.redacted) return "";
        const signature = event.signature;
        if (signature.format === "anthropic" && signature.itemId === REDACTED_THINKING_ITEM && open.wireIndex === -1) {
          open.redacted = true;
          open.wireIndex = this.#nextWireIndex++;
          return `event: content_block_start\ndata: {"type":"content_block_start","index":${open.wireIndex},"content_block":{"type":"redacted_thinking","data":${json(signature.value)}}}\n\n`;
        }
        open.signature = signatureForClient("anthropic", signature);
        return "";
      }
      case "block_stop":
        return this.#open && this.#open.index === event.index ? this.#closeBlock() : "";
      case "usage":
        this.#usage = mergeUsage(this.#usage, event.usage);
        return "";
      case "finish":
        this.#reason = event.reason;
        this.#stopSequence = event.stopSequence;
        this.#refusal = event.refusal;
        return "";
      case "error": {
        this.#closed = true;
        const payload = { type: "error", error: { type: anthropicErrorType(event.error), message: event.error.message } };
        return `event: error\ndata: ${json(payload)}\n\n`;
      }
      case "end":
        return this.#finish();
    }
  }

  #start(id: string): string {
    if (this.#started) return "";
    this.#started = true;
    const message = {
      id: anthropicMessageId(id, this.#context),
      type: "message",
      role: "assistant",
      model: this.#context.model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: irUsageToAnthropic(this.#usage),
    };
    return `event: message_start\ndata: {"type":"message_start","message":${json(message)}}\n\n`;
  }

  /** Emits a held-back thinking block's start once it turns out to have content. */
  #openThinking(open: OpenBlock): string {
    if (open.wireIndex !== -1) return "";
    open.wireIndex = this.#nextWireIndex++;
    return `event: content_block_start\ndata: {"type":"content_block_start","index":${open.wireIndex},"content_block":{"type":"thinking","thinking":"","signature":""}}\n\n`;
  }

  #closeBlock(): string {
    const open = this.#open;
    if (!open) return "";
    this.#open = null;
    let out = "";
    if (open.kind === "thinking" && !open.redacted) {
      // A thinking block with neither text nor signature has nothing to replay: it is not sent at all.
      if (open.wireIndex === -1 && open.signature === undefined) return "";
      out += this.#openThinking(open);
      if (open.signature !== undefined) out += delta(open.wireIndex, `{"type":"signature_delta","signature":${json(open.signature)}}`);
    }
    return out + `event: content_block_stop\ndata: {"type":"content_block_stop","index":${open.wireIndex}}\n\n`;
  }

  #finish(): string {
    this.#closed = true;
    let out = this.#start("") + this.#closeBlock();
    const reason = this.#reason ?? (this.#sawToolCall ? "tool_calls" : "stop");
    const stopSequence = reason === "stop_sequence" && this.#stopSequence !== undefined ? json(this.#stopSequence) : "null";
    const stopDetails =
      reason === "content_filter" && this.#refusal !== undefined
        ? `,"stop_details":${json({ type: "refusal", category: null, explanation: this.#refusal })}`
        : "";
    const usage = this.#usage ? json(irUsageToAnthropic(this.#usage)) : `{"output_tokens":0}`;
    out += `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"${irToStopReason(reason)}","stop_sequence":${stopSequence}${stopDetails}},"usage":${usage}}\n\n`;
    out += `event: message_stop\ndata: {"type":"message_stop"}\n\n`;
    return out;
  }
}

function delta(wireIndex: number, payload: string): string {
  return `event: content_block_delta\ndata: {"type":"content_block_delta","index":${wireIndex},"delta":${payload}}\n\n`;
}
