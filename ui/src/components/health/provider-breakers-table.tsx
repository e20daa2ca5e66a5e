import { For } from "solid-js";
import type { Breaker } from "../../api/health-api";
import { t } from "../../i18n/locale-store";
import { formatCount } from "../usage/usage-format";
import { BreakerBadge } from "./account-health-table";

/** Each provider's own breaker (it counts the failures of all its accounts). */
export function ProviderBreakersTable(props: { providers: ReadonlyArray<{ providerId: string; breaker: Breaker }>; now: number }) {
  return (
    <table class="data-table health-table">
      <thead>
        <tr>
          <th scope="col">{t("health.provider")}</th>
          <th scope="col">{t("health.breaker")}</th>
          <th scope="col">{t("health.consecutiveFailuresColumn")}</th>
          <th scope="col">{t("health.opens")}</th>
          <th scope="col">{t("health.failuresTotal")}</th>
        </tr>
      </thead>
      <tbody>
        <For each={props.providers}>
          {(provider) => (
            <tr data-testid={`health-provider-${provider.providerId}`}>
              <td data-label={t("health.provider")} class="strong break-anywhere">
                {provider.providerId}
              </td>
              <td data-label={t("health.breaker")}>
                <BreakerBadge breaker={provider.breaker} now={props.now} />
              </td>
              <td data-label={t("health.consecutiveFailuresColumn")}>{formatCount(provider.breaker.consecutiveFailures)}</td>
              <td data-label={t("health.opens")}>{formatCount(provider.breaker.opens)}</td>
              <td data-label={t("health.failuresTotal")}>{formatCount(provider.breaker.failures)}</td>
            </tr>
          )}
        </For>
      </tbody>
    </table>
  );
}
