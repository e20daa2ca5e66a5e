import type { MessageKey } from "../i18n/en";
import { t } from "../i18n/locale-store";

const UNITS: ReadonlyArray<{ seconds: number; key: MessageKey }> = [
  { seconds: 86_400, key: "duration.days" },
  { seconds: 3_600, key: "duration.hours" },
  { seconds: 60, key: "duration.minutes" },
  { seconds: 1, key: "duration.seconds" },
];

/** "3d 4h 0m 12s", starting at the largest non-zero unit ("12s", "5m 3s"). */
export function formatDuration(totalSeconds: number): string {
  let remaining = Math.max(0, Math.floor(totalSeconds));
  const parts: string[] = [];
  for (const unit of UNITS) {
    const count = Math.floor(remaining / unit.seconds);
    remaining -= count * unit.seconds;
    if (count > 0 || parts.length > 0 || unit.seconds === 1) parts.push(t(unit.key, { count }));
  }
  return parts.join(" ");
}
