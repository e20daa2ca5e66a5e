import { For, Show } from "solid-js";
import type { AccountQuotaView } from "../../api/health-api";
import { t } from "../../i18n/locale-store";
import { QuotaWindowRow, quotaCountdown, ReportedLimitRow } from "../quota/quota-rows";

interface ConnectionQuotaProps {
  /** The account in GET /api/quota. */
  quota: AccountQuotaView | undefined;
  /** Seconds since GET /api/quota answered: its countdowns count down from there. */
  elapsedSeconds: number;
}

/** The account's quota windows and the limits its provider last reported, as bars with reset countdowns. */
export function ConnectionQuota(props: ConnectionQuotaProps) {
  const hasQuota = () => (props.quota?.windows.length ?? 0) > 0 || (props.quota?.reported?.limits.length ?? 0) > 0;
  const closedFor = () => quotaCountdown(props.quota?.unavailableForSeconds ?? null, props.elapsedSeconds);
  return (
    <div class="connection-quota" data-testid="connection-quota">
      <Show when={props.quota && !props.quota.available}>
        <p class="connection-detail">
          <span class="badge badge--error">
            {closedFor() ? t("providers.quota.closedFor", { time: closedFor()! }) : t("providers.quota.closed")}
            <Show when={props.quota?.closedBy}>{(by) => <> · {by()}</>}</Show>
          </span>
        </p>
      </Show>
      <Show when={hasQuota()} fallback={<p class="connection-detail muted">{t("providers.quota.none")}</p>}>
        <ul class="connection-quota__list">
          <For each={props.quota?.windows ?? []}>{(window) => <QuotaWindowRow window={window} elapsedSeconds={props.elapsedSeconds} />}</For>
          <For each={props.quota?.reported?.limits ?? []}>{(limit) => <ReportedLimitRow limit={limit} elapsedSeconds={props.elapsedSeconds} />}</For>
        </ul>
      </Show>
    </div>
  );
}
