import { createSignal, type JSX } from "solid-js";
import { ConsoleTab } from "../components/logs/console-tab";
import { LiveTab } from "../components/logs/live-tab";
import { createLogNames } from "../components/logs/log-names";
import { PageTabs } from "../components/page-tabs";
import type { TabSpec } from "../components/tab-list";
import { RequestDetailDialog } from "../components/logs/request-detail-dialog";
import { RequestsTab } from "../components/logs/requests-tab";
import { PageHeading } from "../components/page-heading";
import { t } from "../i18n/locale-store";
import "../styles/logs.css";

type LogsTabId = "requests" | "live" | "console";

export function LogsPage() {
  const [detailId, setDetailId] = createSignal<string>();
  const names = createLogNames();

  const tabs = (): TabSpec<LogsTabId>[] => [
    { id: "requests", label: t("logs.tab.requests") },
    { id: "live", label: t("logs.tab.live") },
    { id: "console", label: t("logs.tab.console") },
  ];

  const panels: Record<LogsTabId, () => JSX.Element> = {
    requests: () => <RequestsTab names={names} onOpen={setDetailId} />,
    live: () => <LiveTab names={names} onOpen={setDetailId} />,
    console: () => <ConsoleTab />,
  };

  return (
    <section class="page logs-page">
      <PageHeading title={t("logs.title")} />
      <p class="muted">{t("logs.intro")}</p>

      {/* Panels are kept once built, so the live views keep streaming in the background. */}
      <PageTabs idPrefix="logs" label={t("logs.tabsLabel")} tabs={tabs()} defaultTab="requests" panels={panels} />

      <RequestDetailDialog requestId={detailId()} names={names} onClose={() => setDetailId(undefined)} />
    </section>
  );
}
