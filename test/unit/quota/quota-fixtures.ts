import type { RequestLogEntry } from "../../../src/logging/request-log-writer";
import type { QuotaWindow } from "../../../src/quota/quota-config";
import { quotaWindowSchema } from "../../../src/quota/quota-config";
import type { FinishedRequest } from "../../../src/usage/request-events";

let counter = 0;

/** A request-log row of a served request, with neutral defaults. */
export function logEntry(fields: Partial<RequestLogEntry> = {}): RequestLogEntry {
  return {
    id: `req_${++counter}`,
    startedAt: 0,
    apiKeyId: null,
    surface: "openai-chat",
    requestedModel: "ds/deepseek-v4-pro",
    providerId: "deepseek",
    connectionId: "conn_a",
    upstreamModel: "deepseek-v4-pro",
    stream: false,
    status: 200,
    latencyMs: 10,
    ttfbMs: 5,
    tokensIn: 0,
    tokensOut: 0,
    tokensCached: null,
    tokensReasoning: null,
    error: null,
    attemptsJson: null,
    sharedWith: null,
    cache: null,
    costUsd: null,
    usageEstimated: false,
    combo: null,
    comboTarget: null, guard: null,
    ...fields,
  };
}

export function finished(fields: Partial<RequestLogEntry> = {}, upstreamHeaders: Record<string, string> | null = null): FinishedRequest {
  return { entry: logEntry(fields), upstreamHeaders };
}

export function quotaWindow(input: unknown): QuotaWindow {
  return quotaWindowSchema.parse(input);
}

/** A clock the test moves by hand. */
export function manualClock(start: number): { now: () => number; set: (ms: number) => void; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, set: (ms) => void (time = ms), advance: (ms) => void (time += ms) };
}

export const HOUR = 3_600_000;
export const MINUTE = 60_000;
