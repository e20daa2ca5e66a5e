import { createUniqueId, For } from "solid-js";
import { locale, setLocale, SUPPORTED_LOCALES, t } from "../i18n/locale-store";

export function LanguageSelect() {
  const id = createUniqueId();
  return (
    <div class="language-select">
      <label class="visually-hidden" for={id}>
        {t("header.language")}
      </label>
      <select id={id} class="select select--compact" onChange={(event) => setLocale(event.currentTarget.value)}>
        <For each={SUPPORTED_LOCALES}>
          {(option) => (
            <option value={option.code} lang={option.code} selected={option.code === locale().code}>
              {option.nativeName}
            </option>
          )}
        </For>
      </select>
    </div>
  );
}
