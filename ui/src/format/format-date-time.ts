import { locale } from "../i18n/locale-store";

export function formatDateTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale().code, { dateStyle: "medium", timeStyle: "short" }).format(date);
}
