/**
 * Source-level guarantees over src/: no code evaluation, processes spawned only where listed, parameterised SQL
 * only, no redirect followed. Comments are ignored; every exception is listed here with its reason.
 */
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

const ROOT = join(import.meta.dir, "..", "..");
const SRC = join(ROOT, "src");

/** Files that may start a process, and why. */
const MAY_SPAWN: Record<string, string> = {
  // `omniroute serve` (src/cli/serve-command.ts) opens the dashboard once at start: a fixed opener per platform
  // (open / cmd start / xdg-open) with the gateway's own URL as the only argument, no shell. No route reaches it.
  // (The CLI tools page writes its config files with node:fs in src/cli-tools/config-writer.ts: no process.)
  "src/platform/open-browser.ts": "opens the dashboard in the user's browser at start",
};

/** Dynamic imports of something other than a string literal, and why the specifier is not input. */
const MAY_IMPORT_DYNAMICALLY: Record<string, string> = {
  "src/tokens/o200k-counter.ts": "imports the tokenizer rank file by its embedded path, a build-time constant",
};

/**
 * SQL text built with interpolation: per file, the only expressions it may interpolate, and why they cannot carry
 * input (identifiers and PRAGMA values cannot be bound parameters). Values are always bound.
 */
const MAY_INTERPOLATE_SQL: Record<string, { expressions: string[]; reason: string }> = {
  "src/store/repos/response-cache-repo.ts": { expressions: ["LAYOUT_VERSION"], reason: "PRAGMA user_version from the file's numeric layout constant" },
  "src/store/repos/request-logs-repo.ts": {
    expressions: ['COLUMNS.join(", ")', 'COLUMNS.map(() => "?").join(", ")'],
    reason: "column names and one `?` per column, from the module's constant COLUMNS",
  },
  "src/store/repos/analytics-repo.ts": {
    expressions: ["group", "bucket", "where"],
    reason: "a column from the constant GROUP_COLUMN (keyed by a zod enum), a constant bucket expression and WHERE; $from/$to/$size bound",
  },
  "src/cli/rotate-secret-command.ts": { expressions: ["table", "idColumn", "column"], reason: "table and column names from the constant list of encrypted columns" },
};

/** The `${…}` expressions of a template literal's text. */
function interpolations(template: string): string[] {
  const found: string[] = [];
  for (let at = template.indexOf("${"); at !== -1; at = template.indexOf("${", at + 2)) {
    let depth = 1;
    let end = at + 2;
    for (; end < template.length && depth > 0; end++) {
      if (template[end] === "{") depth++;
      if (template[end] === "}") depth--;
    }
    found.push(template.slice(at + 2, end - 1).trim());
  }
  return found;
}

/** Files that open network connections other than through fetch, and why. */
const MAY_CONNECT: Record<string, string> = {
  "src/upstream/connect-probe.ts": "TCP connect probe to an upstream origin from admin configuration; sends nothing",
  "src/pipeline/inline-image-urls.ts": "image URL fetch for Gemini upstreams: one GET per hop, no credentials, every hop's address checked first",
};

/** fetch calls allowed to follow redirects, and why. None: a redirect may lead to another host or a metadata address. */
const MAY_FOLLOW_REDIRECTS: Record<string, string> = {};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|js|mjs|cjs)$/.test(name) ? [path] : [];
  });
}

/**
 * The source with comments blanked (line structure kept), strings and templates left as they are. A small
 * scanner, not a parser: good enough for code whose comments are ordinary.
 */
