import { createSignal, createUniqueId, Show } from "solid-js";
import { settingsApi } from "../../api/settings-api";
import { t } from "../../i18n/locale-store";
import { logOut } from "../../stores/session-store";
import { SettingsForm, useFormFeedback } from "./settings-form";

/** POST /api/auth/password: the server checks the current password and ends every session on success. */
export function PasswordSection() {
  const [current, setCurrent] = createSignal("");
  const [next, setNext] = createSignal("");
  const [confirm, setConfirm] = createSignal("");
  const [changed, setChanged] = createSignal(false);

  async function save() {
    await settingsApi.changePassword(current(), next());
    setCurrent("");
    setNext("");
    setConfirm("");
    setChanged(true);
    return t("settings.password.changed");
  }

  return (
    <SettingsForm
      title={t("settings.password.heading")}
      intro={t("settings.password.intro")}
      submitLabel={t("settings.password.submit")}
      check={() => (next() !== confirm() ? t("settings.password.mismatch") : undefined)}
      onSave={save}
      after={
        <Show when={changed()}>
          {/* The server already ended this session: the logout call may answer 401, and the login page follows anyway. */}
          <button type="button" class="button" onClick={() => logOut().catch(() => undefined)}>
            {t("settings.password.signInAgain")}
          </button>
        </Show>
      }
    >
      <PasswordField path="currentPassword" label={t("settings.password.current")} autocomplete="current-password" value={current()} onInput={setCurrent} />
      <PasswordField path="newPassword" label={t("settings.password.new")} hint={t("settings.password.newHint")} autocomplete="new-password" value={next()} onInput={setNext} />
      <PasswordField path="confirmPassword" label={t("settings.password.confirm")} autocomplete="new-password" value={confirm()} onInput={setConfirm} />
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
        aria-describedby={props.hint ? hintId : undefined}
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
