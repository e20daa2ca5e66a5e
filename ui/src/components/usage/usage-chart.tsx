import { createEffect, createMemo, createSignal, For, on, onCleanup, onMount, Show } from "solid-js";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { AnalyticsBucket } from "../../api/usage-api";
import { locale, t } from "../../i18n/locale-store";
import { theme } from "../../stores/theme-store";
import { formatCompact, formatCount, formatUsd } from "./usage-format";
import type { ChartData, UsageMetric } from "./usage-series";

interface UsageChartProps {
  data: ChartData;
  metric: UsageMetric;
  bucket: AnalyticsBucket;
  /** Says what the chart shows, for screen readers; the table on the page holds the same figures as text. */
  description: string;
}

const CHART_HEIGHT = 280;
/** The palette lives in usage.css (light and dark values); series take them in order. */
const PALETTE_SIZE = 8;

function cssVar(element: Element, name: string): string {
  return getComputedStyle(element).getPropertyValue(name).trim();
}

let measuringContext: CanvasRenderingContext2D | null | undefined;

function measureText(text: string, font: string): number {
  measuringContext ??= document.createElement("canvas").getContext("2d");
  if (!measuringContext) return text.length * 8;
  measuringContext.font = font;
  return measuringContext.measureText(text).width;
}

function seriesColorVar(index: number): string {
  return `--usage-series-${(index % PALETTE_SIZE) + 1}`;
}

/**
 * A multi-line time chart drawn by uPlot on a canvas. Colours come from the CSS variables of the current theme,
 * so the chart is rebuilt when the theme or the language changes (axis labels are formatted in the locale).
 */
export function UsageChart(props: UsageChartProps) {
  let host!: HTMLDivElement;
  let chart: uPlot | undefined;
  const [hoverIndex, setHoverIndex] = createSignal<number | null>(null);
  const [width, setWidth] = createSignal(0);

  const formatValue = (value: number): string => (props.metric === "cost" ? formatUsd(value) : formatCount(value));
  const formatAxisValue = (value: number): string => (props.metric === "cost" ? formatUsd(value) : formatCompact(value));

  const formatBucket = (seconds: number, withDate: boolean): string => {
    const options: Intl.DateTimeFormatOptions =
      props.bucket === "day" ? { month: "short", day: "numeric" } : withDate ? { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" } : { hour: "2-digit", minute: "2-digit" };
    return new Intl.DateTimeFormat(locale().code, options).format(new Date(seconds * 1000));
  };

  /** Axis labels: dates over ranges of days, times of day over shorter ones. */
  const formatAxisTime = (seconds: number, dateOnly: boolean): string =>
    new Intl.DateTimeFormat(locale().code, dateOnly || props.bucket === "day" ? { month: "short", day: "numeric" } : { hour: "2-digit", minute: "2-digit" }).format(
      new Date(seconds * 1000),
    );

  let disposed = false;

  function build() {
    chart?.destroy();
    chart = undefined;
    if (disposed) return;
    const chartWidth = width();
    if (chartWidth <= 0) return;
    const { xs, series } = props.data;
    const muted = cssVar(host, "--color-text-muted");
    const border = cssVar(host, "--color-border");
    const font = `12px ${cssVar(host, "--font-sans") || "sans-serif"}`;
    const spanDays = xs.length > 1 ? (xs[xs.length - 1]! - xs[0]!) / 86_400 : 0;
    const options: uPlot.Options = {
      width: chartWidth,
      height: CHART_HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 7 } },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.08 : 1] } },
      series: [
        {},
        ...series.map((line, index) => ({
          label: line.label,
          stroke: cssVar(host, seriesColorVar(index)),
          width: 2,
          points: { show: xs.length <= 48 },
        })),
      ],
      axes: [
        {
          stroke: muted,
          font,
          grid: { stroke: border, width: 1 },
          ticks: { stroke: border, width: 1 },
          values: (_u, splits) => splits.map((split) => formatAxisTime(split, spanDays >= 2)),
          space: 80,
        },
        {
          stroke: muted,
          font,
          grid: { stroke: border, width: 1 },
          ticks: { stroke: border, width: 1 },
          values: (_u, splits) => splits.map((split) => formatAxisValue(split)),
          // Wide enough for the longest label ("$0.00125", "1.2M"), measured in the axis font.
          size: (_u, values) => Math.ceil(Math.max(24, ...(values ?? []).map((value) => measureText(String(value), font)))) + 18,
        },
      ],
      hooks: { setCursor: [(u) => setHoverIndex(u.cursor.idx ?? null)] },
    };
    chart = new uPlot(options, [xs, ...series.map((line) => line.values)], host);
    // uPlot draws in a <canvas>; the figure's text alternative is the description and the table.
    chart.root.setAttribute("aria-hidden", "true");
  }

  onMount(() => {
    const observer = new ResizeObserver((entries) => {
      const next = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (next !== width()) setWidth(next);
    });
    observer.observe(host);
    onCleanup(() => {
      disposed = true;
      observer.disconnect();
      chart?.destroy();
      chart = undefined;
    });
  });

  createEffect(
    on([() => props.data, () => props.metric, () => props.bucket, locale, width], () => {
      setHoverIndex(null);
      build();
    }),
  );
  // The theme store sets <html data-theme> in its own effect: rebuild after it, once the new colours are in force.
  createEffect(on(theme, () => queueMicrotask(build), { defer: true }));

  const legendEntries = createMemo(() => {
    const index = hoverIndex();
    return props.data.series.map((line, position) => ({
      label: line.label,
      colorVar: seriesColorVar(position),
      value: index === null ? line.values.reduce((sum, value) => sum + value, 0) : (line.values[index] ?? 0),
    }));
  });

  const legendHeading = () => {
    const index = hoverIndex();
    const x = index === null ? undefined : props.data.xs[index];
    return x === undefined ? t("usage.legendTotal") : t("usage.legendAt", { time: formatBucket(x, true) });
  };

  return (
    <figure class="usage-chart">
      <div ref={host} class="usage-chart__canvas" role="img" aria-label={props.description} />
      <figcaption class="usage-chart__legend" data-testid="usage-chart-legend">
        <p class="usage-chart__legend-heading muted">{legendHeading()}</p>
        <Show when={legendEntries().length > 0} fallback={<p class="muted">{t("usage.chartEmpty")}</p>}>
          <ul class="usage-chart__legend-list">
            <For each={legendEntries()}>
              {(entry) => (
                <li class="usage-chart__legend-item">
                  <span class="usage-chart__swatch" style={{ "background-color": `var(${entry.colorVar})` }} aria-hidden="true" />
                  <span class="usage-chart__legend-label">{entry.label}</span>
                  <span class="usage-chart__legend-value">{formatValue(entry.value)}</span>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </figcaption>
    </figure>
  );
}
