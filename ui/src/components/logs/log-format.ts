import { locale, t } from "../../i18n/locale-store";

/** Date and time to the second: log rows of one minute must be told apart. */
export function formatLogTime(time: number | string): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return String(time);
  return new Intl.DateTimeFormat(locale().code, { dateStyle: "short", timeStyle: "medium" }).format(date);
}

/** Console lines: the time of day with milliseconds. */
export function formatClockTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale().code, {
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    fractionalSecondDigits: 3,
    hour12: false,
  }).format(date);
}

/** "812 ms", "1.8 s"; "—" when there is none. */
export function formatMilliseconds(ms: number | null): string {
  if (ms === null) return t("logs.none");
  if (ms < 1000) return t("logs.milliseconds", { value: new Intl.NumberFormat(locale().code).format(Math.round(ms)) });
  const seconds = new Intl.NumberFormat(locale().code, { maximumFractionDigits: ms < 10_000 ? 2 : 1 }).format(ms / 1000);
  return t("logs.seconds", { value: seconds });
}

export function formatCount(value: number | null): string {
  return value === null ? t("logs.none") : new Intl.NumberFormat(locale().code).format(value);
}

/** Costs are fractions of a cent: up to six decimals, no rounding to zero. */
export function formatCost(usd: number | null): string {
  if (usd === null) return t("logs.none");
  return new Intl.NumberFormat(locale().code, {
    style: "currency",
    currency: "USD",
    minimumFractionDigits: 2,
    maximumFractionDigits: usd !== 0 && Math.abs(usd) < 0.01 ? 6 : 4,
  }).format(usd);
}

/** "1,200 → 310" (input → output tokens). */
export function formatTokens(tokensIn: number | null, tokensOut: number | null): string {
  if (tokensIn === null && tokensOut === null) return t("logs.none");
  return t("logs.tokensInOut", { in: formatCount(tokensIn), out: formatCount(tokensOut) });
}

export type StatusTone = "ok" | "warn" | "error";

export function statusTone(status: number): StatusTone {
  if (status < 400) return "ok";
  return status < 500 ? "warn" : "error";
}
