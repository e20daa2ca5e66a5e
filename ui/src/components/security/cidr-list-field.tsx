import { createUniqueId, Show, type JSX } from "solid-js";
import { useFormFeedback } from "../settings/settings-form";

/** Textarea text → the list to send: one entry a line, blank lines dropped. The server checks each entry. */
export function linesOf(text: string): string[] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
}

interface CidrListFieldProps {
  /** The setting's path, as the server names it in validation errors. */
  path: string;
  label: string;
  hint: string;
  value: string;
  onInput: (value: string) => void;
  /** Shown under the field while it applies (e.g. the list would shut out the caller). */
  warning?: JSX.Element;
}

/** A list of addresses and CIDRs, one a line. */
export function CidrListField(props: CidrListFieldProps) {
  const id = createUniqueId();
  const hintId = createUniqueId();
  const warningId = createUniqueId();
  const feedback = useFormFeedback();
  const describedBy = () =>
    [hintId, props.warning ? warningId : "", feedback.isInvalid(props.path) ? feedback.errorId : ""].filter(Boolean).join(" ");
  return (
    <div class="field security-cidr-field">
      <label for={id}>{props.label}</label>
      <textarea
        id={id}
        class="input input--mono security-cidr-list"
        name={props.path}
        rows={3}
        spellcheck={false}
        autocomplete="off"
        dir="ltr"
        value={props.value}
        aria-invalid={feedback.isInvalid(props.path) ? true : undefined}
        aria-describedby={describedBy()}
        onInput={(event) => props.onInput(event.currentTarget.value)}
      />
      <p id={hintId} class="field__hint">
        {props.hint}
      </p>
      {/* Always rendered, so the warning is announced when it appears. */}
      <div id={warningId} role="status" class="security-warning-slot">
        <Show when={props.warning}>
          <p class="security-warning">{props.warning}</p>
        </Show>
      </div>
    </div>
  );
}
