import { locale } from "../../i18n/locale-store";

/** Formatting of the usage and health figures, in the current locale. A null figure shows as an em dash. */
export const NO_VALUE = "—";

export function formatCount(value: number): string {
  return new Intl.NumberFormat(locale().code).format(value);
}

/** Short form for chart axes: 1.2K, 3.4M. */
export function formatCompact(value: number): string {
  return new Intl.NumberFormat(locale().code, { notation: "compact", maximumFractionDigits: 1 }).format(value);
}

/** Dollars: cents for amounts of a dollar or more, up to four significant digits below (costs are often fractions of a cent). */
export function formatUsd(value: number): string {
  const abs = Math.abs(value);
  const options: Intl.NumberFormatOptions =
    abs === 0 || abs >= 1 ? { style: "currency", currency: "USD" } : { style: "currency", currency: "USD", maximumSignificantDigits: 4 };
  return new Intl.NumberFormat(locale().code, options).format(value);
}

/** A 0 – 1 share as a percentage. */
export function formatShare(value: number | null): string {
  if (value === null) return NO_VALUE;
  return new Intl.NumberFormat(locale().code, { style: "percent", maximumFractionDigits: 1 }).format(value);
}

/** A 0 – 100 figure as a percentage. */
export function formatPercent(value: number): string {
  return formatShare(value / 100);
}

export function formatMs(value: number | null): string {
  if (value === null) return NO_VALUE;
  return new Intl.NumberFormat(locale().code, { style: "unit", unit: "millisecond", unitDisplay: "short", maximumFractionDigits: 0 }).format(value);
}

export function formatBytes(bytes: number): string {
  const units = ["byte", "kilobyte", "megabyte", "gigabyte"] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return new Intl.NumberFormat(locale().code, { style: "unit", unit: units[unit], unitDisplay: "short", maximumFractionDigits: unit === 0 ? 0 : 1 }).format(value);
}

/** Epoch ms or ISO as a local date and time. */
export function formatTime(time: number | string): string {
  const date = new Date(time);
  if (Number.isNaN(date.getTime())) return String(time);
  return new Intl.DateTimeFormat(locale().code, { dateStyle: "medium", timeStyle: "medium" }).format(date);
}
