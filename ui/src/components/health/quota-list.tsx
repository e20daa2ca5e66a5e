import { createUniqueId, For, Show } from "solid-js";
import type { AccountQuotaView } from "../../api/health-api";
import { t } from "../../i18n/locale-store";
import { QuotaWindowRow, quotaCountdown, ReportedLimitRow } from "../quota/quota-rows";
import { formatTime } from "../usage/usage-format";

interface QuotaListProps {
  connections: readonly AccountQuotaView[];
  /** Seconds since GET /api/quota answered: its countdowns are counted down from there. */
  elapsedSeconds: number;
  onResetRequested: (connection: AccountQuotaView) => void;
}

/** Every connection's quota windows with bars and reset countdowns, and what its provider last reported. */
export function QuotaList(props: QuotaListProps) {
  return (
    <ul class="quota-list">
      <For each={props.connections}>
        {(connection) => {
          const headingId = createUniqueId();
          const hasQuota = () => connection.windows.length > 0 || connection.reported !== null;
          const closedFor = () => quotaCountdown(connection.unavailableForSeconds, props.elapsedSeconds);
          return (
            <li class="quota-account" data-testid={`health-quota-${connection.connectionId}`}>
              <div class="quota-account__head">
                <h3 id={headingId} class="quota-account__name">
                  {connection.name} <span class="muted">{connection.providerId}</span>
                </h3>
                <Show
                  when={connection.available}
                  fallback={
                    <span class="badge badge--error">
                      {closedFor() ? t("health.quotaClosedFor", { time: closedFor()! }) : t("health.quotaClosed")}
                      <Show when={connection.closedBy}>{(by) => <> · {by()}</>}</Show>
                    </span>
                  }
                >
                  <span class="badge badge--ok">{t("health.available")}</span>
                </Show>
                <Show when={hasQuota()}>
                  <button
                    type="button"
                    class="button button--small quota-account__reset"
                    aria-label={t("health.quotaResetNamed", { name: connection.name })}
                    onClick={() => props.onResetRequested(connection)}
                  >
                    {t("health.quotaReset")}
                  </button>
                </Show>
              </div>
              <Show when={hasQuota()} fallback={<p class="muted quota-account__none">{t("health.quotaNone")}</p>}>
                <ul class="quota-windows">
                  <For each={connection.windows}>{(window) => <QuotaWindowRow window={window} elapsedSeconds={props.elapsedSeconds} />}</For>
                  <For each={connection.reported?.limits ?? []}>{(limit) => <ReportedLimitRow limit={limit} elapsedSeconds={props.elapsedSeconds} />}</For>
                </ul>
                <Show when={connection.reported?.retryAt}>
                  {(retryAt) => <p class="muted quota-account__none">{t("health.quotaRetryAt", { time: formatTime(retryAt()) })}</p>}
                </Show>
              </Show>
            </li>
          );
        }}
      </For>
    </ul>
  );
}
