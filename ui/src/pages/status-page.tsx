import { A } from "@solidjs/router";
import { createMemo, Show } from "solid-js";
import { createApiQuery } from "../api/create-api-query";
import { managementApi } from "../api/management-api";
import { ConnectionsOverviewTable } from "../components/connections-overview-table";
import { ErrorNotice } from "../components/error-notice";
import { LoadingNotice } from "../components/loading-notice";
import { ModelIdList } from "../components/model-id-list";
import { PageHeading } from "../components/page-heading";
import { StatCard } from "../components/stat-card";
import { UptimeCounter } from "../components/uptime-counter";
import { formatDateTime } from "../format/format-date-time";
import { formatListenAddress } from "../format/format-listen-address";
import { formatNumber } from "../format/format-number";
import { t } from "../i18n/locale-store";
import { PROVIDERS_PATH } from "../route-paths";

export function StatusPage() {
  const status = createApiQuery(async () => ({ ...(await managementApi.getStatus()), reportedAt: performance.now() }));
  const connections = createApiQuery(managementApi.listConnections);
  const providers = createApiQuery(managementApi.listProviders);
  const models = createApiQuery(managementApi.listModels);

  const providerNames = createMemo(() => new Map((providers.data() ?? []).map((p) => [p.id, p.name])));
  const providerName = (providerId: string) => providerNames().get(providerId) ?? providerId;
  const modelIds = createMemo(() => (models.data() ?? []).map((model) => model.id));

  function refreshAll() {
    void status.refetch();
    void connections.refetch();
    void providers.refetch();
    void models.refetch();
  }

  const anyLoading = () => status.loading() || connections.loading() || models.loading();

  return (
    <section class="page">
      <PageHeading
        title={t("status.title")}
        actions={
          <button type="button" class="button" onClick={refreshAll} disabled={anyLoading()}>
            {t("common.refresh")}
          </button>
        }
      />

      <Show when={status.error()}>{(error) => <ErrorNotice error={error()} onRetry={status.refetch} />}</Show>
      <Show when={status.data()} fallback={<Show when={!status.error()}><LoadingNotice /></Show>}>
        {(current) => (
          <dl class="stat-grid">
            <StatCard label={t("status.version")}>
              <span data-testid="status-version">{current().version}</span>
            </StatCard>
            <StatCard
              label={t("status.uptime")}
              detail={t("status.startedAt", { time: formatDateTime(current().startedAt) })}
            >
              <UptimeCounter uptimeSeconds={current().uptimeSeconds} reportedAt={current().reportedAt} />
            </StatCard>
            <StatCard label={t("status.listen")}>
              <code>{formatListenAddress(current().listen)}</code>
            </StatCard>
            <StatCard
              label={t("status.connections")}
              detail={t("status.connectionsValue", {
                enabled: formatNumber(current().connections.enabled),
                total: formatNumber(current().connections.total),
              })}
            >
              {formatNumber(current().connections.total)}
            </StatCard>
            <StatCard label={t("status.models")}>{formatNumber(current().models.total)}</StatCard>
            <StatCard label={t("status.activeApiKeys")}>{formatNumber(current().apiKeys.active)}</StatCard>
          </dl>
        )}
      </Show>
      <Show when={status.data()}>
        {(current) => (
          <p class="status-data-dir muted">
            {t("status.dataDir")}: <code class="break-anywhere">{current().dataDir}</code>
          </p>
        )}
      </Show>

      <section class="panel" aria-labelledby="status-connections-heading">
        <h2 id="status-connections-heading">{t("status.connections")}</h2>
        <Show when={connections.error()}>
          {(error) => <ErrorNotice error={error()} onRetry={connections.refetch} />}
        </Show>
        <Show when={connections.data()} fallback={<Show when={!connections.error()}><LoadingNotice /></Show>}>
          {(list) => (
            <Show
              when={list().length > 0}
              fallback={
                <p class="empty-state">
                  {t("status.noConnections")} <A href={PROVIDERS_PATH}>{t("status.goToProviders")}</A>
                </p>
              }
            >
              <ConnectionsOverviewTable connections={list()} providerName={providerName} />
            </Show>
          )}
        </Show>
      </section>

      <section class="panel" aria-labelledby="status-models-heading">
        <h2 id="status-models-heading">{t("status.models")}</h2>
        <Show when={models.error()}>{(error) => <ErrorNotice error={error()} onRetry={models.refetch} />}</Show>
        <Show when={models.data()} fallback={<Show when={!models.error()}><LoadingNotice /></Show>}>
          <Show when={modelIds().length > 0} fallback={<p class="empty-state">{t("status.noModels")}</p>}>
            <ModelIdList modelIds={modelIds()} />
          </Show>
        </Show>
      </section>
    </section>
  );
}
