import { useSearchParams } from "@solidjs/router";
import { createEffect, createMemo, createSignal, For, Show, untrack, type JSX } from "solid-js";
import { TabList, type TabSpec } from "./tab-list";
import "../styles/page-tabs.css";

interface PageTabsProps<Id extends string> {
  /** Element ids are `<idPrefix>-tab-<id>` and `<idPrefix>-panel-<id>`. */
  idPrefix: string;
  /** Accessible name of the tab list. */
  label: string;
  tabs: readonly TabSpec<Id>[];
  /** Shown when `?tab=` names no tab; selecting it removes `?tab=` from the address. */
  defaultTab: Id;
  panels: Record<Id, () => JSX.Element>;
}

/**
 * A page's tabs, addressed by `?tab=<id>` (so a tab can be linked to and survives a reload; switching replaces the
 * history entry). A panel is built the first time it is shown and then kept hidden, so drafts and live views
 * survive switching tabs.
 */
export function PageTabs<Id extends string>(props: PageTabsProps<Id>) {
  const [params, setParams] = useSearchParams<{ tab?: string }>();
  // Ids only: a new label (another language) must not rebuild the panels.
  const ids = createMemo(() => props.tabs.map((tab) => tab.id), undefined, { equals: (a, b) => a.join() === b.join() });
  const selected = (): Id => ids().find((id) => id === params.tab) ?? props.defaultTab;
  const [opened, setOpened] = createSignal<ReadonlySet<Id>>(new Set([selected()]));

  createEffect(() => {
    const id = selected();
    if (!untrack(opened).has(id)) setOpened((current) => new Set([...current, id]));
  });

  function select(id: Id) {
    setParams({ tab: id === props.defaultTab ? undefined : id }, { replace: true });
  }

  const tabId = (id: Id) => `${props.idPrefix}-tab-${id}`;
  const panelId = (id: Id) => `${props.idPrefix}-panel-${id}`;

  return (
    <>
      <TabList block="page-tabs" label={props.label} tabs={props.tabs} selected={selected()} onSelect={select} tabId={tabId} panelId={panelId} />
      <For each={ids()}>
        {(id) => (
          <div class="page-tabs__panel" role="tabpanel" id={panelId(id)} aria-labelledby={tabId(id)} hidden={selected() !== id} tabIndex={0}>
            <Show when={opened().has(id)}>{props.panels[id]()}</Show>
          </div>
        )}
      </For>
    </>
  );
}
