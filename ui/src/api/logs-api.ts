import { apiRequest } from "./client";

/** One request-log row as `GET /api/logs` returns it (docs/api.md, request log). */
export interface RequestLogRow {
  id: string;
  /** Epoch milliseconds. */
  startedAt: number;
  apiKeyId: string | null;
  surface: string;
  requestedModel: string | null;
  providerId: string | null;
  connectionId: string | null;
  upstreamModel: string | null;
  stream: boolean;
  status: number;
  latencyMs: number;
  ttfbMs: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
  tokensCached: number | null;
  tokensReasoning: number | null;
  error: string | null;
  attemptsJson: string | null;
  sharedWith: string | null;
  cache: string | null;
  costUsd: number | null;
  usageEstimated: boolean;
  combo: string | null;
  comboTarget: string | null;
}

/** An upstream attempt that failed before the request's outcome. */
export interface FailedAttempt {
  /** `<alias>/<model>` */
  target: string;
  status: number;
  error: string;
}

export interface RequestLogDetail extends RequestLogRow {
  attempts: FailedAttempt[];
  /** Kept only when `requestLog.bodies` is on; redacted and possibly cut. */
  bodies: { request: string | null; response: string | null } | null;
}

export interface RequestLogFilters {
  status?: string;
  model?: string;
  provider?: string;
  connection?: string;
  key?: string;
  combo?: string;
  surface?: string;
  /** ISO 8601. */
  from?: string;
  to?: string;
  search?: string;
}

export interface RequestLogPage {
  rows: RequestLogRow[];
  /** The `cursor` of the next page; undefined on the last one. */
  nextCursor: string | undefined;
}

/** What `GET /api/monitor/stream` sends per finished request (`event: request`). */
export interface MonitorEvent {
  id: string;
  time: string;
  keyId: string | null;
  surface: string;
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
  failedAttempts: number;
  error: string | null;
}

export const CONSOLE_LEVELS = ["debug", "info", "warn", "error"] as const;
export type ConsoleLevel = (typeof CONSOLE_LEVELS)[number];

export interface ConsoleLogEntry {
  seq: number;
  time: string;
  level: ConsoleLevel;
  component: string;
  msg: string;
  fields: Record<string, unknown>;
}

export interface ConsoleLogPage {
  entries: ConsoleLogEntry[];
  cursor: number;
  hasMore: boolean;
  oldestSeq: number;
}

export interface ConsoleLogFilters {
  level?: ConsoleLevel;
  search?: string;
}

export interface ComboSummary {
  name: string;
}

/** `?a=1&b=2` from the values that are set, or "" when none is. */
export function queryString(params: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

const encodeId = encodeURIComponent;

export const LOG_PAGE_SIZE = 50;
export const CONSOLE_PAGE_SIZE = 500;

export const logsApi = {
  async listRequests(filters: RequestLogFilters, cursor?: string): Promise<RequestLogPage> {
    let nextCursor: string | undefined;
    const rows = await apiRequest<RequestLogRow[]>(
      "GET",
      `/api/logs${queryString({ ...filters, limit: LOG_PAGE_SIZE, cursor })}`,
      { onHeaders: (headers) => (nextCursor = headers.get("x-omniroute-next-cursor") ?? undefined) },
    );
    return { rows, nextCursor };
  },
  getRequest: (id: string) => apiRequest<RequestLogDetail>("GET", `/api/logs/${encodeId(id)}`),
  /** A same-origin link: the browser downloads it with the session cookie. */
  exportCsvUrl: (filters: RequestLogFilters) => `/api/logs/export.csv${queryString({ ...filters })}`,
  monitorStreamUrl: () => "/api/monitor/stream",

  getConsole: (filters: ConsoleLogFilters) =>
    apiRequest<ConsoleLogPage>("GET", `/api/logs/console${queryString({ ...filters, limit: CONSOLE_PAGE_SIZE })}`),
  consoleStreamUrl: (filters: ConsoleLogFilters, after: number) =>
    `/api/logs/console/stream${queryString({ ...filters, after })}`,

  /** For the filter menus: names to show instead of ids. */
  listCombos: () => apiRequest<ComboSummary[]>("GET", "/api/combos"),
  /** Called when a live stream closes for good: a 401 here signs the user out like any other call. */
  checkSession: () => apiRequest<unknown>("GET", "/api/status"),
};
