// Running wrk (pinned to the load-generator CPU) and reading the JSON line post.lua prints.
import { join } from "node:path";

const LUA = join(import.meta.dir, "..", "post.lua");

export type WrkResult = {
  requests: number;
  duration_us: number;
  bytes: number;
  errors: { connect: number; read: number; write: number; status: number; timeout: number };
  /** wrk's histogram, after its coordinated-omission correction. */
  latency_us: { mean: number; stdev: number; min: number; max: number; p50: number; p90: number; p99: number; p999: number };
  /** The same histogram with the correction undone: what the connections actually measured. */
  raw_latency_us: { count: number; mean: number; p50: number; p90: number; p99: number; p999: number; max: number } | null;
  rps: number;
  cpu_s: number; // wrk's own CPU time, so it is not mistaken for foreign load
};

export type WrkOptions = {
  url: string;
  auth: string;
  stream: boolean;
  /** Whole JSON body; default: post.lua's chat completion with `stream`. */
  body?: string;
  /** "authorization" (Bearer, the default) or a header carrying the key as is, e.g. "x-api-key". */
  authHeader?: string;
  headers?: Record<string, string>;
  connections: number;
  seconds: number;
  cpu: string | null;
  stopAfter?: number;
};

export function errorCount(r: WrkResult): number {
  const e = r.errors;
  return e.connect + e.read + e.write + e.status + e.timeout;
}

export async function runWrk(o: WrkOptions): Promise<WrkResult> {
  const wrk = ["wrk", "-t1", `-c${o.connections}`, `-d${o.seconds}s`, "-s", LUA, o.url];
  const proc = Bun.spawn(o.cpu === null ? wrk : ["taskset", "-c", o.cpu, ...wrk], {
    env: {
      ...process.env,
      BENCH_STREAM: o.stream ? "1" : "0",
      BENCH_AUTH: o.auth,
      BENCH_BODY: o.body ?? "",
      BENCH_AUTH_HEADER: o.authHeader ?? "authorization",
      BENCH_HEADERS: Object.entries(o.headers ?? {}).map(([k, v]) => `${k}: ${v}`).join("\n"),
      BENCH_STOP_AFTER: String(o.stopAfter ?? 0),
      BENCH_CONNECTIONS: String(o.connections),
    },
    stdout: "pipe",
    stderr: "pipe",
  });
  const out = await readOutput(proc, o.stopAfter !== undefined);
  const code = await proc.exited;
  const line = out.split("\n").find((l) => l.startsWith("BENCH_JSON "));
  if (!line) {
    const err = await new Response(proc.stderr).text();
    throw new Error(`wrk exited ${code} without a result:\n${out}\n${err}`);
  }
  const r = JSON.parse(line.slice("BENCH_JSON ".length)) as Omit<WrkResult, "rps" | "cpu_s">;
  const cpu_s = Number(proc.resourceUsage()?.cpuTime.total ?? 0n) / 1e6;
  return { ...r, rps: Math.round((r.requests / r.duration_us) * 1e6), cpu_s };
}

/** Collects stdout; in count mode, SIGINTs wrk at the marker since wrk otherwise sleeps out -d. */
async function readOutput(proc: Bun.Subprocess<"ignore", "pipe", "pipe">, interruptOnMarker: boolean): Promise<string> {
  const decoder = new TextDecoder();
  let out = "";
  let signalled = false;
  const reader = proc.stdout.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    out += decoder.decode(r.value, { stream: true });
    if (interruptOnMarker && !signalled && out.includes("BENCH_STOPPED")) {
      signalled = true;
      proc.kill("SIGINT");
    }
  }
  return out;
}
