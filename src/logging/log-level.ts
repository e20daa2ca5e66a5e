/** Console-log severities, least severe first. */
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function levelRank(level: LogLevel): number {
  return RANK[level];
}

/** `level` is at least as severe as `threshold`. */
export function levelAtLeast(level: LogLevel, threshold: LogLevel): boolean {
  return RANK[level] >= RANK[threshold];
}

export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === "string" && Object.hasOwn(RANK, value);
}

/** A level written by a person (`LOG_LEVEL=WARN`, `warning`), or undefined when it names none. */
export function parseLogLevel(value: string | undefined): LogLevel | undefined {
  if (value === undefined) return undefined;
  const normalized = value.trim().toLowerCase();
  if (normalized === "warning") return "warn";
  return isLogLevel(normalized) ? normalized : undefined;
}
