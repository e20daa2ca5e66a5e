import { createSignal } from "solid-js";
import { securityApi } from "../../api/security-api";
import { t } from "../../i18n/locale-store";
import { NumberField, numberOrNull, SettingsForm } from "../settings/settings-form";
import type { SecuritySectionProps } from "./security-section-props";

/** security.ipRateLimit: requests per client address in a fixed window, for the API and the dashboard apart. */
export function IpRateLimitForm(props: SecuritySectionProps) {
  const initial = props.settings.security.ipRateLimit;
  const [apiRequests, setApiRequests] = createSignal(String(initial.api.requests));
  const [apiWindow, setApiWindow] = createSignal(String(initial.api.windowSeconds));
  const [dashboardRequests, setDashboardRequests] = createSignal(String(initial.dashboard.requests));
  const [dashboardWindow, setDashboardWindow] = createSignal(String(initial.dashboard.windowSeconds));

  async function save() {
    props.onSaved(
      await securityApi.updateSettings({
        security: {
          ipRateLimit: {
            api: { requests: numberOrNull(apiRequests()), windowSeconds: numberOrNull(apiWindow()) },
            dashboard: { requests: numberOrNull(dashboardRequests()), windowSeconds: numberOrNull(dashboardWindow()) },
          },
        },
      }),
    );
  }

  return (
    <SettingsForm title={t("security.ipLimit.heading")} intro={t("security.ipLimit.intro")} onSave={save}>
      <div class="security-pair">
        <fieldset class="form-group security-fieldset">
          <legend>{t("security.ipLimit.api")}</legend>
          <div class="settings-grid settings-grid--compact">
            <NumberField path="security.ipRateLimit.api.requests" label={t("security.ipLimit.requests")} hint={t("security.ipLimit.requestsHint")} min={0} value={apiRequests()} onInput={setApiRequests} />
            <NumberField path="security.ipRateLimit.api.windowSeconds" label={t("security.ipLimit.window")} min={1} max={86400} value={apiWindow()} onInput={setApiWindow} />
          </div>
        </fieldset>
        <fieldset class="form-group security-fieldset">
          <legend>{t("security.ipLimit.dashboard")}</legend>
          <div class="settings-grid settings-grid--compact">
            <NumberField path="security.ipRateLimit.dashboard.requests" label={t("security.ipLimit.requests")} hint={t("security.ipLimit.requestsHint")} min={0} value={dashboardRequests()} onInput={setDashboardRequests} />
            <NumberField path="security.ipRateLimit.dashboard.windowSeconds" label={t("security.ipLimit.window")} min={1} max={86400} value={dashboardWindow()} onInput={setDashboardWindow} />
          </div>
        </fieldset>
      </div>
    </SettingsForm>
  );
}
