import { t } from "../i18n/locale-store";
import { LanguageSelect } from "./language-select";
import { LogoutButton } from "./logout-button";
import { ProductName } from "./product-name";
import { ThemeToggle } from "./theme-toggle";

interface AppHeaderProps {
  navId: string;
  navOpen: boolean;
  onToggleNav: () => void;
}

export function AppHeader(props: AppHeaderProps) {
  return (
    <header class="app-header">
      <button
        type="button"
        class="icon-button nav-toggle"
        aria-controls={props.navId}
        aria-expanded={props.navOpen}
        aria-label={props.navOpen ? t("header.closeMenu") : t("header.openMenu")}
        onClick={() => props.onToggleNav()}
      >
        <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path d="M3 6h18M3 12h18M3 18h18" stroke="currentColor" stroke-width="2" stroke-linecap="round" />
        </svg>
      </button>
      <ProductName />
      <div class="app-header__tools">
        <LanguageSelect />
        <ThemeToggle />
        <LogoutButton />
      </div>
    </header>
  );
}
