import type { MonitorEvent, RequestLogRow } from "../../api/logs-api";

/** What the request tables show, from a log row or a live-monitor event alike. */
export interface RequestSummary {
  id: string;
  time: number;
  status: number;
  model: string | null;
  upstreamModel: string | null;
  provider: string | null;
  connection: string | null;
  combo: string | null;
  /** The combo entry (tier) that served it; the live monitor does not send it. */
  comboTarget: string | null;
  stream: boolean;
  latencyMs: number;
  ttfbMs: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
  tokensCached: number | null;
  tokensReasoning: number | null;
  usageEstimated: boolean;
  costUsd: number | null;
  cache: string | null;
  /** The id of the twin request whose answer this one shared. */
  sharedWith: string | null;
  failedAttempts: number;
  error: string | null;
}

export function countAttempts(json: string | null): number {
  if (!json) return 0;
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed) ? parsed.length : 0;
  } catch {
    return 0;
  }
}

export function summaryOfRow(row: RequestLogRow): RequestSummary {
  return {
    id: row.id,
    time: row.startedAt,
    status: row.status,
    model: row.requestedModel,
    upstreamModel: row.upstreamModel,
    provider: row.providerId,
    connection: row.connectionId,
    combo: row.combo,
    comboTarget: row.comboTarget,
    stream: row.stream,
    latencyMs: row.latencyMs,
    ttfbMs: row.ttfbMs,
    tokensIn: row.tokensIn,
    tokensOut: row.tokensOut,
    tokensCached: row.tokensCached,
    tokensReasoning: row.tokensReasoning,
    usageEstimated: row.usageEstimated,
    costUsd: row.costUsd,
    cache: row.cache,
    sharedWith: row.sharedWith,
    failedAttempts: countAttempts(row.attemptsJson),
    error: row.error,
  };
}

export function summaryOfEvent(event: MonitorEvent): RequestSummary {
  return {
    id: event.id,
    time: Date.parse(event.time),
    status: event.status,
    model: event.model,
    upstreamModel: event.upstreamModel,
    provider: event.provider,
    connection: event.connection,
    combo: event.combo,
    comboTarget: null,
    stream: event.stream,
    latencyMs: event.latencyMs,
    ttfbMs: event.ttfbMs,
    tokensIn: event.tokens.in,
    tokensOut: event.tokens.out,
    tokensCached: event.tokens.cached,
    tokensReasoning: event.tokens.reasoning,
    usageEstimated: event.tokens.estimated,
    costUsd: event.costUsd,
    cache: event.cache,
    sharedWith: null,
    failedAttempts: event.failedAttempts,
    error: event.error,
  };
}