function withoutComments(source: string): string {
  let out = "";
  let i = 0;
  const n = source.length;
  const copyQuoted = (quote: string) => {
    let j = i + 1;
    while (j < n && source[j] !== quote && source[j] !== "\n") j += source[j] === "\\" ? 2 : 1;
    out += source.slice(i, j + 1);
    i = j + 1;
  };
  const copyTemplate = () => {
    let j = i + 1;
    let depth = 0;
    while (j < n) {
      const c = source[j];
      if (c === "\\") j += 2;
      else if (depth === 0 && c === "`") break;
      else if (c === "$" && source[j + 1] === "{") {
        depth++;
        j += 2;
      } else {
        if (depth > 0 && c === "{") depth++;
        if (depth > 0 && c === "}") depth--;
        j++;
      }
    }
    out += source.slice(i, j + 1);
    i = j + 1;
  };
  while (i < n) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      while (i < n && source[i] !== "\n") i++;
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end === -1 ? n : end + 2;
      out += source.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop;
    } else if (c === '"' || c === "'") {
      copyQuoted(c);
    } else if (c === "`") {
      copyTemplate();
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** The text of a call's argument list starting at the `(` at `open` (balanced parentheses). */
function argumentsAt(code: string, open: number): string {
  let depth = 0;
  for (let i = open; i < code.length; i++) {
    if (code[i] === "(") depth++;
    else if (code[i] === ")" && --depth === 0) return code.slice(open + 1, i);
  }
  return code.slice(open + 1);
}

interface Source {
  file: string;
  code: string;
}

const sources: Source[] = sourceFiles(SRC).map((path) => ({ file: relative(ROOT, path), code: withoutComments(readFileSync(path, "utf8")) }));

function lineOf(code: string, index: number): number {
  return code.slice(0, index).split("\n").length;
}

/** `file:line: excerpt` of every match of `pattern` in files not exempted. */
function findings(pattern: RegExp, exempt: (file: string, match: RegExpExecArray, code: string) => boolean = () => false): string[] {
  const found: string[] = [];
  for (const { file, code } of sources) {
    const global = new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`);
    for (let match = global.exec(code); match !== null; match = global.exec(code)) {
      if (!exempt(file, match, code)) found.push(`${file}:${lineOf(code, match.index)}: ${match[0].trim().slice(0, 100)}`);
    }
  }
  return found;
}

describe("static checks over src/", () => {
  test("network connections other than fetch come only from the listed files", () => {
    const connecting = /(?:from\s+|require\s*\(\s*|import\s*\(\s*)["'](?:node:)?(?:http|https|http2|tls|dgram|undici)["']|\bBun\.(?:connect|listen|udpSocket)\s*\(|\bnew\s+WebSocket\s*\(/;
    expect(findings(connecting, (file) => file in MAY_CONNECT)).toEqual([]);
    for (const file of Object.keys(MAY_CONNECT)) {
      const source = sources.find((s) => s.file === file);
      expect({ file, connects: source !== undefined && connecting.test(source.code) }).toEqual({ file, connects: true });
    }
  });

  test("the scan sees the source tree, and the comment stripper keeps code", () => {
    expect(sources.length).toBeGreaterThan(150);
    expect(sources.some((source) => source.file === "src/server/app.ts")).toBe(true);
    expect(withoutComments('a(); // eval(x)\n/* new Function() */ b("//not a comment"); `x${"y"}` // c')).toBe('a(); \n                     b("//not a comment"); `x${"y"}` ');
  });

  test("no code is evaluated from data: no eval, new Function, vm, string timers, dynamic import of a variable", () => {
    expect(findings(/\beval\s*\(/)).toEqual([]);
    expect(findings(/\bnew\s+Function\s*\(/)).toEqual([]);
    expect(findings(/\bFunction\s*\(\s*["'`]/)).toEqual([]);
    expect(findings(/(?:from\s+|require\s*\(\s*|import\s*\(\s*)["'](?:node:)?vm["']/)).toEqual([]);
    expect(findings(/\bvm\.\w+\s*\(/)).toEqual([]);
    expect(findings(/\bset(?:Timeout|Interval|Immediate)\s*\(\s*["'`]/)).toEqual([]);
    expect(findings(/\bnew\s+Worker\s*\(/)).toEqual([]);
    expect(findings(/\bimport\s*\(\s*(?!["'])[^)]/, (file) => file in MAY_IMPORT_DYNAMICALLY)).toEqual([]);
  });

  test("processes are started only by the listed files, never through a shell", () => {
    const spawning = /\bBun\.(?:spawn|spawnSync)\b|\bBun\.\$|["'](?:node:)?child_process["']|\bprocess\.dlopen\b|\bexeca\b/;
    expect(findings(spawning, (file) => file in MAY_SPAWN)).toEqual([]);
    expect(findings(/\bshell\s*:\s*true\b/)).toEqual([]);
    // The listed files still exist and still spawn (a stale entry would hide a move).
    for (const file of Object.keys(MAY_SPAWN)) {
      const source = sources.find((s) => s.file === file);
      expect({ file, spawns: source !== undefined && spawning.test(source.code) }).toEqual({ file, spawns: true });
    }
    // The browser opener is reachable from the CLI only, never from the server.
    expect(sources.filter((s) => s.file.startsWith("src/server/") && /open-browser/.test(s.code)).map((s) => s.file)).toEqual([]);
  });

  test("SQL is parameterised: no sql.raw, no interpolated or concatenated text handed to query/prepare/run/exec", () => {
    expect(findings(/\bsql\.raw\s*\(/)).toEqual([]);
    const interpolated = findings(/\.(?:query|prepare|run|exec)\s*(?:<[^()]*>)?\s*\(\s*`(?:[^`\\]|\\.)*\$\{(?:[^`\\]|\\.)*`/, (file, match) => {
      const allowed = MAY_INTERPOLATE_SQL[file]?.expressions;
      const template = match[0].slice(match[0].indexOf("`") + 1, -1);
      return allowed !== undefined && interpolations(template).every((expression) => allowed.includes(expression));
    });
    expect(interpolated).toEqual([]);
    expect(findings(/\.(?:query|prepare|run|exec)\s*(?:<[^()]*>)?\s*\(\s*(["'])(?:[^\\\n]|\\.)*?\1\s*\+/)).toEqual([]);
    expect(findings(/\.(?:query|prepare|run|exec)\s*(?:<[^()]*>)?\s*\(\s*\w+\s*\+\s*["'`]/)).toEqual([]);
  });

  test('no fetch follows redirects: every call says redirect "manual" or "error"', () => {
    expect(findings(/redirect\s*:\s*["']follow["']/, (file) => file in MAY_FOLLOW_REDIRECTS)).toEqual([]);
    const unsafe: string[] = [];
    for (const { file, code } of sources) {
      for (let at = code.indexOf("fetch("); at !== -1; at = code.indexOf("fetch(", at + 6)) {
        if (/[\w.$]/.test(code[at - 1] ?? "") && !/\bglobalThis\.$/.test(code.slice(Math.max(0, at - 11), at))) continue;
        const args = argumentsAt(code, at + 5);
        // `fetch(request) { … }` defines a handler (Bun.serve), it calls nothing.
        if (/^\s*(?::[^={]*)?\{/.test(code.slice(at + 6 + args.length + 1, at + 6 + args.length + 80))) continue;
        if (!/redirect\s*:\s*["'](?:manual|error)["']/.test(args) && !(file in MAY_FOLLOW_REDIRECTS)) unsafe.push(`${file}:${lineOf(code, at)}: fetch(${args.slice(0, 80).replace(/\s+/g, " ")}…)`);
      }
    }
    expect(unsafe).toEqual([]);
  });
});
