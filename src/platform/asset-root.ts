import { existsSync } from "node:fs";
import { join } from "node:path";

/**
 * Embedded assets live in a different place in each run mode:
 * - compiled binary: `--asset` dirs mount next to the entry at `/$bunfs/root/<last segment>`;
 * - npm bundle (`dist/cli.js`): copied beside the bundle in `dist/`;
 * - source (`bun src/main.ts`): `dist/dashboard` and `src/store/migrations` in the work tree.
 * Resolving against `import.meta.dir` (never the CWD) keeps all three working.
 */
function firstExisting(candidates: string[]): string | null {
  for (const candidate of candidates) if (existsSync(candidate)) return candidate;
  return null;
}

const HERE = import.meta.dir;

export function resolveDashboardDir(): string | null {
  return firstExisting([
    join(HERE, "dashboard"),
    join(HERE, "..", "..", "dist", "dashboard"),
    join(HERE, "..", "dist", "dashboard"),
  ]);
}

export function resolveMigrationsDir(): string {
  const dir = firstExisting([
    join(HERE, "migrations"),
    join(HERE, "..", "store", "migrations"),
    join(HERE, "..", "..", "src", "store", "migrations"),
  ]);
  if (!dir) throw new Error("OmniRoute's embedded database migrations are missing; the build is broken.");
  return dir;
}
