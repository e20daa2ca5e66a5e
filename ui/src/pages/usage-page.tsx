import { createEffect, createMemo, createSignal, on, Show } from "solid-js";
import { createApiQuery } from "../api/create-api-query";
import { getAnalytics, logExportUrl, type AnalyticsGroup, type UsageGroupBy } from "../api/usage-api";
import { ErrorNotice } from "../components/error-notice";
import { LoadingNotice } from "../components/loading-notice";
import { PageHeading } from "../components/page-heading";
import { GROUP_LABELS, UsageControls, type RangePreset } from "../components/usage/usage-controls";
import { UsageChart } from "../components/usage/usage-chart";
import { bucketFor, buildChartData, type UsageMetric } from "../components/usage/usage-series";
import { UsageTable } from "../components/usage/usage-table";
import { UsageTotals } from "../components/usage/usage-totals";
import { t } from "../i18n/locale-store";
import "../styles/usage.css";

const HOUR_MS = 3_600_000;
const PRESET_SPAN_MS: Record<Exclude<RangePreset, "custom">, number> = { "24h": 24 * HOUR_MS, "7d": 7 * 24 * HOUR_MS, "30d": 30 * 24 * HOUR_MS };

interface TimeRange {
  from: number;
  to: number;
}

/** A `datetime-local` value (local time, to the minute) for an instant. */
function toLocalInput(ms: number): string {
  const date = new Date(ms);
  const pad = (value: number) => String(value).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function UsagePage() {
  const [preset, setPreset] = createSignal<RangePreset>("24h");
  const [customFrom, setCustomFrom] = createSignal(toLocalInput(Date.now() - 24 * HOUR_MS));
  const [customTo, setCustomTo] = createSignal(toLocalInput(Date.now()));
  const [groupBy, setGroupBy] = createSignal<UsageGroupBy>("model");
  const [metric, setMetric] = createSignal<UsageMetric>("requests");

  const customRange = createMemo((): TimeRange | undefined => {
    const from = new Date(customFrom()).getTime();
    const to = new Date(customTo()).getTime();
    return Number.isFinite(from) && Number.isFinite(to) && from < to ? { from, to } : undefined;
  });
  const customError = () => (preset() === "custom" && customRange() === undefined ? t("usage.rangeInvalid") : undefined);

  function resolveRange(): TimeRange | undefined {
    const chosen = preset();
    if (chosen === "custom") return customRange();
    const to = Date.now();
    return { from: to - PRESET_SPAN_MS[chosen], to };
  }

  /** The range every figure on the page was read for; presets end at the moment of the last refresh. */
  const [range, setRange] = createSignal<TimeRange>(resolveRange()!);
  const bucket = () => bucketFor(range());

  const summary = createApiQuery(() => getAnalytics({ ...range(), groupBy: groupBy() }));
  const series = createApiQuery(() => getAnalytics({ ...range(), groupBy: groupBy(), bucket: bucket() }));

  function refresh() {
    const next = resolveRange();
    if (next) setRange(next);
  }

  createEffect(on([preset, customRange], refresh, { defer: true }));
  createEffect(
    on(
      [range, groupBy],
      () => {
        void summary.refetch();
        void series.refetch();
      },
      { defer: true },
    ),
  );

  const labelOf = (group: AnalyticsGroup): string => group.label ?? group.key ?? t("usage.noGroup");
  const groupHeading = () => t(GROUP_LABELS[groupBy()]);

  const chartData = createMemo(() => {
    const answer = series.data();
    if (!answer) return undefined;
    const { from, to } = range();
    return buildChartData(answer.groups, { from, to, bucket: bucket(), metric: metric(), labelOf, otherLabel: t("usage.otherGroups") });
  });

  const metricName = () => t(metric() === "requests" ? "usage.metricRequests" : metric() === "tokens" ? "usage.metricTokens" : "usage.metricCost");
  const chartDescription = () => t("usage.chartDescription", { metric: metricName(), group: groupHeading() });
  const loading = () => summary.loading() || series.loading();

  return (
    <section class="page usage-page" aria-busy={loading()}>
      <PageHeading
        title={t("usage.title")}
        actions={
          <div class="usage-actions">
            <button type="button" class="button" onClick={refresh} disabled={preset() === "custom" && customRange() === undefined}>
              {t("common.refresh")}
            </button>
            <a class="button" href={logExportUrl(range())} download="" data-testid="usage-export-csv">
              {t("usage.exportCsv")}
            </a>
          </div>
        }
      />
      <p class="muted">{t("usage.intro")}</p>

      <UsageControls
        preset={preset()}
        onPreset={setPreset}
        customFrom={customFrom()}
        customTo={customTo()}
        onCustomFrom={setCustomFrom}
        onCustomTo={setCustomTo}
        customError={customError()}
        groupBy={groupBy()}
        onGroupBy={setGroupBy}
        metric={metric()}
        onMetric={setMetric}
      />

      <p class="visually-hidden" role="status">
        {loading() ? t("common.loading") : summary.data() ? t("usage.loaded", { count: summary.data()!.totals.requests }) : ""}
      </p>

      <Show when={summary.error()}>{(error) => <ErrorNotice error={error()} onRetry={refresh} />}</Show>
      <Show when={summary.data()} fallback={<Show when={!summary.error()}><LoadingNotice /></Show>}>
        {(answer) => <UsageTotals totals={answer().totals} />}
      </Show>

      <section class="panel" aria-labelledby="usage-chart-heading">
        <h2 id="usage-chart-heading">{t("usage.chartHeading", { metric: metricName() })}</h2>
        <Show when={series.error()}>{(error) => <ErrorNotice error={error()} onRetry={() => void series.refetch()} />}</Show>
        <Show when={chartData()}>
          {(data) => <UsageChart data={data()} metric={metric()} bucket={bucket()} description={chartDescription()} />}
        </Show>
      </section>

      <section class="panel" aria-labelledby="usage-table-heading">
        <h2 id="usage-table-heading">{t("usage.tableHeading", { group: groupHeading() })}</h2>
        <Show when={summary.data()}>
          {(answer) => (
            <Show when={answer().groups.length > 0} fallback={<p class="empty-state">{t("usage.empty")}</p>}>
              <UsageTable groups={answer().groups} groupHeading={groupHeading()} labelOf={labelOf} caption={t("usage.tableCaption", { group: groupHeading() })} />
            </Show>
          )}
        </Show>
      </section>
    </section>
  );
}
