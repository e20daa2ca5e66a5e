import type { UpstreamDeadline } from "./upstream-deadline";

/** A body whose first chunk was already read (to fail over before anything reached the client). */
export interface StartedBody {
  reader: ReadableStreamDefaultReader<Uint8Array>;
  first: Uint8Array;
}

/** What a relay does with the upstream body; the loop, deadlines, backpressure and cancel are relayStream's. */
export interface Relay {
  /** What to send the client for one upstream chunk ("" or an empty array: nothing yet). */
  chunk(value: Uint8Array): Uint8Array | string;
  /** What is still owed when the upstream body ends cleanly. */
  flush?(): Uint8Array | string;
  /** The frame that ends the stream when the upstream breaks off (the format's error event); null sends nothing. */
  failure?(error: unknown): Uint8Array | string | null;
  onFirstByte?(): void;
  /** Called once: the body ended, broke, or the client left. */
  onEnd(kind: "complete" | "error" | "cancelled", error?: unknown): void;
  /** A client leaving after this returns true left a complete answer (it is logged as complete). */
  answered?(): boolean;
}

const isEmpty = (out: Uint8Array | string) => (typeof out === "string" ? out.length === 0 : out.byteLength === 0);

/**
 * Relays an upstream body to the client as a Bun "direct" stream: output is written straight to the socket
 * instead of going through a stream queue (measured ~10 µs cheaper per streamed request than a pull-based
 * ReadableStream or a TransformStream). Awaiting `write()` when it returns a promise keeps backpressure: a slow
 * client slows the upstream read. Every chunk feeds the idle deadline; a client that leaves cancels the upstream.
 */
export function relayStream(upstream: ReadableStream<Uint8Array> | StartedBody, deadline: UpstreamDeadline, relay: Relay): ReadableStream<Uint8Array> {
  const reader = "reader" in upstream ? upstream.reader : upstream.getReader();
  let pending: Uint8Array | null = "reader" in upstream ? upstream.first : null;
  let ended = false;
  const end = (kind: "complete" | "error" | "cancelled", error?: unknown) => {
    if (ended) return;
    ended = true;
    deadline.finish();
    relay.onEnd(kind, error);
  };
  const cancel = (reason?: unknown) => {
    end(relay.answered?.() ? "complete" : "cancelled", reason);
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
            relay.onFirstByte?.();
          } else {
            deadline.activity();
          }
          const out = relay.chunk(value);
          if (isEmpty(out)) continue;
          let written = controller.write(out);
          if (typeof written !== "number") written = await written;
          // 0 means the client has gone away.
          if (written === 0) {
            await cancel(new Error("client closed the stream"));
            return;
          }
        }
        const rest = relay.flush?.();
        if (rest !== undefined && !isEmpty(rest)) controller.write(rest);
        end("complete");
        controller.close();
      } catch (error) {
        if (ended) return; // cancelled meanwhile: the client is gone, nothing more to send
        const reason = deadline.signal.aborted ? deadline.signal.reason : error;
        end("error", reason);
        const frame = relay.failure?.(reason) ?? null;
        if (frame !== null && !isEmpty(frame)) controller.write(frame);
        controller.close();
      }
    },
    cancel,
  };
  return new ReadableStream(source as unknown as UnderlyingDefaultSource<Uint8Array>);
}
