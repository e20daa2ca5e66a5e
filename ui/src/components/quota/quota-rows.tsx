import { createUniqueId, Show } from "solid-js";
import type { QuotaAmounts, QuotaWindowView, ReportedLimitView } from "../../api/health-api";
import { formatDuration } from "../../format/format-duration";
import { t } from "../../i18n/locale-store";
import { formatCount, formatPercent, formatUsd } from "../usage/usage-format";
import "../../styles/quota.css";

/**
 * One quota window or one provider-reported limit as a labelled bar with its reset countdown: the same rows on the
 * Health page (every account) and on a connection's card (Providers page).
 */

/** A countdown from a figure read `elapsed` seconds ago; null when there is no reset time. */
export function quotaCountdown(seconds: number | null, elapsed: number): string | null {
  return seconds === null ? null : formatDuration(Math.max(0, seconds - elapsed));
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
      aria-valuetext={t("quota.percentUsed", { percent: formatPercent(props.percent) })}
    >
      <div class="quota-bar__fill" style={{ "inline-size": `${clamped()}%` }} />
    </div>
  );
}

function usedText(used: QuotaWindowView["used"], limits: QuotaAmounts): string {
  const parts: string[] = [];
  if (limits.requests !== undefined) parts.push(t("quota.requests", { used: formatCount(used.requests), limit: formatCount(limits.requests) }));
  if (limits.tokens !== undefined) parts.push(t("quota.tokens", { used: formatCount(used.tokens), limit: formatCount(limits.tokens) }));
  if (limits.usd !== undefined) parts.push(t("quota.usd", { used: formatUsd(used.usd), limit: formatUsd(limits.usd) }));
  return parts.join(" · ");
}

export function QuotaWindowRow(props: { window: QuotaWindowView; elapsedSeconds: number }) {
  const labelId = createUniqueId();
  const resetIn = () => quotaCountdown(props.window.resetInSeconds, props.elapsedSeconds);
  return (
    <li class="quota-window">
      <div class="quota-window__head">
        <span id={labelId} class="strong">
          {t("quota.windowName", { id: props.window.id, description: props.window.description })}
        </span>
        <span class="quota-window__percent">{formatPercent(props.window.percentUsed)}</span>
      </div>
      <QuotaBar percent={props.window.percentUsed} labelledBy={labelId} exhausted={props.window.exhausted} />
      <p class="quota-window__detail muted">
        {usedText(props.window.used, props.window.limits)}
        <Show when={resetIn()}>{(time) => <> · {t("quota.resetsIn", { time: time() })}</>}</Show>
        <Show when={props.window.exhausted}>
          {" "}
          <span class="badge badge--error">{t("quota.exhausted")}</span>
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

export function ReportedLimitRow(props: { limit: ReportedLimitView; elapsedSeconds: number }) {
  const labelId = createUniqueId();
  const percent = () => reportedPercent(props.limit);
  const resetIn = () => quotaCountdown(props.limit.resetInSeconds, props.elapsedSeconds);
  return (
    <li class="quota-window">
      <div class="quota-window__head">
        <span id={labelId} class="strong">
          {t("quota.reportedName", { name: props.limit.name })}
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
          {t("quota.remaining", { remaining: formatCount(props.limit.remaining!), limit: formatCount(props.limit.limit!) })}
        </Show>
        <Show when={resetIn()}>{(time) => <> · {t("quota.resetsIn", { time: time() })}</>}</Show>
      </p>
      <Show when={props.limit.spent && props.limit.model}>{(model) => <p class="quota-window__detail muted">{t("quota.modelOnly", { model: model() })}</p>}</Show>
    </li>
  );
}
