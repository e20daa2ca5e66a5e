import { createSignal, Show } from "solid-js";
import { createApiQuery } from "../api/create-api-query";
import { createConfirmedAction } from "../api/create-confirmed-action";
import { describeApiError } from "../api/describe-api-error";
import { healthApi, type AccountHealth, type AccountQuotaView } from "../api/health-api";
import { ConfirmDialog } from "../components/confirm-dialog";
import { ErrorNotice } from "../components/error-notice";
import { accountName, AccountHealthTable } from "../components/health/account-health-table";
import { CacheStatsGrid } from "../components/health/cache-stats";
import { createClock, createVisiblePolling } from "../components/health/create-clock";
import { HealthSummary } from "../components/health/health-summary";
import { LatencyTable } from "../components/health/latency-table";
import { ProviderBreakersTable } from "../components/health/provider-breakers-table";
import { QuotaList } from "../components/health/quota-list";
import { RateLimitTable } from "../components/health/rate-limit-table";
import { LoadingNotice } from "../components/loading-notice";
import { PageHeading } from "../components/page-heading";
import { formatCount } from "../components/usage/usage-format";
import { t } from "../i18n/locale-store";
import "../styles/health.css";

/** How often the page reads the gateway again while it is visible. */
export const HEALTH_REFRESH_MS = 5_000;
const LATENCY_WINDOW_MS = 3_600_000;

