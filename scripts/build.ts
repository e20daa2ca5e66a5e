#!/usr/bin/env bun
/**
 * Release build: dashboard → npm bundle (dist/cli.js + dist/migrations) → compiled binaries.
 *
 *   bun scripts/build.ts                       all default targets (linux/darwin x64+arm64, windows-x64)
 *   bun scripts/build.ts --target host         only the binary for this machine (fast, for CI)
 *   bun scripts/build.ts --targets linux-x64,linux-arm64
 *   bun scripts/build.ts --skip-ui             reuse dist/dashboard (must contain index.html)
 *   bun scripts/build.ts --no-compile          npm bundle only
 *
 * Traps handled here (docs/stack.md §8): `--bytecode` needs `--format=esm` (CJS bytecode bakes the build
 * machine's import.meta.dir into the binary), and compiled binaries must not autoload .env / bunfig.toml
 * from whatever directory the user runs them in.
 */
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { parseArgs } from "node:util";
import {
  binaryPath,
  DEFAULT_TARGETS,
  DIST_DIR,
  hostTarget,
  isTargetName,
  REPO_ROOT,
  TARGETS,
  type TargetName,
} from "./lib/binary-targets";

const DASHBOARD_DIR = join(DIST_DIR, "dashboard");
const MIGRATIONS_SRC = join(REPO_ROOT, "src", "store", "migrations");
const MIGRATIONS_DIST = join(DIST_DIR, "migrations");
const CLI_BUNDLE = join(DIST_DIR, "cli.js");
const ENTRY = join(REPO_ROOT, "src", "main.ts");
const SHEBANG = "#!/usr/bin/env bun\n";

class BuildError extends Error {}

function usage(): never {
  console.log(
    [
      "Usage: bun scripts/build.ts [--skip-ui] [--target host|NAME] [--targets NAME,NAME] [--no-compile]",
      `Targets: ${Object.keys(TARGETS).join(", ")} (default: ${DEFAULT_TARGETS.join(", ")})`,
    ].join("\n"),
  );
  process.exit(0);
}

