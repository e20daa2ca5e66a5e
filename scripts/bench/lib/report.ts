// Turning raw runs into the figures the issue asks for, the pass/fail checks, and the printed table.
import type { WrkResult } from "./wrk";

export type Key = "A" | "B" | "F";
/** p50/p99 are as measured (wrk's coordinated-omission correction undone); p99_co_us is wrk's own corrected p99. */
export type Run = { rps: number; p50_us: number; p99_us: number; p99_co_us: number; errors: number; foreignPct: number; stealPct: number; retries?: number };
export type Agg = { rps: number; p50_us: number; p99_us: number; p99_co_us: number; errors: number; maxForeignPct: number; runs: Run[] };
export type CaseResult = {
  id: string;
  kind: "pass-through" | "translated" | "combo" | "logging";
  stream: boolean;
  connections: number;
  /** What stood as A, B and F in this case (B is OmniRoute with the direct model in the combo cases). */
  names: Record<Key, string>;
  targets: Record<Key, Agg>;
};
export type TtfbAgg = { p50_us: number; p90_us: number; p99_us: number; total_p50_us: number; errors: number; segments: unknown[] };
export type Check = { name: string; value: string; limit: string; pass: boolean };

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

export function toRun(r: WrkResult, load: { foreignPct: number; stealPct: number }): Run {
  const e = r.errors;
  const errors = e.connect + e.read + e.write + e.status + e.timeout;
  const raw = r.raw_latency_us ?? r.latency_us;
  return { rps: r.rps, p50_us: raw.p50, p99_us: raw.p99, p99_co_us: r.latency_us.p99, errors, ...load };
}

/** Median over a target's runs: ABBA puts them on both sides of the others, the median drops one disturbed run. */
export function aggregate(runs: Run[]): Agg {
  return {
    rps: Math.round(median(runs.map((r) => r.rps))),
    p50_us: round(median(runs.map((r) => r.p50_us))),
    p99_us: round(median(runs.map((r) => r.p99_us))),
    p99_co_us: round(median(runs.map((r) => r.p99_co_us))),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    maxForeignPct: Math.max(...runs.map((r) => r.foreignPct)),
    runs,
  };
}

