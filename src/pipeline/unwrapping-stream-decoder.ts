import { SseReader } from "../formats/shared/sse-lines";
import type { StreamDecoder } from "../ir/format-adapter";
import type { IRStreamEvent } from "../ir/ir-types";

type Emit = (event: IRStreamEvent) => void;

/**
 * An upstream SSE stream whose every event is wrapped in an envelope (Antigravity: `data: {"response": {…}}`):
 * each event is unwrapped (the executor's `unwrapChunk`) and handed on as a plain `data:` event to the format's own
 * decoder. Used only for executor connections that declare an envelope; every other stream is decoded directly.
 */
export class UnwrappingStreamDecoder implements StreamDecoder {
  readonly #sse = new SseReader();
  readonly #inner: StreamDecoder;
  readonly #unwrap: (chunk: unknown) => unknown;
  #emit: Emit = () => {};
  readonly #onData = (data: string): void => this.#data(data);

  constructor(inner: StreamDecoder, unwrap: (chunk: unknown) => unknown) {
    this.#inner = inner;
    this.#unwrap = unwrap;
  }

  push(text: string, emit: Emit): void {
    this.#emit = emit;
    this.#sse.push(text, this.#onData);
  }

  end(emit: Emit): void {
    this.#emit = emit;
    this.#sse.end(this.#onData);
    this.#inner.end(emit);
  }

  #data(data: string): void {
    let text = data;
    try {
      text = JSON.stringify(this.#unwrap(JSON.parse(data)));
    } catch {
      // Not JSON (a keep-alive, a truncated tail): the inner decoder decides what it is.
    }
    this.#inner.push(`data: ${text}\n\n`, this.#emit);
  }
}
