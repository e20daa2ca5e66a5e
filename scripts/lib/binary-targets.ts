import { join } from "node:path";

/** Repository root (scripts/lib/ → ../..). */
export const REPO_ROOT = join(import.meta.dir, "..", "..");
export const DIST_DIR = join(REPO_ROOT, "dist");

/**
 * Compile targets, keyed by the name used in `dist/omniroute-<name>` and on the command line.
 * The first five are the default release matrix; the rest are opt-in via `--targets`.
 */
export const TARGETS = {
  "linux-x64": "bun-linux-x64",
  "linux-arm64": "bun-linux-arm64",
  "darwin-x64": "bun-darwin-x64",
  "darwin-arm64": "bun-darwin-arm64",
  "windows-x64": "bun-windows-x64",
  "linux-x64-baseline": "bun-linux-x64-baseline",
  "linux-x64-musl": "bun-linux-x64-musl",
  "linux-arm64-musl": "bun-linux-arm64-musl",
  "windows-arm64": "bun-windows-arm64",
} as const;

export type TargetName = keyof typeof TARGETS;

export const DEFAULT_TARGETS: TargetName[] = ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "windows-x64"];

export function isTargetName(name: string): name is TargetName {
  return Object.hasOwn(TARGETS, name);
}

/** The target matching the machine running this script, e.g. `linux-x64`. */
export function hostTarget(): TargetName {
  const os = process.platform === "win32" ? "windows" : process.platform;
  const name = `${os}-${process.arch}`;
  if (!isTargetName(name)) throw new Error(`This machine (${name}) is not a Bun compile target.`);
  return name;
}

/** Where `scripts/build.ts` writes the binary for a target. */
export function binaryPath(target: TargetName): string {
  return join(DIST_DIR, `omniroute-${target}${target.startsWith("windows-") ? ".exe" : ""}`);
}
