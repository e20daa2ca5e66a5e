import type { StreamDecoder } from "../../ir/format-adapter";
import type { IRStreamEvent } from "../../ir/ir-types";
import { SseReader } from "../shared/sse-lines";
import { GeminiChunkDecoder } from "./gemini-chunk-decoder";
import { JsonArrayReader } from "./gemini-json-array";

type Emit = (event: IRStreamEvent) => void;

/**
 * Upstream `streamGenerateContent` body → IR events. The gateway asks upstreams for `alt=sse`, but the body
 * is sniffed anyway: one starting with `[` or `{` is the JSON-array form (or a bare error object).
 */
export class GeminiStreamDecoder implements StreamDecoder {
  #mode: "sse" | "json-array" | undefined;
  #sse: SseReader | undefined;
  #array: JsonArrayReader | undefined;
  #chunks = new GeminiChunkDecoder();
  #emit: Emit = () => {};
  // Bound once: the readers call back per event, the emit target is whatever push/end was given.
  readonly #onData = (data: string): void => this.#data(data);

  constructor(framing?: "sse" | "json-array") {
    if (framing) this.#setMode(framing);
  }

  push(text: string, emit: Emit): void {
    if (this.#mode === undefined) {
      const first = text.search(/\S/);
      if (first === -1) return;
      const c = text.charCodeAt(first);
      this.#setMode(c === 91 /* [ */ || c === 123 /* { */ ? "json-array" : "sse");
    }
    this.#emit = emit;
    if (this.#sse) this.#sse.push(text, this.#onData);
    else this.#array!.push(text, this.#onData);
  }

  end(emit: Emit): void {
    this.#emit = emit;
    this.#sse?.end(this.#onData);
    this.#chunks.end(emit);
  }

  #setMode(mode: "sse" | "json-array"): void {
    this.#mode = mode;
    if (mode === "sse") this.#sse = new SseReader();
    else this.#array = new JsonArrayReader();
  }

  #data(data: string): void {
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      return; // Not a chunk (a keep-alive or a truncated tail); nothing to translate.
    }
    this.#chunks.chunk(chunk, this.#emit);
  }
}
