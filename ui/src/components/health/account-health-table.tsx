import { Show } from "solid-js";
import type { AccountHealth, Breaker } from "../../api/health-api";
import { formatDuration } from "../../format/format-duration";
import type { MessageKey } from "../../i18n/en";
import { t } from "../../i18n/locale-store";
import { DataTable } from "../data-table";
import { formatCount, formatMs, formatTime } from "../usage/usage-format";

const BREAKER_LABELS: Record<Breaker["state"], MessageKey> = {
  closed: "health.breakerClosed",
  open: "health.breakerOpen",
  "half-open": "health.breakerHalfOpen",
};

/** The breaker's state as a badge; an open breaker counts down to its probe. */
export function BreakerBadge(props: { breaker: Breaker; now: number }) {
  const remaining = () => (props.breaker.openUntil === null ? null : Math.max(0, (props.breaker.openUntil - props.now) / 1000));
  return (
    <span class="badge" classList={{ "badge--ok": props.breaker.state === "closed", "badge--error": props.breaker.state === "open", "health-badge--warning": props.breaker.state === "half-open" }}>
      {t(BREAKER_LABELS[props.breaker.state])}
      <Show when={props.breaker.state === "open" && remaining() !== null}> · {formatDuration(remaining()!)}</Show>
    </span>
  );
}

export function accountName(account: Pick<AccountHealth, "name" | "connectionId">): string {
  return account.name ?? account.connectionId;
}

/** Why routing skips the account right now, or that it is available. */
function AvailabilityBadge(props: { account: AccountHealth; now: number }) {
  const availability = () => props.account.availability;
  const text = () => {
    const current = availability();
    if (current.available) return t("health.available");
    const left = current.until === null ? null : formatDuration(Math.max(0, (current.until - props.now) / 1000));
    switch (current.reason) {
      case "cooldown":
        return left === null ? t("health.coolingDown") : t("health.coolingDownFor", { time: left });
      case "reauth":
        return t("health.needsReauth");
      case "breaker-open":
        return left === null ? t("health.breakerOpenShort") : t("health.breakerOpenFor", { time: left });
      case "provider-breaker-open":
        return left === null ? t("health.providerBreakerOpen") : t("health.providerBreakerOpenFor", { time: left });
    }
  };
  return (
    <span class="badge" classList={{ "badge--ok": availability().available, "badge--error": !availability().available }} data-testid="health-availability">
      {text()}
    </span>
  );
}

interface AccountHealthTableProps {
  accounts: readonly AccountHealth[];
  now: number;
  /** The connection id being reset, to disable its button meanwhile. */
  resetting: string | undefined;
  onReset: (account: AccountHealth) => void;
}

export function AccountHealthTable(props: AccountHealthTableProps) {
  return (
    <DataTable
      class="health-table"
      columns={[t("health.account"), t("health.state"), t("health.breaker"), t("health.uses"), t("health.latencyAverage"), t("health.lastFailure")]}
      actionsColumn
      rows={props.accounts}
    >
      {(account) => (
        <tr data-testid={`health-account-${account.connectionId}`}>
          <td data-label={t("health.account")}>
            <div>
              <span class="strong break-anywhere">{accountName(account)}</span>
              <span class="health-detail muted">{account.providerId}</span>
            </div>
          </td>
          <td data-label={t("health.state")}>
            <AvailabilityBadge account={account} now={props.now} />
          </td>
          <td data-label={t("health.breaker")}>
            <div>
              <BreakerBadge breaker={account.breaker} now={props.now} />
              <Show when={account.breaker.consecutiveFailures > 0}>
                <span class="health-detail muted">{t("health.consecutiveFailures", { count: account.breaker.consecutiveFailures })}</span>
              </Show>
            </div>
          </td>
          <td data-label={t("health.uses")}>
            <div>
              {formatCount(account.uses)}
              <Show when={account.inflight > 0}>
                <span class="health-detail muted">{t("health.inflight", { count: account.inflight })}</span>
              </Show>
            </div>
          </td>
          <td data-label={t("health.latencyAverage")}>
            <div>
              {formatMs(account.ewmaLatencyMs === null ? null : Math.round(account.ewmaLatencyMs))}
              <Show when={account.ewmaTtfbMs !== null}>
                <span class="health-detail muted">{t("health.ttfbAverage", { value: formatMs(Math.round(account.ewmaTtfbMs!)) })}</span>
              </Show>
            </div>
          </td>
          <td data-label={t("health.lastFailure")}>
            <Show when={account.lastFailure} fallback={<span class="muted">{t("health.noFailure")}</span>}>
              {(failure) => (
                <div>
                  <span class="break-anywhere">{failure().reason}</span>
                  <span class="health-detail muted">{formatTime(failure().at)}</span>
                </div>
              )}
            </Show>
          </td>
          <td data-label={t("common.actions")}>
            <button
              type="button"
              class="button button--small"
              aria-label={t("health.resetNamed", { name: accountName(account) })}
              aria-busy={props.resetting === account.connectionId}
              onClick={() => props.onReset(account)}
            >
              {t("health.reset")}
            </button>
          </td>
        </tr>
      )}
    </DataTable>
  );
}
