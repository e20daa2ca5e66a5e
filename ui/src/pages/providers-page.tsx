import { createMemo, createSignal, For, Show } from "solid-js";
import { createApiQuery } from "../api/create-api-query";
import { createConfirmedAction } from "../api/create-confirmed-action";
import { managementApi } from "../api/management-api";
import type { Connection } from "../api/management-types";
import { providersApi, type CatalogProvider, type ProviderConnection } from "../api/providers-api";
import { AddConnectionForm, type ConnectRequest } from "../components/add-connection-form";
import { ConfirmDialog } from "../components/confirm-dialog";
import { ErrorNotice } from "../components/error-notice";
import { createClock, createVisiblePolling } from "../components/health/create-clock";
import { LoadingNotice } from "../components/loading-notice";
import { PageHeading } from "../components/page-heading";
import { ConnectionCard } from "../components/providers/connection-card";
import { OAuthConnectDialog, type OAuthConnectTarget } from "../components/providers/oauth-connect-dialog";
import { ProviderCatalog } from "../components/providers/provider-catalog";
import { QuotaEditorDialog } from "../components/providers/quota-editor-dialog";
import { t } from "../i18n/locale-store";
import "../styles/providers.css";

/** How often routing health and quota are read again while the page is visible. */
export const PROVIDERS_REFRESH_MS = 5_000;

