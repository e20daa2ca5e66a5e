import { isDeepStrictEqual } from "node:util";
import { ConfigMergeError } from "./tool-types";

/**
 * Adds or replaces one item of a top-level block list in a YAML file (Continue's `models:`), editing the text so the
 * user's comments and formatting survive. It handles the common block style; anything else is refused, and the
 * result is checked by parsing it: the list must hold the new item and the rest of the document must be unchanged.
 */

export type YamlScalarMap = Record<string, string | readonly string[]>;

export interface YamlListUpsert {
  /** The top-level key holding the list (`models`). */
  listKey: string;
  /** The item to replace is the one whose `matchKey` equals `item[matchKey]`. */
  matchKey: string;
  item: YamlScalarMap;
  /** Top-level keys a new file starts with (Continue requires name, version, schema). */
  newFileHeader: Record<string, string>;
}

const RESERVED_PLAIN = /^(true|false|yes|no|on|off|null|~|y|n)$/i;

/** A plain scalar where YAML reads it back as the same string; otherwise a JSON string (valid YAML double-quoted). */
function scalar(value: string): string {
  const plain = (/^[A-Za-z_][A-Za-z0-9_./@+-]*$/.test(value) || /^https?:\/\/[A-Za-z0-9_.:\/@+\[\]-]+$/.test(value)) && !RESERVED_PLAIN.test(value);
  return plain ? value : JSON.stringify(value);
}

function renderItem(item: YamlScalarMap, indent: number): string[] {
  const pad = " ".repeat(indent);
  return Object.entries(item).map(([key, value], index) => {
    const rendered = typeof value === "string" ? scalar(value) : `[${value.map(scalar).join(", ")}]`;
    return `${pad}${index === 0 ? "- " : "  "}${key}: ${rendered}`;
  });
}

function parseYaml(text: string, fileLabel: string): unknown {
  try {
    return Bun.YAML.parse(text);
  } catch (error) {
    throw new ConfigMergeError(`${fileLabel} is not valid YAML (${error instanceof Error ? error.message : String(error)}). Fix it first, or paste the snippet yourself.`);
  }
}

const isComment = (line: string) => line.trim().startsWith("#");
const isBlank = (line: string) => line.trim() === "";
const indentOf = (line: string) => line.length - line.trimStart().length;

