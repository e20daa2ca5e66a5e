import { createMemo, createSignal, Show } from "solid-js";
import { createStore } from "solid-js/store";
import { COMBO_STRATEGIES, combosApi, type Combo, type ComboStrategy } from "../api/combos-api";
import { createApiQuery } from "../api/create-api-query";
import { createConfirmedAction } from "../api/create-confirmed-action";
import { describeApiError } from "../api/describe-api-error";
import { ComboForm } from "../components/combos/combo-form";
import { CombosTable, type ComboTestState } from "../components/combos/combos-table";
import { ConfirmDialog } from "../components/confirm-dialog";
import { ErrorNotice } from "../components/error-notice";
import { LoadingNotice } from "../components/loading-notice";
import { PageHeading } from "../components/page-heading";
import { t } from "../i18n/locale-store";
import "../styles/combos.css";

/** Combos keyed by name, so rows (and the focus inside them) survive a refetch. */
type ListedCombo = Combo & { id: string };
const withId = (combo: Combo): ListedCombo => ({ ...combo, id: combo.name });

export function CombosPage() {
  const combos = createApiQuery(async () => (await combosApi.list()).map(withId));
  const models = createApiQuery(combosApi.listModels);
  const providers = createApiQuery(combosApi.listProviders);
  const settingsDefault = createApiQuery(combosApi.defaultStrategy);
  const [editing, setEditing] = createSignal<Combo>();
  const [notice, setNotice] = createSignal("");
  const [tests, setTests] = createStore<Record<string, ComboTestState | undefined>>({});
  let formHeading!: HTMLHeadingElement;
  let listHeading!: HTMLHeadingElement;
  let editTrigger: HTMLElement | undefined;

  const providerNames = createMemo(() => new Map((providers.data() ?? []).map((p) => [p.id, p.name])));
  const providerName = (id: string) => providerNames().get(id) ?? id;
  const defaultStrategy = createMemo<ComboStrategy | null>(() => {
    const value = settingsDefault.data();
    return (COMBO_STRATEGIES as readonly string[]).includes(value ?? "") ? (value as ComboStrategy) : null;
  });

  const deletion = createConfirmedAction(async (combo: Combo) => {
    await combosApi.remove(combo.name);
    if (editing()?.name === combo.name) setEditing(undefined);
    setTests(combo.name, undefined);
    setNotice(t("combos.deleted", { name: combo.name }));
    await combos.refetch();
  });

  function replaceCombo(updated: Combo) {
    combos.mutate((list) => list?.map((combo) => (combo.name === updated.name ? withId(updated) : combo)));
  }

  async function runTest(combo: Combo) {
    const name = combo.name;
    setTests(name, { busy: true, result: tests[name]?.result });
    try {
      setTests(name, { busy: false, result: await combosApi.test(name) });
    } catch (failure) {
      setTests(name, { busy: false, error: describeApiError(failure) });
    }
  }

  function startEditing(combo: Combo, trigger: HTMLElement) {
    editTrigger = trigger;
    setNotice("");
    setEditing(undefined);
    setEditing(() => combo);
    formHeading.scrollIntoView({ block: "start" });
    formHeading.focus();
  }

  function stopEditing() {
    setEditing(undefined);
    if (editTrigger?.isConnected) editTrigger.focus();
    else formHeading.focus();
  }

  async function handleSaved(combo: Combo, created: boolean) {
    setNotice(t(created ? "combos.created" : "combos.saved", { name: combo.name }));
    if (!created) {
      setEditing(undefined);
      listHeading.focus();
    }
    await Promise.all([combos.refetch(), models.refetch()]);
  }

  return (
    <section class="page combos-page">
      <PageHeading title={t("combos.title")} />
      <p class="muted">{t("combos.intro")}</p>

      <p class="form-success" role="status" data-testid="combos-notice">
        {notice()}
      </p>

      <section class="panel" aria-labelledby="combos-list-heading">
        <h2 id="combos-list-heading" ref={listHeading} tabindex="-1">
          {t("combos.listHeading")}
        </h2>
        <Show when={combos.error()}>{(error) => <ErrorNotice error={error()} onRetry={combos.refetch} />}</Show>
        <Show when={combos.data()} fallback={<Show when={!combos.error()}><LoadingNotice /></Show>}>
          {(list) => (
            <Show when={list().length > 0} fallback={<p class="empty-state">{t("combos.empty")}</p>}>
              <CombosTable
                combos={list()}
                defaultStrategy={defaultStrategy()}
                tests={tests}
                onUpdated={replaceCombo}
                onTest={(combo) => void runTest(combo)}
                onEdit={startEditing}
                onDeleteRequested={deletion.request}
              />
            </Show>
          )}
        </Show>
      </section>

      <section class="panel" aria-labelledby="combos-form-heading">
        <h2 id="combos-form-heading" ref={formHeading} tabindex="-1">
          {editing() ? t("combos.editHeading", { name: editing()!.name }) : t("combos.createHeading")}
        </h2>
        <Show when={models.error()}>{(error) => <ErrorNotice error={error()} onRetry={models.refetch} />}</Show>
        <Show
          when={editing()}
          keyed
          fallback={
            <ComboForm
              combos={combos.data() ?? []}
              models={models.data() ?? []}
              providerName={providerName}
              defaultStrategy={defaultStrategy()}
              onSaved={handleSaved}
            />
          }
        >
          {(combo) => (
            <ComboForm
              combo={combo}
              combos={combos.data() ?? []}
              models={models.data() ?? []}
              providerName={providerName}
              defaultStrategy={defaultStrategy()}
              onSaved={handleSaved}
              onCancel={stopEditing}
            />
          )}
        </Show>
      </section>

      <ConfirmDialog
        open={deletion.pending() !== undefined}
        title={t("combos.deleteTitle")}
        message={t("combos.deleteMessage", { name: deletion.pending()?.name ?? "" })}
        confirmLabel={t("combos.list.delete")}
        busy={deletion.busy()}
        error={deletion.error()}
        onConfirm={deletion.confirm}
        onCancel={deletion.cancel}
      />
    </section>
  );
}
