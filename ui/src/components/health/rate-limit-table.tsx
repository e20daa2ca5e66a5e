import { For, Show } from "solid-js";
import type { RateLimitQueue } from "../../api/health-api";
import { t } from "../../i18n/locale-store";
import { formatCount, formatMs, NO_VALUE } from "../usage/usage-format";

/** The routing.rateLimits in force and their queues, as GET /api/health/details reports them. */
export function RateLimitTable(props: { limits: readonly RateLimitQueue[] }) {
  const limitText = (limit: RateLimitQueue) => {
    const parts: string[] = [];
    if (limit.rpm !== null) parts.push(t("health.rpm", { count: formatCount(limit.rpm) }));
    if (limit.maxConcurrent !== null) parts.push(t("health.maxConcurrent", { count: formatCount(limit.maxConcurrent) }));
    if (limit.minGapMs !== null) parts.push(t("health.minGap", { value: formatMs(limit.minGapMs) }));
    return parts.join(" · ") || NO_VALUE;
  };
  return (
    <table class="data-table health-table">
      <thead>
        <tr>
          <th scope="col">{t("health.rateLimitKey")}</th>
          <th scope="col">{t("health.rateLimitLimits")}</th>
          <th scope="col">{t("health.rateLimitInflight")}</th>
          <th scope="col">{t("health.rateLimitQueued")}</th>
          <th scope="col">{t("health.rateLimitWindow")}</th>
          <th scope="col">{t("health.rateLimitNextSlot")}</th>
          <th scope="col">{t("health.rateLimitAdmitted")}</th>
          <th scope="col">{t("health.rateLimitRefused")}</th>
        </tr>
      </thead>
      <tbody>
        <For each={props.limits}>
          {(limit) => (
            <tr>
              <td data-label={t("health.rateLimitKey")} class="strong break-anywhere">
                {limit.key}
              </td>
              <td data-label={t("health.rateLimitLimits")}>{limitText(limit)}</td>
              <td data-label={t("health.rateLimitInflight")}>{formatCount(limit.inflight)}</td>
              <td data-label={t("health.rateLimitQueued")}>
                {t("health.queuedOf", { queued: formatCount(limit.queued), max: formatCount(limit.queueMax) })}
              </td>
              <td data-label={t("health.rateLimitWindow")}>
                <Show when={limit.windowCount !== null && limit.rpm !== null} fallback={NO_VALUE}>
                  {t("health.windowOf", { count: formatCount(limit.windowCount!), rpm: formatCount(limit.rpm!) })}
                </Show>
              </td>
              <td data-label={t("health.rateLimitNextSlot")}>{limit.nextSlotInMs === null ? NO_VALUE : formatMs(limit.nextSlotInMs)}</td>
              <td data-label={t("health.rateLimitAdmitted")}>{formatCount(limit.admitted)}</td>
              <td data-label={t("health.rateLimitRefused")}>{formatCount(limit.refused)}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
