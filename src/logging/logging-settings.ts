import type { LogLevel } from "./log-level";
import type { ConsoleLog } from "./console-log";
import type { SettingsService } from "../services/settings-service";

/**
 * Applies `logging` settings to a console log now and after every change. A start-up LOG_LEVEL wins over the
 * stored level until the level itself is changed (a PATCH naming it, or an import / other process changing it).
 */
export function followLoggingSettings(log: ConsoleLog, settings: Pick<SettingsService, "get" | "onChange">, envLevel?: LogLevel): () => void {
  const initial = settings.get().logging;
  log.configure({ ...initial, level: envLevel ?? initial.level });
  return settings.onChange((next, previous, patch) => {
    const levelSet = patch ? patch.logging?.level !== undefined : next.logging.level !== previous.logging.level;
    log.configure({ fileMaxBytes: next.logging.fileMaxBytes, fileCount: next.logging.fileCount, ...(levelSet ? { level: next.logging.level } : {}) });
  });
}
