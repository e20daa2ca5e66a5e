import { isDeepStrictEqual } from "node:util";
import { ConfigMergeError } from "./tool-types";

/**
 * A small, careful TOML editor for the one shape the CLI tools need: string values of a few top-level keys and of
 * one `[a.b]` table. It edits the text line by line, so comments, ordering and every other table stay as they were,
 * and it checks its own work: the result must parse, carry the new values, and equal the original everywhere else.
 */

export interface TomlEdit {
  /** Top-level keys set to string values. */
  topLevel: Record<string, string>;
  table: {
    /** The table's dotted path, e.g. ["model_providers", "omniroute"]. */
    path: readonly string[];
    values: Record<string, string>;
    /** Keys of that table to delete (settings that would contradict the new ones). */
    remove?: readonly string[];
  };
}

interface Statement {
  kind: "header" | "key";
  /** First and last line (a value may span lines: arrays, multi-line strings). */
  start: number;
  end: number;
  /** Header: the table path. Key: the dotted key path. */
  path: string[];
  /** Header: `[[array]]` table. */
  array?: boolean;
  /** Key: the text before the value (`key = `) and a trailing comment on the last line, if any. */
  keyText?: string;
  comment?: string;
}

/** A TOML basic string; JSON's escapes are a subset of TOML's. */
export function tomlString(value: string): string {
  return JSON.stringify(value);
}

/** Splits a dotted key (`a."b.c".d`) into its parts. */
function parseKeyPath(text: string): string[] | null {
  const parts: string[] = [];
  let i = 0;
  const s = text.trim();
  while (i < s.length) {
    while (s[i] === " " || s[i] === "\t") i++;
    let part = "";
    if (s[i] === '"' || s[i] === "'") {
      const quote = s[i]!;
      const close = s.indexOf(quote, i + 1);
      if (close === -1) return null;
      const raw = s.slice(i, close + 1);
      try {
        part = quote === '"' ? (JSON.parse(raw) as string) : raw.slice(1, -1);
      } catch {
        return null;
      }
      i = close + 1;
    } else {
      const match = /^[A-Za-z0-9_-]+/.exec(s.slice(i));
      if (!match) return null;
      part = match[0];
      i += part.length;
    }
    parts.push(part);
    while (s[i] === " " || s[i] === "\t") i++;
    if (i < s.length) {
      if (s[i] !== ".") return null;
      i++;
    }
  }
  return parts.length > 0 ? parts : null;
}

/**
 * Finds the statements (headers and key/value pairs) of a TOML text, tracking strings, comments and brackets so a
 * `[` inside a multi-line array or string is never mistaken for a table header.
 */
function scanStatements(lines: string[]): Statement[] {
  const statements: Statement[] = [];
  let multiline: '"""' | "'''" | null = null;
  let depth = 0;
  let open: Statement | null = null;

  for (let lineIndex = 0; lineIndex < lines.length; lineIndex++) {
    const line = lines[lineIndex]!;
    let i = 0;
    let commentAt = -1;
    if (!multiline && depth === 0) {
      const trimmed = line.trim();
      if (trimmed === "" || trimmed.startsWith("#")) continue;
      const header = /^\s*(\[\[?)(.*)$/.exec(line);
      if (header) {
        const array = header[1] === "[[";
        const close = array ? "]]" : "]";
        const rest = header[2]!;
        const end = findOutsideQuotes(rest, close);
        const path = end === -1 ? null : parseKeyPath(rest.slice(0, end));
        if (!path) throw new ConfigMergeError(`Line ${lineIndex + 1} looks like a table header OmniRoute cannot read.`);
        statements.push({ kind: "header", start: lineIndex, end: lineIndex, path, array });
        continue;
      }
      const eq = findOutsideQuotes(line, "=");
      const path = eq === -1 ? null : parseKeyPath(line.slice(0, eq));
      if (!path) throw new ConfigMergeError(`Line ${lineIndex + 1} is neither a key = value pair nor a table header.`);
      open = { kind: "key", start: lineIndex, end: lineIndex, path, keyText: line.slice(0, eq + 1) };
      statements.push(open);
      i = eq + 1;
    }
    // Scan the (rest of the) line for strings, comments and brackets.
    while (i < line.length) {
      if (multiline) {
        const close = line.indexOf(multiline, i);
        if (close === -1) {
          i = line.length;
          break;
        }
        i = close + 3;
        // A closing delimiter may be followed by up to two more quotes that belong to the string.
        while (line[i] === multiline[0]) i++;
        multiline = null;
        continue;
      }
      const ch = line[i]!;
      if (ch === "#") {
        commentAt = i;
        break;
      }
      if (line.startsWith('"""', i) || line.startsWith("'''", i)) {
        multiline = line.slice(i, i + 3) as '"""' | "'''";
        i += 3;
        continue;
      }
      if (ch === '"') {
        i++;
        while (i < line.length && line[i] !== '"') i += line[i] === "\\" ? 2 : 1;
        i++;
        continue;
      }
      if (ch === "'") {
        const close = line.indexOf("'", i + 1);
        i = close === -1 ? line.length : close + 1;
        continue;
      }
      if (ch === "[" || ch === "{") depth++;
      else if (ch === "]" || ch === "}") depth--;
      i++;
    }
    if (open) {
      open.end = lineIndex;
      if (!multiline && depth === 0) {
        if (commentAt !== -1) open.comment = line.slice(commentAt);
        open = null;
      }
    }
  }
  if (multiline || depth !== 0) throw new ConfigMergeError("The file ends inside a string or an array.");
  return statements;
}

/** Index of `needle` in `text` outside quoted strings, or -1. */
function findOutsideQuotes(text: string, needle: string): number {
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') {
      i++;
      while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
      continue;
    }
    if (ch === "'") {
      const close = text.indexOf("'", i + 1);
      if (close === -1) return -1;
      i = close;
      continue;
    }
    if (ch === "#") return -1;
    if (text.startsWith(needle, i)) return i;
  }
  return -1;
}

