import { createMemo, For, Show } from "solid-js";
import type { RequestLogFilters } from "../../api/logs-api";
import { t } from "../../i18n/locale-store";
import { createFilterDraft, localToIso } from "../create-filter-draft";
import type { LogNames } from "./log-names";

const SURFACES = ["openai-chat", "openai-responses", "anthropic", "gemini"] as const;

type Draft = {
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
};

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
  const { draft, fieldId, bind, bindSelect, set, submit, reset } = createFilterDraft({ empty: EMPTY_DRAFT, toFilters, onApply: (filters) => props.onApply(filters) });
  const advancedCount = createMemo(
    () => (["provider", "connection", "key", "combo", "surface", "from", "to"] as const).filter((name) => draft[name] !== "").length,
  );
  const providers = createMemo(() => [...new Set(props.names.connections().map((connection) => connection.providerId))].sort());


  return (
    <form class="logs-filters" onSubmit={submit} aria-label={t("logs.filters.label")}>
      <div class="logs-filters__grid">
        <div class="field">
          <label for={fieldId("status")}>{t("logs.filters.status")}</label>
          <select
            id={fieldId("status")}
            class="select"
            value={draft.status}
            onChange={(event) => set("status", event.currentTarget.value)}
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
