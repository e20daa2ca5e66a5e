import { ConsoleLog, Logger, type LogFields } from "./console-log";
import { parseLogLevel } from "./log-level";

/**
 * The process's current console log, for code that has no gateway runtime at hand (module-level loggers).
 * The running gateway installs its own; before that (or in CLI commands) entries go to a terminal-only log
 * whose threshold is LOG_LEVEL.
 */
const installed: ConsoleLog[] = [];
let fallback: ConsoleLog | undefined;

export function processConsoleLog(): ConsoleLog {
  return installed.at(-1) ?? (fallback ??= new ConsoleLog({ filePath: null, level: parseLogLevel(process.env.LOG_LEVEL) ?? "info" }));
}

/** Makes `log` the process's console log until the returned function is called (the latest install wins). */
export function installConsoleLog(log: ConsoleLog): () => void {
  installed.push(log);
  return () => {
    const index = installed.lastIndexOf(log);
    if (index !== -1) installed.splice(index, 1);
  };
}

/** A logger for `component` that always writes to the process's current console log. */
export function createLogger(component: string, bindings?: LogFields): Logger {
  return new Logger(processConsoleLog, component, bindings);
}
