import { createMemo, createSignal, createUniqueId, For, Show } from "solid-js";
import { t } from "../i18n/locale-store";

export function ModelIdList(props: { modelIds: string[] }) {
  const filterId = createUniqueId();
  const [filter, setFilter] = createSignal("");
  const visibleIds = createMemo(() => {
    const needle = filter().trim().toLowerCase();
    return needle ? props.modelIds.filter((id) => id.toLowerCase().includes(needle)) : props.modelIds;
  });

  return (
    <div class="model-id-list">
      <div class="field field--inline">
        <label for={filterId}>{t("status.filterModels")}</label>
        <input
          id={filterId}
          class="input"
          type="search"
          autocomplete="off"
          spellcheck={false}
          value={filter()}
          onInput={(event) => setFilter(event.currentTarget.value)}
        />
      </div>
      <Show when={filter().trim()}>
        <p class="muted" role="status">
          {t("status.modelsShown", { shown: visibleIds().length, total: props.modelIds.length })}
        </p>
      </Show>
      <ul class="model-id-list__items">
        <For each={visibleIds()}>
          {(id) => (
            <li>
              <code>{id}</code>
            </li>
          )}
        </For>
      </ul>
    </div>
  );
}
