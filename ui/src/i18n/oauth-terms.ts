import { oauthTermsPtBR } from "./areas/oauth-terms.pt-BR";
import { locale } from "./locale-store";

/**
 * The subscription providers' terms notes in languages other than English, by locale and provider id. The English
 * text is the server's (the provider catalog's `termsNote`, also what API clients read), so it is not repeated here;
 * a locale or provider missing below shows that text, marked as English.
 */
const TRANSLATED_TERMS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  "pt-BR": oauthTermsPtBR,
};

/** The provider's terms note in the current locale, or the server's English text (then `lang` is "en"). */
export function localizedTermsNote(providerId: string, englishNote: string): { text: string; lang: string | undefined } {
  const code = locale().code;
  const translated = TRANSLATED_TERMS[code]?.[providerId];
  if (translated) return { text: translated, lang: undefined };
  return { text: englishNote, lang: code === "en" ? undefined : "en" };
}

