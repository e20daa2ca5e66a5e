import { For } from "solid-js";
import type { AnalyticsGroup } from "../../api/usage-api";
import { t } from "../../i18n/locale-store";
import { formatCount, formatMs, formatShare } from "../usage/usage-format";

/** Latency percentiles per provider (GET /api/analytics?groupBy=provider over the last hour). */
export function LatencyTable(props: { groups: readonly AnalyticsGroup[] }) {
  return (
    <table class="data-table health-table" data-testid="health-latency">
      <thead>
        <tr>
          <th scope="col">{t("health.provider")}</th>
          <th scope="col">{t("health.requests")}</th>
          <th scope="col">{t("health.successRate")}</th>
          <th scope="col">{t("health.p50")}</th>
          <th scope="col">{t("health.p95")}</th>
          <th scope="col">{t("health.p99")}</th>
          <th scope="col">{t("health.ttfbP50")}</th>
          <th scope="col">{t("health.ttfbP95")}</th>
        </tr>
      </thead>
      <tbody>
        <For each={props.groups}>
          {(group) => (
            <tr>
              <td data-label={t("health.provider")} class="strong break-anywhere">
                {group.key ?? t("health.noProvider")}
              </td>
              <td data-label={t("health.requests")}>{formatCount(group.requests)}</td>
              <td data-label={t("health.successRate")}>{formatShare(group.successRate)}</td>
              <td data-label={t("health.p50")}>{formatMs(group.latencyMs.p50)}</td>
              <td data-label={t("health.p95")}>{formatMs(group.latencyMs.p95)}</td>
              <td data-label={t("health.p99")}>{formatMs(group.latencyMs.p99)}</td>
              <td data-label={t("health.ttfbP50")}>{formatMs(group.ttfbMs.p50)}</td>
              <td data-label={t("health.ttfbP95")}>{formatMs(group.ttfbMs.p95)}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