function parseOptions() {
  const { values } = parseArgs({
    args: Bun.argv.slice(2),
    strict: true,
    options: {
      "skip-ui": { type: "boolean", default: false },
      target: { type: "string", multiple: true },
      targets: { type: "string", multiple: true },
      "no-compile": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) usage();
  const requested = [...(values.target ?? []), ...(values.targets ?? [])]
    .flatMap((value) => value.split(","))
    .map((value) => value.trim())
    .filter(Boolean)
    .map((value) => (value === "host" ? hostTarget() : value));
  const targets: TargetName[] = [];
  for (const name of requested.length ? requested : DEFAULT_TARGETS) {
    if (!isTargetName(name)) throw new BuildError(`Unknown target "${name}". Known: host, ${Object.keys(TARGETS).join(", ")}.`);
    if (!targets.includes(name)) targets.push(name);
  }
  return { skipUi: values["skip-ui"] ?? false, compile: !values["no-compile"], targets };
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

function elapsed(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

/** Runs a command with inherited output; throws with the command line when it fails. */
async function run(cmd: string[], options: { cwd?: string; env?: Record<string, string | undefined>; quiet?: boolean } = {}): Promise<string> {
  const proc = Bun.spawn(cmd, {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? process.env,
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) {
    throw new BuildError(`\`${cmd.join(" ")}\` failed (exit ${code}):\n${stdout}${stderr}`.trimEnd());
  }
  if (!options.quiet) process.stdout.write(indent(stdout + stderr));
  return stdout;
}

function indent(text: string): string {
  return text
    .split("\n")
    .filter((line) => line.trim())
    .map((line) => `    ${line}\n`)
    .join("");
}

async function buildUi(skipUi: boolean): Promise<void> {
  const index = join(DASHBOARD_DIR, "index.html");
  if (skipUi && existsSync(index)) {
    console.log(`• dashboard: reusing ${relative(REPO_ROOT, DASHBOARD_DIR)} (--skip-ui)`);
    return;
  }
  if (skipUi) console.log("• dashboard: --skip-ui given but dist/dashboard/index.html is missing; building it");
  const started = performance.now();
  console.log("• dashboard: bun run build:ui");
  await run([process.execPath, "run", "build:ui"], { quiet: true });
  if (!existsSync(index)) throw new BuildError("`bun run build:ui` succeeded but dist/dashboard/index.html is missing.");
  console.log(`  built in ${elapsed(started)}`);
}

/** dist/cli.js — what `bunx omniroute` runs. Assets resolve beside it (dist/dashboard, dist/migrations). */
async function buildCliBundle(version: string): Promise<void> {
  const started = performance.now();
  rmSync(MIGRATIONS_DIST, { recursive: true, force: true });
  cpSync(MIGRATIONS_SRC, MIGRATIONS_DIST, { recursive: true });
  rmSync(CLI_BUNDLE, { force: true });
  rmSync(join(dirname(CLI_BUNDLE), "assets"), { recursive: true, force: true });
  // outdir, not outfile: files embedded with `type: "file"` (the tokenizer's rank table) are emitted beside
  // the bundle, under dist/assets, and loaded from there on first use.
  await run(
    [
      process.execPath,
      "build",
      "--target=bun",
      "--minify",
      "--format=esm",
      ENTRY,
      "--outdir",
      dirname(CLI_BUNDLE),
      "--entry-naming",
      basename(CLI_BUNDLE),
      "--asset-naming",
      "assets/[name]-[hash].[ext]",
    ],
    { quiet: true },
  );
  let source = readFileSync(CLI_BUNDLE, "utf8");
  if (!source.startsWith("#!")) {
    source = SHEBANG + source;
    writeFileSync(CLI_BUNDLE, source);
  } else if (!source.startsWith(SHEBANG)) {
    writeFileSync(CLI_BUNDLE, SHEBANG + source.slice(source.indexOf("\n") + 1));
  }
  chmodSync(CLI_BUNDLE, 0o755);
  console.log(`• npm bundle: dist/cli.js ${(statSync(CLI_BUNDLE).size / 1024).toFixed(0)} KiB + dist/migrations (${elapsed(started)})`);

  // Prove the bundle works from elsewhere: version, then a command that opens a store (runs the migrations
  // that must be found beside the bundle, not in the CWD).
  await withScratchDir(async (scratch) => {
    const env = isolatedEnv(scratch);
    const printed = (await run([process.execPath, CLI_BUNDLE, "--version"], { cwd: scratch, env, quiet: true })).trim();
    if (printed !== version) throw new BuildError(`bun dist/cli.js --version printed "${printed}", expected "${version}".`);
    await run([process.execPath, CLI_BUNDLE, "config", "export", "--data-dir", join(scratch, "data")], { cwd: scratch, env, quiet: true });
    console.log(`  verified from ${scratch}: --version = ${printed}; config export on a fresh data dir ran the migrations`);
  });
}

async function compileTarget(target: TargetName, version: string): Promise<number> {
  const outfile = binaryPath(target);
  rmSync(outfile, { force: true });
  const started = performance.now();
  const cmd = [
    process.execPath,
    "build",
    "src/main.ts",
    "--compile",
    "--minify",
    "--bytecode",
    "--format=esm",
    `--target=${TARGETS[target]}`,
    // Relative to the repo root (the command's CWD); each mounts under its last segment:
    // /$bunfs/root/dashboard and /$bunfs/root/migrations, which src/platform/asset-root.ts looks for.
    "--asset",
    "dist/dashboard",
    "--asset",
    "src/store/migrations",
    "--no-compile-autoload-dotenv",
    "--no-compile-autoload-bunfig",
    "--outfile",
    outfile,
  ];
  // Bun only edits Windows resources when the build itself runs on Windows.
  if (target.startsWith("windows-") && process.platform === "win32") {
    cmd.push("--windows-title=OmniRoute", "--windows-description=OmniRoute AI gateway", `--windows-version=${version.replace(/[^0-9.].*$/, "")}.0`);
  }
  await run(cmd, { quiet: true });
  if (!existsSync(outfile)) throw new BuildError(`bun build --compile reported success but ${outfile} is missing.`);
  const size = statSync(outfile).size;
  console.log(`• ${relative(REPO_ROOT, outfile).padEnd(34)} ${mib(size).padStart(10)}   (${elapsed(started)})`);
  if (target === hostTargetOrNull()) {
    await withScratchDir(async (scratch) => {
      const printed = (await run([outfile, "--version"], { cwd: scratch, env: isolatedEnv(scratch), quiet: true })).trim();
      if (printed !== version) throw new BuildError(`${outfile} --version printed "${printed}", expected "${version}".`);
      console.log(`  host binary runs: --version = ${printed}`);
    });
  }
  return size;
}

function hostTargetOrNull(): TargetName | null {
  try {
    return hostTarget();
  } catch {
    return null;
  }
}

/** Environment for verification runs: no inherited OmniRoute settings, HOME inside the scratch dir. */
function isolatedEnv(scratch: string): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env, HOME: scratch, USERPROFILE: scratch, NO_OPEN: "1" };
  for (const key of ["PORT", "HOST", "DATA_DIR", "INITIAL_PASSWORD", "OMNIROUTE_SECRET", "OMNIROUTE_PASSPHRASE"]) delete env[key];
  return env;
}

async function withScratchDir(work: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "omniroute-build-"));
  try {
    await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const started = performance.now();
  const options = parseOptions();
  const version = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;
  console.log(`OmniRoute ${version} build (bun ${Bun.version})`);
  mkdirSync(DIST_DIR, { recursive: true });

  await buildUi(options.skipUi);
  await buildCliBundle(version);

  if (options.compile) {
    console.log(`• compiling ${options.targets.join(", ")} (--minify --bytecode --format=esm, .env/bunfig autoload off)`);
    let total = 0;
    for (const target of options.targets) total += await compileTarget(target, version);
    console.log(`  ${options.targets.length} binar${options.targets.length === 1 ? "y" : "ies"}, ${mib(total)} total`);
  }
  console.log(`Build finished in ${elapsed(started)}.`);
  return 0;
}

try {
  process.exitCode = await main();
} catch (error) {
  if (error instanceof BuildError || (error as { code?: string }).code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    console.error(`build failed: ${(error as Error).message}`);
    process.exitCode = 1;
  } else {
    throw error;
  }
}
