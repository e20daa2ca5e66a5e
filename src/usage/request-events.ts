import type { RequestLogEntry } from "../logging/request-log-writer";

export type RequestEventListener = (entry: RequestLogEntry) => void;

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

  publish(entries: readonly RequestLogEntry[]): void {
    if (this.#listeners.size === 0 || entries.length === 0) return;
    for (const listener of this.#listeners) {
      for (const entry of entries) {
        try {
          listener(entry);
        } catch {
          // One faulty listener must not stop the others or the log writer.
        }
      }
    }
  }
}
