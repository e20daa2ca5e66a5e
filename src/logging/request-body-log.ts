import { redact } from "../security/redact";
import type { RequestBodiesRepo, RequestBodyRow } from "../store/repos/request-bodies-repo";
import { createLogger } from "./logger";

/** One request's bodies as captured: the client's raw body and the answer's bytes as the client received them. */
export interface CapturedBodies {
  requestId: string;
  startedAt: number;
  request: string;
  response: Uint8Array[];
  /** The answer was longer than the limit: what is kept is its beginning. */
  truncated: boolean;
}

const decoder = new TextDecoder();

/**
 * Optional body logging (settings.requestLog.bodies or ENABLE_REQUEST_LOGS): off by default, since prompts are the
 * user's data. Captured bodies are queued and written in batches off the request path; every body goes through
 * the central redaction (and the known provider keys) and is cut at the size limit before it is stored.
 */
export class RequestBodyLog {
  #queue: CapturedBodies[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #started = false;
  readonly #log = createLogger("request-bodies");

  constructor(
    private readonly repo: RequestBodiesRepo,
    private readonly options: { enabled: () => boolean; maxBytes: () => number; knownSecrets: () => readonly string[]; intervalMs?: number },
  ) {}

  get enabled(): boolean {
    return this.options.enabled();
  }

  get maxBytes(): number {
    return this.options.maxBytes();
  }

  start(): void {
    this.#started = true;
    if (this.#queue.length > 0) this.#schedule();
  }

  push(bodies: CapturedBodies): void {
    // Bounded like the request log: losing body rows beats growing without bound when the disk cannot keep up.
    if (this.#queue.length < 10_000) this.#queue.push(bodies);
    if (this.#timer === undefined) this.#schedule();
  }

  /** Armed by the first body of a batch, so an idle gateway is never woken by this log. */
  #schedule(): void {
    if (!this.#started || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => this.flush(), this.options.intervalMs ?? 250);
    this.#timer.unref?.();
  }

  flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#queue.length === 0) return;
    const batch = this.#queue;
    this.#queue = [];
    const limit = this.options.maxBytes();
    const secrets = this.options.knownSecrets();
    const rows: RequestBodyRow[] = batch.map((b) => ({
      requestId: b.requestId,
      startedAt: b.startedAt,
      requestBody: redact(cut(b.request, limit), secrets),
      responseBody: redact(cut(decoder.decode(Buffer.concat(b.response)), limit) + (b.truncated ? "\n[truncated]" : ""), secrets),
    }));
    try {
      this.repo.insertBatch(rows);
    } catch (error) {
      this.#log.error(`request body write failed, ${rows.length} rows dropped`, { error });
    }
  }

  stop(): void {
    this.#started = false;
    this.flush();
  }
}

function cut(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}\n[truncated]` : text;
}

/**
 * The same response, with its body copied into `bodies` as the client reads it (up to `maxBytes`); `done` runs once
 * when the body has been read to the end, fails or is cancelled. Only used when body logging is on.
 */
export function captureResponseBody(response: Response, bodies: CapturedBodies, maxBytes: number, done: () => void): Response {
  if (!response.body) {
    done();
    return response;
  }
  let kept = 0;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    done();
  };
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: end, value } = await reader.read();
        if (end) {
          finish();
          controller.close();
          return;
        }
        if (kept < maxBytes) {
          const room = maxBytes - kept;
          const part = value.byteLength > room ? value.slice(0, room) : value.slice();
          bodies.response.push(part);
          kept += part.byteLength;
          if (value.byteLength > room) bodies.truncated = true;
        } else {
          bodies.truncated = true;
        }
        controller.enqueue(value);
      } catch (error) {
        finish();
        controller.error(error);
      }
    },
    cancel(reason) {
      finish();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
