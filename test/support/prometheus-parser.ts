/**
 * A strict little parser of the Prometheus text format 0.0.4, for tests: every line is `# HELP`, `# TYPE` or a
 * sample `name{labels} value`; HELP and TYPE come once per family, before its samples; histograms are checked
 * for cumulative buckets ending in `+Inf` equal to `_count`. Throws on anything else.
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function parseValue(text: string, line: string): number {
  if (text === "+Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  if (text === "NaN") return Number.NaN;
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`bad value in: ${line}`);
  return Number(text);
}

/** `{a="x",b="y \" z"}` → labels; returns the index after the closing brace. */
function parseLabels(line: string, start: number): { labels: Record<string, string>; end: number } {
  const labels: Record<string, string> = {};
  let i = start + 1;
  while (line[i] !== "}") {
    const eq = line.indexOf("=", i);
    const name = line.slice(i, eq);
    if (!NAME.test(name) || line[eq + 1] !== '"') throw new Error(`bad label in: ${line}`);
    let value = "";
    let j = eq + 2;
    for (; j < line.length && line[j] !== '"'; j++) {
      if (line[j] === "\\") {
        const next = line[++j];
        if (next === "n") value += "\n";
        else if (next === "\\" || next === '"') value += next;
        else throw new Error(`bad escape in: ${line}`);
      } else value += line[j];
    }
    if (j >= line.length) throw new Error(`unterminated label value in: ${line}`);
    if (name in labels) throw new Error(`label ${name} twice in: ${line}`);
    labels[name] = value;
    i = j + 1;
    if (line[i] === ",") i++;
    else if (line[i] !== "}") throw new Error(`expected , or } in: ${line}`);
  }
  return { labels, end: i + 1 };
}

function familyOf(sampleName: string, families: Map<string, Family>): Family | undefined {
  const own = families.get(sampleName);
  if (own) return own;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (sampleName.endsWith(suffix)) {
      const family = families.get(sampleName.slice(0, -suffix.length));
      if (family?.type === "histogram") return family;
    }
  }
  return undefined;
}

export function parsePrometheusText(text: string): Map<string, Family> {
  if (!text.endsWith("\n")) throw new Error("exposition must end with a line feed");
  const families = new Map<string, Family>();
  const helped = new Map<string, string>();
  for (const line of text.slice(0, -1).split("\n")) {
    if (line.startsWith("# HELP ")) {
      const name = line.slice(7).split(" ")[0]!;
      if (helped.has(name)) throw new Error(`HELP twice for ${name}`);
      helped.set(name, line.slice(8 + name.length));
      continue;
    }
    if (line.startsWith("# TYPE ")) {
      const [name, type] = line.slice(7).split(" ");
      if (!name || !NAME.test(name) || !["counter", "gauge", "histogram", "summary", "untyped"].includes(type ?? "")) throw new Error(`bad TYPE line: ${line}`);
      if (families.has(name)) throw new Error(`TYPE twice for ${name}`);
      if (!helped.has(name)) throw new Error(`TYPE of ${name} without HELP before it`);
      families.set(name, { name, type: type!, help: helped.get(name)!, samples: [] });
      continue;
    }
    if (line.startsWith("#") || line === "") throw new Error(`unexpected line: ${JSON.stringify(line)}`);
    const brace = line.indexOf("{");
    const space = line.indexOf(" ");
    let name: string;
    let labels: Record<string, string> = {};
    let rest: string;
    if (brace !== -1 && brace < space) {
      name = line.slice(0, brace);
      const parsed = parseLabels(line, brace);
      labels = parsed.labels;
      if (line[parsed.end] !== " ") throw new Error(`expected a space after labels in: ${line}`);
      rest = line.slice(parsed.end + 1);
    } else {
      name = line.slice(0, space);
      rest = line.slice(space + 1);
    }
    if (!NAME.test(name)) throw new Error(`bad metric name in: ${line}`);
    const family = familyOf(name, families);
    if (!family) throw new Error(`sample ${name} before (or without) its TYPE line`);
    family.samples.push({ name, labels, value: parseValue(rest.trim(), line) });
  }
  for (const family of families.values()) if (family.type === "histogram") checkHistogram(family);
  return families;
}

function checkHistogram(family: Family): void {
  const series = new Map<string, { buckets: Array<[string, number]>; count?: number; sum?: number }>();
  for (const sample of family.samples) {
    const { le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    let own = series.get(key);
    if (!own) series.set(key, (own = { buckets: [] }));
    if (sample.name.endsWith("_bucket")) {
      if (le === undefined) throw new Error(`${sample.name} without le`);
      own.buckets.push([le, sample.value]);
    } else if (sample.name.endsWith("_count")) own.count = sample.value;
    else if (sample.name.endsWith("_sum")) own.sum = sample.value;
  }
  for (const [key, own] of series) {
    if (own.count === undefined || own.sum === undefined) throw new Error(`${family.name}${key}: _count or _sum missing`);
    const last = own.buckets.at(-1);
    if (!last || last[0] !== "+Inf") throw new Error(`${family.name}${key}: buckets do not end with +Inf`);
    if (last[1] !== own.count) throw new Error(`${family.name}${key}: +Inf bucket ${last[1]} ≠ _count ${own.count}`);
    for (let i = 1; i < own.buckets.length; i++) {
      const [le, value] = own.buckets[i]!;
      const [prevLe, prev] = own.buckets[i - 1]!;
      if (value < prev) throw new Error(`${family.name}${key}: bucket le=${le} (${value}) below le=${prevLe} (${prev})`);
      if (le !== "+Inf" && Number(le) <= Number(prevLe)) throw new Error(`${family.name}${key}: bucket bounds not increasing`);
    }
  }
}

/** The value of the one sample of `name` whose labels include `labels`; 0 when none. Throws if several match. */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const family = familyOf(name, families);
  if (!family) throw new Error(`no family for ${name}`);
  const matches = family.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (matches.length > 1) throw new Error(`${matches.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return matches[0]?.value ?? 0;
}

/** Sum over every sample of `name` whose labels include `labels`. */
export function sampleSum(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const family = familyOf(name, families);
  if (!family) throw new Error(`no family for ${name}`);
  return family.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
}
