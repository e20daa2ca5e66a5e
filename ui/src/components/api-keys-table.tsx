import { For, Show } from "solid-js";
import type { ApiKey } from "../api/management-types";
import { formatDateTime } from "../format/format-date-time";
import { t } from "../i18n/locale-store";

interface ApiKeysTableProps {
  apiKeys: ApiKey[];
  onRevokeRequested: (apiKey: ApiKey) => void;
}

export function ApiKeysTable(props: ApiKeysTableProps) {
  return (
    <table class="data-table">
      <thead>
        <tr>
          <th scope="col">{t("apiKeys.name")}</th>
          <th scope="col">{t("apiKeys.prefix")}</th>
          <th scope="col">{t("apiKeys.created")}</th>
          <th scope="col">{t("apiKeys.lastUsed")}</th>
          <th scope="col">{t("apiKeys.status")}</th>
          <th scope="col">
            <span class="visually-hidden">{t("common.actions")}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        <For each={props.apiKeys}>
          {(apiKey) => (
            <tr classList={{ "row--disabled": apiKey.revokedAt !== null }}>
              <td data-label={t("apiKeys.name")} class="strong">
                {apiKey.name}
              </td>
              <td data-label={t("apiKeys.prefix")}>
                <code class="nowrap">{apiKey.prefix}…</code>
              </td>
              <td data-label={t("apiKeys.created")}>{formatDateTime(apiKey.createdAt)}</td>
              <td data-label={t("apiKeys.lastUsed")}>
                {apiKey.lastUsedAt ? formatDateTime(apiKey.lastUsedAt) : t("common.never")}
              </td>
              <td data-label={t("apiKeys.status")}>
                <Show when={apiKey.revokedAt} fallback={<span class="badge badge--ok">{t("apiKeys.active")}</span>}>
                  {(revokedAt) => (
                    <span class="badge badge--muted">{t("apiKeys.revokedAt", { time: formatDateTime(revokedAt()) })}</span>
                  )}
                </Show>
              </td>
              <td data-label={t("common.actions")}>
                <Show when={apiKey.revokedAt === null}>
                  <button
                    type="button"
                    class="button button--small button--danger-quiet"
                    aria-label={t("apiKeys.revokeNamed", { name: apiKey.name })}
                    onClick={() => props.onRevokeRequested(apiKey)}
                  >
                    {t("apiKeys.revoke")}
                  </button>
                </Show>
              </td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
