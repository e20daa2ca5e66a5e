import { Show } from "solid-js";
import { createApiQuery } from "../../api/create-api-query";
import { managementApi } from "../../api/management-api";
import { formatListenAddress } from "../../format/format-listen-address";
import { t } from "../../i18n/locale-store";
import { CopyButton } from "../copy-button";
import { ErrorNotice } from "../error-notice";
import { LoadingNotice } from "../loading-notice";

/**
 * Listen address and port are process settings (flags or environment at start), not run-time ones: shown as they
 * are (GET /api/status) with the exact command that changes them, never as an edit box that could not work.
 */
export function ListenSection() {
  const status = createApiQuery(managementApi.getStatus);
  return (
    <section class="panel settings-section" aria-labelledby="settings-listen-heading">
      <h2 id="settings-listen-heading">{t("settings.listen.heading")}</h2>
      <Show when={status.error()}>{(error) => <ErrorNotice error={error()} onRetry={status.refetch} />}</Show>
      <Show when={status.data()} fallback={<Show when={!status.error()}><LoadingNotice /></Show>}>
        {(data) => {
          const flags = () => `omniroute --host ${data().listen.host} --port ${data().listen.port}`;
          const env = () => `HOST=${data().listen.host} PORT=${data().listen.port} omniroute`;
          return (
            <>
              <dl class="settings-facts">
                <div>
                  <dt>{t("settings.listen.address")}</dt>
                  <dd>
                    <code dir="ltr" data-testid="settings-listen-address">{formatListenAddress(data().listen)}</code>
                  </dd>
                </div>
                <div>
                  <dt>{t("settings.listen.dataDir")}</dt>
                  <dd>
                    <code dir="ltr">{data().dataDir}</code>
                  </dd>
                </div>
              </dl>
              <p>{t("settings.listen.howTo")}</p>
              <div class="settings-command">
                <code dir="ltr">{flags()}</code>
                <CopyButton text={flags()} label={t("settings.listen.copyFlags")} />
              </div>
              <p>{t("settings.listen.howToEnv")}</p>
              <div class="settings-command">
                <code dir="ltr">{env()}</code>
                <CopyButton text={env()} label={t("settings.listen.copyEnv")} />
              </div>
              <p class="field__hint">{t("settings.listen.networkNote")}</p>
            </>
          );
        }}
      </Show>
    </section>
  );
}
