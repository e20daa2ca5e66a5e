/**
 * Reads token counts out of raw response text without parsing it: byte pass-through keeps only the first and
 * last few KB of a body, and the usage object sits at a known end. Finds the last `"<anchor>": {` and collects
 * the named integer fields in the object text that follows (nested detail objects included).
 */
export function scanUsageObject(text: string, anchor: string, fields: readonly string[], windowChars = 1500): Record<string, number> | null {
  const key = `"${anchor}"`;
  let at = text.lastIndexOf(key);
  while (at !== -1) {
    let cursor = at + key.length;
    while (cursor < text.length && (text[cursor] === " " || text[cursor] === ":" || text[cursor] === "\n" || text[cursor] === "\r" || text[cursor] === "\t")) cursor++;
    if (text[cursor] === "{") {
      const window = text.slice(cursor, cursor + windowChars);
      const found: Record<string, number> = {};
      let any = false;
      for (const field of fields) {
        const match = new RegExp(`"${field}"\\s*:\\s*(\\d+)`).exec(window);
        if (match) {
          found[field] = Number(match[1]);
          any = true;
        }
      }
      if (any) return found;
    }
    at = text.lastIndexOf(key, at - 1);
  }
  return null;
}

/** Concatenates retained body chunks into text. */
export function chunksToText(chunks: readonly Uint8Array[]): string {
  if (chunks.length === 0) return "";
  if (chunks.length === 1) return new TextDecoder().decode(chunks[0]);
  return new TextDecoder().decode(Buffer.concat(chunks));
}
