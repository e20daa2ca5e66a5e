import { createSignal } from "solid-js";
import { describeApiError } from "../api/describe-api-error";

/** What a form's own check gives: the value to save, or the error to show instead of calling the API. */
export type FormCheck<Value, Failure> = { ok: true; value: Value } | { ok: false; error: Failure };

/**
 * The submit plumbing of a create/edit form: check first (its error is shown and nothing is sent), then save
 * with the button disabled; a refusal from the server becomes the form's error, through `failed`.
 */
export function createFormSubmit<Value, Failure>(options: {
  check: () => FormCheck<Value, Failure>;
  save: (value: Value) => Promise<void>;
  /** The error to show for a failed save (an ApiError or a network failure). */
  failed: (message: string) => Failure;
}) {
  const [submitting, setSubmitting] = createSignal(false);
  const [error, setError] = createSignal<Failure>();

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const checked = options.check();
    if (!checked.ok) {
      setError(() => checked.error);
      return;
    }
    setSubmitting(true);
    setError(undefined);
    try {
      await options.save(checked.value);
    } catch (failure) {
      setError(() => options.failed(describeApiError(failure)));
    } finally {
      setSubmitting(false);
    }
  }

  return { submit, submitting, error, setError };
}

/**
 * A polite live-region message. Cleared first, so the same message twice in a row is read twice; render
 * `announcement()` in an element with role="status".
 */
export function createAnnouncer() {
  const [announcement, setAnnouncement] = createSignal("");
  function announce(message: string) {
    setAnnouncement("");
    queueMicrotask(() => setAnnouncement(message));
  }
  return { announcement, announce };
}

/** Whole number in [min, max], null for an empty field, NaN when the text is not such a number. */
export function wholeNumber(text: string, min: number, max = Number.MAX_SAFE_INTEGER): number | null {
  if (!text.trim()) return null;
  const value = Number(text);
  return Number.isInteger(value) && value >= min && value <= max ? value : Number.NaN;
}
