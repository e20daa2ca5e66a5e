import type { RequestLogEntry } from "../logging/request-log-writer";
import type { FinishedRequest } from "../usage/request-events";
import { countFailedAttempts } from "./live-monitor";
import type { Labels, PrometheusText } from "./prometheus-text";

/** Fixed histogram buckets (seconds): agent calls run from tens of ms (cache, errors) to minutes (long generations). */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];
export const TTFB_BUCKETS_SECONDS: readonly number[] = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60];

/**
 * Label sets per family beyond this are counted in one `_overflow` series instead: memory stays bounded whatever
 * the traffic (models are labelled only once routed, so clients cannot invent series, but combos × providers can add up).
 */
export const MAX_SERIES_PER_FAMILY = 2000;
const OVERFLOW = "_overflow";

function seriesKey(labels: Labels): string {
  let key = "";
  for (const name in labels) key += `${labels[name]}\u0000`;
  return key;
}

function overflowLabels(labels: Labels): Labels {
  const folded: Record<string, string> = {};
  for (const name in labels) folded[name] = OVERFLOW;
  return folded;
}

class CounterFamily {
  readonly #series = new Map<string, { labels: Labels; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels, by = 1): void {
    let key = seriesKey(labels);
    let series = this.#series.get(key);
    if (!series) {
      if (this.#series.size >= MAX_SERIES_PER_FAMILY) {
        labels = overflowLabels(labels);
        key = seriesKey(labels);
        series = this.#series.get(key);
      }
      if (!series) this.#series.set(key, (series = { labels, value: 0 }));
    }
    series.value += by;
  }

  write(text: PrometheusText): void {
    text.family(this.name, "counter", this.help);
    for (const { labels, value } of this.#series.values()) text.sample(this.name, labels, value);
  }
}

interface HistogramSeries {
  labels: Labels;
  /** Observations per bucket (not cumulative); the last slot is above the largest bound (+Inf only). */
  counts: number[];
  sum: number;
  count: number;
}

class HistogramFamily {
  readonly #series = new Map<string, HistogramSeries>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: readonly number[],
  ) {}

  observe(labels: Labels, value: number): void {
    let key = seriesKey(labels);
    let series = this.#series.get(key);
    if (!series) {
      if (this.#series.size >= MAX_SERIES_PER_FAMILY) {
        labels = overflowLabels(labels);
        key = seriesKey(labels);
        series = this.#series.get(key);
      }
      if (!series) this.#series.set(key, (series = { labels, counts: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0 }));
    }
    let slot = 0;
    while (slot < this.bounds.length && value > this.bounds[slot]!) slot++;
    series.counts[slot]!++;
    series.sum += value;
    series.count++;
  }

  write(text: PrometheusText): void {
    text.family(this.name, "histogram", this.help);
    for (const series of this.#series.values()) {
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += series.counts[i]!;
        text.sample(`${this.name}_bucket`, { ...series.labels, le: String(this.bounds[i]) }, cumulative);
      }
      text.sample(`${this.name}_bucket`, { ...series.labels, le: "+Inf" }, series.count);
      text.sample(`${this.name}_sum`, series.labels, series.sum);
      text.sample(`${this.name}_count`, series.labels, series.count);
    }
  }
}

function statusClass(status: number): string {
  return status >= 100 && status < 600 ? `${Math.floor(status / 100)}xx` : "other";
}

/**
 * Running request figures for `/metrics`, fed by the request events (in the log writer's batches, never on the
 * request path). In memory: they start from zero with the process, as Prometheus counters may.
 */
export class RequestMetrics {
  readonly #requests = new CounterFamily("omniroute_requests_total", "Finished requests by inbound surface, provider, model asked for and status class.");
  readonly #tokens = new CounterFamily(
    "omniroute_tokens_total",
    "Tokens by provider, model and type: in (input, cached included), out (output, reasoning included), cached, reasoning.",
  );
  readonly #cost = new CounterFamily("omniroute_cost_usd_total", "Cost in US dollars of requests with a price, by provider and model.");
  readonly #failedAttempts = new CounterFamily(
    "omniroute_failed_attempts_total",
    "Upstream attempts that failed before a request was answered or gave up (failover and retries), by surface.",
  );
  readonly #latency = new HistogramFamily("omniroute_request_duration_seconds", "Time from receiving a request to the end of its answer.", LATENCY_BUCKETS_SECONDS);
  readonly #ttfb = new HistogramFamily("omniroute_time_to_first_byte_seconds", "Time from receiving a request to the first byte of the upstream answer.", TTFB_BUCKETS_SECONDS);

  /** A request-events listener: `runtime.requestEvents.subscribe(metrics.listener)`. */
  readonly listener = (finished: FinishedRequest): void => this.record(finished.entry);

  record(entry: RequestLogEntry): void {
    const provider = entry.providerId ?? "";
    // The model is a label only once it proved to be one (routed, or a cache hit of a routed answer): a client
    // sending random model names must not create series.
    const model = entry.providerId !== null || entry.cache === "hit" ? (entry.requestedModel ?? "") : "";
    this.#requests.inc({ surface: entry.surface, provider, model, status_class: statusClass(entry.status) });
    const byModel = { provider, model };
    if (entry.tokensIn) this.#tokens.inc({ provider, model, type: "in" }, entry.tokensIn);
    if (entry.tokensOut) this.#tokens.inc({ provider, model, type: "out" }, entry.tokensOut);
    if (entry.tokensCached) this.#tokens.inc({ provider, model, type: "cached" }, entry.tokensCached);
    if (entry.tokensReasoning) this.#tokens.inc({ provider, model, type: "reasoning" }, entry.tokensReasoning);
    if (entry.costUsd) this.#cost.inc(byModel, entry.costUsd);
    if (entry.attemptsJson) {
      const attempts = countFailedAttempts(entry.attemptsJson);
      if (attempts > 0) this.#failedAttempts.inc({ surface: entry.surface }, attempts);
    }
    this.#latency.observe(byModel, entry.latencyMs / 1000);
    if (entry.ttfbMs !== null) this.#ttfb.observe(byModel, entry.ttfbMs / 1000);
  }

  write(text: PrometheusText): void {
    this.#requests.write(text);
    this.#tokens.write(text);
    this.#cost.write(text);
    this.#failedAttempts.write(text);
    this.#latency.write(text);
    this.#ttfb.write(text);
  }
}
