import { Show } from "solid-js";
import { t } from "../i18n/locale-store";
import { theme, toggleTheme } from "../stores/theme-store";

export function ThemeToggle() {
  const label = () => (theme() === "dark" ? t("header.switchToLight") : t("header.switchToDark"));
  return (
    <button type="button" class="icon-button theme-toggle" aria-label={label()} title={label()} onClick={toggleTheme}>
      <Show
        when={theme() === "dark"}
        fallback={
          <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
            <path d="M20 14.5A8 8 0 0 1 9.5 4 8 8 0 1 0 20 14.5z" fill="currentColor" />
          </svg>
        }
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <circle cx="12" cy="12" r="4.5" fill="currentColor" />
          <path
            d="M12 2v2.5M12 19.5V22M2 12h2.5M19.5 12H22M4.9 4.9l1.8 1.8M17.3 17.3l1.8 1.8M4.9 19.1l1.8-1.8M17.3 6.7l1.8-1.8"
            stroke="currentColor"
            stroke-width="2"
            stroke-linecap="round"
          />
        </svg>
      </Show>
    </button>
  );
}
