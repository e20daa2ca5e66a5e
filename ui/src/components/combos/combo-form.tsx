import { createMemo, createSignal, createUniqueId, Show } from "solid-js";
import { createStore, produce } from "solid-js/store";
import { COMBO_LIMITS, COMBO_REF_PREFIX, combosApi, STICKY_STRATEGIES, type Combo, type ComboInput, type ComboStrategy, type ComboTarget } from "../../api/combos-api";
import { describeApiError } from "../../api/describe-api-error";
import type { GatewayModel } from "../../api/management-types";
import { t } from "../../i18n/locale-store";
import { createAnnouncer, createFormSubmit, wholeNumber, type FormCheck } from "../create-form-submit";
import { Field, FormActions, WholeNumberField } from "../form-field";
import { ModelPicker, type PickerOption } from "./model-picker";
import { StrategyField } from "./strategy-field";
import { TargetsEditor, type TargetDraft } from "./targets-editor";
import "../../styles/form-group.css";
import { FormError } from "../form-error";

interface ComboFormProps {
  /** The combo being edited; absent when creating one. */
  combo?: Combo;
  /** Every combo, offered as `combo:<name>` targets (the edited one excepted). */
  combos: readonly Combo[];
  /** The gateway's model list (GET /api/models); combos in it are taken from `combos` instead. */
  models: readonly GatewayModel[];
  providerName: (providerId: string) => string;
  defaultStrategy: ComboStrategy | null;
  onSaved: (combo: Combo, created: boolean) => void;
  onCancel?: () => void;
}

interface FormState {
  name: string;
  description: string;
  strategy: ComboStrategy | "";
  sticky: string;
  cacheTtl: string;
  targets: TargetDraft[];
}

const COMBO_OWNER = "omniroute-combo";
let nextKey = 1;

function draftOf(target: ComboTarget): TargetDraft {
  return {
    key: nextKey++,
    model: target.model,
    weight: target.weight !== undefined && target.weight !== 1 ? String(target.weight) : "",
    timeoutSeconds: target.timeoutMs !== undefined ? String(target.timeoutMs / 1000) : "",
  };
}

/** What the form can be seeded from: a stored combo or a template. */
type ComboSeed = Pick<ComboInput, "name" | "description" | "strategy" | "stickyRequests" | "targets"> & { cacheTtlSeconds?: number | null };

function stateOf(combo: ComboSeed | undefined): FormState {
  return {
    name: combo?.name ?? "",
    description: combo?.description ?? "",
    strategy: combo?.strategy ?? "",
    sticky: combo?.stickyRequests ? String(combo.stickyRequests) : "",
    cacheTtl: combo?.cacheTtlSeconds ? String(combo.cacheTtlSeconds) : "",
    targets: (combo?.targets ?? []).map(draftOf),
  };
}

