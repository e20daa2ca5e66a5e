/**
 * Sets variables in a dotenv file (`KEY=value` lines), keeping every other line — comments included — as it is.
 * An existing assignment is rewritten in place (all of them, if the key is repeated); a new one is appended.
 */

function dotenvValue(value: string): string {
  return /^[A-Za-z0-9_./:@+-]*$/.test(value) ? value : JSON.stringify(value);
}

export function setDotenvValues(existing: string | null, values: Record<string, string>): string {
  const source = existing ?? "";
  const eol = source.includes("\r\n") ? "\r\n" : "\n";
  const lines = source === "" ? [] : source.split(/\r?\n/);
  const hadFinalNewline = lines.length > 0 && lines[lines.length - 1] === "";
  if (hadFinalNewline) lines.pop();
  const seen = new Set<string>();
  const edited = lines.map((line) => {
    const match = /^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.-]*)(\s*=)/.exec(line);
    if (!match || !(match[2]! in values)) return line;
    seen.add(match[2]!);
    return `${match[1]}${match[2]}=${dotenvValue(values[match[2]!]!)}`;
  });
  for (const [key, value] of Object.entries(values)) if (!seen.has(key)) edited.push(`${key}=${dotenvValue(value)}`);
  return edited.join(eol) + eol;
}
