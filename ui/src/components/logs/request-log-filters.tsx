import { createMemo, createUniqueId, For, Show } from "solid-js";
import { createStore } from "solid-js/store";
import type { RequestLogFilters } from "../../api/logs-api";
import { t } from "../../i18n/locale-store";
import type { LogNames } from "./log-names";

const SURFACES = ["openai-chat", "openai-responses", "anthropic", "gemini"] as const;

interface Draft {
  status: "" | "ok" | "error" | "code";
  statusCode: string;
  model: string;
  provider: string;
  connection: string;
  key: string;
  combo: string;
  surface: string;
  from: string;
  to: string;
  search: string;
}

const EMPTY_DRAFT: Draft = {
  status: "",
  statusCode: "",
  model: "",
  provider: "",
  connection: "",
  key: "",
  combo: "",
  surface: "",
  from: "",
  to: "",
  search: "",
};

/** A `datetime-local` value (the browser's local time) as ISO 8601 UTC. */
function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function toFilters(draft: Draft): RequestLogFilters {
  const filters: RequestLogFilters = {};
  if (draft.status === "ok" || draft.status === "error") filters.status = draft.status;
  else if (draft.status === "code" && draft.statusCode.trim()) filters.status = draft.statusCode.trim();
  const text = (value: string) => value.trim() || undefined;
  const fields = {
    model: text(draft.model),
    provider: draft.provider || undefined,
    connection: draft.connection || undefined,
    key: draft.key || undefined,
    combo: draft.combo || undefined,
    surface: draft.surface || undefined,
    from: localToIso(draft.from),
    to: localToIso(draft.to),
    search: text(draft.search),
  };
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined) filters[name as keyof RequestLogFilters] = value;
  }
  return filters;
}

interface RequestLogFiltersProps {
  names: LogNames;
  busy: boolean;
  onApply: (filters: RequestLogFilters) => void;
}

export function RequestLogFiltersForm(props: RequestLogFiltersProps) {
  const [draft, setDraft] = createStore<Draft>({ ...EMPTY_DRAFT });
  const id = createUniqueId();
  const fieldId = (name: string) => `${id}-${name}`;
  const advancedCount = createMemo(
    () => (["provider", "connection", "key", "combo", "surface", "from", "to"] as const).filter((name) => draft[name] !== "").length,
  );
  const providers = createMemo(() => [...new Set(props.names.connections().map((connection) => connection.providerId))].sort());

  function submit(event: SubmitEvent) {
    event.preventDefault();
    props.onApply(toFilters(draft));
  }

  function reset() {
    setDraft({ ...EMPTY_DRAFT });
    props.onApply({});
  }

  const bind = (name: Exclude<keyof Draft, "status">) => ({
    id: fieldId(name),
    get value() {
      return draft[name];
    },
    onInput: (event: InputEvent & { currentTarget: HTMLInputElement }) => setDraft(name, event.currentTarget.value),
  });
  const bindSelect = (name: Exclude<keyof Draft, "status">) => ({
    id: fieldId(name),
    get value() {
      return draft[name];
    },
    onChange: (event: Event & { currentTarget: HTMLSelectElement }) => setDraft(name, event.currentTarget.value),
  });

  return (
    <form class="logs-filters" onSubmit={submit} aria-label={t("logs.filters.label")}>
      <div class="logs-filters__grid">
        <div class="field">
          <label for={fieldId("status")}>{t("logs.filters.status")}</label>
          <select
            id={fieldId("status")}
            class="select"
            value={draft.status}
            onChange={(event) => setDraft("status", event.currentTarget.value as Draft["status"])}
          >
            <option value="">{t("logs.filters.any")}</option>
            <option value="ok">{t("logs.filters.statusOk")}</option>
            <option value="error">{t("logs.filters.statusError")}</option>
            <option value="code">{t("logs.filters.statusCode")}</option>
          </select>
        </div>
        <Show when={draft.status === "code"}>
          <div class="field">
            <label for={fieldId("statusCode")}>{t("logs.filters.statusCodeField")}</label>
            <input
              {...bind("statusCode")}
              class="input"
              type="number"
              inputMode="numeric"
              min="100"
              max="599"
              required
            />
          </div>
        </Show>
        <div class="field">
          <label for={fieldId("model")}>{t("logs.filters.model")}</label>
          <input {...bind("model")} class="input" type="text" autocomplete="off" spellcheck={false} />
        </div>
        <div class="field logs-filters__search">
          <label for={fieldId("search")}>{t("logs.filters.search")}</label>
          <input {...bind("search")} class="input" type="search" maxLength={200} autocomplete="off" />
        </div>
      </div>
      <details class="logs-filters__more">
        <summary>
          {advancedCount() > 0 ? t("logs.filters.moreActive", { count: advancedCount() }) : t("logs.filters.more")}
        </summary>
        <div class="logs-filters__grid">
          <div class="field">
            <label for={fieldId("provider")}>{t("logs.filters.provider")}</label>
            <select {...bindSelect("provider")} class="select">
              <option value="">{t("logs.filters.any")}</option>
              <For each={providers()}>{(provider) => <option value={provider}>{provider}</option>}</For>
            </select>
          </div>
          <div class="field">
            <label for={fieldId("connection")}>{t("logs.filters.connection")}</label>
            <select {...bindSelect("connection")} class="select">
              <option value="">{t("logs.filters.any")}</option>
              <For each={props.names.connections()}>
                {(connection) => <option value={connection.id}>{connection.name}</option>}
              </For>
            </select>
          </div>
          <div class="field">
            <label for={fieldId("key")}>{t("logs.filters.key")}</label>
            <select {...bindSelect("key")} class="select">
              <option value="">{t("logs.filters.any")}</option>
              <For each={props.names.apiKeys()}>{(apiKey) => <option value={apiKey.id}>{apiKey.name}</option>}</For>
            </select>
          </div>
          <div class="field">
            <label for={fieldId("combo")}>{t("logs.filters.combo")}</label>
            <select {...bindSelect("combo")} class="select">
              <option value="">{t("logs.filters.any")}</option>
              <For each={props.names.combos()}>{(combo) => <option value={combo.name}>{combo.name}</option>}</For>
            </select>
          </div>
          <div class="field">
            <label for={fieldId("surface")}>{t("logs.filters.surface")}</label>
            <select {...bindSelect("surface")} class="select">
              <option value="">{t("logs.filters.any")}</option>
              <For each={SURFACES}>{(surface) => <option value={surface}>{surface}</option>}</For>
            </select>
          </div>
          <div class="field">
            <label for={fieldId("from")}>{t("logs.filters.from")}</label>
            <input {...bind("from")} class="input" type="datetime-local" step="1" />
          </div>
          <div class="field">
            <label for={fieldId("to")}>{t("logs.filters.to")}</label>
            <input {...bind("to")} class="input" type="datetime-local" step="1" />
          </div>
        </div>
      </details>
      <div class="logs-filters__actions">
        <button type="submit" class="button button--primary" disabled={props.busy}>
          {t("logs.filters.apply")}
        </button>
        <button type="button" class="button" disabled={props.busy} onClick={reset}>
          {t("logs.filters.reset")}
        </button>
      </div>
    </form>
  );
}
