import { For } from "solid-js";
import type { Connection } from "../api/management-types";
import { t } from "../i18n/locale-store";
import { ConnectionTestSummary } from "./connection-test-summary";
import { EnabledBadge } from "./enabled-badge";

interface ConnectionsOverviewTableProps {
  connections: Connection[];
  providerName: (providerId: string) => string;
}

/** Read-only table for the status page; the Providers page has the editable one. */
export function ConnectionsOverviewTable(props: ConnectionsOverviewTableProps) {
  return (
    <table class="data-table">
      <thead>
        <tr>
          <th scope="col">{t("connection.provider")}</th>
          <th scope="col">{t("connection.name")}</th>
          <th scope="col">{t("connection.enabled")}</th>
          <th scope="col">{t("connection.lastTest")}</th>
        </tr>
      </thead>
      <tbody>
        <For each={props.connections}>
          {(connection) => (
            <tr>
              <td data-label={t("connection.provider")}>{props.providerName(connection.providerId)}</td>
              <td data-label={t("connection.name")}>{connection.name}</td>
              <td data-label={t("connection.enabled")}>
                <EnabledBadge enabled={connection.enabled} />
              </td>
              <td data-label={t("connection.lastTest")}>
                <ConnectionTestSummary test={connection.lastTest} />
              </td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