export function HealthPage() {
  const details = createApiQuery(async () => ({ ...(await healthApi.details()), receivedAt: performance.now() }));
  const quota = createApiQuery(async () => ({ ...(await healthApi.quota()), receivedAt: Date.now() }));
  const latency = createApiQuery(() => healthApi.providerLatency(LATENCY_WINDOW_MS));
  const now = createClock();

  const refreshAll = () => Promise.all([details.refetch(), quota.refetch(), latency.refetch()]);
  createVisiblePolling(refreshAll, HEALTH_REFRESH_MS);

  /** Result of the last action, read out by the live region. */
  const [announcement, setAnnouncement] = createSignal("");
  const [actionError, setActionError] = createSignal<string>();
  const [resetting, setResetting] = createSignal<string>();

  async function runAction(id: string, action: () => Promise<string>) {
    if (resetting() !== undefined) return;
    setResetting(id);
    setActionError(undefined);
    try {
      setAnnouncement(await action());
    } catch (failure) {
      setActionError(describeApiError(failure));
    } finally {
      setResetting(undefined);
    }
  }

  const resetAccount = (account: AccountHealth) =>
    runAction(account.connectionId, async () => {
      await healthApi.reset(account.connectionId);
      await details.refetch();
      return t("health.resetDone", { name: accountName(account) });
    });

  const resetAll = () =>
    runAction("*", async () => {
      const result = await healthApi.reset();
      await details.refetch();
      return t("health.resetAllDone", { count: formatCount(result.accountsReset) });
    });

  const cacheClearing = createConfirmedAction(async (_: true) => {
    await healthApi.clearCache();
    await details.refetch();
    setAnnouncement(t("health.cacheCleared"));
  });

  const quotaReset = createConfirmedAction(async (connection: AccountQuotaView) => {
    await healthApi.resetQuota(connection.connectionId);
    await quota.refetch();
    setAnnouncement(t("health.quotaResetDone", { name: connection.name }));
  });

  const quotaElapsed = () => {
    const received = quota.data()?.receivedAt;
    return received === undefined ? 0 : Math.max(0, (now() - received) / 1000);
  };

  return (
    <section class="page health-page">
      <PageHeading
        title={t("health.title")}
        actions={
          <button type="button" class="button" onClick={() => void refreshAll()}>
            {t("common.refresh")}
          </button>
        }
      />
      <p class="muted">{t("health.intro", { seconds: HEALTH_REFRESH_MS / 1000 })}</p>
      <p class="visually-hidden" role="status" data-testid="health-announcement">
        {announcement()}
      </p>
      <Show when={actionError()}>
        {(error) => (
          <p class="form-error health-action-error" role="alert">
            {error()}
          </p>
        )}
      </Show>

      <Show when={details.error()}>{(error) => <ErrorNotice error={error()} onRetry={details.refetch} />}</Show>
      <Show when={details.data()} fallback={<Show when={!details.error()}><LoadingNotice /></Show>}>
        {(current) => (
          <>
            <HealthSummary details={current()} receivedAt={current().receivedAt} />

            <section class="panel" aria-labelledby="health-accounts-heading">
              <div class="health-panel-head">
                <h2 id="health-accounts-heading">{t("health.accountsHeading")}</h2>
                <button type="button" class="button button--small" aria-busy={resetting() === "*"} onClick={() => void resetAll()}>
                  {t("health.resetAll")}
                </button>
              </div>
              <p class="muted">{t("health.accountsIntro")}</p>
              <Show when={current().accounts.length > 0} fallback={<p class="empty-state">{t("health.accountsEmpty")}</p>}>
                <AccountHealthTable accounts={current().accounts} now={now()} resetting={resetting()} onReset={(account) => void resetAccount(account)} />
              </Show>
            </section>

            <section class="panel" aria-labelledby="health-providers-heading">
              <h2 id="health-providers-heading">{t("health.providersHeading")}</h2>
              <Show when={current().providers.length > 0} fallback={<p class="empty-state">{t("health.providersEmpty")}</p>}>
                <ProviderBreakersTable providers={current().providers} now={now()} />
              </Show>
            </section>

            <section class="panel" aria-labelledby="health-latency-heading">
              <h2 id="health-latency-heading">{t("health.latencyHeading")}</h2>
              <Show when={latency.error()}>{(error) => <ErrorNotice error={error()} onRetry={latency.refetch} />}</Show>
              <Show when={latency.data()}>
                {(answer) => (
                  <Show when={answer().groups.length > 0} fallback={<p class="empty-state">{t("health.latencyEmpty")}</p>}>
                    <LatencyTable groups={answer().groups} />
                  </Show>
                )}
              </Show>
            </section>

            <section class="panel" aria-labelledby="health-quota-heading">
              <h2 id="health-quota-heading">{t("health.quotaHeading")}</h2>
              <Show when={quota.error()}>{(error) => <ErrorNotice error={error()} onRetry={quota.refetch} />}</Show>
              <Show when={quota.data()}>
                {(answer) => (
                  <Show when={answer().connections.length > 0} fallback={<p class="empty-state">{t("health.quotaEmpty")}</p>}>
                    <QuotaList connections={answer().connections} elapsedSeconds={quotaElapsed()} onResetRequested={quotaReset.request} />
                  </Show>
                )}
              </Show>
            </section>

            <section class="panel" aria-labelledby="health-rate-limits-heading">
              <h2 id="health-rate-limits-heading">{t("health.rateLimitsHeading")}</h2>
              <p class="muted">{t("health.rateLimitsWaiting", { count: formatCount(current().rateLimits.waiting) })}</p>
              <Show when={current().rateLimits.limits.length > 0} fallback={<p class="empty-state">{t("health.rateLimitsEmpty")}</p>}>
                <RateLimitTable limits={current().rateLimits.limits} />
              </Show>
            </section>

            <section class="panel" aria-labelledby="health-cache-heading">
              <div class="health-panel-head">
                <h2 id="health-cache-heading">{t("health.cacheHeading")}</h2>
                <button type="button" class="button button--small button--danger-quiet" onClick={() => cacheClearing.request(true)}>
                  {t("health.cacheClear")}
                </button>
              </div>
              <CacheStatsGrid cache={current().cache} />
            </section>
          </>
        )}
      </Show>

      <ConfirmDialog
        open={cacheClearing.pending() !== undefined}
        title={t("health.cacheClearTitle")}
        message={t("health.cacheClearMessage")}
        confirmLabel={t("health.cacheClear")}
        busy={cacheClearing.busy()}
        error={cacheClearing.error()}
        onConfirm={cacheClearing.confirm}
        onCancel={cacheClearing.cancel}
      />
      <ConfirmDialog
        open={quotaReset.pending() !== undefined}
        title={t("health.quotaResetTitle")}
        message={t("health.quotaResetMessage", { name: quotaReset.pending()?.name ?? "" })}
        confirmLabel={t("health.quotaReset")}
        busy={quotaReset.busy()}
        error={quotaReset.error()}
        onConfirm={quotaReset.confirm}
        onCancel={quotaReset.cancel}
      />
    </section>
  );
}
