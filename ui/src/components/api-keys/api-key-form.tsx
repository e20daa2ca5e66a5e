import { createUniqueId, Show } from "solid-js";
import { createStore } from "solid-js/store";
import type { BudgetView } from "../../api/budgets-api";
import type { Combo } from "../../api/combos-api";
import { describeApiError } from "../../api/describe-api-error";
import { KEY_LIMITS, keysApi, type ClientKey, type ClientKeyChanges, type ClientKeyInput, type CreatedClientKey, type KeyPermissions } from "../../api/keys-api";
import type { GatewayModel, Provider } from "../../api/management-types";
import { t } from "../../i18n/locale-store";
import { createAnnouncer, createFormSubmit, wholeNumber, type FormCheck } from "../create-form-submit";
import { Field, FormActions, WholeNumberField } from "../form-field";
import { createKeyBudgetDraft, KeyBudgetFields, type BudgetField, type BudgetValue } from "./key-budget-fields";
import { KeyScopeFields } from "./key-scope-fields";
import { isoToLocalInput, localInputToIso, localZoneName } from "./local-date-time";
import { samePermissions, UNRESTRICTED } from "./permission-entries";

interface ApiKeyFormProps {
  /** The key being edited; absent when creating one. */
  apiKey?: ClientKey;
  models: readonly GatewayModel[];
  providers: readonly Provider[];
  combos: readonly Combo[];
  /** The edited key's key-scoped budgets; undefined while not loaded (the form then leaves them alone). */
  budgets?: readonly BudgetView[];
  onCreated?: (created: CreatedClientKey) => void;
  onSaved?: (saved: ClientKey | undefined) => void;
  onCancel?: () => void;
}

/** The form's fields as typed: numbers and the date stay text until saved, so a half-typed value is not lost. */
interface FormState {
  name: string;
  restricted: boolean;
  allow: string[];
  blocked: string[];
  expires: string;
  rpm: string;
  cacheTtl: string;
}

type FieldName = "name" | "rules" | "expires" | "rpm" | "cacheTtl" | BudgetField;
/** The message next to the buttons; `field` when the form's own check refused that field. */
type FormError = { message: string; field?: FieldName };

/** What the key's stored fields are; a view from a gateway without the access-control fields counts as unrestricted. */
function currentOf(apiKey: ClientKey | undefined) {
  return {
    permissions: apiKey?.permissions ?? UNRESTRICTED,
    expiresAt: apiKey?.expiresAt ?? null,
    rpm: apiKey?.rateLimit?.rpm ?? null,
    cacheTtlSeconds: apiKey?.cacheTtlSeconds ?? null,
  };
}

function stateOf(apiKey: ClientKey | undefined): FormState {
  const current = currentOf(apiKey);
  return {
    name: apiKey?.name ?? "",
    restricted: current.permissions.allow !== null,
    allow: [...(current.permissions.allow ?? [])],
    blocked: [...current.permissions.blockedProviders],
    expires: isoToLocalInput(current.expiresAt),
    rpm: current.rpm === null ? "" : String(current.rpm),
    cacheTtl: current.cacheTtlSeconds ? String(current.cacheTtlSeconds) : "",
  };
}

interface Checked {
  name: string;
  permissions: KeyPermissions;
  /** ISO time; null = never. `unchanged` keeps an edited key's stored time (the input shows whole minutes only). */
  expiresAt: string | null | "unchanged";
  rpm: number | null;
  cacheTtlSeconds: number | null;
  budget: BudgetValue;
}

/**
 * Create or edit a client key: name, which models it may use (all, or rules), blocked providers, expiry,
 * rate limit and response cache. The server checks everything again; its refusal is shown next to the buttons.
 */
