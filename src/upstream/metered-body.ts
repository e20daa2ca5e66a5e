import type { UpstreamDeadline } from "./upstream-deadline";

export interface MeteredBodyHooks {
  /** Called once, at the first body byte, with ms since the request started. */
  onFirstByte?(): void;
  /** Called once when the body ends, fails or is cancelled by the client. `tail` holds the last few KB. */
  onEnd(outcome: { kind: "complete" | "error" | "cancelled"; tail: Uint8Array[]; error?: unknown }): void;
  /** Frame to send the client when the upstream fails mid-body (e.g. an SSE error event); null sends nothing. */
  errorFrame?(error: unknown): Uint8Array | null;
}

/**
 * Forwards upstream body chunks to the client unchanged. Pull-based, so backpressure is preserved: a slow
 * client slows the upstream read. It keeps references to the last `tailBytes` of chunks (no copies) so usage
 * can be read at the end, feeds the idle deadline, and turns a client cancel into an upstream cancel.
 */
export function meterBody(
  upstream: ReadableStream<Uint8Array>,
  deadline: UpstreamDeadline,
  hooks: MeteredBodyHooks,
  tailBytes = 8192,
): ReadableStream<Uint8Array> {
  const reader = upstream.getReader();
  const tail: Uint8Array[] = [];
  let tailSize = 0;
  let started = false;
  let ended = false;
  const end = (kind: "complete" | "error" | "cancelled", error?: unknown) => {
    if (ended) return;
    ended = true;
    deadline.finish();
    hooks.onEnd({ kind, tail, error });
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          end("complete");
          controller.close();
          return;
        }
        if (!started) {
          started = true;
          deadline.firstByte();
          hooks.onFirstByte?.();
        } else {
          deadline.activity();
        }
        tail.push(value);
        tailSize += value.byteLength;
        while (tail.length > 1 && tailSize - tail[0]!.byteLength >= tailBytes) tailSize -= tail.shift()!.byteLength;
        controller.enqueue(value);
      } catch (error) {
        const reason = deadline.signal.aborted ? deadline.signal.reason : error;
        end("error", reason);
        const frame = hooks.errorFrame?.(reason) ?? null;
        if (frame) controller.enqueue(frame);
        controller.close();
      }
    },
    cancel(reason) {
      end("cancelled", reason);
      deadline.abort(reason);
      return reader.cancel(reason).catch(() => {});
    },
  });
}
