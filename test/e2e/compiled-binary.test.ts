import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/**
 * Runs scripts/smoke-binary.ts against the compiled host binary (≈1.5 s). Skipped unless
 * `dist/omniroute-linux-x64` exists and is newer than every file in src/ — a stale binary would test old code.
 * CI builds the binaries after `bun test` and runs the smoke test as its own step.
 */
const ROOT = join(import.meta.dir, "..", "..");
const BINARY = join(ROOT, "dist", "omniroute-linux-x64");
const SMOKE = join(ROOT, "scripts", "smoke-binary.ts");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const runnable =
  process.platform === "linux" &&
  process.arch === "x64" &&
  existsSync(BINARY) &&
  statSync(BINARY).mtimeMs >= newestMtime(join(ROOT, "src"));

describe("compiled binary", () => {
  test.skipIf(!runnable)(
    "dist/omniroute-linux-x64 passes the smoke test (build it with: bun scripts/build.ts --target host)",
    async () => {
      const proc = Bun.spawn([process.execPath, SMOKE, BINARY], { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
      const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
      if (code !== 0) console.error(stdout + stderr);
      expect(code).toBe(0);
      expect(stdout).toContain("Smoke test passed");
    },
    60_000,
  );
});
