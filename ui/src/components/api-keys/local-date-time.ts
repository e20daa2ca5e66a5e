/** Conversions between ISO times and the `YYYY-MM-DDTHH:mm` value of a datetime-local input (the browser's zone). */

const pad = (value: number) => String(value).padStart(2, "0");

export function isoToLocalInput(iso: string | null): string {
  if (!iso) return "";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return "";
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The ISO time of a datetime-local value (a value without zone is local time); null when it is not a full date-time. */
export function localInputToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** The browser's time zone name, for the hint next to the input. */
export function localZoneName(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "local";
}
