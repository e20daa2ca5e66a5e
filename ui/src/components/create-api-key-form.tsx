import { createSignal, createUniqueId } from "solid-js";
import { describeApiError } from "../api/describe-api-error";
import { managementApi } from "../api/management-api";
import type { CreatedApiKey } from "../api/management-types";
import { t } from "../i18n/locale-store";
import { FormError } from "./form-error";

export function CreateApiKeyForm(props: { onCreated: (created: CreatedApiKey) => void }) {
  const nameId = createUniqueId();
  const hintId = createUniqueId();
  const [name, setName] = createSignal("");
  const [submitting, setSubmitting] = createSignal(false);
  const [error, setError] = createSignal<string>();

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    setSubmitting(true);
    setError(undefined);
    try {
      const created = await managementApi.createApiKey(name().trim());
      setName("");
      props.onCreated(created);
    } catch (failure) {
      setError(describeApiError(failure));
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <form class="form form--row" onSubmit={submit}>
      <div class="field">
        <label for={nameId}>{t("apiKeys.nameField")}</label>
        <input
          id={nameId}
          class="input"
          type="text"
          required
          maxlength="100"
          autocomplete="off"
          aria-describedby={hintId}
          value={name()}
          onInput={(event) => setName(event.currentTarget.value)}
        />
        <p id={hintId} class="field__hint">
          {t("apiKeys.nameHint")}
        </p>
      </div>
      <div class="form__submit">
        <button type="submit" class="button button--primary" disabled={submitting() || !name().trim()}>
          {submitting() ? t("apiKeys.creating") : t("apiKeys.create")}
        </button>
      </div>
      <FormError message={error()} />
    </form>
  );
}