/** Create or edit one combo: name, description, strategy, sticky requests, cache, and the ordered targets. */
export function ComboForm(props: ComboFormProps) {
  const targetsHintId = createUniqueId();
  const editing = () => props.combo !== undefined;
  // Seeded once: the page remounts the form for another combo.
  const [state, setState] = createStore<FormState>(stateOf(props.combo));
  const { submit, submitting, error, setError } = createFormSubmit<ComboInput, string>({ check: build, save, failed: (message) => message });
  const { announcement, announce } = createAnnouncer();
  const [templateBusy, setTemplateBusy] = createSignal(false);

  const pickerOptions = createMemo<PickerOption[]>(() => {
    const models = props.models
      .filter((model) => model.owned_by !== COMBO_OWNER)
      .map((model) => ({ value: model.id, detail: props.providerName(model.owned_by) }));
    const combos = props.combos
      .filter((combo) => combo.name !== props.combo?.name)
      .map((combo) => ({ value: `${COMBO_REF_PREFIX}${combo.name}`, detail: combo.enabled ? t("combos.picker.comboDetail") : t("combos.picker.comboDisabledDetail") }));
    return [...models, ...combos];
  });
  const listed = createMemo(() => new Set(pickerOptions().map((option) => option.value)));
  const chosen = createMemo(() => new Set(state.targets.map((target) => target.model)));

  function addTarget(model: string) {
    if (state.targets.length >= COMBO_LIMITS.targetsMax) {
      announce(t("combos.targets.full", { max: COMBO_LIMITS.targetsMax }));
      return;
    }
    setState("targets", (targets) => [...targets, draftOf({ model })]);
    announce(t("combos.targets.added", { model, position: state.targets.length }));
  }

  function moveTarget(from: number, to: number) {
    setState(
      "targets",
      produce((targets) => {
        const [moved] = targets.splice(from, 1);
        targets.splice(to, 0, moved!);
      }),
    );
  }

  async function loadTemplate() {
    setTemplateBusy(true);
    setError(undefined);
    try {
      const [template] = await combosApi.templates();
      if (!template) {
        setError(t("combos.form.noTemplate"));
        return;
      }
      setState(stateOf(template));
      announce(t("combos.form.templateLoaded", { name: template.name, count: template.targets.length }));
    } catch (failure) {
      setError(describeApiError(failure));
    } finally {
      setTemplateBusy(false);
    }
  }

  /** The body to send, or an error message naming what to fix. */
  function build(): FormCheck<ComboInput, string> {
    const refuse = (error: string) => ({ ok: false as const, error });
    const name = state.name.trim();
    if (!name) return refuse(t("combos.form.nameRequired"));
    if (state.targets.length === 0) return refuse(t("combos.form.targetsRequired"));
    const targets: ComboTarget[] = [];
    for (const [index, draft] of state.targets.entries()) {
      const weight = wholeNumber(draft.weight, COMBO_LIMITS.weightMin, COMBO_LIMITS.weightMax);
      if (Number.isNaN(weight)) return refuse(t("combos.form.badWeight", { position: index + 1, min: COMBO_LIMITS.weightMin, max: COMBO_LIMITS.weightMax }));
      let timeoutMs: number | undefined;
      if (draft.timeoutSeconds.trim()) {
        timeoutMs = Math.round(Number(draft.timeoutSeconds) * 1000);
        if (!Number.isFinite(timeoutMs) || timeoutMs < COMBO_LIMITS.timeoutMsMin || timeoutMs > COMBO_LIMITS.timeoutMsMax) {
          return refuse(t("combos.form.badTimeout", { position: index + 1, min: COMBO_LIMITS.timeoutMsMin / 1000, max: COMBO_LIMITS.timeoutMsMax / 1000 }));
        }
      }
      targets.push({ model: draft.model, ...(weight !== null ? { weight } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    }
    const strategy = state.strategy || null;
    let stickyRequests: number | null = null;
    if (strategy && STICKY_STRATEGIES.has(strategy)) {
      const sticky = wholeNumber(state.sticky, 1, COMBO_LIMITS.stickyMax);
      if (Number.isNaN(sticky)) return refuse(t("combos.form.badSticky", { max: COMBO_LIMITS.stickyMax }));
      stickyRequests = sticky;
    }
    const cacheTtl = wholeNumber(state.cacheTtl, 0, COMBO_LIMITS.cacheTtlMax);
    if (Number.isNaN(cacheTtl)) return refuse(t("combos.form.badCache", { max: COMBO_LIMITS.cacheTtlMax }));
    return {
      ok: true,
      value: { name, description: state.description.trim() || null, strategy, stickyRequests, targets, cacheTtlSeconds: cacheTtl ?? 0 },
    };
  }

  async function save(input: ComboInput) {
    const original = props.combo;
    if (original) {
      const { name, ...rest } = input;
      const saved = await combosApi.update(original.name, name === original.name ? rest : input);
      props.onSaved(saved, false);
    } else {
      const saved = await combosApi.create(input);
      setState(stateOf(undefined));
      props.onSaved(saved, true);
    }
  }

  return (
    <form class="form combo-form" onSubmit={submit} noValidate>
      <Show when={!editing()}>
        <div class="combo-form__template">
          <button type="button" class="button" disabled={templateBusy()} onClick={loadTemplate}>
            {templateBusy() ? t("combos.form.templateLoading") : t("combos.form.template")}
          </button>
          <p class="field__hint">{t("combos.form.templateHint")}</p>
        </div>
      </Show>

      <Field label={t("combos.form.name")} hint={t("combos.form.nameHint")}>
        {(control) => (
          <input
            id={control.id}
            class="input input--mono"
            type="text"
            required
            maxlength={COMBO_LIMITS.nameMax}
            autocomplete="off"
            spellcheck={false}
            aria-describedby={control.describedBy}
            value={state.name}
            onInput={(event) => setState("name", event.currentTarget.value)}
          />
        )}
      </Field>

      <Field label={t("combos.form.description")}>
        {(control) => (
          <textarea
            id={control.id}
            class="input combo-form__description"
            rows="2"
            maxlength={COMBO_LIMITS.descriptionMax}
            value={state.description}
            onInput={(event) => setState("description", event.currentTarget.value)}
          />
        )}
      </Field>

      <StrategyField value={state.strategy} defaultStrategy={props.defaultStrategy} onChange={(value) => setState("strategy", value)} />

      <Show when={state.strategy && STICKY_STRATEGIES.has(state.strategy)}>
        <WholeNumberField
          label={t("combos.form.sticky")}
          hint={t("combos.form.stickyHint")}
          inputClass="combo-form__short"
          min={1}
          max={COMBO_LIMITS.stickyMax}
          value={state.sticky}
          onInput={(value) => setState("sticky", value)}
        />
      </Show>

      <WholeNumberField
        label={t("combos.form.cache")}
        hint={t("combos.form.cacheHint")}
        inputClass="combo-form__short"
        min={0}
        max={COMBO_LIMITS.cacheTtlMax}
        placeholder="0"
        value={state.cacheTtl}
        onInput={(value) => setState("cacheTtl", value)}
      />

      <fieldset class="form-group combo-form__targets" aria-describedby={targetsHintId}>
        <legend>{t("combos.form.targets")}</legend>
        <p id={targetsHintId} class="field__hint">
          {t("combos.form.targetsHint")}
        </p>
        <TargetsEditor
          targets={state.targets}
          listed={listed()}
          announce={announce}
          onMove={moveTarget}
          onRemove={(index) => setState("targets", (targets) => targets.filter((_, i) => i !== index))}
          onChange={(index, field, value) => setState("targets", index, field, value)}
        />
        <ModelPicker options={pickerOptions()} exclude={chosen()} onPick={addTarget} />
      </fieldset>

      <p class="visually-hidden" role="status" aria-live="polite" data-testid="combo-form-announcement">
        {announcement()}
      </p>

      <FormError message={error()} />

      <FormActions
        class="combo-form__actions"
        submitting={submitting()}
        submitLabel={submitting() ? t("combos.form.saving") : editing() ? t("combos.form.saveChanges") : t("combos.form.create")}
        onCancel={props.onCancel}
      />
    </form>
  );
}
