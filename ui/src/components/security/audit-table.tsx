import { Show } from "solid-js";
import type { AuditEntry } from "../../api/security-api";
import { t } from "../../i18n/locale-store";
import { DataTable } from "../data-table";
import { formatTime } from "../usage/usage-format";
import { changedFieldsOf, errorCodeOf } from "./audit-detail";

function statusTone(status: number | null): string {
  if (status === null) return "";
  return status >= 400 ? "badge--error" : "badge--ok";
}

export function AuditTable(props: { entries: readonly AuditEntry[] }) {
  return (
    <div class="security-table-wrap">
      <DataTable
        class="security-table security-audit-table"
        caption={t("security.audit.caption")}
        columns={[
          t("security.audit.time"),
          t("security.audit.actor"),
          t("security.audit.address"),
          t("security.audit.action"),
          t("security.audit.request"),
          t("security.audit.status"),
          t("security.audit.fields"),
        ]}
        rows={props.entries}
      >
        {(entry) => (
          <tr data-audit-action={entry.action}>
            <td data-label={t("security.audit.time")} class="nowrap">
              {formatTime(entry.at)}
            </td>
            <td data-label={t("security.audit.actor")}>{entry.actor ?? t("security.unknown")}</td>
            <td data-label={t("security.audit.address")} class="security-mono">
              {entry.ip ?? t("security.unknown")}
            </td>
            <td data-label={t("security.audit.action")}>
              <code>{entry.action}</code>
            </td>
            <td data-label={t("security.audit.request")} class="security-mono break-anywhere">
              <Show when={entry.method || entry.path} fallback={t("security.none")}>
                {[entry.method, entry.path].filter(Boolean).join(" ")}
              </Show>
            </td>
            <td data-label={t("security.audit.status")}>
              <Show when={entry.status !== null} fallback={t("security.none")}>
                <span class="security-status">
                  <span class={`badge ${statusTone(entry.status)}`}>{entry.status}</span>
                  <Show when={errorCodeOf(entry.detail)}>{(code) => <code class="muted">{code()}</code>}</Show>
                </span>
              </Show>
            </td>
            <td data-label={t("security.audit.fields")} class="break-anywhere">
              <Show when={changedFieldsOf(entry.detail)} fallback={t("security.none")}>
                {(fields) => <span class="security-fields">{fields()}</span>}
              </Show>
            </td>
          </tr>
        )}
      </DataTable>
    </div>
  );
}
