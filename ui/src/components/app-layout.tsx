import { useLocation } from "@solidjs/router";
import { createEffect, createSignal, on, Suspense, type ParentProps } from "solid-js";
import { t } from "../i18n/locale-store";
import { AppHeader } from "./app-header";
import { LoadingNotice } from "./loading-notice";
import { SideNav } from "./side-nav";

const SIDE_NAV_ID = "side-nav";
const MAIN_CONTENT_ID = "main-content";

export function AppLayout(props: ParentProps) {
  const location = useLocation();
  const [navOpen, setNavOpen] = createSignal(false);
  let main!: HTMLElement;

  // On phones the nav covers the page; once the user picked a page it should get out of the way.
  createEffect(on(() => location.pathname, () => setNavOpen(false), { defer: true }));

  function skipToContent(event: MouseEvent) {
    event.preventDefault();
    main.focus();
  }

  return (
    <div class="app-shell">
      <a class="skip-link" href={`#${MAIN_CONTENT_ID}`} onClick={skipToContent}>
        {t("header.skipToContent")}
      </a>
      <AppHeader navId={SIDE_NAV_ID} navOpen={navOpen()} onToggleNav={() => setNavOpen(!navOpen())} />
      <div class="app-body">
        <SideNav id={SIDE_NAV_ID} open={navOpen()} />
        <main id={MAIN_CONTENT_ID} ref={main} class="app-main" tabindex="-1">
          <Suspense fallback={<LoadingNotice />}>{props.children}</Suspense>
        </main>
      </div>
    </div>
  );
}
