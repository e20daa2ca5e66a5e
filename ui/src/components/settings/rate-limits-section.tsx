import { createUniqueId, For, Show } from "solid-js";
import { createStore, produce } from "solid-js/store";
import { createApiQuery } from "../../api/create-api-query";
import { managementApi } from "../../api/management-api";
import { settingsApi, type GatewaySettings, type RateLimit } from "../../api/settings-api";
import type { MessageKey } from "../../i18n/en";
import { t } from "../../i18n/locale-store";
import { ErrorNotice } from "../error-notice";
import { NumberField, numberOrNull, SettingsForm } from "./settings-form";

const LIMIT_FIELDS = ["rpm", "minGapMs", "maxConcurrent", "queueMax", "queueTimeoutMs"] as const;
type LimitField = (typeof LIMIT_FIELDS)[number];

const FIELD_LABELS: Record<LimitField, MessageKey> = {
  rpm: "settings.rateLimits.rpm",
  minGapMs: "settings.rateLimits.minGap",
  maxConcurrent: "settings.rateLimits.maxConcurrent",
  queueMax: "settings.rateLimits.queueMax",
  queueTimeoutMs: "settings.rateLimits.queueTimeout",
};
const FIELD_HINTS: Record<LimitField, MessageKey> = {
  rpm: "settings.rateLimits.rpmHint",
  minGapMs: "settings.rateLimits.minGapHint",
  maxConcurrent: "settings.rateLimits.maxConcurrentHint",
  queueMax: "settings.rateLimits.queueMaxHint",
  queueTimeoutMs: "settings.rateLimits.queueTimeoutHint",
};

interface Row {
  /** A provider id or a connection id; "" until chosen. */
  key: string;
  values: Record<LimitField, string>;
}

function rowOf(key: string, limit: RateLimit): Row {
  const values = {} as Record<LimitField, string>;
  for (const field of LIMIT_FIELDS) values[field] = limit[field] === undefined ? "" : String(limit[field]);
  return { key, values };
}

interface SectionProps {
  settings: GatewaySettings;
  onSaved: (settings: GatewaySettings) => void;
}

/** routing.rateLimits: the gateway's own request limits per provider (all accounts) or per connection (one account). */
export function RateLimitsSection(props: SectionProps) {
  const providers = createApiQuery(managementApi.listProviders);
  const connections = createApiQuery(managementApi.listConnections);
  const [rows, setRows] = createStore<Row[]>(Object.entries(props.settings.routing.rateLimits).map(([key, limit]) => rowOf(key, limit)));

  function nameOf(key: string): string {
    if (!key) return t("settings.rateLimits.newLimit");
    const connection = connections.data()?.find((c) => c.id === key);
    if (connection) return connection.name;
    return providers.data()?.find((p) => p.id === key)?.name ?? key;
  }

  function check(): string | undefined {
    if (rows.some((row) => !row.key)) return t("settings.rateLimits.chooseTarget");
    const keys = rows.map((row) => row.key);
    const duplicate = keys.find((key, index) => keys.indexOf(key) !== index);
    return duplicate ? t("settings.rateLimits.duplicate", { name: nameOf(duplicate) }) : undefined;
  }

  async function save() {
    const record: Record<string, RateLimit> = {};
    for (const row of rows) {
      const limit: Record<string, number | null> = {};
      for (const field of LIMIT_FIELDS) if (row.values[field].trim() !== "") limit[field] = numberOrNull(row.values[field]);
      record[row.key] = limit as RateLimit;
    }
    props.onSaved(await settingsApi.updateSettings({ routing: { rateLimits: record } }));
  }

  return (
    <SettingsForm title={t("settings.rateLimits.heading")} intro={t("settings.rateLimits.intro")} check={check} onSave={save}>
      <Show when={providers.error() ?? connections.error()}>
        {(error) => (
          <ErrorNotice
            error={error()}
            onRetry={() => {
              void providers.refetch();
              void connections.refetch();
            }}
          />
        )}
      </Show>
      <Show when={rows.length > 0} fallback={<p class="empty-state">{t("settings.rateLimits.empty")}</p>}>
        <div class="rate-limit-list">
          <For each={rows}>
            {(row, index) => {
              const targetId = createUniqueId();
              return (
                <fieldset class="rate-limit">
                  <legend class="rate-limit__title">{nameOf(row.key)}</legend>
                  <div class="field settings-field--narrow">
                    <label for={targetId}>{t("settings.rateLimits.target")}</label>
                    <select id={targetId} class="select" onChange={(event) => setRows(index(), "key", event.currentTarget.value)}>
                      <option value="" selected={row.key === ""} disabled>
                        {t("settings.rateLimits.chooseTargetOption")}
                      </option>
                      <Show when={row.key && !providers.data()?.some((p) => p.id === row.key) && !connections.data()?.some((c) => c.id === row.key)}>
                        <option value={row.key} selected>
                          {row.key}
                        </option>
                      </Show>
                      <optgroup label={t("settings.rateLimits.providersGroup")}>
                        <For each={providers.data() ?? []}>
                          {(provider) => (
                            <option value={provider.id} selected={provider.id === row.key}>
                              {provider.name}
                            </option>
                          )}
                        </For>
                      </optgroup>
                      <optgroup label={t("settings.rateLimits.connectionsGroup")}>
                        <For each={connections.data() ?? []}>
                          {(connection) => (
                            <option value={connection.id} selected={connection.id === row.key}>
                              {connection.name}
                            </option>
                          )}
                        </For>
                      </optgroup>
                    </select>
                  </div>
                  <div class="settings-grid settings-grid--compact">
                    <For each={LIMIT_FIELDS}>
                      {(field) => (
                        <NumberField
                          path={`routing.rateLimits.${row.key}.${field}`}
                          label={t(FIELD_LABELS[field])}
                          hint={t(FIELD_HINTS[field])}
                          min={field === "rpm" || field === "maxConcurrent" ? 1 : 0}
                          value={row.values[field]}
                          onInput={(value) => setRows(index(), "values", field, value)}
                        />
                      )}
                    </For>
                  </div>
                  <div class="rate-limit__actions">
                    <button
                      type="button"
                      class="button button--small button--danger-quiet"
                      aria-label={t("settings.rateLimits.removeNamed", { name: nameOf(row.key) })}
                      onClick={() => setRows(produce((list) => void list.splice(index(), 1)))}
                    >
                      {t("settings.rateLimits.remove")}
                    </button>
                  </div>
                </fieldset>
              );
            }}
          </For>
        </div>
      </Show>
      <div>
        <button
          type="button"
          class="button"
          onClick={() => setRows(rows.length, { key: "", values: { rpm: "", minGapMs: "", maxConcurrent: "", queueMax: "", queueTimeoutMs: "" } })}
        >
          {t("settings.rateLimits.add")}
        </button>
      </div>
    </SettingsForm>
  );
}
