import type { StreamDecoder, StreamEncoder } from "../ir/format-adapter";
import type { IRError, IRStreamEvent } from "../ir/ir-types";
import { relayStream, type StartedBody } from "../upstream/relay-stream";
import type { UpstreamDeadline } from "../upstream/upstream-deadline";

export interface TranslatedStreamHooks {
  onFirstByte(): void;
  /** Sees every IR event (usage, collection for the response store / signature vault). */
  onEvent?(event: IRStreamEvent): void;
  onEnd(outcome: { kind: "complete" | "error" | "cancelled"; error?: unknown }): void;
  /** The IR error to show the client when the upstream body breaks off. */
  breakError(error: unknown): IRError;
}

/**
 * Upstream stream in one format → client stream in another, in one pass: each upstream chunk is decoded to IR
 * events and re-encoded at once, and the resulting text written straight to the client socket (a Bun direct
 * stream: no intermediate queues, backpressure by awaiting the write). The adapters also work as
 * TransformStreams (ir/stream-transforms.ts); fusing them here avoids two stream hops per chunk.
 */
export function translateStream(
  upstream: StartedBody,
  deadline: UpstreamDeadline,
  decoder: StreamDecoder,
  encoder: StreamEncoder,
  hooks: TranslatedStreamHooks,
): ReadableStream<Uint8Array> {
  const text = new TextDecoder();
  let out = "";
  const onEvent = hooks.onEvent;
  // Set once the answer is complete: clients such as the openai SDK hang up right after the final frame,
  // before the upstream closes its side, and that is not a cancellation.
  let answered = false;
  const emit = (event: IRStreamEvent) => {
    onEvent?.(event);
    out += encoder.encode(event);
    if (event.type === "end") answered = true;
  };
  const take = () => {
    const chunk = out;
    out = "";
    return chunk;
  };
  return relayStream(upstream, deadline, {
    chunk(value) {
      decoder.push(text.decode(value, { stream: true }), emit);
      return take();
    },
    flush() {
      decoder.push(text.decode(), emit);
      decoder.end(emit);
      return take();
    },
    failure(error) {
      out = "";
      emit({ type: "error", error: hooks.breakError(error) });
      emit({ type: "end" });
      return take();
    },
    onFirstByte: hooks.onFirstByte,
    onEnd: (kind, error) => hooks.onEnd({ kind, error }),
    answered: () => answered,
  });
}
