import { describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The budget: the first load of the built dashboard (index.html and everything it makes the browser fetch
 * before any page is shown) stays under 300 KB gzipped. Lazy pages and their libraries (uPlot on the usage page)
 * are not part of it.
 */
const ROOT = join(import.meta.dir, "../..");
const DASHBOARD = join(ROOT, "dist/dashboard");
const INDEX = join(DASHBOARD, "index.html");
const BUDGET_BYTES = 300 * 1024;

function ensureDashboardBuilt(): void {
  if (existsSync(INDEX)) return;
  // A fresh checkout has no built dashboard yet: build it rather than fail (as the browser harness does).
  const build = Bun.spawnSync(["bun", "run", "build:ui"], { cwd: ROOT, stdout: "ignore", stderr: "pipe" });
  if (build.exitCode !== 0) throw new Error(`Building the dashboard failed: ${build.stderr.toString()}`);
}

/** Asset paths referenced by index.html's <script src> and <link href> tags (stylesheets, module preloads, icon). */
function headReferences(html: string): string[] {
  const paths: string[] = [];
  for (const match of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)) paths.push(match[1]!);
  for (const match of html.matchAll(/<link\b[^>]*>/g)) {
    const tag = match[0];
    const rel = /\brel="([^"]+)"/.exec(tag)?.[1] ?? "";
    const href = /\bhref="([^"]+)"/.exec(tag)?.[1];
    if (href && /\b(stylesheet|modulepreload|icon)\b/.test(rel)) paths.push(href);
  }
  return paths;
}

/** Static imports of an ES module chunk (`import{a}from"./x.js"`, `import"./x.js"`); dynamic `import("…")` is lazy and left out. */
function staticImports(code: string): string[] {
  return [...code.matchAll(/\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["']([^"']+\.js)["']/g)].map((match) => match[1]!);
}

function resolveAsset(reference: string, from: string): string {
  if (/^https?:/.test(reference)) throw new Error(`The first load fetches an external file: ${reference}`);
  return reference.startsWith("/") ? join(DASHBOARD, reference) : join(from, "..", reference);
}

/** Every file the first load fetches, following static imports of the entry chunks. */
function firstLoadFiles(): string[] {
  const html = readFileSync(INDEX, "utf8");
  const files = new Set<string>([INDEX]);
  const queue = headReferences(html).map((reference) => resolveAsset(reference, INDEX));
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (files.has(file)) continue;
    files.add(file);
    if (file.endsWith(".js")) for (const reference of staticImports(readFileSync(file, "utf8"))) queue.push(resolveAsset(reference, file));
  }
  return [...files];
}

describe("dashboard bundle size", () => {
  ensureDashboardBuilt();
  const files = firstLoadFiles();
  const gzipped = files.map((file) => ({ file: file.slice(DASHBOARD.length + 1), bytes: Bun.gzipSync(readFileSync(file)).length }));
  const total = gzipped.reduce((sum, entry) => sum + entry.bytes, 0);

  test("the first load includes the entry script and its stylesheet", () => {
    expect(gzipped.some((entry) => entry.file.endsWith(".js"))).toBe(true);
    expect(gzipped.some((entry) => entry.file.endsWith(".css"))).toBe(true);
  });

  test("the first load is under 300 KB gzipped", () => {
    if (total >= BUDGET_BYTES) console.error(gzipped.map((entry) => `${entry.file}: ${entry.bytes} B`).join("\n"));
    expect(total).toBeLessThan(BUDGET_BYTES);
  });

  test("the chart library is not in the first load (it comes with the usage page)", () => {
    for (const file of files.filter((name) => name.endsWith(".js") || name.endsWith(".css"))) {
      // uPlot's own class names, present in its code and stylesheet.
      expect({ file, hasUplot: readFileSync(file, "utf8").includes("u-legend") }).toEqual({ file, hasUplot: false });
    }
  });
});
