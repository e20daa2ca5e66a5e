import { lazy, type Component } from "solid-js";
import type { MessageKey } from "../i18n/en";
import { API_KEYS_PATH, PROVIDERS_PATH, STATUS_PATH } from "../route-paths";

/**
 * Every signed-in page. The router and the nav are both built from this list, so adding a page
 * means adding one entry here and one file in this folder.
 */
export interface DashboardPage {
  path: string;
  /** Catalog key for the nav entry. */
  navLabelKey: MessageKey;
  component: Component;
}

export const DASHBOARD_PAGES: readonly DashboardPage[] = [
  {
    path: STATUS_PATH,
    navLabelKey: "nav.status",
    component: lazy(() => import("./status-page").then((module) => ({ default: module.StatusPage }))),
  },
  {
    path: PROVIDERS_PATH,
    navLabelKey: "nav.providers",
    component: lazy(() => import("./providers-page").then((module) => ({ default: module.ProvidersPage }))),
  },
  {
    path: API_KEYS_PATH,
    navLabelKey: "nav.apiKeys",
    component: lazy(() => import("./api-keys-page").then((module) => ({ default: module.ApiKeysPage }))),
  },
];
