import type { RequestLogEntry } from "../logging/request-log-writer";

/** A finished request: its log row, and the headers the upstream answered with (rate-limit state), if any. */
export interface FinishedRequest {
  entry: RequestLogEntry;
  /** The answer's headers as relayed to the client, `x-ratelimit-*`, `anthropic-ratelimit-*`, `retry-after` included. */
  upstreamHeaders: Readonly<Record<string, string>> | null;
}

export type RequestEventListener = (request: FinishedRequest) => void;

/**
 * Finished requests, as the request-log writer turns them into rows (in its batch, off the request path), handed
 * to whoever keeps running figures: quota windows, budgets, metrics, the live monitor. Published whether or not
 * rows are stored, so quota and budgets keep counting with the request log switched off.
 */
export class RequestEvents {
  #listeners = new Set<RequestEventListener>();

  subscribe(listener: RequestEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.#listeners.size;
  }

  publish(requests: readonly FinishedRequest[]): void {
    if (this.#listeners.size === 0 || requests.length === 0) return;
    for (const listener of this.#listeners) {
      for (const request of requests) {
        try {
          listener(request);
        } catch {
          // One faulty listener must not stop the others or the log writer.
        }
      }
    }
  }
}
