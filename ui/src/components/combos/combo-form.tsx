import { createMemo, createSignal, createUniqueId, Show } from "solid-js";
import { createStore, produce } from "solid-js/store";
import { COMBO_LIMITS, COMBO_REF_PREFIX, combosApi, STICKY_STRATEGIES, type Combo, type ComboInput, type ComboStrategy, type ComboTarget } from "../../api/combos-api";
import { describeApiError } from "../../api/describe-api-error";
import type { GatewayModel } from "../../api/management-types";
import { t } from "../../i18n/locale-store";
import { ModelPicker, type PickerOption } from "./model-picker";
import { StrategyField } from "./strategy-field";
import { TargetsEditor, type TargetDraft } from "./targets-editor";

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

/** Whole number in [min, max], or undefined for an empty field; NaN when the text is not such a number. */
function wholeNumber(text: string, min: number, max: number): number | undefined {
  if (!text.trim()) return undefined;
  const value = Number(text);
  return Number.isInteger(value) && value >= min && value <= max ? value : Number.NaN;
}

/** Create or edit one combo: name, description, strategy, sticky requests, cache, and the ordered targets. */
export function ComboForm(props: ComboFormProps) {
  const ids = { name: createUniqueId(), nameHint: createUniqueId(), description: createUniqueId(), sticky: createUniqueId(), stickyHint: createUniqueId(), cache: createUniqueId(), cacheHint: createUniqueId(), targets: createUniqueId() };
  const editing = () => props.combo !== undefined;
  // Seeded once: the page remounts the form for another combo.
  const [state, setState] = createStore<FormState>(stateOf(props.combo));
  const [submitting, setSubmitting] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [announcement, setAnnouncement] = createSignal("");
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

  function announce(message: string) {
    // Cleared first, so the same message twice in a row is read twice.
    setAnnouncement("");
    queueMicrotask(() => setAnnouncement(message));
  }

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
  function build(): { ok: true; input: ComboInput } | { ok: false; message: string } {
    const name = state.name.trim();
    if (!name) return { ok: false, message: t("combos.form.nameRequired") };
    if (state.targets.length === 0) return { ok: false, message: t("combos.form.targetsRequired") };
    const targets: ComboTarget[] = [];
    for (const [index, draft] of state.targets.entries()) {
      const weight = wholeNumber(draft.weight, COMBO_LIMITS.weightMin, COMBO_LIMITS.weightMax);
      if (Number.isNaN(weight)) return { ok: false, message: t("combos.form.badWeight", { position: index + 1, min: COMBO_LIMITS.weightMin, max: COMBO_LIMITS.weightMax }) };
      let timeoutMs: number | undefined;
      if (draft.timeoutSeconds.trim()) {
        timeoutMs = Math.round(Number(draft.timeoutSeconds) * 1000);
        if (!Number.isFinite(timeoutMs) || timeoutMs < COMBO_LIMITS.timeoutMsMin || timeoutMs > COMBO_LIMITS.timeoutMsMax) {
          return { ok: false, message: t("combos.form.badTimeout", { position: index + 1, min: COMBO_LIMITS.timeoutMsMin / 1000, max: COMBO_LIMITS.timeoutMsMax / 1000 }) };
        }
      }
      targets.push({ model: draft.model, ...(weight !== undefined ? { weight } : {}), ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
    }
    const strategy = state.strategy || null;
    let stickyRequests: number | null = null;
    if (strategy && STICKY_STRATEGIES.has(strategy)) {
      const sticky = wholeNumber(state.sticky, 1, COMBO_LIMITS.stickyMax);
      if (Number.isNaN(sticky)) return { ok: false, message: t("combos.form.badSticky", { max: COMBO_LIMITS.stickyMax }) };
      stickyRequests = sticky ?? null;
    }
    const cacheTtl = wholeNumber(state.cacheTtl, 0, COMBO_LIMITS.cacheTtlMax);
    if (Number.isNaN(cacheTtl)) return { ok: false, message: t("combos.form.badCache", { max: COMBO_LIMITS.cacheTtlMax }) };
    return {
      ok: true,
      input: { name, description: state.description.trim() || null, strategy, stickyRequests, targets, cacheTtlSeconds: cacheTtl ?? 0 },
    };
  }

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const built = build();
    if (!built.ok) {
      setError(built.message);
      return;
    }
    setSubmitting(true);
    setError(undefined);
    try {
      const original = props.combo;
      if (original) {
        const { name, ...rest } = built.input;
        const saved = await combosApi.update(original.name, name === original.name ? rest : built.input);
        props.onSaved(saved, false);
      } else {
        const saved = await combosApi.create(built.input);
        setState(stateOf(undefined));
        props.onSaved(saved, true);
      }
    } catch (failure) {
      setError(describeApiError(failure));
    } finally {
      setSubmitting(false);
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

      <div class="field">
        <label for={ids.name}>{t("combos.form.name")}</label>
        <input
          id={ids.name}
          class="input input--mono"
          type="text"
          required
          maxlength={COMBO_LIMITS.nameMax}
          autocomplete="off"
          spellcheck={false}
          aria-describedby={ids.nameHint}
          value={state.name}
          onInput={(event) => setState("name", event.currentTarget.value)}
        />
        <p id={ids.nameHint} class="field__hint">
          {t("combos.form.nameHint")}
        </p>
      </div>

      <div class="field">
        <label for={ids.description}>{t("combos.form.description")}</label>
        <textarea
          id={ids.description}
          class="input combo-form__description"
          rows="2"
          maxlength={COMBO_LIMITS.descriptionMax}
          value={state.description}
          onInput={(event) => setState("description", event.currentTarget.value)}
        />
      </div>

      <StrategyField value={state.strategy} defaultStrategy={props.defaultStrategy} onChange={(value) => setState("strategy", value)} />

      <Show when={state.strategy && STICKY_STRATEGIES.has(state.strategy)}>
        <div class="field">
          <label for={ids.sticky}>{t("combos.form.sticky")}</label>
          <input
            id={ids.sticky}
            class="input combo-form__short"
            type="number"
            inputmode="numeric"
            min="1"
            max={COMBO_LIMITS.stickyMax}
            step="1"
            aria-describedby={ids.stickyHint}
            value={state.sticky}
            onInput={(event) => setState("sticky", event.currentTarget.value)}
          />
          <p id={ids.stickyHint} class="field__hint">
            {t("combos.form.stickyHint")}
          </p>
        </div>
      </Show>

      <div class="field">
        <label for={ids.cache}>{t("combos.form.cache")}</label>
        <input
          id={ids.cache}
          class="input combo-form__short"
          type="number"
          inputmode="numeric"
          min="0"
          max={COMBO_LIMITS.cacheTtlMax}
          step="1"
          placeholder="0"
          aria-describedby={ids.cacheHint}
          value={state.cacheTtl}
          onInput={(event) => setState("cacheTtl", event.currentTarget.value)}
        />
        <p id={ids.cacheHint} class="field__hint">
          {t("combos.form.cacheHint")}
        </p>
      </div>

      <fieldset class="combo-form__targets" aria-describedby={ids.targets}>
        <legend>{t("combos.form.targets")}</legend>
        <p id={ids.targets} class="field__hint">
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

      <Show when={error()}>
        <p class="form-error" role="alert">
          {error()}
        </p>
      </Show>

      <div class="combo-form__actions">
        <button type="submit" class="button button--primary" disabled={submitting()}>
          {submitting() ? t("combos.form.saving") : editing() ? t("combos.form.saveChanges") : t("combos.form.create")}
        </button>
        <Show when={props.onCancel}>
          {(cancel) => (
            <button type="button" class="button" disabled={submitting()} onClick={() => cancel()()}>
              {t("common.cancel")}
            </button>
          )}
        </Show>
      </div>
    </form>
  );
}
