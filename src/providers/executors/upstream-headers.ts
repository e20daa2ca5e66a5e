/** A copy keyed lowercase: the fetch layer joins `anthropic-beta` and `Anthropic-Beta` into "a, b", which upstreams reject. */
export function lowercaseHeaders(headers: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) out[name.toLowerCase()] = headers[name]!;
  return out;
}

/** A comma list's items, trimmed, empties dropped. */
export function commaList(value: string | null | undefined): string[] {
  if (!value) return [];
  return value
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

/** `first`'s items in order, then `then`'s that are not there yet: one list, no duplicates. */
export function mergeLists(first: readonly string[], then: readonly string[]): string[] {
  const seen = new Set(first);
  const out = [...seen];
  for (const item of then) {
    if (seen.has(item)) continue;
    seen.add(item);
    out.push(item);
  }
  return out;
}

/**
 * `url` with each query parameter added that it does not carry yet (existing values are the caller's). String
 * checks, no URL parse: the keys and values are validated data (client-profiles.ts) and our URLs have no fragment.
 */
export function withQuery(url: string, query: Readonly<Record<string, string>>): string {
  let out = url;
  for (const key in query) {
    if (out.includes(`?${key}=`) || out.includes(`&${key}=`)) continue;
    out += `${out.includes("?") ? "&" : "?"}${key}=${encodeURIComponent(query[key]!)}`;
  }
  return out;
}
