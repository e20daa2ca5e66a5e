import { createSignal, createUniqueId } from "solid-js";
import { securityApi } from "../../api/security-api";
import { t } from "../../i18n/locale-store";
import { NumberField, numberOrNull, SettingsForm } from "../settings/settings-form";
import type { SecuritySectionProps } from "./security-section-props";

/** security.requireApiKey: every /v1 and /v1beta call needs a client key, /v1/models included, even on loopback. */
export function ApiKeyRequirementForm(props: SecuritySectionProps) {
  const [required, setRequired] = createSignal(props.settings.security.requireApiKey);
  const id = createUniqueId();
  const hintId = createUniqueId();

  async function save() {
    props.onSaved(await securityApi.updateSettings({ security: { requireApiKey: required() } }));
  }

  return (
    <SettingsForm title={t("security.requireKey.heading")} onSave={save}>
      <div class="security-switch-row">
        <label class="switch" for={id}>
          <input id={id} type="checkbox" role="switch" checked={required()} aria-describedby={hintId} onChange={(event) => setRequired(event.currentTarget.checked)} />
          <span class="strong">{t("security.requireKey.label")}</span>
        </label>
        <p id={hintId} class="field__hint">
          {t("security.requireKey.hint")}
        </p>
      </div>
    </SettingsForm>
  );
}

/** security.login: failed sign-ins per address within a window before that address is locked out. */
export function LoginLockoutForm(props: SecuritySectionProps) {
  const initial = props.settings.security.login;
  const [maxFailures, setMaxFailures] = createSignal(String(initial.maxFailures));
  const [windowMinutes, setWindowMinutes] = createSignal(String(initial.windowMinutes));

  async function save() {
    props.onSaved(
      await securityApi.updateSettings({ security: { login: { maxFailures: numberOrNull(maxFailures()), windowMinutes: numberOrNull(windowMinutes()) } } }),
    );
  }

  return (
    <SettingsForm title={t("security.lockout.heading")} intro={t("security.lockout.intro")} onSave={save}>
      <div class="settings-grid">
        <NumberField path="security.login.maxFailures" label={t("security.lockout.maxFailures")} min={1} max={1000} value={maxFailures()} onInput={setMaxFailures} />
        <NumberField path="security.login.windowMinutes" label={t("security.lockout.window")} min={1} max={1440} value={windowMinutes()} onInput={setWindowMinutes} />
      </div>
    </SettingsForm>
  );
}

/** security.auditRetentionDays: older audit entries are pruned. */
export function AuditRetentionForm(props: SecuritySectionProps) {
  const [days, setDays] = createSignal(String(props.settings.security.auditRetentionDays));

  async function save() {
    props.onSaved(await securityApi.updateSettings({ security: { auditRetentionDays: numberOrNull(days()) } }));
  }

  return (
    <SettingsForm title={t("security.retention.heading")} onSave={save}>
      <div class="settings-field--narrow">
        <NumberField path="security.auditRetentionDays" label={t("security.retention.days")} hint={t("security.retention.hint")} min={1} max={3650} value={days()} onInput={setDays} />
      </div>
    </SettingsForm>
  );
}
