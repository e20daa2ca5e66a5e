import { createSignal, createUniqueId, Show } from "solid-js";
import { createStore } from "solid-js/store";
import type { Combo } from "../../api/combos-api";
import { describeApiError } from "../../api/describe-api-error";
import { KEY_LIMITS, keysApi, type ClientKey, type ClientKeyChanges, type ClientKeyInput, type CreatedClientKey, type KeyPermissions } from "../../api/keys-api";
import type { GatewayModel, Provider } from "../../api/management-types";
import { t } from "../../i18n/locale-store";
import { KeyScopeFields } from "./key-scope-fields";
import { isoToLocalInput, localInputToIso, localZoneName } from "./local-date-time";
import { samePermissions, UNRESTRICTED } from "./permission-entries";

interface ApiKeyFormProps {
  /** The key being edited; absent when creating one. */
  apiKey?: ClientKey;
  models: readonly GatewayModel[];
  providers: readonly Provider[];
  combos: readonly Combo[];
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

type FieldName = "name" | "rules" | "expires" | "rpm" | "cacheTtl";

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

/** Whole number in [min, max], null for an empty field, NaN when the text is not such a number. */
function wholeNumber(text: string, min: number, max = Number.MAX_SAFE_INTEGER): number | null {
  if (!text.trim()) return null;
  const value = Number(text);
  return Number.isInteger(value) && value >= min && value <= max ? value : Number.NaN;
}

interface Checked {
  name: string;
  permissions: KeyPermissions;
  /** ISO time; null = never. `unchanged` keeps an edited key's stored time (the input shows whole minutes only). */
  expiresAt: string | null | "unchanged";
  rpm: number | null;
  cacheTtlSeconds: number | null;
}

/**
 * Create or edit a client key: name, which models it may use (all, or rules), blocked providers, expiry,
 * rate limit and response cache. The server checks everything again; its refusal is shown next to the buttons.
 */
export function ApiKeyForm(props: ApiKeyFormProps) {
  const ids = {
    name: createUniqueId(),
    nameHint: createUniqueId(),
    expires: createUniqueId(),
    expiresHint: createUniqueId(),
    rpm: createUniqueId(),
    rpmHint: createUniqueId(),
    cache: createUniqueId(),
    cacheHint: createUniqueId(),
    error: createUniqueId(),
  };
  const editing = () => props.apiKey !== undefined;
  // Seeded once: the page remounts the form for another key.
  const [state, setState] = createStore<FormState>(stateOf(props.apiKey));
  const [submitting, setSubmitting] = createSignal(false);
  const [error, setError] = createSignal<{ message: string; field?: FieldName }>();
  const [announcement, setAnnouncement] = createSignal("");
  const zone = localZoneName();

  function announce(message: string) {
    // Cleared first, so the same message twice in a row is read twice.
    setAnnouncement("");
    queueMicrotask(() => setAnnouncement(message));
  }

  const invalid = (field: FieldName) => error()?.field === field;
  const describedBy = (field: FieldName, hintId: string) => (invalid(field) ? `${hintId} ${ids.error}` : hintId);

  function check(): { ok: true; value: Checked } | { ok: false; message: string; field: FieldName } {
    const name = state.name.trim();
    if (!name) return { ok: false, message: t("apiKeys.form.nameRequired"), field: "name" };
    if (state.restricted && state.allow.length === 0) return { ok: false, message: t("apiKeys.form.rulesRequired"), field: "rules" };
    const permissions: KeyPermissions = { allow: state.restricted ? [...state.allow] : null, blockedProviders: [...state.blocked] };

    let expiresAt: Checked["expiresAt"] = null;
    if (state.expires) {
      if (editing() && state.expires === isoToLocalInput(currentOf(props.apiKey).expiresAt)) expiresAt = "unchanged";
      else {
        expiresAt = localInputToIso(state.expires);
        if (expiresAt === null) return { ok: false, message: t("apiKeys.form.badExpiry"), field: "expires" };
      }
    }
    const rpm = wholeNumber(state.rpm, 1, KEY_LIMITS.rpmMax);
    if (Number.isNaN(rpm)) return { ok: false, message: t("apiKeys.form.badRpm", { max: KEY_LIMITS.rpmMax }), field: "rpm" };
    const cacheTtlSeconds = wholeNumber(state.cacheTtl, 0, KEY_LIMITS.cacheTtlMax);
    if (Number.isNaN(cacheTtlSeconds)) return { ok: false, message: t("apiKeys.form.badCache", { max: KEY_LIMITS.cacheTtlMax }), field: "cacheTtl" };
    return { ok: true, value: { name, permissions, expiresAt, rpm, cacheTtlSeconds: cacheTtlSeconds || null } };
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

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const checked = check();
    if (!checked.ok) {
      setError({ message: checked.message, field: checked.field });
      return;
    }
    setSubmitting(true);
    setError(undefined);
    try {
      const apiKey = props.apiKey;
      if (apiKey) {
        const changes = changesOf(apiKey, checked.value);
        props.onSaved?.(Object.keys(changes).length > 0 ? await keysApi.update(apiKey.id, changes) : undefined);
      } else {
        const created = await keysApi.create(createBody(checked.value));
        setState(stateOf(undefined));
        props.onCreated?.(created);
      }
    } catch (failure) {
      setError({ message: describeApiError(failure) });
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <form class="form api-key-form" onSubmit={submit} noValidate>
      <div class="field">
        <label for={ids.name}>{t("apiKeys.nameField")}</label>
        <input
          id={ids.name}
          class="input"
          type="text"
          required
          maxlength={KEY_LIMITS.nameMax}
          autocomplete="off"
          aria-describedby={describedBy("name", ids.nameHint)}
          aria-invalid={invalid("name")}
          value={state.name}
          onInput={(event) => setState("name", event.currentTarget.value)}
        />
        <p id={ids.nameHint} class="field__hint">
          {t("apiKeys.nameHint")}
        </p>
      </div>

      <KeyScopeFields
        restricted={state.restricted}
        allow={state.allow}
        blocked={state.blocked}
        models={props.models}
        providers={props.providers}
        combos={props.combos}
        rulesInvalid={invalid("rules")}
        errorId={ids.error}
        onRestrictedChange={(restricted) => setState("restricted", restricted)}
        onAllowChange={(allow) => setState("allow", allow)}
        onBlockedChange={(blocked) => setState("blocked", blocked)}
        announce={announce}
      />

      <div class="api-key-form__limits">
        <div class="field api-key-form__expiry-field">
          <label for={ids.expires}>{t("apiKeys.form.expiresLabel")}</label>
          <div class="api-key-form__expiry">
            <input
              id={ids.expires}
              class="input"
              type="datetime-local"
              aria-describedby={describedBy("expires", ids.expiresHint)}
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
                  document.getElementById(ids.expires)?.focus();
                }}
              >
                {t("apiKeys.form.expiresClear")}
              </button>
            </Show>
          </div>
          <p id={ids.expiresHint} class="field__hint">
            {t("apiKeys.form.expiresHint", { zone })}
          </p>
        </div>
        <div class="field">
          <label for={ids.rpm}>{t("apiKeys.form.rpmLabel")}</label>
          <input
            id={ids.rpm}
            class="input"
            type="number"
            inputmode="numeric"
            min="1"
            max={KEY_LIMITS.rpmMax}
            step="1"
            aria-describedby={describedBy("rpm", ids.rpmHint)}
            aria-invalid={invalid("rpm")}
            value={state.rpm}
            onInput={(event) => setState("rpm", event.currentTarget.value)}
          />
          <p id={ids.rpmHint} class="field__hint">
            {t("apiKeys.form.rpmHint")}
          </p>
        </div>
        <div class="field">
          <label for={ids.cache}>{t("apiKeys.form.cacheLabel")}</label>
          <input
            id={ids.cache}
            class="input"
            type="number"
            inputmode="numeric"
            min="0"
            max={KEY_LIMITS.cacheTtlMax}
            step="1"
            aria-describedby={describedBy("cacheTtl", ids.cacheHint)}
            aria-invalid={invalid("cacheTtl")}
            value={state.cacheTtl}
            onInput={(event) => setState("cacheTtl", event.currentTarget.value)}
          />
          <p id={ids.cacheHint} class="field__hint">
            {t("apiKeys.form.cacheHint")}
          </p>
        </div>
      </div>

      {/* Always in the page, so screen readers announce a message as soon as it appears. */}
      <div id={ids.error} class="api-key-form__error" role="alert" data-testid="api-key-form-error">
        <Show when={error()}>{(current) => <p class="form-error">{current().message}</p>}</Show>
      </div>

      <div class="api-key-form__actions">
        <button type="submit" class="button button--primary" disabled={submitting()}>
          {editing() ? (submitting() ? t("apiKeys.saving") : t("apiKeys.save")) : submitting() ? t("apiKeys.creating") : t("apiKeys.create")}
        </button>
        <Show when={props.onCancel}>
          {(cancel) => (
            <button type="button" class="button" disabled={submitting()} onClick={() => cancel()()}>
              {t("common.cancel")}
            </button>
          )}
        </Show>
      </div>
      <p class="visually-hidden" role="status">
        {announcement()}
      </p>
    </form>
  );
}
