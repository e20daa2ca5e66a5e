import { createUniqueId, Show, type JSX } from "solid-js";
import { t } from "../i18n/locale-store";

/** What a field's control needs to be labelled and described. */
export interface FieldControl {
  id: string;
  /** The hint, and the form's error message while the field is invalid. */
  describedBy: string | undefined;
}

interface FieldProps {
  label: string;
  hint?: string;
  /** While true, the control is also described by the form's error message (`errorId`). */
  invalid?: boolean;
  errorId?: string;
  /** Extra class on the field's wrapper. */
  class?: string;
  children: (control: FieldControl) => JSX.Element;
}

/** A labelled form field: label, the control (given its id and aria-describedby) and an optional hint below. */
export function Field(props: FieldProps) {
  const id = createUniqueId();
  const hintId = createUniqueId();
  const describedBy = () => [props.hint ? hintId : "", props.invalid && props.errorId ? props.errorId : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class={props.class ? `field ${props.class}` : "field"}>
      <label for={id}>{props.label}</label>
      {props.children({
        id,
        get describedBy() {
          return describedBy();
        },
      })}
      <Show when={props.hint}>
        <p id={hintId} class="field__hint">
          {props.hint}
        </p>
      </Show>
    </div>
  );
}

interface WholeNumberFieldProps {
  label: string;
  hint: string;
  value: string;
  min: number;
  max: number;
  onInput: (value: string) => void;
  /** Marks the input aria-invalid (true/false) and describes it by the form's error; absent: no aria-invalid. */
  invalid?: boolean;
  errorId?: string;
  inputClass?: string;
  placeholder?: string;
}

/** A field for a whole number, kept as text until the form is saved so a half-typed value is not lost. */
export function WholeNumberField(props: WholeNumberFieldProps) {
  return (
    <Field label={props.label} hint={props.hint} invalid={props.invalid} errorId={props.errorId}>
      {(control) => (
        <input
          id={control.id}
          class={props.inputClass ? `input ${props.inputClass}` : "input"}
          type="number"
          inputmode="numeric"
          min={props.min}
          max={props.max}
          step="1"
          placeholder={props.placeholder}
          aria-describedby={control.describedBy}
          aria-invalid={props.invalid}
          value={props.value}
          onInput={(event) => props.onInput(event.currentTarget.value)}
        />
      )}
    </Field>
  );
}

interface FormActionsProps {
  class: string;
  submitLabel: string;
  submitting: boolean;
  onCancel?: () => void;
}

/** A form's primary submit button (disabled while saving) and, when the form can be closed, Cancel. */
export function FormActions(props: FormActionsProps) {
  return (
    <div class={props.class}>
      <button type="submit" class="button button--primary" disabled={props.submitting}>
        {props.submitLabel}
      </button>
      <Show when={props.onCancel}>
        {(cancel) => (
          <button type="button" class="button" disabled={props.submitting} onClick={() => cancel()()}>
            {t("common.cancel")}
          </button>
        )}
      </Show>
    </div>
  );
}
