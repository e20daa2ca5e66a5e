import { createMemo, createSignal, Show } from "solid-js";
import { budgetsApi, budgetsByKey } from "../api/budgets-api";
import { createApiQuery } from "../api/create-api-query";
import { createConfirmedAction } from "../api/create-confirmed-action";
import { keysApi, type ClientKey, type CreatedClientKey } from "../api/keys-api";
import { apiKeysApi, KEY_USAGE_DAYS } from "../api/providers-api";
import type { AnalyticsFigures } from "../api/usage-api";
import { ApiKeyForm } from "../components/api-keys/api-key-form";
import { ApiKeysTable } from "../components/api-keys/api-keys-table";
import { ConfirmDialog } from "../components/confirm-dialog";
import { ErrorNotice } from "../components/error-notice";
import { LoadingNotice } from "../components/loading-notice";
import { NewApiKeySecret } from "../components/new-api-key-secret";
import { PageHeading } from "../components/page-heading";
import { t } from "../i18n/locale-store";
import "../styles/providers.css";
import "../styles/api-keys.css";

export function ApiKeysPage() {
  const apiKeys = createApiQuery(keysApi.list);
  const usage = createApiQuery(() => apiKeysApi.usage(KEY_USAGE_DAYS));
  const budgets = createApiQuery(budgetsApi.list);
  // What a key's rules can name; the form works without them (typed entries), so their failure is only a notice.
  const models = createApiQuery(keysApi.listModels);
  const providers = createApiQuery(keysApi.listProviders);
  const combos = createApiQuery(async () => (await keysApi.listCombos()).map((combo) => ({ ...combo, id: combo.name })));
  const [createdKey, setCreatedKey] = createSignal<CreatedClientKey>();
  const [editing, setEditing] = createSignal<ClientKey>();
  const [notice, setNotice] = createSignal("");
  let formHeading!: HTMLHeadingElement;
  let listHeading!: HTMLHeadingElement;
  let editTrigger: HTMLElement | undefined;

  const revocation = createConfirmedAction(async (apiKey: ClientKey) => {
    await keysApi.revoke(apiKey.id);
    if (editing()?.id === apiKey.id) setEditing(undefined);
    await apiKeys.refetch();
  });

  /** Figures per key id; undefined until the first answer, so the table shows "—" rather than zeros. */
  const usageByKey = createMemo<ReadonlyMap<string, AnalyticsFigures> | undefined>(() => {
    const summary = usage.data();
    if (!summary) return undefined;
    return new Map(summary.groups.flatMap((group) => (group.key === null ? [] : [[group.key, group] as const])));
  });

  /** Key-scoped budgets per key id; undefined until loaded, so neither the table nor the form guesses. */
  const keyBudgets = createMemo(() => {
    const list = budgets.data();
    return list ? budgetsByKey(list) : undefined;
  });

  const refresh = () => Promise.all([apiKeys.refetch(), usage.refetch(), budgets.refetch(), models.refetch(), providers.refetch(), combos.refetch()]);
  const pickerError = () => models.error() ?? providers.error() ?? combos.error();

  function handleCreated(created: CreatedClientKey) {
    setNotice("");
    setCreatedKey(created);
    void apiKeys.refetch();
    void budgets.refetch();
  }

  function startEditing(apiKey: ClientKey, trigger: HTMLElement) {
    editTrigger = trigger;
    setNotice("");
    setCreatedKey(undefined);
    // Through undefined, so choosing another key (or the same one again) remounts the form with its values.
    setEditing(undefined);
    setEditing(() => apiKey);
    formHeading.scrollIntoView({ block: "start" });
    formHeading.focus();
  }

  function stopEditing() {
    setEditing(undefined);
    if (editTrigger?.isConnected) editTrigger.focus();
    else listHeading.focus();
  }

  async function handleSaved(name: string, saved: ClientKey | undefined) {
    setNotice(saved ? t("apiKeys.saved", { name: saved.name }) : t("apiKeys.noChanges", { name }));
    if (saved) apiKeys.mutate((list) => list?.map((apiKey) => (apiKey.id === saved.id ? saved : apiKey)));
    stopEditing();
    await Promise.all([apiKeys.refetch(), budgets.refetch()]);
  }

  return (
    <section class="page api-keys-page">
      <PageHeading
        title={t("apiKeys.title")}
        actions={
          <button type="button" class="button" aria-busy={apiKeys.loading() || usage.loading() || budgets.loading()} onClick={() => void refresh()}>
            {t("common.refresh")}
          </button>
        }
      />
      <p class="muted">{t("apiKeys.intro")}</p>

      <Show when={createdKey()}>
        {(created) => <NewApiKeySecret created={created()} onDismiss={() => setCreatedKey(undefined)} />}
      </Show>

      <p class="form-success" role="status" data-testid="api-keys-notice">
        {notice()}
      </p>

      <section class="panel" aria-labelledby="api-keys-form-heading">
        <h2 id="api-keys-form-heading" ref={formHeading} tabindex="-1">
          {editing() ? t("apiKeys.editHeading", { name: editing()!.name }) : t("apiKeys.createHeading")}
        </h2>
        <Show when={pickerError()}>{(error) => <ErrorNotice error={error()} onRetry={() => void refresh()} />}</Show>
        <Show
          when={editing()}
          keyed
          fallback={<ApiKeyForm models={models.data() ?? []} providers={providers.data() ?? []} combos={combos.data() ?? []} onCreated={handleCreated} />}
        >
          {(apiKey) => (
            <ApiKeyForm
              apiKey={apiKey}
              models={models.data() ?? []}
              providers={providers.data() ?? []}
              combos={combos.data() ?? []}
              budgets={keyBudgets() ? (keyBudgets()!.get(apiKey.id) ?? []) : undefined}
              onSaved={(saved) => void handleSaved(apiKey.name, saved)}
              onCancel={stopEditing}
            />
          )}
        </Show>
      </section>

      <section class="panel" aria-labelledby="api-keys-list-heading">
        <h2 id="api-keys-list-heading" ref={listHeading} tabindex="-1">
          {t("apiKeys.listHeading")}
        </h2>
        <p class="muted">{t("apiKeys.usageIntro", { days: KEY_USAGE_DAYS })}</p>
        <Show when={apiKeys.error()}>{(error) => <ErrorNotice error={error()} onRetry={apiKeys.refetch} />}</Show>
        <Show when={usage.error()}>{(error) => <ErrorNotice error={error()} onRetry={usage.refetch} />}</Show>
        <Show when={budgets.error()}>{(error) => <ErrorNotice error={error()} onRetry={budgets.refetch} />}</Show>
        <Show when={apiKeys.data()} fallback={<Show when={!apiKeys.error()}><LoadingNotice /></Show>}>
          {(list) => (
            <Show when={list().length > 0} fallback={<p class="empty-state">{t("apiKeys.empty")}</p>}>
              {/* Between the phone layout (cards) and a wide screen the table may be wider than the page: it scrolls, the page does not. */}
              <div class="api-keys-table-wrap">
                <ApiKeysTable apiKeys={list()} usage={usageByKey()} budgets={keyBudgets()} onEditRequested={startEditing} onRevokeRequested={revocation.request} />
              </div>
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
