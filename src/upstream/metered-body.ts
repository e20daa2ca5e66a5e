import { relayStream, type StartedBody } from "./relay-stream";
import type { UpstreamDeadline } from "./upstream-deadline";

export interface MeteredBodyHooks {
  /** Called once, at the first body byte. */
  onFirstByte?(): void;
  /** Called once when the body ends, fails or is cancelled by the client. `head` is the first chunk, `tail` the last few KB. */
  onEnd(outcome: { kind: "complete" | "error" | "cancelled"; head: Uint8Array | null; tail: Uint8Array[]; error?: unknown }): void;
  /** Frame to send the client when the upstream fails mid-body (e.g. an SSE error event); null sends nothing. */
  errorFrame?(error: unknown): Uint8Array | null;
  /** Takes bytes out of what the client receives (the usage it did not ask for); head and tail keep the upstream's bytes. */
  filter?: { push(chunk: Uint8Array): Uint8Array; flush(): Uint8Array };
}

/**
 * Forwards upstream body chunks to the client unchanged (see relayStream), keeping references to the first
 * chunk and the last `tailBytes` of them (no copies) so usage can be read at the end.
 */
export function meterBody(
  upstream: ReadableStream<Uint8Array> | StartedBody,
  deadline: UpstreamDeadline,
  hooks: MeteredBodyHooks,
  tailBytes = 8192,
): ReadableStream<Uint8Array> {
  const filter = hooks.filter;
  const tail: Uint8Array[] = [];
  let head: Uint8Array | null = null;
  let tailSize = 0;
  return relayStream(upstream, deadline, {
    chunk(value) {
      head ??= value;
      tail.push(value);
      tailSize += value.byteLength;
      while (tail.length > 1 && tailSize - tail[0]!.byteLength >= tailBytes) tailSize -= tail.shift()!.byteLength;
      return filter ? filter.push(value) : value;
    },
    ...(filter ? { flush: () => filter.flush() } : {}),
    failure: (error) => hooks.errorFrame?.(error) ?? null,
    ...(hooks.onFirstByte ? { onFirstByte: hooks.onFirstByte } : {}),
    onEnd: (kind, error) => hooks.onEnd({ kind, head, tail, error }),
  });
}
