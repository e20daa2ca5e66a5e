#!/usr/bin/env bun
// Process entry. Kept export-free: Bun's compiled ESM entry must not export (see docs/ARCHITECTURE.md).
import process from "node:process";
if (typeof Bun === "undefined") {
  console.error("OmniRoute runs on Bun (https://bun.sh). Install Bun, then run: bunx omniroute");
  process.exit(1);
}
const { runCli } = await import("./cli/run-cli");
process.exitCode = await runCli(process.argv.slice(2), process.env);
