import { locale } from "../i18n/locale-store";

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(locale().code).format(value);
}
