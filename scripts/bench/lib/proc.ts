// Spawning pinned servers, waiting for them, reading their memory, and cleaning up.
import type { Subprocess } from "bun";

const children = new Set<Subprocess>();

export type Server = { proc: Subprocess; pid: number; port: number; url: string; log: string };

/** A free loopback port (tiny race between stop and reuse is acceptable for a bench). */
export function freePort(): number {
  const s = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
  const port = s.port!;
  s.stop(true);
  return port;
}

/** `taskset -c <cpu>` execs the command, so the returned pid is the server's own pid. */
export function spawnPinned(cpu: string | null, cmd: string[], opts: { cwd?: string; env?: Record<string, string>; log: string }) {
  const argv = cpu === null ? cmd : ["taskset", "-c", cpu, ...cmd];
  const proc = Bun.spawn(argv, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdout: Bun.file(opts.log),
    stderr: Bun.file(opts.log + ".err"),
    stdin: "ignore",
  });
  children.add(proc);
  proc.exited.then(() => children.delete(proc));
  return proc;
}

/** Polls until `url` answers 200; returns elapsed ms since `startNs`. */
export async function waitFor200(url: string, startNs: number, timeoutMs = 15000, proc?: Subprocess): Promise<number> {
  const deadline = startNs + timeoutMs * 1e6;
  while (Bun.nanoseconds() < deadline) {
    if (proc && proc.exitCode !== null) throw new Error(`process exited with code ${proc.exitCode} before ${url} answered`);
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return (Bun.nanoseconds() - startNs) / 1e6;
    } catch {
      // not listening yet
    }
    await Bun.sleep(1);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for 200 from ${url}`);
}

export async function stop(proc: Subprocess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill("SIGTERM");
  const killed = await Promise.race([proc.exited.then(() => true), Bun.sleep(3000).then(() => false)]);
  if (!killed) proc.kill("SIGKILL");
  await proc.exited;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...children].map(stop));
}

/** Resident set size in MB from /proc/<pid>/status (VmRSS is in kB). */
export async function rssMb(pid: number): Promise<number> {
  const status = await Bun.file(`/proc/${pid}/status`).text();
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
  return Math.round((kb / 1024) * 10) / 10;
}

/** RSS once it stops moving: right after load the runtime is still returning memory for a second or so. */
export async function settledRssMb(pid: number, maxWaitMs = 6000): Promise<number> {
  let last = await rssMb(pid);
  for (let waited = 0; waited < maxWaitMs; waited += 500) {
    await Bun.sleep(500);
    const now = await rssMb(pid);
    if (Math.abs(now - last) < 0.3) return now;
    last = now;
  }
  return last;
}

export async function tail(path: string, lines = 20): Promise<string> {
  const text = await Bun.file(path).text().catch(() => "");
  return text.split("\n").slice(-lines).join("\n");
}

/** Pin this process (all its threads) to `cpu`, so the harness never competes with the servers. */
export async function pinSelf(cpu: string): Promise<void> {
  await Bun.spawn(["taskset", "-a", "-p", "-c", cpu, String(process.pid)], { stdout: "ignore", stderr: "ignore" }).exited;
}
