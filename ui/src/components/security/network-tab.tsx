import { Show } from "solid-js";
import { createApiQuery } from "../../api/create-api-query";
import { securityApi, type SecurityPageSettings } from "../../api/security-api";
import { t } from "../../i18n/locale-store";
import { ErrorNotice } from "../error-notice";
import { LoadingNotice } from "../loading-notice";
import { ApiKeyRequirementForm, AuditRetentionForm, LoginLockoutForm } from "./access-basics-forms";
import { AddressRulesForm } from "./address-rules-form";
import { IpRateLimitForm } from "./ip-rate-limit-form";
import type { SecuritySectionProps } from "./security-section-props";

function Allowed(props: { allowed: boolean }) {
  return (
    <span class={`badge ${props.allowed ? "badge--ok" : "badge--error"}`}>
      {props.allowed ? t("security.network.allowed") : t("security.network.refused")}
    </span>
  );
}

/** The caller as the gateway sees it, then the network settings. */
export function NetworkTab(props: SecuritySectionProps) {
  const network = createApiQuery(securityApi.getNetwork);

  // Rules and proxies change what the gateway makes of this caller: ask again after each save.
  function saved(settings: SecurityPageSettings) {
    props.onSaved(settings);
    void network.refetch();
  }

  return (
    <div class="security-tab">
      <section class="panel" aria-labelledby="security-network-heading">
        <div class="security-panel-heading">
          <h2 id="security-network-heading">{t("security.network.heading")}</h2>
          <button type="button" class="button button--small" aria-busy={network.loading()} onClick={() => void network.refetch()}>
            {t("common.refresh")}
          </button>
        </div>
        <Show when={network.error()}>{(error) => <ErrorNotice error={error()} onRetry={network.refetch} />}</Show>
        <Show when={network.data()} fallback={<Show when={!network.error()}><LoadingNotice /></Show>}>
          {(view) => (
            <dl class="settings-facts" data-testid="security-network-facts">
              <div>
                <dt>{t("security.network.yourAddress")}</dt>
                <dd>
                  <code data-testid="security-client-ip">{view().clientIp ?? t("security.unknown")}</code>{" "}
                  <span class="muted">{view().viaProxy ? t("security.network.viaProxy") : t("security.network.direct")}</span>
                </dd>
              </div>
              <div>
                <dt>{t("security.network.api")}</dt>
                <dd>
                  <Allowed allowed={view().apiAllowed} />
                </dd>
              </div>
              <div>
                <dt>{t("security.network.dashboard")}</dt>
                <dd>
                  <Allowed allowed={view().dashboardAllowed} />
                </dd>
              </div>
              <div>
                <dt>{t("security.network.splitPort")}</dt>
                <dd>
                  {view().splitPort.enabled
                    ? view().splitPort.port === null
                      ? t("security.network.splitPortOn")
                      : t("security.network.splitPortOnPort", { port: view().splitPort.port! })
                    : t("security.network.splitPortOff")}
                </dd>
              </div>
            </dl>
          )}
        </Show>
        <p class="field__hint">{t("security.network.splitPortHint")}</p>
      </section>

      <AddressRulesForm settings={props.settings} onSaved={saved} clientIp={network.data()?.clientIp ?? undefined} />
      <IpRateLimitForm settings={props.settings} onSaved={saved} />
      <ApiKeyRequirementForm settings={props.settings} onSaved={saved} />
      <LoginLockoutForm settings={props.settings} onSaved={saved} />
      <AuditRetentionForm settings={props.settings} onSaved={saved} />
    </div>
  );
}