export const ms = (us: number) => (us / 1000).toFixed(3);
export const signedMs = (us: number) => (us >= 0 ? "+" : "") + (us / 1000).toFixed(3);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Left-aligns the first `textCols` columns, right-aligns the numbers. */
function table(rows: string[][], textCols = 1): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((c, i) => (i < textCols ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")).join("\n");
}

/** `vs` labels the two delta rows (A against B, A against F). */
export function caseTable(cases: CaseResult[], vs: { B: string; F: string } = { B: "A vs direct", F: "A vs floor" }): string {
  const rows = [["case", "target", "req/s", "p50 ms", "p99 ms", "p99 CO ms", "req/s per run", "errors", "foreign cpu"]];
  for (const c of cases) {
    for (const k of ["A", "B", "F"] as Key[]) {
      const t = c.targets[k];
      const perRun = t.runs.map((r) => r.rps).join(" / ");
      rows.push([k === "A" ? c.id : "", c.names[k], String(t.rps), ms(t.p50_us), ms(t.p99_us), ms(t.p99_co_us), perRun, String(t.errors), `${t.maxForeignPct}%`]);
    }
    const { A, B, F } = c.targets;
    const delta = (X: Agg) => [pct(A.rps / X.rps), signedMs(A.p50_us - X.p50_us), signedMs(A.p99_us - X.p99_us), signedMs(A.p99_co_us - X.p99_co_us), "", "", ""];
    rows.push(["", vs.B, ...delta(B)]);
    rows.push(["", vs.F, ...delta(F)]);
  }
  return table(rows, 2);
}

export function ttfbTable(ttfb: Record<Key, TtfbAgg>, names: Record<Key, string>): string {
  const rows = [["target", "TTFB p50 ms", "p90 ms", "p99 ms", "full body p50 ms", "errors"]];
  for (const k of ["A", "B", "F"] as Key[]) {
    const t = ttfb[k];
    rows.push([names[k], ms(t.p50_us), ms(t.p90_us), ms(t.p99_us), ms(t.total_p50_us), String(t.errors)]);
  }
  rows.push(["A vs direct", signedMs(ttfb.A.p50_us - ttfb.B.p50_us), signedMs(ttfb.A.p90_us - ttfb.B.p90_us), signedMs(ttfb.A.p99_us - ttfb.B.p99_us), "", ""]);
  rows.push(["A vs floor", signedMs(ttfb.A.p50_us - ttfb.F.p50_us), signedMs(ttfb.A.p90_us - ttfb.F.p90_us), signedMs(ttfb.A.p99_us - ttfb.F.p99_us), "", ""]);
  return table(rows);
}

export type Memory = { idle_mb: number; stages: { requests: number; rss_mb: number }[]; final_mb?: number; floor_idle_mb: number };

/** Pass/fail against the targets; TTFB, cold start and memory are left out when not measured (--cases). */
export function checks(cases: CaseResult[], ttfb?: Record<Key, TtfbAgg>, coldMedianMs?: number, mem?: Memory): Check[] {
  const out: Check[] = [];
  const passThrough = cases.filter((c) => c.kind === "pass-through");
  for (const c of passThrough.filter((c) => c.connections === 64)) {
    const ratio = c.targets.A.rps / c.targets.F.rps;
    out.push({ name: `req/s vs floor, ${c.id}`, value: pct(ratio), limit: "≥ 85%", pass: ratio >= 0.85 });
  }
  for (const c of cases.filter((c) => c.kind === "translated" && c.connections === 64)) {
    const ratio = c.targets.A.rps / c.targets.F.rps;
    out.push({ name: `req/s vs floor, ${c.id}`, value: pct(ratio), limit: "≥ 60%", pass: ratio >= 0.6 });
  }
  // Combo cases: B is OmniRoute with the direct model, so A/B is what resolving the combo costs.
  for (const c of cases.filter((c) => c.kind === "combo")) {
    const ratio = c.targets.A.rps / c.targets.B.rps;
    out.push({ name: `req/s combo vs direct model, ${c.id}`, value: pct(ratio), limit: "≥ 95%", pass: ratio >= 0.95 });
  }
  // Logging cases: B is a second OmniRoute with the request log off, so 1 − A/B is what logging costs.
  for (const c of cases.filter((c) => c.kind === "logging")) {
    const ratio = c.targets.A.rps / c.targets.B.rps;
    out.push({ name: `req/s request log on vs off, ${c.id}`, value: pct(ratio), limit: "≥ 97%", pass: ratio >= 0.97 });
  }
  for (const c of passThrough.filter((c) => c.connections === 1)) {
    const added = c.targets.A.p50_us - c.targets.B.p50_us;
    out.push({ name: `added p50 vs direct, ${c.id}`, value: `${signedMs(added)} ms`, limit: "≤ 0.5 ms", pass: added <= 500 });
  }
  if (ttfb) {
    const addedTtfb = ttfb.A.p50_us - ttfb.B.p50_us;
    out.push({ name: "added TTFB p50 vs direct", value: `${signedMs(addedTtfb)} ms`, limit: "≤ 1 ms", pass: addedTtfb <= 1000 });
  }
  if (coldMedianMs !== undefined) {
    out.push({ name: "cold start to first 200 (median)", value: `${coldMedianMs.toFixed(1)} ms`, limit: "≤ 100 ms", pass: coldMedianMs <= 100 });
  }
  if (!mem) return out;
  out.push({ name: "idle RSS", value: `${mem.idle_mb} MB`, limit: "≤ 60 MB", pass: mem.idle_mb <= 60 });
  const [s10k, s100k] = mem.stages;
  if (s10k && s100k) {
    const growth = s100k.rss_mb / s10k.rss_mb - 1;
    out.push({
      name: "RSS after 100k vs after 10k",
      value: `${s10k.rss_mb} → ${s100k.rss_mb} MB (${growth >= 0 ? "+" : ""}${pct(growth)})`,
      limit: "≤ +10%",
      pass: growth <= 0.1,
    });
  }
  return out;
}

export function checkTable(list: Check[]): string {
  return table([["target", "measured", "limit", "result"], ...list.map((c) => [c.name, c.value, c.limit, c.pass ? "PASS" : "FAIL"])], 1);
}
