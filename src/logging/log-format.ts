import type { ConsoleLogEntry } from "./log-ring";

const CORE_KEYS = new Set(["time", "level", "component", "msg", "seq"]);

/** The file's JSON line: `{"time","level","component","msg",...fields}`; a field named like a core key gets a `_`. */
export function formatJsonLine(entry: ConsoleLogEntry): string {
  const record: Record<string, unknown> = { time: entry.time, level: entry.level, component: entry.component, msg: entry.msg };
  for (const key in entry.fields) record[CORE_KEYS.has(key) ? `_${key}` : key] = entry.fields[key];
  return `${JSON.stringify(record)}\n`;
}

function isSerializedError(value: unknown): value is { name: string; message: string; stack?: string } {
  return typeof value === "object" && value !== null && typeof (value as { message?: unknown }).message === "string" && typeof (value as { name?: unknown }).name === "string";
}

function fieldText(value: unknown): string {
  if (typeof value === "string") return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value) ?? String(value);
}

/** The terminal line: `2026-05-01T12:00:00.000Z WARN  [router] message key=value …`, then any error stacks indented. */
export function formatTerminalLine(entry: ConsoleLogEntry): string {
  let line = `${entry.time} ${entry.level.toUpperCase().padEnd(5)} [${entry.component}] ${entry.msg}`;
  let stacks = "";
  for (const key in entry.fields) {
    const value = entry.fields[key];
    if (isSerializedError(value)) {
      line += ` ${key}=${fieldText(`${value.name}: ${value.message}`)}`;
      if (value.stack) stacks += `\n    ${value.stack.split("\n").join("\n    ")}`;
    } else {
      line += ` ${key}=${fieldText(value)}`;
    }
  }
  return `${line}${stacks}\n`;
}
