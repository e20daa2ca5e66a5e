import { createMemo, Show } from "solid-js";
import { createApiQuery } from "../api/create-api-query";
import { createConfirmedAction } from "../api/create-confirmed-action";
import { managementApi } from "../api/management-api";
import type { Connection } from "../api/management-types";
import { AddConnectionForm } from "../components/add-connection-form";
import { ConfirmDialog } from "../components/confirm-dialog";
import { ConnectionsTable } from "../components/connections-table";
import { ErrorNotice } from "../components/error-notice";
import { LoadingNotice } from "../components/loading-notice";
import { PageHeading } from "../components/page-heading";
import { t } from "../i18n/locale-store";

export function ProvidersPage() {
  const connections = createApiQuery(managementApi.listConnections);
  const providers = createApiQuery(managementApi.listProviders);
  const deletion = createConfirmedAction(async (connection: Connection) => {
    await managementApi.deleteConnection(connection.id);
    await connections.refetch();
  });

  const providerNames = createMemo(() => new Map((providers.data() ?? []).map((p) => [p.id, p.name])));
  const providerName = (providerId: string) => providerNames().get(providerId) ?? providerId;

  function replaceConnection(updated: Connection) {
    connections.mutate((list) => list?.map((connection) => (connection.id === updated.id ? updated : connection)));
  }

  return (
    <section class="page">
      <PageHeading title={t("providers.title")} />

      <section class="panel" aria-labelledby="providers-connections-heading">
        <h2 id="providers-connections-heading">{t("providers.connectionsHeading")}</h2>
        <Show when={connections.error()}>
          {(error) => <ErrorNotice error={error()} onRetry={connections.refetch} />}
        </Show>
        <Show when={connections.data()} fallback={<Show when={!connections.error()}><LoadingNotice /></Show>}>
          {(list) => (
            <Show when={list().length > 0} fallback={<p class="empty-state">{t("providers.empty")}</p>}>
              <ConnectionsTable
                connections={list()}
                providerName={providerName}
                onUpdated={replaceConnection}
                onTested={() => void connections.refetch()}
                onDeleteRequested={deletion.request}
              />
            </Show>
          )}
        </Show>
      </section>

      <section class="panel" aria-labelledby="providers-add-heading">
        <h2 id="providers-add-heading">{t("providers.addHeading")}</h2>
        <Show when={providers.error()}>{(error) => <ErrorNotice error={error()} onRetry={providers.refetch} />}</Show>
        <Show when={providers.data()} fallback={<Show when={!providers.error()}><LoadingNotice /></Show>}>
          {(list) => <AddConnectionForm providers={list()} onAdded={() => void connections.refetch()} />}
        </Show>
      </section>

      <ConfirmDialog
        open={deletion.pending() !== undefined}
        title={t("providers.deleteTitle")}
        message={t("providers.deleteMessage", { name: deletion.pending()?.name ?? "" })}
        confirmLabel={t("providers.delete")}
        busy={deletion.busy()}
        error={deletion.error()}
        onConfirm={deletion.confirm}
        onCancel={deletion.cancel}
      />
    </section>
  );
}
