import { For } from "solid-js";

export interface TabSpec<Id extends string> {
  id: Id;
  label: string;
}

interface TabListProps<Id extends string> {
  label: string;
  /** BEM block for the page's own styling: `<block>` on the list, `<block>__tab` on each tab. */
  block: string;
  tabs: readonly TabSpec<Id>[];
  selected: Id;
  onSelect: (id: Id) => void;
  tabId: (id: Id) => string;
  panelId: (id: Id) => string;
}

/**
 * An ARIA tablist with automatic activation: one tab in the Tab order (the selected one), arrow keys move
 * between tabs (mirrored in right-to-left layouts), Home / End jump to the first / last.
 */
export function TabList<Id extends string>(props: TabListProps<Id>) {
  const buttons = new Map<Id, HTMLButtonElement>();

  function move(from: Id, step: number | "first" | "last") {
    const ids = props.tabs.map((tab) => tab.id);
    const index = ids.indexOf(from);
    const next =
      step === "first" ? ids[0] : step === "last" ? ids[ids.length - 1] : ids[(index + step + ids.length) % ids.length];
    if (next === undefined) return;
    props.onSelect(next);
    buttons.get(next)?.focus();
  }

  function onKeyDown(event: KeyboardEvent, id: Id) {
    const rtl = getComputedStyle(event.currentTarget as Element).direction === "rtl";
    const forward = rtl ? "ArrowLeft" : "ArrowRight";
    const backward = rtl ? "ArrowRight" : "ArrowLeft";
    if (event.key === forward) move(id, 1);
    else if (event.key === backward) move(id, -1);
    else if (event.key === "Home") move(id, "first");
    else if (event.key === "End") move(id, "last");
    else return;
    event.preventDefault();
  }

  return (
    <div class={props.block} role="tablist" aria-label={props.label}>
      <For each={props.tabs}>
        {(tab) => (
          <button
            ref={(element) => buttons.set(tab.id, element)}
            type="button"
            role="tab"
            class={`${props.block}__tab`}
            id={props.tabId(tab.id)}
            aria-selected={props.selected === tab.id}
            aria-controls={props.panelId(tab.id)}
            tabIndex={props.selected === tab.id ? 0 : -1}
            onClick={() => props.onSelect(tab.id)}
            onKeyDown={(event) => onKeyDown(event, tab.id)}
          >
            {tab.label}
          </button>
        )}
      </For>
    </div>
  );
}
