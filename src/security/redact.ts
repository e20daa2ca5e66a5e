/**
 * One place that strips credentials from text bound for logs, errors or exports.
 * Known secret values are replaced exactly; common credential shapes are masked as a safety net.
 */
const MASK = "[REDACTED]";

/** [pattern, replacement]: `$1` keeps the label in front of the secret, `$2` (URLs) what follows it. */
const PATTERNS: Array<[RegExp, string]> = [
  [/\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/gi, `$1${MASK}`],
  // Any other scheme in an Authorization header: Basic, Digest, Token, …
  [/\b((?:proxy-)?authorization\\?["']?\s*[:=]\s*\\?["']?[A-Za-z]+\s+)(?!\[REDACTED\])[^"'\\\s,}]{4,}/gi, `$1${MASK}`],
  [/\b(sk-[A-Za-z0-9_-]{2})[A-Za-z0-9_-]{8,}/g, `$1${MASK}`],
  [/\b(omr_)[A-Za-z0-9_-]{8,}/g, `$1${MASK}`],
  [/\b(AIza)[A-Za-z0-9_-]{20,}/g, `$1${MASK}`],
  // Other providers' and hosts' key shapes: Groq, xAI, Hugging Face, GitHub, GitLab.
  [/\b((?:gsk|xai|hf|ghp|gho|ghu|ghs|github_pat|glpat)[_-])[A-Za-z0-9_-]{16,}/g, `$1${MASK}`],
  // A JWT anywhere (OAuth access and id tokens).
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, MASK],
  // label: value / label=value / "label":"value", the label possibly compound (access_token, clientSecret, x-api-key).
  [
    /\b([A-Za-z0-9_-]{0,40}?(?:api[_-]?key|token|secret|password|passwd|passphrase)\\?["']?\s*[:=]\s*\\?["']?)[^"'\\\s,}]{6,}/gi,
    `$1${MASK}`,
  ],
  // Cookie headers: every cookie in them. The dashboard session cookie wherever it appears.
  [/\b((?:set-)?cookie\\?["']?\s*[:=]\s*\\?["']?)(?!\[REDACTED\])[^"'\\\s][^"'\\\r\n]{3,}/gi, `$1${MASK}`],
  [/\b(omniroute_session=)(?!\[REDACTED\])[^;\s"'\\]+/g, `$1${MASK}`],
  // ?key=… (Gemini style) and other credential query parameters.
  [/([?&](?:key|sig|signature)=)(?!\[REDACTED\])[^&\s"'#]{4,}/gi, `$1${MASK}`],
  // Credentials inside a URL: scheme://user:password@host.
  [/\b([a-z][a-z0-9+.-]{0,30}:\/\/[^/\s:@"']+:)[^/\s@"']+(@)/gi, `$1${MASK}$2`],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, MASK],
];

export function redact(text: string, knownSecrets: readonly string[] = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(MASK);
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * Whether a field or header name holds a credential whatever its value looks like: authorization, cookie,
 * x-api-key, apiKey, password, clientSecret, accessToken, privateKey, … Counts such as `maxTokens` are not.
 */
export function isSensitiveKey(name: string): boolean {
  const key = name.toLowerCase().replace(/[-_.\s]/g, "");
  return SENSITIVE_EXACT.has(key) || SENSITIVE_SUFFIXES.some((suffix) => key.endsWith(suffix));
}

const SENSITIVE_EXACT = new Set(["key", "auth", "authorization", "proxyauthorization", "cookie", "setcookie", "session", "sessionid"]);
const SENSITIVE_SUFFIXES = ["apikey", "password", "passwd", "passphrase", "secret", "token", "cookie", "privatekey", "credential", "credentials", "authorization"];

export interface RedactValueOptions {
  knownSecrets?: readonly string[];
  /** Deeper structures are cut to a short description. */
  maxDepth?: number;
  /** Longer strings are cut (after redaction). */
  maxStringLength?: number;
  /** Longer arrays keep their first items. */
  maxArrayLength?: number;
}

/**
 * Any value (log fields, error details) turned into plain JSON with credentials removed: values under a
 * sensitive key are masked outright, every string goes through {@link redact}, errors become
 * `{name, message, stack}`; cycles, depth, long strings and long arrays are bounded.
 */
export function redactValue(value: unknown, options: RedactValueOptions = {}): unknown {
  const ctx = {
    secrets: options.knownSecrets ?? [],
    maxDepth: options.maxDepth ?? 5,
    maxString: options.maxStringLength ?? 4096,
    maxArray: options.maxArrayLength ?? 50,
    seen: new WeakSet<object>(),
  };
  return redactInner(value, 0, ctx);
}

interface RedactContext {
  secrets: readonly string[];
  maxDepth: number;
  maxString: number;
  maxArray: number;
  seen: WeakSet<object>;
}

function redactString(text: string, ctx: RedactContext): string {
  const clean = redact(text, ctx.secrets);
  return clean.length > ctx.maxString ? `${clean.slice(0, ctx.maxString)}… (${clean.length - ctx.maxString} more characters)` : clean;
}

function redactInner(value: unknown, depth: number, ctx: RedactContext): unknown {
  switch (typeof value) {
    case "string":
      return redactString(value, ctx);
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "undefined":
      return null;
    case "function":
    case "symbol":
      return redactString(String(value), ctx);
  }
  if (value === null) return null;
  const object = value as object;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "Invalid Date" : value.toISOString();
  if (ctx.seen.has(object)) return "[circular]";
  if (depth >= ctx.maxDepth) return Array.isArray(value) ? `[array of ${value.length}]` : "[object]";
  ctx.seen.add(object);
  try {
    if (value instanceof Error) {
      const out: Record<string, unknown> = { name: value.name, message: redactString(value.message, ctx) };
      if (value.stack) out.stack = redactString(value.stack, ctx);
      const code = (value as { code?: unknown }).code;
      if (code !== undefined) out.code = redactInner(code, depth + 1, ctx);
      if (value.cause !== undefined) out.cause = redactInner(value.cause, depth + 1, ctx);
      return out;
    }
    if (Array.isArray(value)) {
      const items = value.slice(0, ctx.maxArray).map((item) => redactInner(item, depth + 1, ctx));
      if (value.length > ctx.maxArray) items.push(`… ${value.length - ctx.maxArray} more`);
      return items;
    }
    if (value instanceof Headers) return redactInner(Object.fromEntries(value.entries()), depth, ctx);
    if (value instanceof Map) return redactInner(Object.fromEntries(value.entries()), depth, ctx);
    if (value instanceof Set) return redactInner([...value], depth, ctx);
    if (value instanceof URL) return redactString(value.href, ctx);
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(object)) {
      out[key] = isSensitiveKey(key) && item !== null && typeof item !== "number" && typeof item !== "boolean" ? MASK : redactInner(item, depth + 1, ctx);
    }
    return out;
  } finally {
    ctx.seen.delete(object);
  }
}
