import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "./targets";

/** What the compiled binary is built from: anything here newer than the binary means the binary is stale. */
const SOURCES = ["src", "ui/src", "package.json", "bun.lock"];

function newestMtime(path: string): number {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/**
 * Why `binary` does not measure the source in front of you, or null when it does: a binary older than the newest
 * source file silently benchmarks an old commit (it happened: a run reported for a commit measured a binary hours
 * older).
 */
export function staleBinaryProblem(binary: string): string | null {
  const built = statSync(binary).mtimeMs;
  const changed = Math.max(...SOURCES.map((source) => newestMtime(join(REPO_ROOT, source))));
  if (changed <= built) return null;
  const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");
  return (
    `${binary} was built at ${at(built)}, but the source changed at ${at(changed)}: it would measure older code. ` +
    "Rebuild it with `bun scripts/build.ts --target host` (or `bun run build`), or bench the source with --cmd \"bun src/main.ts\"."
  );
}

/** The commit the working tree is at, and whether it has uncommitted changes (recorded with the results). */
export function sourceRevision(): { commit: string | null; dirty: boolean | null } {
  const head = Bun.spawnSync(["git", "rev-parse", "HEAD"], { cwd: REPO_ROOT, stdout: "pipe", stderr: "ignore" });
  if (head.exitCode !== 0) return { commit: null, dirty: null };
  const status = Bun.spawnSync(["git", "status", "--porcelain", "--untracked-files=no"], { cwd: REPO_ROOT, stdout: "pipe", stderr: "ignore" });
  return { commit: head.stdout.toString().trim(), dirty: status.exitCode === 0 ? status.stdout.toString().trim() !== "" : null };
}
