import type { StreamEncoder } from "../../ir/format-adapter";
import { mergeUsage } from "../../ir/stream-collector";
import type { IRBlockStart, IRError, IRFinishReason, IRSignature, IRStreamEvent, IRUsage } from "../../ir/ir-types";
import type { JsonObject } from "../shared/json";
import {
  failedError,
  functionCallItem,
  itemId,
  messageItem,
  outputTextPart,
  reasoningItem,
  responseIdFor,
  responseObject,
  type ResponsesClientEncodeContext,
} from "./openai-responses-response-encode";
import { statusForFinish } from "./openai-responses-status";

interface ActiveBlock {
  irIndex: number;
  outputIndex: number;
  kind: IRBlockStart["kind"];
  id: string;
  /** `"item_id":<id>,"output_index":<n>` — the prefix every delta of this item repeats, serialised once. */
  head: string;
  text: string;
  callId: string;
  name: string;
  signature: IRSignature | undefined;
  summaryOpen: boolean;
}

/**
 * IR events → Responses SSE for a client (Codex, opencode, the openai SDK). Emits the full event sequence with
 * increasing `sequence_number`s; the terminal response.completed / incomplete / failed carries the whole
 * response and its usage, so it is written at `end` (usage may follow `finish`).
 */
export class ResponsesStreamEncoder implements StreamEncoder {
  #seq = 0;
  #id: string;
  #created = 0;
  #started = false;
  #finished = false;
  #block: ActiveBlock | null = null;
  readonly #output: JsonObject[] = [];
  #usage: IRUsage | undefined;
  #reason: IRFinishReason | undefined;
  #refusal: string | undefined;

  constructor(private readonly context: ResponsesClientEncodeContext) {
    this.#id = responseIdFor("", context);
  }

