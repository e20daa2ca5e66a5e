/**
 * Prometheus text exposition format 0.0.4, by hand (it is a few lines; no client library needed):
 * `# HELP` and `# TYPE` once per metric family, before its samples; `name{label="value",…} number` per sample.
 */
export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

export type MetricType = "counter" | "gauge" | "histogram";
export type Labels = Readonly<Record<string, string>>;

/** Label values escape backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** HELP text escapes backslash and line feed. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

export function formatValue(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}

export function formatLabels(labels: Labels): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return "";
  return `{${keys.map((key) => `${key}="${escapeLabelValue(labels[key]!)}"`).join(",")}}`;
}

/** Builds one exposition: families in the order they are opened, each with its samples. */
export class PrometheusText {
  #out: string[] = [];
  #families = new Set<string>();

  /** Starts a family (HELP + TYPE). A family opened twice is a bug: its samples would be split. */
  family(name: string, type: MetricType, help: string): this {
    if (this.#families.has(name)) throw new Error(`metric family ${name} written twice`);
    this.#families.add(name);
    this.#out.push(`# HELP ${name} ${escapeHelp(help)}\n# TYPE ${name} ${type}\n`);
    return this;
  }

  sample(name: string, labels: Labels, value: number): this {
    this.#out.push(`${name}${formatLabels(labels)} ${formatValue(value)}\n`);
    return this;
  }

  /** One family with one sample per entry (a gauge or counter read at scrape time). */
  single(name: string, type: "counter" | "gauge", help: string, samples: Iterable<readonly [Labels, number]>): this {
    this.family(name, type, help);
    for (const [labels, value] of samples) this.sample(name, labels, value);
    return this;
  }

  toString(): string {
    return this.#out.join("");
  }
}
