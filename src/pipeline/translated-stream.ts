import type { StreamDecoder, StreamEncoder } from "../ir/format-adapter";
import type { IRError, IRStreamEvent } from "../ir/ir-types";
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
  upstream: { reader: ReadableStreamDefaultReader<Uint8Array>; first: Uint8Array },
  deadline: UpstreamDeadline,
  decoder: StreamDecoder,
  encoder: StreamEncoder,
  hooks: TranslatedStreamHooks,
): ReadableStream<Uint8Array> {
  const reader = upstream.reader;
  let pending: Uint8Array | null = upstream.first;
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
  let ended = false;
  const end = (kind: "complete" | "error" | "cancelled", error?: unknown) => {
    if (ended) return;
    ended = true;
    deadline.finish();
    hooks.onEnd({ kind, error });
  };
  const cancel = (reason?: unknown) => {
    end(answered ? "complete" : "cancelled", reason);
    deadline.abort(reason);
    return reader.cancel(reason).catch(() => {});
  };
  const source: Bun.DirectUnderlyingSource<Uint8Array> = {
    type: "direct",
    async pull(controller) {
      let started = false;
      try {
        for (;;) {
          let value: Uint8Array;
          if (pending) {
            value = pending;
            pending = null;
          } else {
            const next = await reader.read();
            if (next.done) break;
            value = next.value;
          }
          if (!started) {
            started = true;
            deadline.firstByte();
            hooks.onFirstByte();
          } else {
            deadline.activity();
          }
          decoder.push(text.decode(value, { stream: true }), emit);
          if (out.length > 0) {
            const chunk = out;
            out = "";
            let written = controller.write(chunk);
            if (typeof written !== "number") written = await written;
            if (written === 0) {
              await cancel(new Error("client closed the stream"));
              return;
            }
          }
        }
        decoder.push(text.decode(), emit);
        decoder.end(emit);
        if (out.length > 0) controller.write(out);
        out = "";
        end("complete");
        controller.close();
      } catch (error) {
        if (ended) return;
        const reason = deadline.signal.aborted ? deadline.signal.reason : error;
        end("error", reason);
        out = "";
        emit({ type: "error", error: hooks.breakError(reason) });
        emit({ type: "end" });
        controller.write(out);
        out = "";
        controller.close();
      }
    },
    cancel,
  };
  return new ReadableStream(source as unknown as UnderlyingDefaultSource<Uint8Array>);
}
