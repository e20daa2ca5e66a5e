/** A subscriber this far behind (queued events) is cut off rather than buffered without bound. */
const MAX_STREAM_BACKLOG = 1000;
const HEARTBEAT_MS = 15_000;

/** What a live stream's source gets: `send` one SSE frame (text), `close` the stream. */
export interface SseChannel {
  send(frame: string): void;
  close(): void;
}

/**
 * A server-sent-event response for the dashboard's live views (monitor, console log): `open` sends what it needs
 * to and subscribes, returning its unsubscribe. A comment every 15 s keeps proxies from closing an idle stream;
 * a reader that falls 1,000 frames behind is cut off; cancel and close both unsubscribe once.
 */
export function sseResponse(open: (channel: SseChannel) => () => void): Response {
  const encoder = new TextEncoder();
  let unsubscribe = () => {};
  let heartbeat: ReturnType<typeof setInterval> | undefined;
  let closed = false;
  const stop = () => {
    closed = true;
    unsubscribe();
    clearInterval(heartbeat);
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const close = () => {
        if (closed) return;
        stop();
        try {
          controller.close();
        } catch {}
      };
      const send = (frame: string) => {
        if (closed) return;
        if ((controller.desiredSize ?? 0) < -MAX_STREAM_BACKLOG) return close();
        try {
          controller.enqueue(encoder.encode(frame));
        } catch {
          close();
        }
      };
      unsubscribe = open({ send, close });
      // A source that closed the stream while opening has nothing left to unsubscribe later.
      if (closed) unsubscribe();
      heartbeat = setInterval(() => send(": keep-alive\n\n"), HEARTBEAT_MS);
      heartbeat.unref?.();
      if (closed) clearInterval(heartbeat);
    },
    cancel() {
      if (!closed) stop();
    },
  });
  return new Response(stream, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" },
  });
}
