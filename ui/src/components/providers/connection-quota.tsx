import { createUniqueId, For, Show } from "solid-js";
import type { AccountQuotaView, QuotaAmounts, QuotaWindowView, ReportedLimitView } from "../../api/health-api";
import { formatDuration } from "../../format/format-duration";
import { t } from "../../i18n/locale-store";
import { formatCount, formatPercent, formatUsd } from "../usage/usage-format";

interface ConnectionQuotaProps {
  /** The account in GET /api/quota. */
  quota: AccountQuotaView | undefined;
  /** Seconds since GET /api/quota answered: its countdowns count down from there. */
  elapsedSeconds: number;
}

function countdown(seconds: number | null, elapsed: number): string | null {
  return seconds === null ? null : formatDuration(Math.max(0, seconds - elapsed));
}

function QuotaBar(props: { percent: number; labelledBy: string; exhausted: boolean }) {
  const clamped = () => Math.min(100, Math.max(0, props.percent));
  return (
    <div
      class="connection-quota__bar"
      classList={{ "connection-quota__bar--exhausted": props.exhausted, "connection-quota__bar--high": !props.exhausted && props.percent >= 80 }}
      role="progressbar"
      aria-labelledby={props.labelledBy}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(clamped())}
      aria-valuetext={t("providers.quota.percentUsed", { percent: formatPercent(props.percent) })}
    >
      <div class="connection-quota__fill" style={{ "inline-size": `${clamped()}%` }} />
    </div>
  );
}

function usedText(used: QuotaWindowView["used"], limits: QuotaAmounts): string {
  const parts: string[] = [];
  if (limits.requests !== undefined) parts.push(t("providers.quota.requests", { used: formatCount(used.requests), limit: formatCount(limits.requests) }));
  if (limits.tokens !== undefined) parts.push(t("providers.quota.tokens", { used: formatCount(used.tokens), limit: formatCount(limits.tokens) }));
  if (limits.usd !== undefined) parts.push(t("providers.quota.usd", { used: formatUsd(used.usd), limit: formatUsd(limits.usd) }));
  return parts.join(" · ");
}

function WindowRow(props: { window: QuotaWindowView; elapsedSeconds: number }) {
  const labelId = createUniqueId();
  const resetIn = () => countdown(props.window.resetInSeconds, props.elapsedSeconds);
  return (
    <li class="connection-quota__window">
      <div class="connection-quota__head">
        <span id={labelId}>{t("providers.quota.windowName", { id: props.window.id, description: props.window.description })}</span>
        <span class="connection-quota__percent">{formatPercent(props.window.percentUsed)}</span>
      </div>
      <QuotaBar percent={props.window.percentUsed} labelledBy={labelId} exhausted={props.window.exhausted} />
      <p class="connection-detail muted">
        {usedText(props.window.used, props.window.limits)}
        <Show when={resetIn()}>{(time) => <> · {t("providers.quota.resetsIn", { time: time() })}</>}</Show>
        <Show when={props.window.exhausted}>
          {" "}
          <span class="badge badge--error">{t("providers.quota.exhausted")}</span>
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

function ReportedRow(props: { limit: ReportedLimitView; elapsedSeconds: number }) {
  const labelId = createUniqueId();
  const percent = () => reportedPercent(props.limit);
  const resetIn = () => countdown(props.limit.resetInSeconds, props.elapsedSeconds);
  return (
    <li class="connection-quota__window">
      <div class="connection-quota__head">
        <span id={labelId}>{t("providers.quota.reportedName", { name: props.limit.name })}</span>
        <Show when={percent() !== null}>
          <span class="connection-quota__percent">{formatPercent(percent()!)}</span>
        </Show>
      </div>
      <Show when={percent() !== null}>
        <QuotaBar percent={percent()!} labelledBy={labelId} exhausted={props.limit.spent} />
      </Show>
      <p class="connection-detail muted">
        <Show when={props.limit.remaining !== null && props.limit.limit !== null}>
          {t("providers.quota.remaining", { remaining: formatCount(props.limit.remaining!), limit: formatCount(props.limit.limit!) })}
        </Show>
        <Show when={resetIn()}>{(time) => <> · {t("providers.quota.resetsIn", { time: time() })}</>}</Show>
      </p>
    </li>
  );
}

/** The account's quota windows and the limits its provider last reported, as bars with reset countdowns. */
export function ConnectionQuota(props: ConnectionQuotaProps) {
  const hasQuota = () => (props.quota?.windows.length ?? 0) > 0 || (props.quota?.reported?.limits.length ?? 0) > 0;
  const closedFor = () => countdown(props.quota?.unavailableForSeconds ?? null, props.elapsedSeconds);
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
          <For each={props.quota?.windows ?? []}>{(window) => <WindowRow window={window} elapsedSeconds={props.elapsedSeconds} />}</For>
          <For each={props.quota?.reported?.limits ?? []}>{(limit) => <ReportedRow limit={limit} elapsedSeconds={props.elapsedSeconds} />}</For>
        </ul>
      </Show>
    </div>
  );
}
