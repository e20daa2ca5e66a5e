import { Show, untrack, type JSX } from "solid-js";
import { createApiQuery } from "../api/create-api-query";
import { securityApi, type SecurityPageSettings } from "../api/security-api";
import { ErrorNotice } from "../components/error-notice";
import { LoadingNotice } from "../components/loading-notice";
import { PageHeading } from "../components/page-heading";
import { AuditTab } from "../components/security/audit-tab";
import { NetworkTab } from "../components/security/network-tab";
import { PromptGuardTab } from "../components/security/prompt-guard-tab";
import { RequestLimitsForm } from "../components/security/request-limits-form";
import { SessionsTab } from "../components/security/sessions-tab";
import { PageTabs } from "../components/page-tabs";
import type { TabSpec } from "../components/tab-list";
import { t } from "../i18n/locale-store";
import "../styles/settings.css";
import "../styles/form-group.css";
import "../styles/security.css";

type SecurityTabId = "sessions" | "audit" | "network" | "guard" | "limits";

export function SecurityPage() {
  const settings = createApiQuery(securityApi.getSettings);
  const saved = (updated: SecurityPageSettings) => settings.mutate(() => updated);

  const tabs = (): TabSpec<SecurityTabId>[] => [
    { id: "sessions", label: t("security.tab.sessions") },
    { id: "audit", label: t("security.tab.audit") },
    { id: "network", label: t("security.tab.network") },
    { id: "guard", label: t("security.tab.guard") },
    { id: "limits", label: t("security.tab.limits") },
  ];

  /** A settings tab's forms start from the stored settings once they have arrived (and are not rebuilt after a save). */
  function withSettings(render: (current: SecurityPageSettings) => JSX.Element): JSX.Element {
    return (
      <>
        <Show when={settings.error()}>{(error) => <ErrorNotice error={error()} onRetry={settings.refetch} />}</Show>
        <Show when={settings.data() !== undefined} fallback={<Show when={!settings.error()}><LoadingNotice /></Show>}>
          {untrack(() => render(settings.data()!))}
        </Show>
      </>
    );
  }

  const panels: Record<SecurityTabId, () => JSX.Element> = {
    sessions: () => <SessionsTab />,
    audit: () => <AuditTab />,
    network: () => withSettings((current) => <NetworkTab settings={current} onSaved={saved} />),
    guard: () => withSettings((current) => <PromptGuardTab settings={current} onSaved={saved} />),
    limits: () => withSettings((current) => <RequestLimitsForm settings={current} onSaved={saved} />),
  };

  return (
    <section class="page security-page">
      <PageHeading title={t("security.title")} />
      <p class="muted">{t("security.intro")}</p>

      {/* Panels are kept once built, so drafts survive switching tabs. */}
      <PageTabs idPrefix="security" label={t("security.tabsLabel")} tabs={tabs()} defaultTab="sessions" panels={panels} />
    </section>
  );
}
