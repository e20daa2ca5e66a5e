import type { RequestLogRow, RequestLogsRepo } from "../store/repos/request-logs-repo";

export type RequestLogEntry = RequestLogRow;

/**
 * Request log entries are queued in memory and written in one transaction per batch from a timer,
 * so a request never waits on the disk. A full queue triggers an early flush; shutdown flushes the rest.
 */
export class RequestLogWriter {
  #queue: RequestLogEntry[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #flushScheduled = false;
  dropped = 0;

  constructor(
    private readonly repo: RequestLogsRepo,
    private readonly options: { intervalMs?: number; maxBatch?: number; maxQueue?: number; onFlush?: () => void; enabled?: () => boolean } = {},
  ) {}

  start(): void {
    this.#timer ??= setInterval(() => this.flush(), this.options.intervalMs ?? 1000);
    this.#timer.unref?.();
  }

  push(entry: RequestLogEntry): void {
    if (this.options.enabled && !this.options.enabled()) return;
    if (this.#queue.length >= (this.options.maxQueue ?? 50_000)) {
      // The disk cannot keep up; losing log rows beats growing without bound.
      this.dropped += 1;
      return;
    }
    this.#queue.push(entry);
    if (this.#queue.length >= (this.options.maxBatch ?? 500) && !this.#flushScheduled) {
      this.#flushScheduled = true;
      setTimeout(() => this.flush(), 0);
    }
  }

  pending(): number {
    return this.#queue.length;
  }

  flush(): void {
    this.#flushScheduled = false;
    if (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      try {
        this.repo.insertBatch(batch);
      } catch (error) {
        console.error(`[omniroute] request log write failed (${batch.length} rows dropped): ${(error as Error).message}`);
      }
    }
    this.options.onFlush?.();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.flush();
  }
}
