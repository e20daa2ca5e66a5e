import { createMemo, createSignal, createUniqueId, For, Show } from "solid-js";
import { createApiQuery } from "../../api/create-api-query";
import { describeApiError } from "../../api/describe-api-error";
import { managementApi } from "../../api/management-api";
import { onboardingApi, type ComboDraft } from "../../api/onboarding-api";
import { t } from "../../i18n/locale-store";
import { ErrorNotice } from "../error-notice";
import { LoadingNotice } from "../loading-notice";
import { FormError } from "../form-error";

interface ComboStepProps {
  created: string | undefined;
  onCreated: (name: string) => void;
}

interface Candidate {
  model: string;
  source: "template" | "connection";
}

const prefixOf = (model: string) => model.split("/", 1)[0]!;

/**
 * The tier template's targets that a connected provider can serve, then one model of each connected provider the
 * template does not cover: what GET /api/models lists is what the gateway can route right now.
 */
export function comboCandidates(template: ComboDraft | undefined, modelIds: readonly string[]): Candidate[] {
  const routable = modelIds.filter((id) => id.includes("/"));
  const prefixes = new Set(routable.map(prefixOf));
  const fromTemplate: Candidate[] = (template?.targets ?? [])
    .filter((target) => prefixes.has(prefixOf(target.model)))
    .map((target) => ({ model: target.model, source: "template" }));
  const covered = new Set(fromTemplate.map((candidate) => prefixOf(candidate.model)));
  const fromConnections: Candidate[] = [];
  for (const id of routable) {
    if (covered.has(prefixOf(id))) continue;
    covered.add(prefixOf(id));
    fromConnections.push({ model: id, source: "connection" });
  }
  return [...fromTemplate, ...fromConnections];
}

/** Step 2: a first combo from GET /api/combos/templates, limited to what is connected. */
export function ComboStep(props: ComboStepProps) {
  const nameId = createUniqueId();
  const nameHintId = createUniqueId();
  // createApiQuery, not a resource: a resource would suspend the whole page (and drop the focus) while it loads.
  const data = createApiQuery(async () => {
    const [templates, models] = await Promise.all([onboardingApi.listComboTemplates(), managementApi.listModels()]);
    return { template: templates[0], models: models.map((model) => model.id) };
  });
  const candidates = createMemo(() => {
    const loaded = data.data();
    return loaded ? comboCandidates(loaded.template, loaded.models) : [];
  });
  const [name, setName] = createSignal<string>();
  const [unchecked, setUnchecked] = createSignal<ReadonlySet<string>>(new Set());
  const [submitting, setSubmitting] = createSignal(false);
  const [error, setError] = createSignal<string>();

  const comboName = () => name() ?? data.data()?.template?.name ?? "coding";
  const chosen = () => candidates().filter((candidate) => !unchecked().has(candidate.model));

  function toggle(model: string, checked: boolean) {
    const next = new Set(unchecked());
    if (checked) next.delete(model);
    else next.add(model);
    setUnchecked(next);
  }

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    if (chosen().length === 0) {
      setError(t("onboarding.combo.pickOne"));
      return;
    }
    setSubmitting(true);
    setError(undefined);
    try {
      const template = data.data()?.template;
      const created = await onboardingApi.createCombo({
        name: comboName().trim(),
        strategy: template?.strategy ?? "fill-first",
        description: template?.description ?? null,
        targets: chosen().map((candidate) => ({ model: candidate.model })),
      });
      props.onCreated(created.name);
    } catch (failure) {
      setError(describeApiError(failure));
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <>
      <p>{t("onboarding.combo.intro")}</p>
      <Show when={data.error()}>{(failure) => <ErrorNotice error={failure()} onRetry={() => void data.refetch()} />}</Show>
      <Show when={data.data()} fallback={<Show when={!data.error()}><LoadingNotice /></Show>}>
        <Show when={candidates().length > 0} fallback={<p class="notice">{t("onboarding.combo.noTargets")}</p>}>
          <form class="form" onSubmit={submit}>
            <div class="field">
              <label for={nameId}>{t("onboarding.combo.nameField")}</label>
              <input
                id={nameId}
                class="input"
                type="text"
                required
                maxlength="64"
                autocomplete="off"
                spellcheck={false}
                pattern="[a-z0-9][a-z0-9._\-/]*"
                aria-describedby={nameHintId}
                value={comboName()}
                onInput={(event) => setName(event.currentTarget.value)}
              />
              <p id={nameHintId} class="field__hint">
                {t("onboarding.combo.nameHint")}
              </p>
            </div>
            <fieldset class="wizard-targets">
              <legend>{t("onboarding.combo.targetsLegend")}</legend>
              <ol class="wizard-targets__list">
                <For each={candidates()}>
                  {(candidate) => (
                    <li>
                      <label class="wizard-targets__option">
                        <input type="checkbox" checked={!unchecked().has(candidate.model)} onChange={(event) => toggle(candidate.model, event.currentTarget.checked)} />
                        <code>{candidate.model}</code>
                        <span class="muted">
                          ({candidate.source === "template" ? t("onboarding.combo.fromTemplate") : t("onboarding.combo.fromConnection")})
                        </span>
                      </label>
                    </li>
                  )}
                </For>
              </ol>
            </fieldset>
            <FormError message={error()} />
            <p class="form-success" role="status">
              {props.created ? t("onboarding.combo.created", { name: props.created }) : ""}
            </p>
            <div>
              <button type="submit" class="button button--primary" disabled={submitting() || props.created !== undefined}>
                {submitting() ? t("onboarding.combo.creating") : t("onboarding.combo.create")}
              </button>
            </div>
          </form>
        </Show>
      </Show>
    </>
  );
}
