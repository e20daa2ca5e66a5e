import { lazy, type Component } from "solid-js";
import type { MessageKey } from "../i18n/en";
import { API_KEYS_PATH, PROVIDERS_PATH, SETTINGS_PATH, STATUS_PATH } from "../route-paths";
import { HEALTH_PATH, USAGE_PATH } from "../route-paths";
import { LOGS_PATH } from "../route-paths";
import { TRANSLATOR_PATH } from "../route-paths";
import { CLI_TOOLS_PATH, WELCOME_PATH } from "../route-paths";
import { COMBOS_PATH } from "../route-paths";
import { SECURITY_PATH } from "../route-paths";

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
    path: COMBOS_PATH,
    navLabelKey: "combos.nav",
    component: lazy(() => import("./combos-page").then((module) => ({ default: module.CombosPage }))),
  },
  {
    path: API_KEYS_PATH,
    navLabelKey: "nav.apiKeys",
    component: lazy(() => import("./api-keys-page").then((module) => ({ default: module.ApiKeysPage }))),
  },
  {
    path: SETTINGS_PATH,
    navLabelKey: "settings.nav",
    component: lazy(() => import("./settings-page").then((module) => ({ default: module.SettingsPage }))),
  },
  {
    path: SECURITY_PATH,
    navLabelKey: "security.nav",
    component: lazy(() => import("./security-page").then((module) => ({ default: module.SecurityPage }))),
  },
  {
    path: USAGE_PATH,
    navLabelKey: "usage.nav",
    component: lazy(() => import("./usage-page").then((module) => ({ default: module.UsagePage }))),
  },
  {
    path: HEALTH_PATH,
    navLabelKey: "health.nav",
    component: lazy(() => import("./health-page").then((module) => ({ default: module.HealthPage }))),
  },
  {
    path: LOGS_PATH,
    navLabelKey: "logs.nav",
    component: lazy(() => import("./logs-page").then((module) => ({ default: module.LogsPage }))),
  },
  {
    path: TRANSLATOR_PATH,
    navLabelKey: "translator.nav",
    component: lazy(() => import("./translator-page").then((module) => ({ default: module.TranslatorPage }))),
  },
  {
    path: CLI_TOOLS_PATH,
    navLabelKey: "cliTools.nav",
    component: lazy(() => import("./cli-tools-page").then((module) => ({ default: module.CliToolsPage }))),
  },
  {
    path: WELCOME_PATH,
    navLabelKey: "onboarding.nav",
    component: lazy(() => import("./onboarding-page").then((module) => ({ default: module.OnboardingPage }))),
  },
];
