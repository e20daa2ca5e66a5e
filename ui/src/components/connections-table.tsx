import { For } from "solid-js";
import type { Connection } from "../api/management-types";
import { t } from "../i18n/locale-store";
import { ConnectionRow } from "./connection-row";

interface ConnectionsTableProps {
  connections: Connection[];
  providerName: (providerId: string) => string;
  onUpdated: (connection: Connection) => void;
  onTested: () => void;
  onDeleteRequested: (connection: Connection) => void;
}

export function ConnectionsTable(props: ConnectionsTableProps) {
  return (
    <table class="data-table">
      <thead>
        <tr>
          <th scope="col">{t("connection.provider")}</th>
          <th scope="col">{t("connection.name")}</th>
          <th scope="col">{t("connection.apiKey")}</th>
          <th scope="col">{t("connection.enabled")}</th>
          <th scope="col">{t("connection.lastTest")}</th>
          <th scope="col">
            <span class="visually-hidden">{t("common.actions")}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        <For each={props.connections}>
          {(connection) => (
            <ConnectionRow
              connection={connection}
              providerName={props.providerName(connection.providerId)}
              onUpdated={props.onUpdated}
              onTested={props.onTested}
              onDeleteRequested={props.onDeleteRequested}
            />
          )}
        </For>
      </tbody>
    </table>
  );
}
