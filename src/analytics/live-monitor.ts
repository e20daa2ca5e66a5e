import type { RequestLogEntry } from "../logging/request-log-writer";
import type { FinishedRequest } from "../usage/request-events";

/** What the live monitor sends per finished request: the log row in brief. */
export interface MonitorEvent {
  id: string;
  /** When the request started, ISO 8601 UTC. */
  time: string;
  keyId: string | null;
  surface: string;
  /** The model the client asked for. */
  model: string | null;
  upstreamModel: string | null;
  provider: string | null;
  connection: string | null;
  combo: string | null;
  stream: boolean;
  status: number;
  latencyMs: number;
  ttfbMs: number | null;
  tokens: { in: number | null; out: number | null; cached: number | null; reasoning: number | null; estimated: boolean };
  costUsd: number | null;
  cache: string | null;
  /** Upstream attempts that failed before the outcome (failover, retries). */
  failedAttempts: number;
  /** The error, cut to 300 characters; null on success. */
  error: string | null;
}

export function monitorEventOf(entry: RequestLogEntry): MonitorEvent {
  return {
    id: entry.id,
    time: new Date(entry.startedAt).toISOString(),
    keyId: entry.apiKeyId,
    surface: entry.surface,
    model: entry.requestedModel,
    upstreamModel: entry.upstreamModel,
    provider: entry.providerId,
    connection: entry.connectionId,
    combo: entry.combo,
    stream: entry.stream,
    status: entry.status,
    latencyMs: entry.latencyMs,
    ttfbMs: entry.ttfbMs,
    tokens: { in: entry.tokensIn, out: entry.tokensOut, cached: entry.tokensCached, reasoning: entry.tokensReasoning, estimated: entry.usageEstimated },
    costUsd: entry.costUsd,
    cache: entry.cache,
    failedAttempts: countFailedAttempts(entry.attemptsJson),
    error: entry.error === null ? null : entry.error.slice(0, 300),
  };
}

/** Entries in a row's `attemptsJson` (the attempts that failed before its outcome). */
export function countFailedAttempts(json: string | null): number {
  if (!json) return 0;
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.length : 0;
  } catch {
    return 0;
  }
}

export interface MonitorSubscriber {
  /** One finished request, already serialized (once for all subscribers). */
  event(json: string): void;
  /** The monitor is shutting down: close the stream. */
  end(): void;
}

/**
 * Fans finished requests out to the dashboard's live streams (GET /api/monitor/stream). Fed by the request events,
 * so it runs in the log writer's batch; with nobody watching it does nothing but a size check.
 */
export class LiveMonitor {
  readonly #subscribers = new Set<MonitorSubscriber>();

  readonly listener = (finished: FinishedRequest): void => {
    if (this.#subscribers.size === 0) return;
    const json = JSON.stringify(monitorEventOf(finished.entry));
    for (const subscriber of this.#subscribers) {
      try {
        subscriber.event(json);
      } catch {
        // A broken stream must not keep the others from their events.
      }
    }
  };

  subscribe(subscriber: MonitorSubscriber): () => void {
    this.#subscribers.add(subscriber);
    return () => this.#subscribers.delete(subscriber);
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  /** Shutdown: every open stream ends (they never would by themselves, and would hold the drain open). */
  endSubscriptions(): void {
    const subscribers = [...this.#subscribers];
    this.#subscribers.clear();
    for (const subscriber of subscribers) {
      try {
        subscriber.end();
      } catch {}
    }
  }
}
