import { createMemo, createSignal, Show } from "solid-js";
import { createApiQuery } from "../api/create-api-query";
import { createConfirmedAction } from "../api/create-confirmed-action";
import { managementApi } from "../api/management-api";
import type { ApiKey, CreatedApiKey } from "../api/management-types";
import { apiKeysApi, KEY_USAGE_DAYS } from "../api/providers-api";
import type { AnalyticsFigures } from "../api/usage-api";
import { ApiKeysTable } from "../components/api-keys-table";
import { ConfirmDialog } from "../components/confirm-dialog";
import { CreateApiKeyForm } from "../components/create-api-key-form";
import { ErrorNotice } from "../components/error-notice";
import { LoadingNotice } from "../components/loading-notice";
import { NewApiKeySecret } from "../components/new-api-key-secret";
import { PageHeading } from "../components/page-heading";
import { t } from "../i18n/locale-store";
import "../styles/providers.css";

export function ApiKeysPage() {
  const apiKeys = createApiQuery(managementApi.listApiKeys);
  const usage = createApiQuery(() => apiKeysApi.usage(KEY_USAGE_DAYS));
  const [createdKey, setCreatedKey] = createSignal<CreatedApiKey>();
  const revocation = createConfirmedAction(async (apiKey: ApiKey) => {
    await managementApi.revokeApiKey(apiKey.id);
    await apiKeys.refetch();
  });

  /** Figures per key id; undefined until the first answer, so the table shows "—" rather than zeros. */
  const usageByKey = createMemo<ReadonlyMap<string, AnalyticsFigures> | undefined>(() => {
    const summary = usage.data();
    if (!summary) return undefined;
    return new Map(summary.groups.flatMap((group) => (group.key === null ? [] : [[group.key, group] as const])));
  });

  const refresh = () => Promise.all([apiKeys.refetch(), usage.refetch()]);

  function handleCreated(created: CreatedApiKey) {
    setCreatedKey(created);
    void apiKeys.refetch();
  }

  return (
    <section class="page api-keys-page">
      <PageHeading
        title={t("apiKeys.title")}
        actions={
          <button type="button" class="button" aria-busy={apiKeys.loading() || usage.loading()} onClick={() => void refresh()}>
            {t("common.refresh")}
          </button>
        }
      />
      <p class="muted">{t("apiKeys.intro")}</p>

      <Show when={createdKey()}>
        {(created) => <NewApiKeySecret created={created()} onDismiss={() => setCreatedKey(undefined)} />}
      </Show>

      <section class="panel" aria-labelledby="api-keys-create-heading">
        <h2 id="api-keys-create-heading">{t("apiKeys.createHeading")}</h2>
        <CreateApiKeyForm onCreated={handleCreated} />
      </section>

      <section class="panel" aria-labelledby="api-keys-list-heading">
        <h2 id="api-keys-list-heading">{t("apiKeys.listHeading")}</h2>
        <p class="muted">{t("apiKeys.usageIntro", { days: KEY_USAGE_DAYS })}</p>
        <Show when={apiKeys.error()}>{(error) => <ErrorNotice error={error()} onRetry={apiKeys.refetch} />}</Show>
        <Show when={usage.error()}>{(error) => <ErrorNotice error={error()} onRetry={usage.refetch} />}</Show>
        <Show when={apiKeys.data()} fallback={<Show when={!apiKeys.error()}><LoadingNotice /></Show>}>
          {(list) => (
            <Show when={list().length > 0} fallback={<p class="empty-state">{t("apiKeys.empty")}</p>}>
              <ApiKeysTable apiKeys={list()} usage={usageByKey()} onRevokeRequested={revocation.request} />
            </Show>
          )}
        </Show>
      </section>

      <ConfirmDialog
        open={revocation.pending() !== undefined}
        title={t("apiKeys.revokeTitle")}
        message={t("apiKeys.revokeMessage", { name: revocation.pending()?.name ?? "" })}
        confirmLabel={t("apiKeys.revoke")}
        busy={revocation.busy()}
        error={revocation.error()}
        onConfirm={revocation.confirm}
        onCancel={revocation.cancel}
      />
    </section>
  );
}
