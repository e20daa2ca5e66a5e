import { createSignal } from "solid-js";
import { securityApi } from "../../api/security-api";
import { t } from "../../i18n/locale-store";
import { SettingsForm } from "../settings/settings-form";
import { addressInList } from "./address-in-list";
import { CidrListField, linesOf } from "./cidr-list-field";
import type { SecuritySectionProps } from "./security-section-props";

const joinLines = (entries: readonly string[]) => entries.join("\n");

/**
 * security.apiAccess, security.dashboardAccess and security.trustedProxies. Each list is sent whole (a PATCH
 * replaces each security sub-object) and checked by the server, whose message names the entry it refused.
 */
export function AddressRulesForm(props: SecuritySectionProps & { clientIp: string | undefined }) {
  const initial = props.settings.security;
  const [apiAllow, setApiAllow] = createSignal(joinLines(initial.apiAccess.allow));
  const [apiBlock, setApiBlock] = createSignal(joinLines(initial.apiAccess.block));
  const [dashboardAllow, setDashboardAllow] = createSignal(joinLines(initial.dashboardAccess.allow));
  const [dashboardBlock, setDashboardBlock] = createSignal(joinLines(initial.dashboardAccess.block));
  const [proxies, setProxies] = createSignal(joinLines(initial.trustedProxies));

  // Warned while typing, before saving: the server refuses a dashboard rule that shuts out its own caller.
  const outsideAllowlist = () => {
    const entries = linesOf(dashboardAllow());
    return props.clientIp !== undefined && entries.length > 0 && addressInList(props.clientIp, entries) === false;
  };
  const insideBlocklist = () => props.clientIp !== undefined && addressInList(props.clientIp, linesOf(dashboardBlock())) === true;

  async function save() {
    props.onSaved(
      await securityApi.updateSettings({
        security: {
          apiAccess: { allow: linesOf(apiAllow()), block: linesOf(apiBlock()) },
          dashboardAccess: { allow: linesOf(dashboardAllow()), block: linesOf(dashboardBlock()) },
          trustedProxies: linesOf(proxies()),
        },
      }),
    );
  }

  return (
    <SettingsForm title={t("security.rules.heading")} intro={t("security.rules.intro")} onSave={save}>
      <fieldset class="form-group security-fieldset">
        <legend>{t("security.rules.api")}</legend>
        <div class="security-pair">
          <CidrListField path="security.apiAccess.allow" label={t("security.rules.apiAllow")} hint={t("security.rules.allowHint")} value={apiAllow()} onInput={setApiAllow} />
          <CidrListField path="security.apiAccess.block" label={t("security.rules.apiBlock")} hint={t("security.rules.blockHint")} value={apiBlock()} onInput={setApiBlock} />
        </div>
      </fieldset>
      <fieldset class="form-group security-fieldset">
        <legend>{t("security.rules.dashboard")}</legend>
        <div class="security-pair">
          <CidrListField
            path="security.dashboardAccess.allow"
            label={t("security.rules.dashboardAllow")}
            hint={t("security.rules.allowHint")}
            value={dashboardAllow()}
            onInput={setDashboardAllow}
            warning={outsideAllowlist() ? t("security.rules.selfOutsideAllowlist", { address: props.clientIp ?? "" }) : undefined}
          />
          <CidrListField
            path="security.dashboardAccess.block"
            label={t("security.rules.dashboardBlock")}
            hint={t("security.rules.blockHint")}
            value={dashboardBlock()}
            onInput={setDashboardBlock}
            warning={insideBlocklist() ? t("security.rules.selfInsideBlocklist", { address: props.clientIp ?? "" }) : undefined}
          />
        </div>
      </fieldset>
      <div class="settings-field--narrow">
        <CidrListField path="security.trustedProxies" label={t("security.rules.proxies")} hint={t("security.rules.proxiesHint")} value={proxies()} onInput={setProxies} />
      </div>
    </SettingsForm>
  );
}
