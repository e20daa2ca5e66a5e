import { A } from "@solidjs/router";
import { For } from "solid-js";
import { t } from "../i18n/locale-store";
import { DASHBOARD_PAGES } from "../pages/page-registry";
import { STATUS_PATH } from "../route-paths";

interface SideNavProps {
  id: string;
  open: boolean;
}

export function SideNav(props: SideNavProps) {
  return (
    <nav id={props.id} class="side-nav" classList={{ "side-nav--open": props.open }} aria-label={t("nav.label")}>
      <ul class="side-nav__list">
        <For each={DASHBOARD_PAGES}>
          {(page) => (
            <li>
              <A href={page.path} end={page.path === STATUS_PATH} class="side-nav__link">
                {t(page.navLabelKey)}
              </A>
            </li>
          )}
        </For>
      </ul>
    </nav>
  );
}
