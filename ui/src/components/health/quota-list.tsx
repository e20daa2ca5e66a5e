import { createUniqueId, For, Show } from "solid-js";
import type { AccountQuotaView, QuotaAmounts, QuotaWindowView, ReportedLimitView } from "../../api/health-api";
import { formatDuration } from "../../format/format-duration";
import { t } from "../../i18n/locale-store";
import { formatCount, formatPercent, formatTime, formatUsd } from "../usage/usage-format";

interface QuotaListProps {
  connections: readonly AccountQuotaView[];
  /** Seconds since GET /api/quota answered: its countdowns are counted down from there. */
  elapsedSeconds: number;
  onResetRequested: (connection: AccountQuotaView) => void;
}

function QuotaBar(props: { percent: number; labelledBy: string; exhausted: boolean }) {
  const clamped = () => Math.min(100, Math.max(0, props.percent));
  return (
    <div
      class="quota-bar"
      classList={{ "quota-bar--exhausted": props.exhausted, "quota-bar--high": !props.exhausted && props.percent >= 80 }}
      role="progressbar"
      aria-labelledby={props.labelledBy}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(clamped())}
      aria-valuetext={t("health.quotaPercentUsed", { percent: formatPercent(props.percent) })}
    >
      <div class="quota-bar__fill" style={{ "inline-size": `${clamped()}%` }} />
    </div>
  );
}

function usageText(used: QuotaWindowView["used"], limits: QuotaAmounts): string {
  const parts: string[] = [];
  if (limits.requests !== undefined) parts.push(t("health.quotaRequests", { used: formatCount(used.requests), limit: formatCount(limits.requests) }));
  if (limits.tokens !== undefined) parts.push(t("health.quotaTokens", { used: formatCount(used.tokens), limit: formatCount(limits.tokens) }));
  if (limits.usd !== undefined) parts.push(t("health.quotaUsd", { used: formatUsd(used.usd), limit: formatUsd(limits.usd) }));
  return parts.join(" · ");
}

function countdown(seconds: number | null, elapsed: number): string | null {
  return seconds === null ? null : formatDuration(Math.max(0, seconds - elapsed));
}

function QuotaWindow(props: { window: QuotaWindowView; elapsedSeconds: number }) {
  const labelId = createUniqueId();
  const resetIn = () => countdown(props.window.resetInSeconds, props.elapsedSeconds);
  return (
    <li class="quota-window">
      <div class="quota-window__head">
        <span id={labelId} class="strong">
          {t("health.quotaWindowName", { id: props.window.id, description: props.window.description })}
        </span>
        <span class="quota-window__percent">{formatPercent(props.window.percentUsed)}</span>
      </div>
      <QuotaBar percent={props.window.percentUsed} labelledBy={labelId} exhausted={props.window.exhausted} />
      <p class="quota-window__detail muted">
        {usageText(props.window.used, props.window.limits)}
        <Show when={resetIn()}>{(time) => <> · {t("health.quotaResetsIn", { time: time() })}</>}</Show>
        <Show when={props.window.exhausted}>
          {" "}
          <span class="badge badge--error">{t("health.quotaExhausted")}</span>
        </Show>
      </p>
    </li>
  );
}

function reportedPercent(limit: ReportedLimitView): number | null {
  if (limit.utilization !== null) return limit.utilization * 100;
  if (limit.limit !== null && limit.limit > 0 && limit.remaining !== null) return ((limit.limit - limit.remaining) / limit.limit) * 100;
  return null;
}

function ReportedLimit(props: { limit: ReportedLimitView; elapsedSeconds: number }) {
  const labelId = createUniqueId();
  const percent = () => reportedPercent(props.limit);
  const resetIn = () => countdown(props.limit.resetInSeconds, props.elapsedSeconds);
  return (
    <li class="quota-window">
      <div class="quota-window__head">
        <span id={labelId} class="strong">
          {t("health.quotaReportedName", { name: props.limit.name })}
        </span>
        <Show when={percent() !== null}>
          <span class="quota-window__percent">{formatPercent(percent()!)}</span>
        </Show>
      </div>
      <Show when={percent() !== null}>
        <QuotaBar percent={percent()!} labelledBy={labelId} exhausted={props.limit.spent} />
      </Show>
      <p class="quota-window__detail muted">
        <Show when={props.limit.remaining !== null && props.limit.limit !== null}>
          {t("health.quotaRemaining", { remaining: formatCount(props.limit.remaining!), limit: formatCount(props.limit.limit!) })}
        </Show>
        <Show when={resetIn()}>{(time) => <> · {t("health.quotaResetsIn", { time: time() })}</>}</Show>
      </p>
    </li>
  );
}

/** Every connection's quota windows with bars and reset countdowns, and what its provider last reported. */
export function QuotaList(props: QuotaListProps) {
  return (
    <ul class="quota-list">
      <For each={props.connections}>
        {(connection) => {
          const headingId = createUniqueId();
          const hasQuota = () => connection.windows.length > 0 || connection.reported !== null;
          const closedFor = () => countdown(connection.unavailableForSeconds, props.elapsedSeconds);
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
                  <For each={connection.windows}>{(window) => <QuotaWindow window={window} elapsedSeconds={props.elapsedSeconds} />}</For>
                  <For each={connection.reported?.limits ?? []}>{(limit) => <ReportedLimit limit={limit} elapsedSeconds={props.elapsedSeconds} />}</For>
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
