import { useSearchParams } from "@solidjs/router";
import { createSignal, For, Show, type JSX } from "solid-js";
import { createApiQuery } from "../api/create-api-query";
import { translatorApi } from "../api/translator-api";
import { PageHeading } from "../components/page-heading";
import { ChatTester } from "../components/translator/chat-tester";
import { LiveMonitor } from "../components/translator/live-monitor";
import { Playground } from "../components/translator/playground";
import { TestBench } from "../components/translator/test-bench";
import { TabList } from "../components/tab-list";
import { t } from "../i18n/locale-store";
import "../styles/translator.css";

const TAB_IDS = ["playground", "chat", "bench", "monitor"] as const;
type TabId = (typeof TAB_IDS)[number];

const isTabId = (value: unknown): value is TabId => (TAB_IDS as readonly unknown[]).includes(value);

export function TranslatorPage() {
  const [searchParams, setSearchParams] = useSearchParams<{ tab?: string }>();
  const selected = (): TabId => (isTabId(searchParams.tab) ? searchParams.tab : "playground");
  // Panels are created on first visit and kept (hidden) afterwards, so switching tabs loses no work.
  const [visited, setVisited] = createSignal<ReadonlySet<TabId>>(new Set([selected()]));
  const models = createApiQuery(translatorApi.listModels);

  function select(id: TabId) {
    setVisited((current) => new Set([...current, id]));
    setSearchParams({ tab: id === "playground" ? undefined : id }, { replace: true });
  }

  const tabs = () => [
    { id: "playground" as const, label: t("translator.tab.playground") },
    { id: "chat" as const, label: t("translator.tab.chat") },
    { id: "bench" as const, label: t("translator.tab.bench") },
    { id: "monitor" as const, label: t("translator.tab.monitor") },
  ];

  const panels: Record<TabId, () => JSX.Element> = {
    playground: () => <Playground />,
    chat: () => <ChatTester models={models} />,
    bench: () => <TestBench models={models} />,
    monitor: () => <LiveMonitor active={selected() === "monitor"} />,
  };

  return (
    <section class="page translator-page">
      <PageHeading title={t("translator.title")} />
      <p class="muted">{t("translator.intro")}</p>
      <TabList
        block="translator-tabs"
        label={t("translator.tabsLabel")}
        tabs={tabs()}
        selected={selected()}
        onSelect={select}
        tabId={(id) => `translator-tab-${id}`}
        panelId={(id) => `translator-panel-${id}`}
      />
      <For each={TAB_IDS}>
        {(id) => (
          <div
            class="panel translator-panel"
            role="tabpanel"
            id={`translator-panel-${id}`}
            aria-labelledby={`translator-tab-${id}`}
            tabIndex={0}
            hidden={selected() !== id}
          >
            <Show when={visited().has(id) || selected() === id}>{panels[id]()}</Show>
          </div>
        )}
      </For>
    </section>
  );
}