export function upsertYamlListItem(existing: string | null, upsert: YamlListUpsert, fileLabel: string): string {
  const { listKey, matchKey, item } = upsert;
  if (existing === null || existing.trim() === "") {
    const header = Object.entries(upsert.newFileHeader).map(([key, value]) => `${key}: ${scalar(value)}`);
    return [...header, `${listKey}:`, ...renderItem(item, 2), ""].join("\n");
  }
  const eol = existing.includes("\r\n") ? "\r\n" : "\n";
  const lines = existing.split(/\r?\n/);
  const hadFinalNewline = lines[lines.length - 1] === "";
  if (hadFinalNewline) lines.pop();
  if (lines.some((line, index) => /^(---|\.\.\.)\s*(#.*)?$/.test(line) && index > 0)) {
    throw new ConfigMergeError(`${fileLabel} holds several YAML documents; OmniRoute edits single-document files only. Paste the snippet yourself.`);
  }
  if (lines.some((line) => /^\t/.test(line))) throw new ConfigMergeError(`${fileLabel} is indented with tabs; OmniRoute will not edit it. Paste the snippet yourself.`);

  const original = parseYaml(existing, fileLabel);
  if (typeof original !== "object" || original === null || Array.isArray(original)) {
    throw new ConfigMergeError(`${fileLabel} does not hold a YAML mapping at the top level; OmniRoute will not replace it.`);
  }
  const originalMap = original as Record<string, unknown>;
  const list = originalMap[listKey];
  const keyLine = lines.findIndex((line) => new RegExp(`^${listKey}\\s*:`).test(line));
  if (list !== undefined && list !== null && !Array.isArray(list)) {
    throw new ConfigMergeError(`In ${fileLabel}, "${listKey}" is not a list; OmniRoute will not overwrite it. Edit it by hand.`);
  }
  if (list !== undefined && keyLine === -1) {
    throw new ConfigMergeError(`${fileLabel} writes "${listKey}" in a form OmniRoute does not edit. Paste the snippet yourself.`);
  }

  let result: string[];
  let matchIndex = -1;
  if (keyLine === -1) {
    result = [...lines, `${listKey}:`, ...renderItem(item, 2)];
  } else {
    const rest = lines[keyLine]!.replace(new RegExp(`^${listKey}\\s*:`), "").trim();
    const restWithoutComment = rest.replace(/\s*#.*$/, "");
    if (restWithoutComment === "[]" || restWithoutComment === "~" || restWithoutComment === "null") {
      result = [...lines.slice(0, keyLine), `${listKey}:${rest.includes("#") ? ` ${rest.slice(rest.indexOf("#"))}` : ""}`, ...renderItem(item, 2), ...lines.slice(keyLine + 1)];
    } else if (restWithoutComment !== "") {
      throw new ConfigMergeError(`${fileLabel} writes "${listKey}" on one line (flow style); OmniRoute edits block lists only. Paste the snippet yourself.`);
    } else {
      // The block: every following line that is blank, a comment, indented, or a "- " item at column 0.
      let end = keyLine + 1;
      while (end < lines.length) {
        const line = lines[end]!;
        if (isBlank(line) || isComment(line) || indentOf(line) > 0 || line.startsWith("- ") || line === "-") end++;
        else break;
      }
      const itemStarts: number[] = [];
      let itemIndent = -1;
      for (let i = keyLine + 1; i < end; i++) {
        const line = lines[i]!;
        if (isBlank(line) || isComment(line)) continue;
        if (itemIndent === -1) {
          if (!/^\s*-(\s|$)/.test(line)) throw new ConfigMergeError(`${fileLabel}: "${listKey}" is not a block list OmniRoute can edit. Paste the snippet yourself.`);
          itemIndent = indentOf(line);
        }
        if (indentOf(line) === itemIndent && /^\s*-(\s|$)/.test(line)) itemStarts.push(i);
        else if (indentOf(line) <= itemIndent) throw new ConfigMergeError(`${fileLabel}: "${listKey}" is laid out in a way OmniRoute does not edit. Paste the snippet yourself.`);
      }
      const items = Array.isArray(list) ? list : [];
      if (itemStarts.length !== items.length) {
        throw new ConfigMergeError(`${fileLabel}: OmniRoute could not match the "${listKey}" entries to their lines. Paste the snippet yourself.`);
      }
      if (itemIndent === -1) itemIndent = 2;
      // Each item runs to the next one; its trailing blank and comment lines stay where they are.
      const lastContent = (from: number, to: number) => {
        let last = from;
        for (let i = from; i < to; i++) if (!isBlank(lines[i]!) && !isComment(lines[i]!)) last = i;
        return last;
      };
      matchIndex = items.findIndex((entry) => typeof entry === "object" && entry !== null && (entry as Record<string, unknown>)[matchKey] === item[matchKey]);
      const rendered = renderItem(item, itemIndent);
      if (matchIndex !== -1) {
        const start = itemStarts[matchIndex]!;
        const stop = lastContent(start, itemStarts[matchIndex + 1] ?? end);
        result = [...lines.slice(0, start), ...rendered, ...lines.slice(stop + 1)];
      } else {
        const after = itemStarts.length > 0 ? lastContent(itemStarts[itemStarts.length - 1]!, end) : keyLine;
        result = [...lines.slice(0, after + 1), ...rendered, ...lines.slice(after + 1)];
      }
    }
  }

  const text = result.join(eol) + (hadFinalNewline ? eol : "");
  // Check the edit: the new item is in the list (in place of the old one), everything else is as it was.
  const parsed = parseYaml(text, fileLabel) as Record<string, unknown>;
  const expectedList = Array.isArray(list) ? [...list] : [];
  const plainItem = Object.fromEntries(Object.entries(item).map(([key, value]) => [key, typeof value === "string" ? value : [...value]]));
  if (matchIndex !== -1) expectedList[matchIndex] = plainItem;
  else expectedList.push(plainItem);
  const expected = { ...originalMap, [listKey]: expectedList };
  if (!isDeepStrictEqual(parsed, expected)) {
    throw new ConfigMergeError(`OmniRoute could not edit ${fileLabel} safely (the result would differ beyond its own entry). Paste the snippet yourself.`);
  }
  return text;
}
