import { createMemo, createSignal, Show } from "solid-js";
import { createApiQuery } from "../api/create-api-query";
import { describeApiError } from "../api/describe-api-error";
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
  const [pendingDelete, setPendingDelete] = createSignal<Connection>();
  const [deleting, setDeleting] = createSignal(false);
  const [deleteError, setDeleteError] = createSignal<string>();

  const providerNames = createMemo(() => new Map((providers.data() ?? []).map((p) => [p.id, p.name])));
  const providerName = (providerId: string) => providerNames().get(providerId) ?? providerId;

  function replaceConnection(updated: Connection) {
    connections.mutate((list) => list?.map((connection) => (connection.id === updated.id ? updated : connection)));
  }

  function closeDeleteDialog() {
    setPendingDelete(undefined);
    setDeleteError(undefined);
  }

  async function confirmDelete() {
    const connection = pendingDelete();
    if (!connection) return;
    setDeleting(true);
    setDeleteError(undefined);
    try {
      await managementApi.deleteConnection(connection.id);
      closeDeleteDialog();
      await connections.refetch();
    } catch (failure) {
      setDeleteError(describeApiError(failure));
    } finally {
      setDeleting(false);
    }
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
                onDeleteRequested={setPendingDelete}
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
        open={pendingDelete() !== undefined}
        title={t("providers.deleteTitle")}
        message={t("providers.deleteMessage", { name: pendingDelete()?.name ?? "" })}
        confirmLabel={t("providers.delete")}
        busy={deleting()}
        error={deleteError()}
        onConfirm={confirmDelete}
        onCancel={closeDeleteDialog}
      />
    </section>
  );
}
