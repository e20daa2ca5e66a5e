import { createSignal } from "solid-js";
import { securityApi } from "../../api/security-api";
import { t } from "../../i18n/locale-store";
import { Field } from "../form-field";
import { SettingsForm, useFormFeedback } from "../settings/settings-form";

/**
 * POST /api/auth/password. The server checks the current password and ends the other sessions; if it ended this
 * one too, the refetch the parent does afterwards answers 401 and the app returns to the login page.
 */
export function PasswordChangeForm(props: { onChanged: () => void }) {
  const [current, setCurrent] = createSignal("");
  const [next, setNext] = createSignal("");
  const [confirm, setConfirm] = createSignal("");

  async function save() {
    await securityApi.changePassword(current(), next());
    setCurrent("");
    setNext("");
    setConfirm("");
    props.onChanged();
    return t("security.password.changed");
  }

  return (
    <SettingsForm
      title={t("security.password.heading")}
      intro={t("security.password.intro")}
      submitLabel={t("security.password.submit")}
      check={() => (next() !== confirm() ? t("security.password.mismatch") : undefined)}
      onSave={save}
    >
      <PasswordField path="currentPassword" label={t("security.password.current")} autocomplete="current-password" value={current()} onInput={setCurrent} />
      <PasswordField path="newPassword" label={t("security.password.new")} hint={t("security.password.newHint")} autocomplete="new-password" value={next()} onInput={setNext} />
      <PasswordField path="confirmPassword" label={t("security.password.confirm")} autocomplete="new-password" value={confirm()} onInput={setConfirm} />
    </SettingsForm>
  );
}

function PasswordField(props: { path: string; label: string; hint?: string; autocomplete: string; value: string; onInput: (value: string) => void }) {
  const feedback = useFormFeedback();
  return (
    <Field label={props.label} hint={props.hint} invalid={feedback.isInvalid(props.path)} errorId={feedback.errorId} class="settings-field--narrow">
      {(control) => (
        <input
          id={control.id}
          class="input"
          type="password"
          name={props.path}
          autocomplete={props.autocomplete}
          value={props.value}
          aria-invalid={feedback.isInvalid(props.path) ? true : undefined}
          aria-describedby={control.describedBy}
          onInput={(event) => props.onInput(event.currentTarget.value)}
        />
      )}
    </Field>
  );
}
