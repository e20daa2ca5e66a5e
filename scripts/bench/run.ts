// `bun run bench`: OmniRoute's per-request overhead against a direct call and a minimal Bun proxy.
// Method and how to read the figures: docs/benchmarks.md.
import { mkdirSync, existsSync, rmSync } from "node:fs";
import { availableParallelism, cpus, release } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { sourceRevision, staleBinaryProblem } from "./lib/binary-freshness";
import { pinSelf, settledRssMb, stop, stopAll } from "./lib/proc";
import { CASES, COMBO, sanityCheckCase, type BenchCase, type BenchRequest } from "./lib/cases";
import {
  REPO_ROOT,
  directTarget,
  provisionGateway,
  startFloor,
  startGateway,
  startMock,
  workDir,
  type Target,
} from "./lib/targets";
import { cpuSnap, foreignLoad } from "./lib/cpu";
import { errorCount, runWrk, type WrkResult } from "./lib/wrk";
import {
  aggregate,
  toRun,
  caseTable,
  checkTable,
  checks,
  median,
  ttfbTable,
  type CaseResult,
  type Key,
  type Memory,
  type Run,
  type TtfbAgg,
} from "./lib/report";

const HELP = `usage: bun run bench [--quick] [--cmd "<gateway command>"] [--cases <substring>] [--self-check]

  --quick        ~3 minute run (one ABBA round of 2 s runs, fewer cold starts)
  --cmd <cmd>    gateway command instead of dist/omniroute-linux-x64, e.g. --cmd "bun src/main.ts"
  --cases <s>    only the cases whose id contains <s> (e.g. "translated", "c=64", "anthropic→chat"),
                 or exactly one with a leading "=" (e.g. "=stream c=64"); skips cold start, memory and TTFB. Case ids:
${CASES.map((c) => `                   ${c.id}`).join("\n")}
  --self-check   replace OmniRoute with a second floor proxy, to check the harness itself
                 (A and F are then two identical proxies, so A − F should be ~0)
`;

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    cmd: { type: "string" },
    cases: { type: "string" },
    "self-check": { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (args.help) {
  console.log(HELP);
  rmSync(workDir, { recursive: true, force: true });
  process.exit(0);
}

const QUICK = args.quick;
const SELF_CHECK = args["self-check"];
const FILTER = args.cases;
const CONFIG = {
  warmupSeconds: QUICK ? 1 : 2,
  runSeconds: QUICK ? 2 : 5,
  // Shorter runs for the four translated cases keep the default bench within ~10 minutes on 2 cores.
  translatedRunSeconds: QUICK ? 2 : 3,
  rounds: QUICK ? 1 : 2, // ABBA sequences per case
  coldStarts: QUICK ? 3 : 7,
  ttfbRequests: QUICK ? 300 : 1000,
  ttfbWarmup: QUICK ? 50 : 100,
  memoryStages: [10_000, 100_000],
  memoryConnections: 64,
};
// ABBA over three targets: each appears once on each side of the others, cancelling slow drift.
const ABBA: Key[] = ["A", "B", "F", "F", "B", "A"];
// Foreign CPU (share of one core) above which a run is reported as disturbed.
const FOREIGN_LIMIT_PCT = 10;
const MAX_RETRIES = 2; // per run; a run still disturbed after that is kept and flagged
// Total time allowed for re-runs, so a busy machine cannot stretch the bench past its time box.
let retryBudgetS = QUICK ? 15 : 90;
// `--cases "=stream c=64"` selects exactly that case; otherwise every case whose id contains the text.
const SELECTED = FILTER === undefined ? CASES : CASES.filter((c) => (FILTER.startsWith("=") ? c.id === FILTER.slice(1) : c.id.includes(FILTER)));
if (SELECTED.length === 0) {
  console.error(`error: no case id matches "${FILTER}". Case ids:\n${CASES.map((c) => `  ${c.id}`).join("\n")}`);
  rmSync(workDir, { recursive: true, force: true });
  process.exit(1);
}
const runSecondsFor = (c: BenchCase) => (c.kind === "translated" ? CONFIG.translatedRunSeconds : CONFIG.runSeconds);
/** In the self-check, A is a second floor proxy, so it gets the floor's request. */
const requestFor = (c: BenchCase, k: Key): BenchRequest => (SELF_CHECK && k === "A" ? c.requests.F : c.requests[k]);
const HAS_COMBO = SELECTED.some((c) => c.kind === "combo");
const HAS_LOGGING = SELECTED.some((c) => c.kind === "logging");
/** The second OmniRoute, request log off, for the logging case (started only when it is selected). */
let loggingOff: Target | undefined;

/**
 * What stands as A, B and F for a case. Combo cases compare OmniRoute with itself: A sends the combo as the
 * model, B the combo's first target, so B is the same OmniRoute instead of the mock (in the self-check, the
 * second floor proxy twice with the same request: A − B then shows the harness's own noise for this pairing).
 */
function targetsFor(c: BenchCase, t: Record<Key, Target>): Record<Key, Target> {
  if (c.kind === "logging") {
    if (!loggingOff) throw new Error("the logging case needs the second gateway (request log off)");
    return { A: { ...t.A, name: `${t.A.name} (log on)` }, B: loggingOff, F: t.F };
  }
  if (c.kind !== "combo") return t;
  const [a, b] = SELF_CHECK ? [t.A.name, `${t.A.name} (again, as B)`] : [`${t.A.name} (combo)`, `${t.A.name} (direct model)`];
  return { A: { ...t.A, name: a }, B: { ...t.A, name: b }, F: t.F };
}

// Load generator and harness on CPU 0, every server on CPU 1, so neither steals the other's core.
const LOADGEN_CPU: string | null = availableParallelism() >= 2 ? "0" : null;
const SERVER_CPU: string | null = availableParallelism() >= 2 ? "1" : null;

const log = (msg: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

function gatewayCommand(): string[] {
  if (args.cmd) return args.cmd.trim().split(/\s+/);
  const bin = join(REPO_ROOT, "dist", "omniroute-linux-x64");
  if (!existsSync(bin)) {
    console.error(`error: ${bin} not found. Build it with \`bun run build\`, or bench the source with --cmd "bun src/main.ts".`);
    process.exit(1);
  }
  const stale = staleBinaryProblem(bin);
  if (stale) {
    console.error(`error: ${stale}`);
    process.exit(1);
  }
  return [bin];
}

function preflight(): void {
  if (!Bun.which("wrk")) {
    console.error("error: wrk is not installed. Install it with: apt-get update && apt-get install -y wrk");
    process.exit(1);
  }
  if (!Bun.which("taskset")) {
    console.error("error: taskset is not installed (package util-linux).");
    process.exit(1);
  }
  if (LOADGEN_CPU === null) log("WARNING: fewer than 2 CPUs, running unpinned; figures will be noisy.");
}

/** A fresh instance of whatever stands as A, with its cold start; provisioned later. */
async function launchA(label: string, mockUrl: string) {
  if (SELF_CHECK) {
    const f = await startFloor(SERVER_CPU, mockUrl, label);
    return { ...f, password: "" };
  }
  return startGateway(SERVER_CPU, gatewayCommand(), label);
}

async function measureColdStarts(mockUrl: string, pids: number[]): Promise<number[]> {
  const times: number[] = [];
  const once = (i: number) => async () => {
    const a = await launchA(`cold-${i}`, mockUrl);
    await stop(a.proc);
    return { coldMs: Math.round(a.coldMs * 10) / 10, cpu_s: Number(a.proc.resourceUsage()?.cpuTime.total ?? 0n) / 1e6 };
  };
  for (let i = 0; i < CONFIG.coldStarts; i++) {
    // No re-runs here: /proc/stat counts in 10 ms ticks, too coarse for a ~100 ms window; the median copes.
    times.push((await undisturbed(`cold start ${i + 1}`, pids, once(i), (r) => `${r.coldMs} ms`, 0)).coldMs);
  }
  return times;
}

async function provisionA(a: Awaited<ReturnType<typeof launchA>>, mockUrl: string): Promise<Target> {
  const name = SELF_CHECK ? "floor #2" : "omniroute";
  const auth = SELF_CHECK ? "sk-bench" : await provisionGateway(a.url, a.password, mockUrl, { combo: HAS_COMBO });
  return { proc: a.proc, pid: a.pid, port: a.port, url: a.url, log: a.log, name, auth, chatUrl: `${a.url}/v1/chat/completions` };
}

/** A second gateway provisioned like A, then with `requestLog.enabled: false` (self-check: a third floor proxy). */
async function launchLoggingOff(mockUrl: string): Promise<Target> {
  const launched = await launchA("log-off", mockUrl);
  if (SELF_CHECK) return { proc: launched.proc, pid: launched.pid, port: launched.port, url: launched.url, log: launched.log, name: "floor #3", auth: "sk-bench", chatUrl: `${launched.url}/v1/chat/completions` };
  const auth = await provisionGateway(launched.url, launched.password, mockUrl, { combo: HAS_COMBO, settings: { requestLog: { enabled: false } } });
  return { proc: launched.proc, pid: launched.pid, port: launched.port, url: launched.url, log: launched.log, name: "omniroute (log off)", auth, chatUrl: `${launched.url}/v1/chat/completions` };
}

/** Drives A to 10k then 100k requests (half non-stream, half stream) and reads RSS at each stage. */
async function measureMemory(a: Target): Promise<Memory["stages"]> {
  const stages: Memory["stages"] = [];
  let done = 0;
  for (const goal of CONFIG.memoryStages) {
    const half = Math.ceil((goal - done) / 2);
    for (const stream of [false, true]) {
      const r = await runWrk({ url: a.chatUrl, auth: a.auth, stream, connections: CONFIG.memoryConnections, seconds: 600, cpu: LOADGEN_CPU, stopAfter: half });
      if (errorCount(r) > 0) log(`WARNING: ${errorCount(r)} errors during the memory run: ${JSON.stringify(r.errors)}`);
      done += r.requests;
    }
    await Bun.sleep(1000); // the request log flushes on a 1 s timer
    stages.push({ requests: done, rss_mb: await settledRssMb(a.pid) });
    log(`RSS after ${done} requests: ${stages.at(-1)!.rss_mb} MB`);
  }
  return stages;
}

type Load = { foreignPct: number; stealPct: number; retries: number };

/** Runs a measurement; re-runs it (after a pause) when other processes took CPU meanwhile. */
async function undisturbed<T extends { cpu_s: number }>(
  label: string,
  pids: number[],
  run: () => Promise<T>,
  describe: (r: T) => string,
  retries = MAX_RETRIES,
): Promise<T & Load> {
  for (let attempt = 0; ; attempt++) {
    const before = await cpuSnap(pids);
    const r = await run();
    const load = foreignLoad(before, await cpuSnap(pids), r.cpu_s);
    const disturbed = retries > 0 && load.foreignPct > FOREIGN_LIMIT_PCT;
    log(`${label}: ${describe(r)}, foreign cpu ${load.foreignPct}%${disturbed ? " (disturbed)" : ""}`);
    const cost = 2 + (Bun.nanoseconds() / 1e9 - before.t);
    if (!disturbed || attempt >= retries || retryBudgetS < cost) return { ...r, ...load, retries: attempt };
    retryBudgetS -= cost;
    await Bun.sleep(2000);
  }
}

const describeWrk = (r: WrkResult) => {
  const raw = r.raw_latency_us ?? r.latency_us;
  return `${r.rps} req/s, p50 ${raw.p50} µs, p99 ${raw.p99} µs (CO ${r.latency_us.p99})${errorCount(r) ? `, ${errorCount(r)} ERRORS` : ""}`;
};

async function measureCase(c: BenchCase, targets: Record<Key, Target>): Promise<CaseResult & { requests: Record<Key, BenchRequest> }> {
  const pids = [...new Set(Object.values(targets).map((t) => t.pid))];
  const wrkFor = (k: Key, seconds: number) => () => {
    const r = requestFor(c, k);
    return runWrk({
      url: targets[k].url + r.path,
      auth: targets[k].auth,
      authHeader: r.authHeader,
      headers: r.headers,
      body: r.body,
      stream: c.stream,
      connections: c.connections,
      seconds,
      cpu: LOADGEN_CPU,
    });
  };
  for (const k of ["A", "B", "F"] as Key[]) await wrkFor(k, CONFIG.warmupSeconds)();
  const runs: Record<Key, Run[]> = { A: [], B: [], F: [] };
  for (let round = 0; round < CONFIG.rounds; round++) {
    for (const k of ABBA) {
      const r = await undisturbed(`${c.id} ${targets[k].name}`, pids, wrkFor(k, runSecondsFor(c)), describeWrk);
      runs[k].push({ ...toRun(r, { foreignPct: r.foreignPct, stealPct: r.stealPct }), retries: r.retries });
    }
  }
  const { id, kind, stream, connections } = c;
  const requests = { A: requestFor(c, "A"), B: c.requests.B, F: c.requests.F };
  const names = { A: targets.A.name, B: targets.B.name, F: targets.F.name };
  return { id, kind, stream, connections, names, requests, targets: { A: aggregate(runs.A), B: aggregate(runs.B), F: aggregate(runs.F) } };
}

type TtfbSegment = { n: number; errors: number; ttfb_us: { p50: number; p90: number; p99: number }; total_us: { p50: number }; cpu_s: number };

async function ttfbSegment(t: Target): Promise<TtfbSegment> {
  const client = ["bun", join(import.meta.dir, "ttfb-client.ts"), "--url", t.chatUrl, "--auth", t.auth, "--n", String(CONFIG.ttfbRequests), "--warmup", String(CONFIG.ttfbWarmup)];
  const proc = Bun.spawn(LOADGEN_CPU === null ? client : ["taskset", "-c", LOADGEN_CPU, ...client], { stdout: "pipe", stderr: "inherit" });
  const out = await new Response(proc.stdout).text();
  if ((await proc.exited) !== 0) throw new Error(`ttfb client failed for ${t.name}`);
  const seg = JSON.parse(out.trim().split("\n").at(-1)!) as Omit<TtfbSegment, "cpu_s">;
  return { ...seg, cpu_s: Number(proc.resourceUsage()?.cpuTime.total ?? 0n) / 1e6 };
}

async function measureTtfb(targets: Record<Key, Target>): Promise<Record<Key, TtfbAgg>> {
  const pids = [...new Set(Object.values(targets).map((t) => t.pid))];
  const segs: Record<Key, TtfbSegment[]> = { A: [], B: [], F: [] };
  const describe = (s: TtfbSegment) => `p50 ${s.ttfb_us.p50.toFixed(1)} µs, p99 ${s.ttfb_us.p99.toFixed(1)} µs${s.errors ? `, ${s.errors} ERRORS` : ""}`;
  for (const k of [...ABBA, ...(CONFIG.rounds > 1 ? ABBA : [])]) {
    segs[k].push(await undisturbed(`TTFB ${targets[k].name}`, pids, () => ttfbSegment(targets[k]), describe));
  }
  const agg = (xs: TtfbSegment[]): TtfbAgg => {
    const med = (f: (s: TtfbSegment) => number) => Math.round(median(xs.map(f)) * 10) / 10;
    return {
      p50_us: med((s) => s.ttfb_us.p50),
      p90_us: med((s) => s.ttfb_us.p90),
      p99_us: med((s) => s.ttfb_us.p99),
      total_p50_us: med((s) => s.total_us.p50),
      errors: xs.reduce((n, s) => n + s.errors, 0),
      segments: xs,
    };
  };
  return { A: agg(segs.A), B: agg(segs.B), F: agg(segs.F) };
}

async function machineInfo() {
  const wrkVersion = Bun.spawnSync(["wrk", "-v"]).stdout.toString().split("\n")[0]?.trim();
  const gitRev = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { cwd: REPO_ROOT }).stdout.toString().trim() || null;
  return { cpu: cpus()[0]?.model, cpus: availableParallelism(), kernel: release(), bun: Bun.version, wrk: wrkVersion, git: gitRev };
}

async function main() {
  preflight();
  const command = SELF_CHECK ? ["bun", "scripts/bench/floor-proxy.ts"] : gatewayCommand();
  if (LOADGEN_CPU !== null) await pinSelf(LOADGEN_CPU);
  const started = new Date();
  const full = FILTER === undefined; // a --cases filter measures only those cases
  const est = SELECTED.reduce((n, c) => n + 3 * CONFIG.warmupSeconds + CONFIG.rounds * ABBA.length * runSecondsFor(c), 0);
  log(`A = ${SELF_CHECK ? "second floor proxy (self-check)" : command.join(" ")}; wrk phase ≈ ${est} s`);
  if (!full) log(`--cases "${FILTER}": ${SELECTED.map((c) => c.id).join(", ")} (no cold start, memory or TTFB)`);

  const quiet = await cpuSnap([]);
  await Bun.sleep(1000);
  const background = foreignLoad(quiet, await cpuSnap([]), 0).foreignPct;
  log(`background load before start: ${background}% of a core used by other processes`);

  const mock = await startMock(SERVER_CPU);
  const floor = await startFloor(SERVER_CPU, mock.url, "floor");
  const floorIdle = full ? await settledRssMb(floor.pid) : undefined;

  let cold: { times: number[]; median: number } | undefined;
  if (full) {
    log(`cold start × ${CONFIG.coldStarts} (fresh data dir each)`);
    const times = await measureColdStarts(mock.url, [mock.pid, floor.pid]);
    cold = { times, median: median(times) };
    log(`cold start to first 200: ${times.join(", ")} ms → median ${cold.median} ms`);
  }

  const launched = await launchA("a", mock.url);
  let idle: number | undefined;
  if (full) {
    await Bun.sleep(1000); // "idle": started and answered health, then left alone
    idle = await settledRssMb(launched.pid);
    log(`idle RSS: ${idle} MB`);
  }
  const a = await provisionA(launched, mock.url);
  const targets: Record<Key, Target> = { A: a, B: directTarget(mock), F: floor };
  if (HAS_LOGGING) loggingOff = await launchLoggingOff(mock.url);
  for (const c of SELECTED) await sanityCheckCase(c, targetsFor(c, targets), (k) => requestFor(c, k));
  log(`sanity checks passed (${SELECTED.length} case(s) × 3 targets)`);

  const stages = full ? await measureMemory(a) : undefined;
  const cases: CaseResult[] = [];
  for (const c of SELECTED) cases.push(await measureCase(c, targetsFor(c, targets)));
  const ttfb = full ? await measureTtfb(targets) : undefined;
  const memory: Memory | undefined =
    full && idle !== undefined && stages && floorIdle !== undefined
      ? { idle_mb: idle, stages, final_mb: await settledRssMb(a.pid), floor_idle_mb: floorIdle }
      : undefined;

  const names: Record<Key, string> = { A: a.name, B: "direct", F: "floor" };
  const list = checks(cases, ttfb, cold?.median, memory);
  printReport({ cases, ttfb, cold, memory, names, list, command });

  const results = {
    date: started.toISOString(),
    mode: { quick: QUICK, selfCheck: SELF_CHECK, cases: FILTER ?? null },
    command: command.join(" "),
    source: sourceRevision(),
    machine: await machineInfo(),
    backgroundLoadPct: background,
    config: { ...CONFIG, foreignLimitPct: FOREIGN_LIMIT_PCT, maxRetries: MAX_RETRIES, abba: ABBA.join(" "), loadgenCpu: LOADGEN_CPU, serverCpu: SERVER_CPU, wrkThreads: 1 },
    coldStart: cold ? { times_ms: cold.times, median_ms: cold.median } : null,
    memory: memory ?? null,
    cases,
    ttfb: ttfb ?? null,
    checks: list,
    allPass: list.every((c) => c.pass),
  };
  const dir = join(REPO_ROOT, "dist", "bench");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `results-${started.toISOString().replace(/[:.]/g, "-")}.json`);
  await Bun.write(file, JSON.stringify(results, null, 2) + "\n");
  console.log(`\nresults: ${file}`);
}