function samePath(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

function parseToml(text: string, fileLabel: string): Record<string, unknown> {
  try {
    return Bun.TOML.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new ConfigMergeError(`${fileLabel} is not valid TOML (${error instanceof Error ? error.message : String(error)}). Fix it first, or paste the snippet yourself.`);
  }
}

/** Applies `edit` to `existing` (null: a new file). */
export function editToml(existing: string | null, edit: TomlEdit, fileLabel: string): string {
  const source = existing ?? "";
  const eol = source.includes("\r\n") ? "\r\n" : "\n";
  const original = source.trim() === "" ? {} : parseToml(source, fileLabel);
  const lines = source === "" ? [] : source.split(/\r?\n/);
  // A final newline leaves an empty last element: drop it while editing, restore it at the end.
  const hadFinalNewline = lines.length > 0 && lines[lines.length - 1] === "";
  if (hadFinalNewline) lines.pop();

  let statements: Statement[];
  try {
    statements = scanStatements(lines);
  } catch (error) {
    if (error instanceof ConfigMergeError) throw new ConfigMergeError(`${fileLabel}: ${error.message} OmniRoute will not edit it; paste the snippet yourself.`);
    throw error;
  }

  // Which table each key statement belongs to.
  let table: string[] = [];
  const located = statements.map((statement) => {
    if (statement.kind === "header") table = statement.path;
    return { statement, table: statement.kind === "header" ? statement.path : table };
  });
  const firstHeader = statements.find((s) => s.kind === "header");

  const tablePath = edit.table.path;
  const header = statements.find((s) => s.kind === "header" && !s.array && samePath(s.path, tablePath));
  // The table must not also be written some other way (inline table, dotted keys), which this editor would miss.
  for (const { statement, table: owner } of located) {
    if (statement.kind !== "key") continue;
    const full = [...owner, ...statement.path];
    const inTable = samePath(owner, tablePath);
    if (!inTable && full.length >= tablePath.length && samePath(full.slice(0, tablePath.length), tablePath)) {
      throw new ConfigMergeError(`${fileLabel} defines [${tablePath.join(".")}] in a form OmniRoute does not edit (inline table or dotted keys). Edit it by hand.`);
    }
    if (!inTable && full.length < tablePath.length && samePath(full, tablePath.slice(0, full.length))) {
      throw new ConfigMergeError(`${fileLabel} sets "${full.join(".")}" as a value; OmniRoute will not turn it into a table. Edit it by hand.`);
    }
  }

  // Replacements, deletions and insertions, applied from the bottom up so line numbers stay valid.
  type Change = { start: number; end: number; lines: string[] };
  const changes: Change[] = [];
  const keyLine = (key: string, value: string, statement?: Statement) => {
    const prefix = statement?.keyText ? `${statement.keyText.trimEnd()} ` : `${key} = `;
    return `${prefix}${tomlString(value)}${statement?.comment ? ` ${statement.comment}` : ""}`;
  };

  // Top-level keys.
  const topStatements = located.filter((l) => l.statement.kind === "key" && l.table.length === 0).map((l) => l.statement);
  const missingTop: string[] = [];
  for (const [key, value] of Object.entries(edit.topLevel)) {
    const found = topStatements.find((s) => samePath(s.path, [key]));
    if (found) changes.push({ start: found.start, end: found.end, lines: [keyLine(key, value, found)] });
    else missingTop.push(keyLine(key, value));
  }
  if (missingTop.length > 0) {
    const lastTop = topStatements[topStatements.length - 1];
    if (lastTop) {
      changes.push({ start: lastTop.end + 1, end: lastTop.end, lines: missingTop });
    } else if (firstHeader) {
      // Before the first table and the comment lines attached to it; a blank line keeps them apart.
      let at = firstHeader.start;
      while (at > 0 && lines[at - 1]!.trim().startsWith("#")) at--;
      changes.push({ start: at, end: at - 1, lines: [...missingTop, ""] });
    } else {
      changes.push({ start: lines.length, end: lines.length - 1, lines: missingTop });
    }
  }

  // The table.
  const valueEntries = Object.entries(edit.table.values);
  if (header) {
    const next = statements.find((s) => s.kind === "header" && s.start > header.start);
    const inside = statements.filter((s) => s.kind === "key" && s.start > header.start && (!next || s.start < next.start));
    const missing: string[] = [];
    for (const [key, value] of valueEntries) {
      const found = inside.find((s) => samePath(s.path, [key]));
      if (found) changes.push({ start: found.start, end: found.end, lines: [keyLine(key, value, found)] });
      else missing.push(keyLine(key, value));
    }
    for (const key of edit.table.remove ?? []) {
      const found = inside.find((s) => samePath(s.path, [key]));
      if (found) changes.push({ start: found.start, end: found.end, lines: [] });
    }
    if (missing.length > 0) {
      const after = inside.length > 0 ? inside[inside.length - 1]!.end : header.end;
      changes.push({ start: after + 1, end: after, lines: missing });
    }
  } else {
    const block = [`[${tablePath.map((part) => (/^[A-Za-z0-9_-]+$/.test(part) ? part : tomlString(part))).join(".")}]`, ...valueEntries.map(([key, value]) => keyLine(key, value))];
    // A blank line before the new table, after the user's last line or the top-level keys added to a new file.
    const gapAfterLines = lines.length > 0 && lines[lines.length - 1]!.trim() !== "";
    const gapAfterNewKeys = missingTop.length > 0 && topStatements.length === 0 && !firstHeader;
    const separator = gapAfterLines || gapAfterNewKeys ? [""] : [];
    changes.push({ start: lines.length, end: lines.length - 1, lines: [...separator, ...block] });
  }

  // Apply bottom-up; insertions at the same place keep their listed order.
  changes
    .map((change, order) => ({ change, order }))
    .sort((a, b) => b.change.start - a.change.start || b.order - a.order)
    .forEach(({ change }) => lines.splice(change.start, change.end - change.start + 1, ...change.lines));

  const result = lines.join(eol) + (hadFinalNewline || existing === null || source === "" ? eol : "");
  verify(original, result, edit, fileLabel);
  return result;
}

/** The edit must have set exactly what it meant to and nothing else. */
function verify(original: Record<string, unknown>, result: string, edit: TomlEdit, fileLabel: string): void {
  let parsed: Record<string, unknown>;
  try {
    parsed = Bun.TOML.parse(result) as Record<string, unknown>;
  } catch {
    throw new ConfigMergeError(`OmniRoute could not edit ${fileLabel} safely (the result did not parse). Paste the snippet yourself.`);
  }
  const expected = structuredClone(original);
  Object.assign(expected, edit.topLevel);
  let target: Record<string, unknown> = expected;
  for (const part of edit.table.path) {
    const next = target[part];
    if (typeof next !== "object" || next === null || Array.isArray(next)) target[part] = {};
    target = target[part] as Record<string, unknown>;
  }
  for (const key of edit.table.remove ?? []) delete target[key];
  Object.assign(target, edit.table.values);
  if (!isDeepStrictEqual(normalize(parsed), normalize(expected))) {
    throw new ConfigMergeError(`OmniRoute could not edit ${fileLabel} safely (the result would differ beyond its own settings). Paste the snippet yourself.`);
  }
}

/** Key order does not matter to TOML; compare with sorted keys. */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, normalize((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}
