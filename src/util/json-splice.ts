/**
 * Replaces the value of a top-level string field in raw JSON text without re-serialising the document,
 * so the rest of the body reaches the upstream byte for byte (key order, numbers, unicode escapes, cache prefixes).
 *
 * Safe because the caller has already parsed `raw` and knows the field holds `oldValue`: we look for the literal
 * `"key"<ws>:<ws>"<oldValue as JSON>"`. Inside a JSON string every `"` is escaped, so a match can only be a real
 * key/value pair; if there is exactly one such pair it must be the top-level one. Otherwise returns null and the
 * caller falls back to re-serialising.
 */
export function replaceTopLevelStringField(raw: string, key: string, oldValue: string, newValue: string): string | null {
  const needleKey = `"${key}"`;
  const encodedOld = JSON.stringify(oldValue);
  let found = -1;
  let foundEnd = -1;
  let from = 0;
  for (;;) {
    const at = raw.indexOf(needleKey, from);
    if (at === -1) break;
    from = at + needleKey.length;
    let i = from;
    while (isJsonSpace(raw.charCodeAt(i))) i++;
    if (raw.charCodeAt(i) !== 58 /* : */) continue;
    i++;
    while (isJsonSpace(raw.charCodeAt(i))) i++;
    if (!raw.startsWith(encodedOld, i)) continue;
    if (found !== -1) return null;
    found = i;
    foundEnd = i + encodedOld.length;
  }
  if (found === -1) return null;
  return raw.slice(0, found) + JSON.stringify(newValue) + raw.slice(foundEnd);
}

function isJsonSpace(code: number): boolean {
  return code === 32 || code === 10 || code === 13 || code === 9;
}
