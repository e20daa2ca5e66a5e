import type { AnalyticsFigures } from "../../api/usage-api";
import { t } from "../../i18n/locale-store";
import { StatCard } from "../stat-card";
import { formatCount, formatMs, formatShare, formatUsd } from "./usage-format";

/** The range's totals, straight from GET /api/analytics `totals`. */
export function UsageTotals(props: { totals: AnalyticsFigures }) {
  return (
    <dl class="stat-grid usage-totals" data-testid="usage-totals">
      <StatCard label={t("usage.totalRequests")}>
        <span data-testid="usage-total-requests">{formatCount(props.totals.requests)}</span>
      </StatCard>
      <StatCard label={t("usage.successRate")} detail={t("usage.failedCount", { count: formatCount(props.totals.failed) })}>
        <span data-testid="usage-total-success-rate">{formatShare(props.totals.successRate)}</span>
      </StatCard>
      <StatCard label={t("usage.tokensIn")} detail={t("usage.cachedTokens", { count: formatCount(props.totals.tokensCached) })}>
        <span data-testid="usage-total-tokens-in">{formatCount(props.totals.tokensIn)}</span>
      </StatCard>
      <StatCard label={t("usage.tokensOut")} detail={t("usage.reasoningTokens", { count: formatCount(props.totals.tokensReasoning) })}>
        <span data-testid="usage-total-tokens-out">{formatCount(props.totals.tokensOut)}</span>
      </StatCard>
      <StatCard
        label={t("usage.cost")}
        detail={t("usage.costedRequests", { costed: formatCount(props.totals.costedRequests), total: formatCount(props.totals.requests) })}
      >
        <span data-testid="usage-total-cost">{formatUsd(props.totals.costUsd)}</span>
      </StatCard>
      <StatCard label={t("usage.latency")} detail={<span data-testid="usage-total-p95">{t("usage.latencyP95", { value: formatMs(props.totals.latencyMs.p95) })}</span>}>
        <span data-testid="usage-total-p50">{t("usage.latencyP50", { value: formatMs(props.totals.latencyMs.p50) })}</span>
      </StatCard>
    </dl>
  );
}