function printReport(r: {
  cases: CaseResult[];
  ttfb?: Record<Key, TtfbAgg>;
  cold?: { times: number[]; median: number };
  memory?: Memory;
  names: Record<Key, string>;
  list: ReturnType<typeof checks>;
  command: string[];
}) {
  const { memory: m } = r;
  const main = r.cases.filter((c) => c.kind !== "combo" && c.kind !== "logging");
  const loggingCases = r.cases.filter((c) => c.kind === "logging");
  const combo = r.cases.filter((c) => c.kind === "combo");
  const bIs = main.length ? "direct to mock" : "see below";
  console.log(`\n=== OmniRoute overhead — A: ${r.names.A}, B: ${bIs}, F: floor proxy ===`);
  const order = Array(CONFIG.rounds).fill(ABBA.join(" ")).join(" | ");
  const seconds = r.cases.some((c) => c.kind === "translated") && CONFIG.translatedRunSeconds !== CONFIG.runSeconds
    ? `${CONFIG.runSeconds} s per run (translated cases: ${CONFIG.translatedRunSeconds} s)`
    : `${CONFIG.runSeconds} s per run`;
  console.log(`wrk -t1, ${seconds} after ${CONFIG.warmupSeconds} s warm-up, order ${order}; figures are medians over each target's runs.\np50/p99: as measured; p99 CO: wrk's coordinated-omission-corrected p99 (see docs/benchmarks.md)`);
  if (r.cases.some((c) => c.kind === "translated")) {
    console.log("translated cases: A = OmniRoute translating client ⇄ upstream format; B and F send the upstream's own format (no translation)");
  }
  if (main.length) {
    console.log("");
    console.log(caseTable(main));
  }
  if (combo.length) {
    const targets = COMBO.targets.map((t) => t.model).join(", ");
    const first = COMBO.targets[0].model;
    if (SELF_CHECK) {
      console.log(`\n=== Combo routing (self-check) — A and B: ${r.names.A}, both sent model "${first}"; F: floor proxy ===`);
      console.log("A vs B compares one proxy with itself: the harness's noise for this pairing.\n");
    } else {
      console.log(`\n=== Combo routing — A: ${r.names.A}, model "${COMBO.name}"; B: the same ${r.names.A}, model "${first}" (not direct to the mock); F: floor proxy ===`);
      console.log(`"${COMBO.name}" = [${targets}], ${COMBO.strategy}: the first target serves every request. A vs B is the cost of routing through the combo (target: A ≥ 95 % of B's req/s).\n`);
    }
    console.log(caseTable(combo, { B: "A vs direct model", F: "A vs floor" }));
  }
  if (loggingCases.length) {
    console.log(`\n=== Request log — A: ${r.names.A} (request log on, the default); B: a second ${r.names.A} with requestLog.enabled false; F: floor proxy ===`);
    console.log("Same request to both. A vs B is what logging costs (target: A ≥ 97 % of B's req/s).\n");
    console.log(caseTable(loggingCases, { B: "A vs log off", F: "A vs floor" }));
  }
  const disturbed = r.cases.flatMap((c) => Object.values(c.targets).flatMap((t) => t.runs)).filter((x) => x.foreignPct > FOREIGN_LIMIT_PCT).length;
  if (disturbed) console.log(`\nWARNING: ${disturbed} run(s) saw > ${FOREIGN_LIMIT_PCT}% of a core used by other processes; the machine was not quiet.`);
  if (r.ttfb) {
    console.log(`\nTime to first streamed byte (sequential, ${CONFIG.ttfbRequests} requests per segment, ${order})\n`);
    console.log(ttfbTable(r.ttfb, r.names));
  }
  if (r.cold) console.log(`\ncold start to first 200: ${r.cold.times.join(", ")} ms (median ${r.cold.median} ms)`);
  if (m) {
    const stages = m.stages.map((s) => `${s.rss_mb} MB after ${s.requests} req`).join(", ");
    console.log(`RSS: idle ${m.idle_mb} MB, ${stages}, ${m.final_mb} MB at the end (floor idle: ${m.floor_idle_mb} MB)`);
  }
  if (!r.ttfb && !r.cold && !m) console.log("\n(--cases: cold start, memory and TTFB not measured)");
  console.log("");
  console.log(checkTable(r.list));
  if (SELF_CHECK) console.log("\n(self-check: A is a second floor proxy; these checks validate the harness, not OmniRoute)");
}

const cleanup = async (code: number) => {
  await stopAll();
  rmSync(workDir, { recursive: true, force: true });
  process.exit(code);
};
process.on("SIGINT", () => void cleanup(130));
process.on("SIGTERM", () => void cleanup(143));

try {
  await main();
  await cleanup(0);
} catch (e) {
  console.error(`\nbench failed: ${(e as Error).message}`);
  console.error(`(server logs kept in ${workDir})`);
  await stopAll();
  process.exit(1);
}
