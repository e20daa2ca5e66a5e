import { createSignal, createUniqueId, Show } from "solid-js";
import { securityApi } from "../../api/security-api";
import { t } from "../../i18n/locale-store";
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
  const id = createUniqueId();
  const hintId = createUniqueId();
  const feedback = useFormFeedback();
  return (
    <div class="field settings-field--narrow">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        class="input"
        type="password"
        name={props.path}
        autocomplete={props.autocomplete}
        value={props.value}
        aria-invalid={feedback.isInvalid(props.path) ? true : undefined}
        aria-describedby={[props.hint ? hintId : "", feedback.isInvalid(props.path) ? feedback.errorId : ""].filter(Boolean).join(" ") || undefined}
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
