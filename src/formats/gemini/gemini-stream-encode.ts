import type { ClientEncodeContext, StreamEncoder } from "../../ir/format-adapter";
import { signatureForClient } from "../../ir/foreign-signature";
import type { IRStreamEvent, IRUsage } from "../../ir/ir-types";
import { mergeUsage } from "../../ir/stream-collector";
import { geminiErrorObject } from "./gemini-error";
import { encodeGeminiFinishReason } from "./gemini-finish-reason";
import { parseJsonObject } from "./gemini-json";
import { encodeGeminiUsage } from "./gemini-usage";

const CHUNK_HEAD = '{"candidates":[{"content":{"parts":[';
const CHUNK_MID = '],"role":"model"},"index":0}]';

/**
 * IR events → a Gemini client's stream: every chunk a GenerateContentResponse with only its new parts, the
 * latest usageMetadata on each, finishReason on a last chunk (with an empty text part, as Gemini 3 ends).
 *
 * Framing as recorded from the real API: SSE `data: {json}\r\n\r\n`; the JSON-array form
 * `[{pretty json}\n,\r\n{pretty json}\n]` with 2-space indentation.
 *
 * Text goes out as it arrives. A signature announced before a block's next delta rides on that delta's part
 * (so a Gemini upstream's signed part comes back as the same part); one arriving last (Anthropic's place)
 * goes out as an empty part of the block's kind carrying only the signature. Tool calls are buffered until
 * block_stop and sent whole.
 */
export class GeminiStreamEncoder implements StreamEncoder {
  readonly #context: ClientEncodeContext;
  readonly #array: boolean;
  #wrote = false;
  #tail: string | undefined;
  #usage: IRUsage | undefined;
  #usageJson = "";
  #finish: string | undefined;
  #finishMessage = "";
  #errored = false;
  #kind: "text" | "thinking" | "tool_call" | null = null;
  #signature: string | undefined;
  #toolId = "";
  #toolName = "";
  #toolArgs = "";

  constructor(context: ClientEncodeContext) {
    this.#context = context;
    this.#array = context.framing === "json-array";
  }

  encode(event: IRStreamEvent): string {
    switch (event.type) {
      case "start":
        this.#setTail(event.id);
        if (event.usage) this.#setUsage(event.usage);
        return "";
      case "block_start":
        this.#kind = event.block.kind;
        this.#signature = undefined;
        if (event.block.kind === "tool_call") {
          this.#toolId = event.block.id;
          this.#toolName = event.block.name;
          this.#toolArgs = "";
        }
        return "";
      case "text_delta":
        return event.text ? this.#textChunk(event.text, false) : "";
      case "thinking_delta":
        return event.text ? this.#textChunk(event.text, true) : "";
      case "signature":
        this.#signature = signatureForClient("gemini", event.signature);
        return "";
      case "tool_args_delta":
        this.#toolArgs += event.json;
        return "";
      case "block_stop":
        return this.#blockStop();
      case "usage":
        this.#setUsage(event.usage);
        return "";
      case "finish":
        this.#finish = encodeGeminiFinishReason(event.reason);
        if (event.refusal) this.#finishMessage = `,"finishMessage":${JSON.stringify(event.refusal)}`;
        return "";
      case "error":
        if (this.#errored) return "";
        this.#errored = true;
        return this.#frame(JSON.stringify({ error: geminiErrorObject(event.error) }));
      case "end": {
        // The finish goes out at the end so usage arriving after it still makes the last chunk.
        let out = "";
        if (!this.#errored) {
          out = this.#frame(
            `${CHUNK_HEAD}{"text":""}],"role":"model"},"finishReason":"${this.#finish ?? "STOP"}"${this.#finishMessage},"index":0}]${this.#usageJson}${this.#tailJson()}`,
          );
        }
        if (this.#array) out += this.#wrote ? "\n]" : "[]";
        return out;
      }
    }
  }

  #textChunk(text: string, thought: boolean): string {
    let part = `{"text":${JSON.stringify(text)}`;
    if (thought) part += ',"thought":true';
    if (this.#signature !== undefined) {
      part += `,"thoughtSignature":${JSON.stringify(this.#signature)}`;
      this.#signature = undefined;
    }
    return this.#chunk(`${part}}`);
  }

  #blockStop(): string {
    const kind = this.#kind;
    this.#kind = null;
    const signature = this.#signature;
    this.#signature = undefined;
    const signatureJson = signature !== undefined ? `,"thoughtSignature":${JSON.stringify(signature)}` : "";
    if (kind === "tool_call") {
      const args = parseJsonObject(this.#toolArgs) ?? {};
      const call = JSON.stringify({ id: this.#toolId, name: this.#toolName, args });
      return this.#chunk(`{"functionCall":${call}${signatureJson}}`);
    }
    if (signature === undefined) return "";
    return this.#chunk(kind === "thinking" ? `{"text":"","thought":true${signatureJson}}` : `{"text":""${signatureJson}}`);
  }

  #chunk(partJson: string): string {
    return this.#frame(`${CHUNK_HEAD}${partJson}${CHUNK_MID}${this.#usageJson}${this.#tailJson()}`);
  }

  #frame(json: string): string {
    if (!this.#array) return `data: ${json}\r\n\r\n`;
    // The JSON-array form is rare (clients that did not ask for alt=sse); it is pretty-printed like Google's.
    const pretty = JSON.stringify(JSON.parse(json), null, 2);
    const separator = this.#wrote ? "\n,\r\n" : "[";
    this.#wrote = true;
    return separator + pretty;
  }

  #setUsage(usage: IRUsage): void {
    this.#usage = mergeUsage(this.#usage, usage);
    this.#usageJson = `,"usageMetadata":${JSON.stringify(encodeGeminiUsage(this.#usage))}`;
  }

  #setTail(id: string): void {
    const responseId = id || this.#context.responseId || this.#context.requestId;
    this.#tail = `,"modelVersion":${JSON.stringify(this.#context.model)},"responseId":${JSON.stringify(responseId)}}`;
  }

  #tailJson(): string {
    if (this.#tail === undefined) this.#setTail("");
    return this.#tail!;
  }
}