  encode(event: IRStreamEvent): string {
    if (this.#finished) return "";
    switch (event.type) {
      case "start":
        if (this.#started) return "";
        this.#id = responseIdFor(event.id, this.context);
        this.#created = event.created;
        if (event.usage) this.#usage = event.usage;
        return this.#start();
      case "block_start":
        return this.#ensureStarted() + this.#closeBlock() + this.#openBlock(event.index, event.block);
      case "text_delta": {
        const block = this.#block;
        if (!block || block.irIndex !== event.index || block.kind !== "text" || event.text === "") return "";
        block.text += event.text;
        return this.#frame(
          "response.output_text.delta",
          `${block.head},"content_index":0,"delta":${JSON.stringify(event.text)},"logprobs":[]`,
        );
      }
      case "thinking_delta": {
        const block = this.#block;
        if (!block || block.irIndex !== event.index || block.kind !== "thinking" || event.text === "") return "";
        let out = "";
        if (!block.summaryOpen) {
          block.summaryOpen = true;
          out = this.#frame("response.reasoning_summary_part.added", `${block.head},"summary_index":0,"part":{"type":"summary_text","text":""}`);
        }
        block.text += event.text;
        return out + this.#frame("response.reasoning_summary_text.delta", `${block.head},"summary_index":0,"delta":${JSON.stringify(event.text)}`);
      }
      case "tool_args_delta": {
        const block = this.#block;
        if (!block || block.irIndex !== event.index || block.kind !== "tool_call" || event.json === "") return "";
        block.text += event.json;
        return this.#frame("response.function_call_arguments.delta", `${block.head},"delta":${JSON.stringify(event.json)}`);
      }
      case "signature":
        if (this.#block && this.#block.irIndex === event.index) this.#block.signature = event.signature;
        return "";
      case "block_stop":
        return this.#block && this.#block.irIndex === event.index ? this.#closeBlock() : "";
      case "usage":
        this.#usage = mergeUsage(this.#usage, event.usage);
        return "";
      case "finish":
        this.#reason = event.reason;
        if (event.refusal !== undefined) this.#refusal = event.refusal;
        return "";
      case "error":
        return this.#error(event.error);
      case "end":
        return this.#end();
    }
  }

  #start(): string {
    this.#started = true;
    if (!this.#created) this.#created = Math.floor(Date.now() / 1000);
    const response = JSON.stringify(this.#response("in_progress", [], null));
    return this.#frame("response.created", `"response":${response}`) + this.#frame("response.in_progress", `"response":${response}`);
  }

  #ensureStarted(): string {
    return this.#started ? "" : this.#start();
  }

  #openBlock(irIndex: number, start: IRBlockStart): string {
    const outputIndex = this.#output.length;
    let id: string;
    if (start.kind === "text") id = itemId("msg", this.#id, outputIndex);
    else if (start.kind === "thinking") id = itemId("rs", this.#id, outputIndex);
    else id = start.itemId ?? itemId("fc", this.#id, outputIndex);
    const block: ActiveBlock = {
      irIndex,
      outputIndex,
      kind: start.kind,
      id,
      head: `"item_id":${JSON.stringify(id)},"output_index":${outputIndex}`,
      text: "",
      callId: start.kind === "tool_call" ? start.id : "",
      name: start.kind === "tool_call" ? start.name : "",
      signature: undefined,
      summaryOpen: false,
    };
    this.#block = block;
    if (start.kind === "text") {
      return (
        this.#itemEvent("response.output_item.added", outputIndex, { id, type: "message", status: "in_progress", content: [], role: "assistant" }) +
        this.#frame("response.content_part.added", `${block.head},"content_index":0,"part":{"type":"output_text","annotations":[],"logprobs":[],"text":""}`)
      );
    }
    if (start.kind === "thinking") return this.#itemEvent("response.output_item.added", outputIndex, { id, type: "reasoning", summary: [] });
    return this.#itemEvent(
      "response.output_item.added",
      outputIndex,
      functionCallItem(id, "in_progress", block.callId, block.name, "", this.context.toolNamespaces?.[block.name]),
    );
  }

  #closeBlock(): string {
    const block = this.#block;
    if (!block) return "";
    this.#block = null;
    let out = "";
    let item: JsonObject;
    if (block.kind === "text") {
      const part = outputTextPart(block.text);
      const text = JSON.stringify(block.text);
      out += this.#frame("response.output_text.done", `${block.head},"content_index":0,"text":${text},"logprobs":[]`);
      out += this.#frame("response.content_part.done", `${block.head},"content_index":0,"part":${JSON.stringify(part)}`);
      item = messageItem(block.id, "completed", part);
    } else if (block.kind === "thinking") {
      if (block.summaryOpen) {
        const text = JSON.stringify(block.text);
        out += this.#frame("response.reasoning_summary_text.done", `${block.head},"summary_index":0,"text":${text}`);
        out += this.#frame("response.reasoning_summary_part.done", `${block.head},"summary_index":0,"part":{"type":"summary_text","text":${text}}`);
      }
      item = reasoningItem(block.id, block.text, block.signature);
    } else {
      const args = block.text.trim() === "" ? "{}" : block.text;
      out += this.#frame("response.function_call_arguments.done", `${block.head},"name":${JSON.stringify(block.name)},"arguments":${JSON.stringify(args)}`);
      item = functionCallItem(block.id, "completed", block.callId, block.name, args, this.context.toolNamespaces?.[block.name]);
    }
    this.#output.push(item);
    return out + this.#itemEvent("response.output_item.done", block.outputIndex, item);
  }

  /** A refusal has no IR block: it arrives with `finish` and is written as its own message item at the end. */
  #refusalItem(refusal: string): string {
    const outputIndex = this.#output.length;
    const id = itemId("msg", this.#id, outputIndex);
    const head = `"item_id":${JSON.stringify(id)},"output_index":${outputIndex}`;
    const text = JSON.stringify(refusal);
    const item = messageItem(id, "completed", { type: "refusal", refusal });
    this.#output.push(item);
    return (
      this.#itemEvent("response.output_item.added", outputIndex, { id, type: "message", status: "in_progress", content: [], role: "assistant" }) +
      this.#frame("response.content_part.added", `${head},"content_index":0,"part":{"type":"refusal","refusal":""}`) +
      this.#frame("response.refusal.delta", `${head},"content_index":0,"delta":${text}`) +
      this.#frame("response.refusal.done", `${head},"content_index":0,"refusal":${text}`) +
      this.#frame("response.content_part.done", `${head},"content_index":0,"part":{"type":"refusal","refusal":${text}}`) +
      this.#itemEvent("response.output_item.done", outputIndex, item)
    );
  }

  #end(): string {
    let out = this.#ensureStarted() + this.#closeBlock();
    if (this.#refusal !== undefined) out += this.#refusalItem(this.#refusal);
    this.#finished = true;
    const { status, incomplete_details } = statusForFinish(this.#reason, this.#refusal !== undefined);
    const error = status === "failed" ? failedError(this.#reason) : null;
    const response = this.#response(status, this.#output, this.#usage, incomplete_details, error);
    const type = status === "completed" ? "response.completed" : status === "incomplete" ? "response.incomplete" : "response.failed";
    return out + this.#frame(type, `"response":${JSON.stringify(response)}`);
  }

  /** `error` (flat fields as the spec has them, nested `error` as the API and SDKs read it), then response.failed. */
  #error(error: IRError): string {
    // An error before any start is a frame appended to someone else's stream (pass-through): no second response.created.
    let out = this.#closeBlock();
    this.#finished = true;
    const code = error.code ?? null;
    const param = error.param ?? null;
    const detail = { type: error.type, code, message: error.message, param };
    out += this.#frame(
      "error",
      `"code":${JSON.stringify(code)},"message":${JSON.stringify(error.message)},"param":${JSON.stringify(param)},"error":${JSON.stringify(detail)}`,
    );
    const response = this.#response("failed", this.#output, this.#usage ?? null, null, failedError("error", error.message, code ?? error.type));
    return out + this.#frame("response.failed", `"response":${JSON.stringify(response)}`);
  }

  #response(
    status: "in_progress" | "completed" | "incomplete" | "failed",
    output: unknown[],
    usage: IRUsage | undefined | null,
    incompleteDetails: { reason: string } | null = null,
    error: { code: string; message: string } | null = null,
  ): JsonObject {
    return responseObject({
      id: this.#id,
      createdAt: this.#created || Math.floor(Date.now() / 1000),
      model: this.context.model,
      status,
      output,
      usage,
      incompleteDetails,
      error,
    });
  }

  #itemEvent(type: string, outputIndex: number, item: JsonObject): string {
    return this.#frame(type, `"output_index":${outputIndex},"item":${JSON.stringify(item)}`);
  }

  /** `event:` line = `type`; `fields` is the JSON members text between type and sequence_number. */
  #frame(type: string, fields: string): string {
    return `event: ${type}\ndata: {"type":"${type}",${fields},"sequence_number":${this.#seq++}}\n\n`;
  }
}
