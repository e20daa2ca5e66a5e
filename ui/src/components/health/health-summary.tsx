import type { HealthDetails } from "../../api/health-api";
import { t } from "../../i18n/locale-store";
import { StatCard } from "../stat-card";
import { UptimeCounter } from "../uptime-counter";
import { formatBytes, formatCount, formatTime } from "../usage/usage-format";

interface HealthSummaryProps {
  details: HealthDetails;
  /** performance.now() when the details arrived, for the ticking uptime. */
  receivedAt: number;
}

export function HealthSummary(props: HealthSummaryProps) {
  const unavailable = () => props.details.accounts.filter((account) => !account.availability.available).length;
  return (
    <dl class="stat-grid" data-testid="health-summary">
      <StatCard label={t("health.version")} detail={t("health.startedAt", { time: formatTime(props.details.startedAt) })}>
        <code data-testid="health-version">{props.details.version}</code>
      </StatCard>
      <StatCard label={t("health.uptime")}>
        <UptimeCounter uptimeSeconds={props.details.uptimeSeconds} reportedAt={props.receivedAt} />
      </StatCard>
      <StatCard
        label={t("health.memory")}
        detail={t("health.heap", { used: formatBytes(props.details.memory.heapUsed) })}
      >
        {t("health.rss", { value: formatBytes(props.details.memory.rss) })}
      </StatCard>
      <StatCard
        label={t("health.accounts")}
        detail={t("health.accountsDetail", { cooling: formatCount(props.details.coolingDown.length), reauth: formatCount(props.details.needsReauth.length) })}
      >
        {t("health.accountsValue", { unavailable: formatCount(unavailable()), total: formatCount(props.details.accounts.length) })}
      </StatCard>
      <StatCard label={t("health.openBreakers")}>
        <span data-testid="health-open-breakers">{formatCount(props.details.openBreakers.length)}</span>
      </StatCard>
      <StatCard
        label={t("health.requestLog")}
        detail={t("health.requestLogDetail", { pending: formatCount(props.details.requestLog.pending), dropped: formatCount(props.details.requestLog.dropped) })}
      >
        {props.details.requestLog.enabled ? t("health.requestLogOn") : t("health.requestLogOff")}
      </StatCard>
    </dl>
  );
}