export function ProvidersPage() {
  const providers = createApiQuery(providersApi.listProviders);
  const connections = createApiQuery(providersApi.listConnections);
  const quota = createApiQuery(async () => ({ ...(await providersApi.quota()), receivedAt: Date.now() }));
  const routing = createApiQuery(providersApi.routingHealth);
  const now = createClock();
  const [connectRequest, setConnectRequest] = createSignal<ConnectRequest>();
  const [announcement, setAnnouncement] = createSignal("");
  const [quotaEditing, setQuotaEditing] = createSignal<ProviderConnection>();
  let quotaTrigger: HTMLElement | undefined;
  const [oauthTarget, setOAuthTarget] = createSignal<OAuthConnectTarget>();
  /** Where the focus returns when the sign-in dialog closes (the card's button may have been re-rendered). */
  let oauthTrigger: { element: HTMLElement; fallbackSelector: string } | undefined;

  /** Signed-in accounts change on their own (token renewed, sign-in refused): their connections are read again too. */
  const hasOAuthAccounts = () => (connections.data() ?? []).some((connection) => connection.auth?.kind === "oauth");
  const refreshLive = () => Promise.all([quota.refetch(), routing.refetch(), ...(hasOAuthAccounts() ? [connections.refetch()] : [])]);
  const refreshAll = () => Promise.all([providers.refetch(), connections.refetch(), refreshLive()]);
  createVisiblePolling(refreshLive, PROVIDERS_REFRESH_MS);

  const deletion = createConfirmedAction(async (connection: ProviderConnection) => {
    await managementApi.deleteConnection(connection.id);
    setAnnouncement(t("providers.deleted", { name: connection.name }));
    await Promise.all([connections.refetch(), refreshLive()]);
  });

  const providersById = createMemo(() => new Map((providers.data() ?? []).map((provider) => [provider.id, provider])));
  const connectionCounts = createMemo(() => {
    const counts = new Map<string, number>();
    for (const connection of connections.data() ?? []) counts.set(connection.providerId, (counts.get(connection.providerId) ?? 0) + 1);
    return counts;
  });
  /** By provider name, then oldest first: the list does not reorder while priorities are edited. */
  const sortedConnections = createMemo(() => {
    const name = (connection: Connection) => providersById().get(connection.providerId)?.name ?? connection.providerId;
    return [...(connections.data() ?? [])].sort((a, b) => name(a).localeCompare(name(b)) || a.createdAt.localeCompare(b.createdAt));
  });
  const accounts = createMemo(() => new Map((routing.data()?.accounts ?? []).map((account) => [account.connectionId, account])));
  const providerBreakers = createMemo(() => new Map((routing.data()?.providers ?? []).map((entry) => [entry.providerId, entry.breaker])));
  const quotas = createMemo(() => new Map((quota.data()?.connections ?? []).map((view) => [view.connectionId, view])));
  const quotaElapsed = () => {
    const received = quota.data()?.receivedAt;
    return received === undefined ? 0 : Math.max(0, (now() - received) / 1000);
  };

  function replaceConnection(updated: ProviderConnection) {
    connections.mutate((list) => list?.map((connection) => (connection.id === updated.id ? updated : connection)));
    // Changing a connection clears its routing penalties on the server.
    void refreshLive();
  }

  function handleToggled(provider: CatalogProvider, enabled: boolean) {
    providers.mutate((list) => list?.map((entry) => (entry.id === provider.id ? { ...entry, enabled } : entry)));
    setAnnouncement(t(enabled ? "providers.switchedOn" : "providers.switchedOff", { name: provider.name }));
  }

  /** The form announces the new connection itself. */
  function handleAdded() {
    void connections.refetch();
  }

  function openOAuth(target: OAuthConnectTarget, trigger: HTMLElement, fallbackSelector: string) {
    oauthTrigger = { element: trigger, fallbackSelector };
    setOAuthTarget(() => target);
  }

  function connectProvider(provider: CatalogProvider, trigger: HTMLElement) {
    if (provider.oauth) openOAuth({ provider, oauth: provider.oauth }, trigger, `[data-testid="provider-card-${provider.id}"] button`);
    else setConnectRequest({ providerId: provider.id });
  }

  function reconnect(connection: ProviderConnection, trigger: HTMLElement) {
    const provider = providersById().get(connection.providerId);
    if (!provider?.oauth) return;
    openOAuth({ provider, oauth: provider.oauth, connection }, trigger, `[data-testid="connection-${connection.id}"] .oauth-reconnect`);
  }

  function closeOAuth() {
    setOAuthTarget(undefined);
    const trigger = oauthTrigger;
    oauthTrigger = undefined;
    if (!trigger) return;
    if (trigger.element.isConnected) trigger.element.focus();
    else document.querySelector<HTMLElement>(trigger.fallbackSelector)?.focus();
  }

  async function handleOAuthConnected(connectionId: string | undefined): Promise<ProviderConnection | undefined> {
    await Promise.all([connections.refetch(), quota.refetch(), routing.refetch()]);
    return connectionId === undefined ? undefined : connections.data()?.find((connection) => connection.id === connectionId);
  }

  function openQuotaEditor(connection: ProviderConnection, trigger: HTMLElement) {
    quotaTrigger = trigger;
    setQuotaEditing(() => connection);
  }

  function closeQuotaEditor() {
    setQuotaEditing(undefined);
    quotaTrigger?.focus();
  }

  function handleQuotaSaved(updated: ProviderConnection) {
    closeQuotaEditor();
    connections.mutate((list) => list?.map((connection) => (connection.id === updated.id ? updated : connection)));
    setAnnouncement(t("providers.quota.saved", { name: updated.name }));
    void quota.refetch();
  }

  return (
    <section class="page providers-page">
      <PageHeading
        title={t("providers.title")}
        actions={
          <button type="button" class="button" onClick={() => void refreshAll()}>
            {t("common.refresh")}
          </button>
        }
      />
      <p class="muted">{t("providers.intro")}</p>
      <p class="visually-hidden" role="status" data-testid="providers-announcement">
        {announcement()}
      </p>

      <section class="panel" aria-labelledby="providers-catalog-heading">
        <h2 id="providers-catalog-heading">{t("providers.catalogHeading")}</h2>
        <Show when={providers.error()}>{(error) => <ErrorNotice error={error()} onRetry={providers.refetch} />}</Show>
        <Show when={providers.data()} fallback={<Show when={!providers.error()}><LoadingNotice /></Show>}>
          {(list) => (
            <ProviderCatalog
              providers={list()}
              connectionCount={(id) => connectionCounts().get(id) ?? 0}
              onConnect={connectProvider}
              onToggled={handleToggled}
            />
          )}
        </Show>
      </section>

      <section class="panel" aria-labelledby="providers-add-heading">
        <h2 id="providers-add-heading">{t("providers.addHeading")}</h2>
        <Show when={providers.data()} fallback={<Show when={!providers.error()}><LoadingNotice /></Show>}>
          {(list) => <AddConnectionForm providers={list()} connectRequest={connectRequest()} onAdded={handleAdded} />}
        </Show>
      </section>

      <section class="panel" aria-labelledby="providers-connections-heading">
        <h2 id="providers-connections-heading">{t("providers.connectionsHeading")}</h2>
        <p class="muted">{t("providers.connectionsIntro", { seconds: PROVIDERS_REFRESH_MS / 1000 })}</p>
        <Show when={connections.error()}>{(error) => <ErrorNotice error={error()} onRetry={connections.refetch} />}</Show>
        <Show when={routing.error() ?? quota.error()}>{(error) => <ErrorNotice error={error()} onRetry={() => void refreshLive()} />}</Show>
        <Show when={connections.data()} fallback={<Show when={!connections.error()}><LoadingNotice /></Show>}>
          <Show when={sortedConnections().length > 0} fallback={<p class="empty-state">{t("providers.empty")}</p>}>
            <ul class="connection-list">
              <For each={sortedConnections()}>
                {(connection) => (
                  <ConnectionCard
                    connection={connection}
                    provider={providersById().get(connection.providerId)}
                    account={accounts().get(connection.id)}
                    providerBreaker={providerBreakers().get(connection.providerId)}
                    quota={quotas().get(connection.id)}
                    quotaElapsedSeconds={quotaElapsed()}
                    now={now()}
                    onUpdated={replaceConnection}
                    onTested={() => void Promise.all([connections.refetch(), refreshLive()])}
                    onDeleteRequested={deletion.request}
                    onEditQuota={openQuotaEditor}
                    onReset={() => void routing.refetch()}
                    onReconnect={reconnect}
                  />
                )}
              </For>
            </ul>
          </Show>
        </Show>
      </section>

      <QuotaEditorDialog connection={quotaEditing()} onSaved={handleQuotaSaved} onClose={closeQuotaEditor} />
      <OAuthConnectDialog target={oauthTarget()} now={now()} onConnected={handleOAuthConnected} onClose={closeOAuth} />
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