export function ApiKeyForm(props: ApiKeyFormProps) {
  const errorId = createUniqueId();
  const editing = () => props.apiKey !== undefined;
  // Seeded once: the page remounts the form for another key.
  const [state, setState] = createStore<FormState>(stateOf(props.apiKey));
  const { announcement, announce } = createAnnouncer();
  const zone = localZoneName();
  // A new key has no budget yet; an edited one has what the page loaded.
  const budgetDraft = createKeyBudgetDraft(() => (props.apiKey ? props.budgets : []));
  const { submit, submitting, error, setError } = createFormSubmit<Checked, FormError>({ check, save, failed: (message) => ({ message }) });

  const invalid = (field: FieldName) => error()?.field === field;
  const refuse = (message: string, field: FieldName) => ({ ok: false as const, error: { message, field } });

  function check(): FormCheck<Checked, FormError> {
    const name = state.name.trim();
    if (!name) return refuse(t("apiKeys.form.nameRequired"), "name");
    if (state.restricted && state.allow.length === 0) return refuse(t("apiKeys.form.rulesRequired"), "rules");
    const permissions: KeyPermissions = { allow: state.restricted ? [...state.allow] : null, blockedProviders: [...state.blocked] };

    let expiresAt: Checked["expiresAt"] = null;
    if (state.expires) {
      if (editing() && state.expires === isoToLocalInput(currentOf(props.apiKey).expiresAt)) expiresAt = "unchanged";
      else {
        expiresAt = localInputToIso(state.expires);
        if (expiresAt === null) return refuse(t("apiKeys.form.badExpiry"), "expires");
      }
    }
    const rpm = wholeNumber(state.rpm, 1, KEY_LIMITS.rpmMax);
    if (Number.isNaN(rpm)) return refuse(t("apiKeys.form.badRpm", { max: KEY_LIMITS.rpmMax }), "rpm");
    const cacheTtlSeconds = wholeNumber(state.cacheTtl, 0, KEY_LIMITS.cacheTtlMax);
    if (Number.isNaN(cacheTtlSeconds)) return refuse(t("apiKeys.form.badCache", { max: KEY_LIMITS.cacheTtlMax }), "cacheTtl");
    const budget = budgetDraft.check();
    if (!budget.ok) return refuse(budget.error.message, budget.error.field);
    return { ok: true, value: { name, permissions, expiresAt, rpm, cacheTtlSeconds: cacheTtlSeconds || null, budget: budget.value } };
  }

  /** A new key sends only what differs from the defaults (all models, never expires, no limit, no cache). */
  function createBody(value: Checked): ClientKeyInput {
    const body: ClientKeyInput = { name: value.name };
    if (!samePermissions(value.permissions, UNRESTRICTED)) body.permissions = value.permissions;
    if (value.expiresAt !== null && value.expiresAt !== "unchanged") body.expiresAt = value.expiresAt;
    if (value.rpm !== null) body.rateLimit = { rpm: value.rpm };
    if (value.cacheTtlSeconds !== null) body.cacheTtlSeconds = value.cacheTtlSeconds;
    return body;
  }

  /** An edit sends only the fields that changed, so it never rewrites what it did not touch. */
  function changesOf(apiKey: ClientKey, value: Checked): ClientKeyChanges {
    const current = currentOf(apiKey);
    const changes: ClientKeyChanges = {};
    if (value.name !== apiKey.name) changes.name = value.name;
    if (!samePermissions(value.permissions, current.permissions)) changes.permissions = value.permissions;
    if (value.expiresAt !== "unchanged" && value.expiresAt !== current.expiresAt) changes.expiresAt = value.expiresAt;
    if (value.rpm !== current.rpm) changes.rateLimit = value.rpm === null ? null : { rpm: value.rpm };
    if (value.cacheTtlSeconds !== current.cacheTtlSeconds) changes.cacheTtlSeconds = value.cacheTtlSeconds;
    return changes;
  }

  async function save(value: Checked) {
    const apiKey = props.apiKey;
    if (apiKey) {
      const changes = changesOf(apiKey, value);
      const saved = Object.keys(changes).length > 0 ? await keysApi.update(apiKey.id, changes) : undefined;
      // After the key, so a refused key change leaves the budget as it was.
      const budgetSaved = await budgetDraft.save(value.budget, apiKey.id, value.name, apiKey.name);
      props.onSaved?.(saved ?? (budgetSaved ? apiKey : undefined));
    } else {
      const created = await keysApi.create(createBody(value));
      let budgetRefusal: string | undefined;
      try {
        await budgetDraft.save(value.budget, created.id, value.name);
      } catch (failure) {
        budgetRefusal = describeApiError(failure);
      }
      setState(stateOf(undefined));
      budgetDraft.reset();
      // The key exists either way: its secret must be shown now, once.
      props.onCreated?.(created);
      if (budgetRefusal !== undefined) setError({ message: t("apiKeys.budget.createdWithout", { name: value.name, message: budgetRefusal }) });
    }
  }

  return (
    <form class="form api-key-form" onSubmit={submit} noValidate>
      <Field label={t("apiKeys.nameField")} hint={t("apiKeys.nameHint")} invalid={invalid("name")} errorId={errorId}>
        {(control) => (
          <input
            id={control.id}
            class="input"
            type="text"
            required
            maxlength={KEY_LIMITS.nameMax}
            autocomplete="off"
            aria-describedby={control.describedBy}
            aria-invalid={invalid("name")}
            value={state.name}
            onInput={(event) => setState("name", event.currentTarget.value)}
          />
        )}
      </Field>

      <KeyScopeFields
        restricted={state.restricted}
        allow={state.allow}
        blocked={state.blocked}
        models={props.models}
        providers={props.providers}
        combos={props.combos}
        rulesInvalid={invalid("rules")}
        errorId={errorId}
        onRestrictedChange={(restricted) => setState("restricted", restricted)}
        onAllowChange={(allow) => setState("allow", allow)}
        onBlockedChange={(blocked) => setState("blocked", blocked)}
        announce={announce}
      />

      <div class="api-key-form__limits">
        <Field
          label={t("apiKeys.form.expiresLabel")}
          hint={t("apiKeys.form.expiresHint", { zone })}
          invalid={invalid("expires")}
          errorId={errorId}
          class="api-key-form__expiry-field"
        >
          {(control) => (
            <div class="api-key-form__expiry">
              <input
                id={control.id}
                class="input"
                type="datetime-local"
                aria-describedby={control.describedBy}
                aria-invalid={invalid("expires")}
                value={state.expires}
                onInput={(event) => setState("expires", event.currentTarget.value)}
              />
              <Show when={state.expires}>
                <button
                  type="button"
                  class="button button--small"
                  aria-label={t("apiKeys.form.expiresClearLabel")}
                  onClick={() => {
                    setState("expires", "");
                    document.getElementById(control.id)?.focus();
                  }}
                >
                  {t("apiKeys.form.expiresClear")}
                </button>
              </Show>
            </div>
          )}
        </Field>
        <WholeNumberField
          label={t("apiKeys.form.rpmLabel")}
          hint={t("apiKeys.form.rpmHint")}
          min={1}
          max={KEY_LIMITS.rpmMax}
          invalid={invalid("rpm")}
          errorId={errorId}
          value={state.rpm}
          onInput={(value) => setState("rpm", value)}
        />
        <WholeNumberField
          label={t("apiKeys.form.cacheLabel")}
          hint={t("apiKeys.form.cacheHint")}
          min={0}
          max={KEY_LIMITS.cacheTtlMax}
          invalid={invalid("cacheTtl")}
          errorId={errorId}
          value={state.cacheTtl}
          onInput={(value) => setState("cacheTtl", value)}
        />
      </div>

      <KeyBudgetFields draft={budgetDraft} budgets={props.budgets} invalid={invalid} errorId={errorId} />

      {/* Always in the page, so screen readers announce a message as soon as it appears. */}
      <div id={errorId} class="api-key-form__error" role="alert" data-testid="api-key-form-error">
        <Show when={error()}>{(current) => <p class="form-error">{current().message}</p>}</Show>
      </div>

      <FormActions
        class="api-key-form__actions"
        submitting={submitting()}
        submitLabel={editing() ? (submitting() ? t("apiKeys.saving") : t("apiKeys.save")) : submitting() ? t("apiKeys.creating") : t("apiKeys.create")}
        onCancel={props.onCancel}
      />
      <p class="visually-hidden" role="status">
        {announcement()}
      </p>
    </form>
  );
}
