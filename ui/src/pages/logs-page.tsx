import { useSearchParams } from "@solidjs/router";
import { createEffect, createSignal, For, Show, untrack, type JSX } from "solid-js";
import { ConsoleTab } from "../components/logs/console-tab";
import { LiveTab } from "../components/logs/live-tab";
import { createLogNames } from "../components/logs/log-names";
import { TabList, type TabSpec } from "../components/tab-list";
import { RequestDetailDialog } from "../components/logs/request-detail-dialog";
import { RequestsTab } from "../components/logs/requests-tab";
import { PageHeading } from "../components/page-heading";
import { t } from "../i18n/locale-store";
import "../styles/logs.css";

type LogsTabId = "requests" | "live" | "console";
const TAB_IDS: readonly LogsTabId[] = ["requests", "live", "console"];

const tabId = (id: LogsTabId) => `logs-tab-${id}`;
const panelId = (id: LogsTabId) => `logs-panel-${id}`;

export function LogsPage() {
  const [params, setParams] = useSearchParams<{ tab?: string }>();
  const selected = (): LogsTabId => (TAB_IDS.find((id) => id === params.tab) ?? "requests");
  // A panel is built the first time it is shown and then kept, so the live views keep streaming in the background.
  const [opened, setOpened] = createSignal<ReadonlySet<LogsTabId>>(new Set([selected()]));
  const [detailId, setDetailId] = createSignal<string>();
  const names = createLogNames();

  createEffect(() => {
    const id = selected();
    if (!untrack(opened).has(id)) setOpened((current) => new Set([...current, id]));
  });

  function select(id: LogsTabId) {
    setParams({ tab: id === "requests" ? undefined : id }, { replace: true });
  }

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

      <TabList
        block="logs-tabs"
        label={t("logs.tabsLabel")}
        tabs={tabs()}
        selected={selected()}
        onSelect={select}
        tabId={tabId}
        panelId={panelId}
      />
      <For each={TAB_IDS}>
        {(id) => (
          <div
            class="logs-panel"
            role="tabpanel"
            id={panelId(id)}
            aria-labelledby={tabId(id)}
            hidden={selected() !== id}
            tabIndex={0}
          >
            <Show when={opened().has(id)}>{panels[id]()}</Show>
          </div>
        )}
      </For>

      <RequestDetailDialog requestId={detailId()} names={names} onClose={() => setDetailId(undefined)} />
    </section>
  );
}
