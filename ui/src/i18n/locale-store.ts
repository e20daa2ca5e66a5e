import { createEffect, createRoot, createSignal } from "solid-js";
import { readPreference, writePreference } from "../stores/local-preference";
import { en, type MessageCatalog, type MessageKey } from "./en";
import { ptBR } from "./pt-BR";
import { ar } from "./ar";

export interface SupportedLocale {
  code: string;
  /** Shown in the language selector in its own language, so anyone can find theirs. */
  nativeName: string;
  dir: "ltr" | "rtl";
  /** en and pt-BR are complete (typed MessageCatalog); other locales may cover part, the rest falls back to English. */
  messages: Partial<MessageCatalog>;
}

export const SUPPORTED_LOCALES: readonly SupportedLocale[] = [
  { code: "en", nativeName: "English", dir: "ltr", messages: en },
  { code: "pt-BR", nativeName: "Português (Brasil)", dir: "ltr", messages: ptBR },
  { code: "ar", nativeName: "العربية", dir: "rtl", messages: ar },
];

const LOCALE_STORAGE_KEY = "omniroute.locale";
const DEFAULT_LOCALE = SUPPORTED_LOCALES[0]!;

function findLocale(code: string | null | undefined): SupportedLocale | undefined {
  if (!code) return undefined;
  const lower = code.toLowerCase();
  return (
    SUPPORTED_LOCALES.find((locale) => locale.code.toLowerCase() === lower) ??
    SUPPORTED_LOCALES.find((locale) => locale.code.split("-")[0] === lower.split("-")[0])
  );
}

function detectInitialLocale(): SupportedLocale {
  const stored = findLocale(readPreference(LOCALE_STORAGE_KEY));
  if (stored) return stored;
  for (const language of navigator.languages ?? [navigator.language]) {
    const match = findLocale(language);
    if (match) return match;
  }
  return DEFAULT_LOCALE;
}

const [currentLocale, setCurrentLocale] = createSignal<SupportedLocale>(detectInitialLocale());

export const locale = currentLocale;

export function setLocale(code: string): void {
  const next = findLocale(code) ?? DEFAULT_LOCALE;
  setCurrentLocale(next);
  writePreference(LOCALE_STORAGE_KEY, next.code);
}

export type MessageParams = Record<string, string | number>;

/** Looks up a message in the current locale and fills `{name}` placeholders. Reactive: re-runs on locale change. */
export function t(key: MessageKey, params?: MessageParams): string {
  const template = currentLocale().messages[key] ?? en[key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (placeholder, name: string) =>
    name in params ? String(params[name]) : placeholder,
  );
}

createRoot(() => {
  createEffect(() => {
    const { code, dir } = currentLocale();
    document.documentElement.lang = code;
    document.documentElement.dir = dir;
  });
});
