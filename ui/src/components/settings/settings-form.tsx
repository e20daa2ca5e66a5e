import { createContext, createSignal, createUniqueId, Show, useContext, type JSX } from "solid-js";
import { describeApiError } from "../../api/describe-api-error";
import { t } from "../../i18n/locale-store";

/** `Invalid request — timeouts.connectMs: Too small…` → `timeouts.connectMs` (the schema's validation message). */
const INVALID_REQUEST_PATH = /^Invalid request — (\S+?): /;
/**
 * A route's own check that starts with the dotted setting it refused: `security.apiAccess.allow: "10.0.0.0/33" is not…`,
 * `security.promptGuard.patterns[0] ("my-rule"): …`. At least one dot, so an ordinary sentence ending in a colon is not
 * taken for a field.
 */
const LEADING_PATH = /^([A-Za-z_$][\w$]*(?:\[\d+\])*(?:\.[\w$]+(?:\[\d+\])*)+)(?: \([^)]*\))?: /;

/** The setting a server 400 message names (`a.b[0]` written as `a.b.0`, the form fields use), if it names one. */
function invalidPathOf(message: string): string | undefined {
  const path = INVALID_REQUEST_PATH.exec(message)?.[1] ?? LEADING_PATH.exec(message)?.[1];
  return path?.replace(/\[(\d+)\]/g, ".$1");
}

interface FormFeedback {
  /** True when the server's last error names this setting, a field inside it or the entry it belongs to. */
  isInvalid(path: string): boolean;
  /** Id of the error message, for aria-describedby on invalid fields. */
  errorId: string;
}

const FeedbackContext = createContext<FormFeedback>({ isInvalid: () => false, errorId: "" });

/** Fields read which of them the server's last validation error named. */
export function useFormFeedback(): FormFeedback {
  return useContext(FeedbackContext);
}

interface SettingsFormProps {
  title: string;
  intro?: string;
  /** Saves the section; throw (an ApiError) to show the server's message. Returns the success text. */
  onSave: () => Promise<string | void>;
  submitLabel?: string;
  /** Called before saving: a message here is shown instead of calling the API (e.g. passwords that differ). */
  check?: () => string | undefined;
  children: JSX.Element;
  /** Extra content after the save button (e.g. a follow-up action). */
  after?: JSX.Element;
}

/**
 * One settings section: its own form, save button, the server's validation message (with the named field marked
 * invalid and focused) and a live region announcing the result.
 */
export function SettingsForm(props: SettingsFormProps) {
  const headingId = createUniqueId();
  const errorId = createUniqueId();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [invalidPath, setInvalidPath] = createSignal<string>();
  const [saved, setSaved] = createSignal("");
  let form!: HTMLFormElement;

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setError(undefined);
    setInvalidPath(undefined);
    setSaved("");
    const problem = props.check?.();
    if (problem) {
      setError(problem);
      return;
    }
    setBusy(true);
    try {
      const message = await props.onSave();
      setSaved(message || t("settings.saved"));
    } catch (failure) {
      const text = describeApiError(failure);
      setError(text);
      setInvalidPath(invalidPathOf(text));
      queueMicrotask(() => form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
    } finally {
      setBusy(false);
    }
  }

  const feedback: FormFeedback = {
    isInvalid: (path) => {
      const named = invalidPath();
      // The field itself, a field inside it, or the entry it belongs to (a rate limit's "set rpm, …").
      return named !== undefined && (named === path || named.startsWith(`${path}.`) || path.startsWith(`${named}.`));
    },
    errorId,
  };

  return (
    <section class="panel settings-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{props.title}</h2>
      <Show when={props.intro}>
        <p class="muted">{props.intro}</p>
      </Show>
      <form ref={form} class="settings-form" novalidate onSubmit={submit} aria-labelledby={headingId}>
        <FeedbackContext.Provider value={feedback}>{props.children}</FeedbackContext.Provider>
        <Show when={error()}>
          <p id={errorId} class="form-error" role="alert">
            {error()}
          </p>
        </Show>
        <div class="settings-form__actions">
          <button type="submit" class="button button--primary" disabled={busy()}>
            {busy() ? t("settings.saving") : (props.submitLabel ?? t("settings.save"))}
          </button>
          <p class="form-success" role="status">
            {saved()}
          </p>
        </div>
        {props.after}
      </form>
    </section>
  );
}

interface NumberFieldProps {
  /** The setting's path, as the server names it in validation errors. */
  path: string;
  label: string;
  hint?: string;
  value: string;
  onInput: (value: string) => void;
  min?: number;
  max?: number;
  step?: number;
}

/** A labelled numeric input; the text is kept as typed and the server judges it. */
export function NumberField(props: NumberFieldProps) {
  const id = createUniqueId();
  const hintId = createUniqueId();
  const feedback = useFormFeedback();
  const describedBy = () =>
    [props.hint ? hintId : "", feedback.isInvalid(props.path) ? feedback.errorId : ""].filter(Boolean).join(" ") || undefined;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        class="input settings-number"
        type="number"
        inputmode="numeric"
        name={props.path}
        min={props.min}
        max={props.max}
        step={props.step ?? 1}
        value={props.value}
        aria-invalid={feedback.isInvalid(props.path) ? true : undefined}
        aria-describedby={describedBy()}
        onInput={(event) => props.onInput(event.currentTarget.value)}
      />
      <Show when={props.hint}>
        <p id={hintId} class="field__hint">
          {props.hint}
        </p>
      </Show>
    </div>
  );
}

/** Text of a number input → the number to send; blank becomes null so the server says what is missing. */
export function numberOrNull(text: string): number | null {
  const trimmed = text.trim();
  return trimmed === "" ? null : Number(trimmed);
}

/** A labelled checkbox with an optional hint below its label. */
export function Checkbox(props: { label: string; hint?: JSX.Element; checked: boolean; onChange: (checked: boolean) => void }) {
  const id = createUniqueId();
  const hintId = createUniqueId();
  return (
    <div class="settings-check">
      <input id={id} type="checkbox" checked={props.checked} aria-describedby={props.hint ? hintId : undefined} onChange={(event) => props.onChange(event.currentTarget.checked)} />
      <div>
        <label for={id}>{props.label}</label>
        {props.hint ? (
          <p id={hintId} class="field__hint">
            {props.hint}
          </p>
        ) : null}
      </div>
    </div>
  );
}
