// Detects CPU use by processes outside the bench (the machine may be shared), so a disturbed run
// is flagged instead of silently skewing a comparison.
const TICK_S = 1 / Number(Bun.spawnSync(["getconf", "CLK_TCK"]).stdout.toString().trim() || 100);

export type CpuSnap = { t: number; busyS: number; stealS: number; oursS: number };

async function machineTicks(): Promise<{ busy: number; steal: number }> {
  const line = (await Bun.file("/proc/stat").text()).split("\n")[0]!; // aggregate "cpu" line
  const [user, nice, system, , , , , steal] = line.trim().split(/\s+/).slice(1).map(Number);
  // irq/softirq left out: loopback packet work lands there and is not charged to any process.
  return { busy: user! + nice! + system!, steal: steal! };
}

async function processTicks(pid: number): Promise<number> {
  const stat = await Bun.file(`/proc/${pid}/stat`).text().catch(() => "");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // comm may contain spaces
  return Number(fields[11] ?? 0) + Number(fields[12] ?? 0); // utime + stime
}

/** Snapshot of machine-wide busy time and of the time spent by our own long-lived processes. */
export async function cpuSnap(pids: number[]): Promise<CpuSnap> {
  const m = await machineTicks();
  let ours = 0;
  for (const pid of pids) ours += await processTicks(pid);
  const self = process.cpuUsage();
  return { t: Bun.nanoseconds() / 1e9, busyS: m.busy * TICK_S, stealS: m.steal * TICK_S, oursS: ours * TICK_S + (self.user + self.system) / 1e6 };
}

/** Share of one core used by others between two snapshots; `childS` is CPU time of exited children (wrk). */
export function foreignLoad(a: CpuSnap, b: CpuSnap, childS: number): { foreignPct: number; stealPct: number } {
  const elapsed = b.t - a.t;
  const foreign = b.busyS - a.busyS - (b.oursS - a.oursS) - childS;
  return {
    foreignPct: Math.round((Math.max(0, foreign) / elapsed) * 1000) / 10,
    stealPct: Math.round(((b.stealS - a.stealS) / elapsed) * 1000) / 10,
  };
}
