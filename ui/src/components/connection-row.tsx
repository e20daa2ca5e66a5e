import { createSignal, Show } from "solid-js";
import { createEnabledToggle } from "../api/create-enabled-toggle";
import { describeApiError } from "../api/describe-api-error";
import { managementApi } from "../api/management-api";
import type { Connection, ConnectionTestResult } from "../api/management-types";
import { t } from "../i18n/locale-store";
import { ConnectionTestSummary } from "./connection-test-summary";

interface ConnectionRowProps {
  connection: Connection;
  providerName: string;
  onUpdated: (connection: Connection) => void;
  onTested: () => void;
  onDeleteRequested: (connection: Connection) => void;
}

export function ConnectionRow(props: ConnectionRowProps) {
  const [testing, setTesting] = createSignal(false);
  const [justTested, setJustTested] = createSignal<(ConnectionTestResult & { at: string }) | null>(null);
  const [rowError, setRowError] = createSignal<string>();

  async function runTest() {
    setTesting(true);
    setRowError(undefined);
    try {
      const result = await managementApi.testConnection(props.connection.id);
      setJustTested({ ...result, at: new Date().toISOString() });
      props.onTested();
    } catch (failure) {
      setRowError(describeApiError(failure));
    } finally {
      setTesting(false);
    }
  }

  const enabledToggle = createEnabledToggle({
    save: async (enabled) => {
      props.onUpdated(await managementApi.updateConnection(props.connection.id, { enabled }));
    },
    saved: () => props.connection.enabled,
    onError: setRowError,
  });


  return (
    <tr classList={{ "row--disabled": !props.connection.enabled }}>
      <td data-label={t("connection.provider")}>{props.providerName}</td>
      <td data-label={t("connection.name")}>
        <span class="strong">{props.connection.name}</span>
        <Show when={props.connection.alias}>
          {(alias) => (
            <span class="muted">
              {" "}
              · {t("connection.alias")}: <code>{alias()}</code>
            </span>
          )}
        </Show>
        <Show when={props.connection.baseUrl}>
          {(baseUrl) => <div class="muted break-anywhere">{baseUrl()}</div>}
        </Show>
      </td>
      <td data-label={t("connection.apiKey")}>
        <Show when={props.connection.apiKeyPreview} fallback={<span class="muted">{t("connection.noApiKey")}</span>}>
          {(preview) => <code class="nowrap">{preview()}</code>}
        </Show>
      </td>
      <td data-label={t("connection.enabled")}>
        <label class="switch">
          <input
            type="checkbox"
            role="switch"
            checked={props.connection.enabled}
            aria-busy={enabledToggle.saving()}
            aria-label={t("providers.enabledNamed", { name: props.connection.name })}
            onChange={(event) => enabledToggle.toggle(event.currentTarget)}
          />
          <span class="switch__text" aria-hidden="true">
            {props.connection.enabled ? t("connection.enabled") : t("connection.disabled")}
          </span>
        </label>
      </td>
      <td data-label={t("connection.lastTest")}>
        <div aria-live="polite">
          <ConnectionTestSummary test={justTested() ?? props.connection.lastTest} />
        </div>
        <Show when={rowError()}>
          <p class="form-error" role="alert">
            {rowError()}
          </p>
        </Show>
      </td>
      <td data-label={t("common.actions")}>
        <div class="row-actions">
          <button
            type="button"
            class="button button--small"
            disabled={testing()}
            aria-label={t("providers.testNamed", { name: props.connection.name })}
            onClick={runTest}
          >
            {testing() ? t("providers.testing") : t("providers.test")}
          </button>
          <button
            type="button"
            class="button button--small button--danger-quiet"
            aria-label={t("providers.deleteNamed", { name: props.connection.name })}
            onClick={() => props.onDeleteRequested(props.connection)}
          >
            {t("providers.delete")}
          </button>
        </div>
      </td>
    </tr>
  );
}
