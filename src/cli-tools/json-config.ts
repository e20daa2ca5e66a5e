import { ConfigMergeError } from "./tool-types";

export type JsonObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads a JSON config file for a merge. Only strict JSON is edited: re-serialising a file with comments (JSONC,
 * JSON5) would drop them, so such a file is refused with a message instead of being silently stripped.
 */
export function parseJsonConfig(existing: string | null, fileLabel: string): JsonObject {
  if (existing === null || existing.trim() === "") return {};
  const text = existing.charCodeAt(0) === 0xfeff ? existing.slice(1) : existing;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    if (parsesAs(() => Bun.JSONC.parse(text)) || parsesAs(() => Bun.JSON5.parse(text))) {
      throw new ConfigMergeError(
        `${fileLabel} contains comments or other non-JSON syntax (trailing commas, unquoted keys). Writing it would remove them, ` +
          "so OmniRoute leaves it alone: paste the snippet into it yourself.",
      );
    }
    throw new ConfigMergeError(`${fileLabel} is not valid JSON. Fix it (or move it away) first, or paste the snippet yourself.`);
  }
  if (!isPlainObject(parsed)) throw new ConfigMergeError(`${fileLabel} does not hold a JSON object at the top level; OmniRoute will not replace it.`);
  return parsed;
}

function parsesAs(parse: () => unknown): boolean {
  try {
    parse();
    return true;
  } catch {
    return false;
  }
}

/** The indentation the file already uses (two spaces for a new file). */
function detectIndent(existing: string | null): string {
  if (!existing) return "  ";
  const match = /^([ \t]+)["}\]]/m.exec(existing);
  return match ? match[1]! : "  ";
}

/** Serialises in the file's own indentation, ending with a newline unless the file had none. */
export function stringifyJsonConfig(value: JsonObject, existing: string | null): string {
  const text = JSON.stringify(value, null, detectIndent(existing));
  const finalNewline = existing === null || existing.trim() === "" || existing.endsWith("\n");
  return finalNewline ? `${text}\n` : text;
}

/**
 * The object at `path` inside `root`, created when missing. An existing value that is not an object is not
 * overwritten: that would lose a setting of the user's, so the merge is refused.
 */
export function objectAt(root: JsonObject, path: readonly string[], fileLabel: string): JsonObject {
  let current = root;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    const next = current[key];
    if (next === undefined) {
      const created: JsonObject = {};
      current[key] = created;
      current = created;
    } else if (isPlainObject(next)) {
      current = next;
    } else {
      throw new ConfigMergeError(`In ${fileLabel}, "${path.slice(0, i + 1).join(".")}" is not an object; OmniRoute will not overwrite it. Edit it by hand.`);
    }
  }
  return current;
}
