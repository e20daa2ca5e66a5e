import { createEffect, createSignal, createUniqueId, on } from "solid-js";
import { describeApiError } from "../../api/describe-api-error";
import { PRIORITY_MAX, PRIORITY_MIN, providersApi, type ProviderConnection } from "../../api/providers-api";
import { t } from "../../i18n/locale-store";

interface PriorityFieldProps {
  connection: ProviderConnection;
  onSaved: (connection: ProviderConnection) => void;
  /** A message for the card's live region (saved, or why not); undefined clears it. */
  onMessage: (message: string | undefined, isError: boolean) => void;
}

/**
 * The connection's priority as a number field, saved when the value is committed (Enter, leaving the field, the
 * spin buttons). The arrow keys step it; nothing is sent while typing.
 */
export function PriorityField(props: PriorityFieldProps) {
  const inputId = createUniqueId();
  const hintId = createUniqueId();
  const [value, setValue] = createSignal(String(props.connection.priority));
  const [saving, setSaving] = createSignal(false);
  const [invalid, setInvalid] = createSignal(false);
  /** A value committed while a save was running: saved right after it. */
  let committedWhileSaving = false;

  // A refetch (or another tab) may change the stored value: show it unless the user is mid-edit.
  createEffect(
    on(
      () => props.connection.priority,
      (priority) => {
        if (!saving()) setValue(String(priority));
      },
      { defer: true },
    ),
  );

  async function save() {
    const text = value().trim();
    const priority = Number(text);
    if (text === "" || !Number.isInteger(priority) || priority < PRIORITY_MIN || priority > PRIORITY_MAX) {
      setInvalid(true);
      props.onMessage(t("providers.priorityInvalid", { min: PRIORITY_MIN, max: PRIORITY_MAX }), true);
      return;
    }
    if (invalid()) {
      setInvalid(false);
      props.onMessage(undefined, false);
    }
    if (saving()) {
      committedWhileSaving = true;
      return;
    }
    if (priority === props.connection.priority) return;
    setSaving(true);
    try {
      const updated = await providersApi.setPriority(props.connection.id, priority);
      props.onSaved(updated);
      props.onMessage(t("providers.prioritySaved", { name: updated.name, priority: updated.priority }), false);
    } catch (failure) {
      setValue(String(props.connection.priority));
      props.onMessage(describeApiError(failure), true);
    } finally {
      setSaving(false);
    }
    if (committedWhileSaving) {
      committedWhileSaving = false;
      void save();
    }
  }

  return (
    <div class="field field--inline priority-field">
      <label for={inputId}>{t("providers.priority")}</label>
      <input
        id={inputId}
        class="input priority-field__input"
        type="number"
        inputmode="numeric"
        step="1"
        min={PRIORITY_MIN}
        max={PRIORITY_MAX}
        value={value()}
        aria-label={t("providers.priorityNamed", { name: props.connection.name })}
        aria-describedby={hintId}
        aria-invalid={invalid()}
        aria-busy={saving()}
        onInput={(event) => setValue(event.currentTarget.value)}
        onChange={() => void save()}
        onKeyDown={(event) => {
          if (event.key === "Enter") {
            event.preventDefault();
            void save();
          }
        }}
      />
      <span id={hintId} class="visually-hidden">
        {t("providers.priorityHint")}
      </span>
    </div>
  );
}
