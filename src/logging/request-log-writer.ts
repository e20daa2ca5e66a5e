import type { IRUsage } from "../ir/ir-types";
import type { EstimatedUsage, EstimateInput } from "../usage/usage-estimate";
import type { RequestLogRow, RequestLogsRepo } from "../store/repos/request-logs-repo";
import type { Logger } from "./console-log";
import { createLogger } from "./logger";
import type { RequestEvents } from "../usage/request-events";

export type RequestLogEntry = RequestLogRow;

/** Something that becomes a request-log row when the batch is written (not before). */
/** Prices a request's usage (the price book); null when the model has no price. */
export type CostOf = (providerId: string | null, model: string | null, usage: IRUsage | null) => number | null;

/** Estimates the tokens of a request whose upstream reported none (usage/usage-estimate.ts). */
export type EstimateUsage = (input: EstimateInput) => EstimatedUsage | null;

export interface LoggableRequest {
  toLogEntry(costOf?: CostOf, estimate?: EstimateUsage): RequestLogEntry;
  /** The upstream answer's relayed headers (rate-limit state), for the request events. */
  readonly upstreamHeaders?: Readonly<Record<string, string>> | null;
}

/**
 * Finished requests are queued in memory and written in one transaction per batch from a timer, so a request
 * never waits on the disk; turning them into rows (usage extraction included) happens here too, in the batch.
 * The timer is armed by the first entry of a batch (an idle gateway is never woken by it); a full queue triggers
 * an early flush; shutdown flushes the rest.
 */
export class RequestLogWriter {
  #queue: LoggableRequest[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #started = false;
  #flushScheduled = false;
  dropped = 0;

  constructor(
    private readonly repo: RequestLogsRepo,
    private readonly options: {
      intervalMs?: number;
      maxBatch?: number;
      maxQueue?: number;
      onFlush?: () => void;
      /** Whether rows are stored (settings.requestLog.enabled); events are published either way. */
      enabled?: () => boolean;
      log?: Logger;
      events?: RequestEvents;
      costOf?: CostOf;
      estimate?: EstimateUsage;
    } = {},
  ) {}

  start(): void {
    this.#started = true;
    if (this.#queue.length > 0) this.schedule();
  }

  /** A flush within the interval, unless one is already due (also for work queued elsewhere: keys' last use). */
  schedule(): void {
    if (!this.#started || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => this.flush(), this.options.intervalMs ?? 100);
    this.#timer.unref?.();
  }

  push(entry: LoggableRequest): void {
    if (this.options.enabled && !this.options.enabled() && !this.options.events?.listenerCount) return;
    if (this.#queue.length >= (this.options.maxQueue ?? 50_000)) {
      // The disk cannot keep up; losing log rows beats growing without bound.
      this.dropped += 1;
      return;
    }
    this.#queue.push(entry);
    if (this.#timer === undefined) this.schedule();
    if (this.#queue.length >= (this.options.maxBatch ?? 1000) && !this.#flushScheduled) {
      this.#flushScheduled = true;
      setTimeout(() => this.flush(), 0);
    }
  }

  pending(): number {
    return this.#queue.length;
  }

  flush(): void {
    this.#flushScheduled = false;
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      try {
        const { costOf, estimate } = this.options;
        const entries = batch.map((request) => request.toLogEntry(costOf, estimate));
        const events = this.options.events;
        if (events && events.listenerCount > 0) events.publish(entries.map((entry, i) => ({ entry, upstreamHeaders: batch[i]!.upstreamHeaders ?? null })));
        if (!this.options.enabled || this.options.enabled()) this.repo.insertBatch(entries);
      } catch (error) {
        (this.options.log ?? createLogger("request-log")).error(`request log write failed, ${batch.length} rows dropped`, { error });
      }
    }
    this.options.onFlush?.();
  }

  stop(): void {
    this.#started = false;
    this.flush();
  }
}
