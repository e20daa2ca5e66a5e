/**
 * Every way an upstream says "come back later", turned into one absolute time (ms since the epoch).
 * Pure: the caller hands in the clock.
 *
 * Sources, strongest first — the first that yields a usable time wins, and within a source the earliest does:
 *   1. `Retry-After` (seconds or an HTTP date) and `retry-after-ms`: the upstream's own instruction.
 *   2. Structured body fields: Gemini `RetryInfo.retryDelay` ("34.4s" or `{seconds,nanos}`), Codex `resets_at` /
 *      `resets_in_seconds`, `retry_after`, `resetTime`, …
 *   3. Text: "try again in 20s", "Please retry in 34.4s.", "reset after 2m", "usage limit reached|<epoch>".
 *   4. Rate-limit window headers: OpenAI `x-ratelimit-reset-{requests,tokens}` (Go durations like "6m0s"),
 *      Anthropic `anthropic-ratelimit-*-reset` (RFC 3339, or epoch seconds for the `unified` subscription
 *      windows), IETF `ratelimit-reset`. When a window says it is spent (`remaining: 0`, `status: rejected`) only
 *      spent windows count, and the latest of them wins (every spent window must reset before a call can pass);
 *      otherwise the earliest reset.
 * Times not in the future are ignored (a past date is clock skew, "0s" means now); anything further than
 * `maxDelayMs` (default 24 h) is clamped to it.
 */

export const DEFAULT_MAX_RETRY_DELAY_MS = 24 * 60 * 60 * 1000;

export interface RetryHints {
  /** Response headers; names in any case. */
  headers?: Record<string, string>;
  /** Raw response body text. */
  body?: string;
  /** The body already parsed (saves a second JSON.parse when the caller has it). */
  json?: unknown;
  /** Decoded error messages (e.g. `IRError.message`, where the Gemini decoder writes "Please retry in 34.4s."). */
  messages?: readonly string[];
}

/** Bodies larger than this are not parsed or scanned: error bodies are small, a huge one is not an error object. */
const MAX_BODY_SCAN = 64 * 1024;

export function retryAtFromHints(hints: RetryHints, now: () => number = Date.now, maxDelayMs = DEFAULT_MAX_RETRY_DELAY_MS): number | null {
  const at = now();
  const limit = at + maxDelayMs;
  const clamp = (time: number | null): number | null => (time === null ? null : Math.min(time, limit));
  const headers = hints.headers ? lowerCaseKeys(hints.headers) : undefined;

  if (headers) {
    const explicit = earliest(at, [retryAfterHeader(headers["retry-after"], at), retryAfterMsHeader(headers["retry-after-ms"], at)]);
    if (explicit !== null) return clamp(explicit);
  }

  const body = hints.body !== undefined && hints.body.length <= MAX_BODY_SCAN ? hints.body : undefined;
  let json = hints.json;
  if (json === undefined && body !== undefined) json = parseJson(body);
  if (json !== undefined) {
    const found: (number | null)[] = [];
    collectBodyHints(json, at, found, 0);
    const structured = earliest(at, found);
    if (structured !== null) return clamp(structured);
  }

  const texts = [...(hints.messages ?? []), ...(body !== undefined ? [body] : [])];
  const fromText = earliest(
    at,
    texts.map((text) => retryAtFromText(text, at)),
  );
  if (fromText !== null) return clamp(fromText);

  if (headers) return clamp(windowReset(headers, at));
  return null;
}

/** `Retry-After`: delta seconds (decimals tolerated) or an HTTP date. */
export function retryAfterHeader(value: string | undefined, at: number): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (!text) return null;
  if (/^\d+(?:\.\d+)?$/.test(text)) return at + Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isFinite(date) ? date : null;
}

function retryAfterMsHeader(value: string | undefined, at: number): number | null {
  if (value === undefined || !/^\s*\d+(?:\.\d+)?\s*$/.test(value)) return null;
  return at + Number(value);
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  ms: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
};

// Longest spellings first, so "ms" is not read as "m" + "s" and "mins" not as "m".
const UNIT = "(?:milliseconds?|ms|ns|us|µs|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d)(?![a-zµ])";
const PART = `(\\d+(?:\\.\\d+)?)\\s*(${UNIT})`;
/** One or more number+unit parts: "6m0s", "1h 30m", "2 minutes and 5 seconds", "34.4s". */
const DURATION = `\\d+(?:\\.\\d+)?\\s*${UNIT}(?:\\s*(?:,|and)?\\s*\\d+(?:\\.\\d+)?\\s*${UNIT})*`;
const PART_RE = new RegExp(PART, "gi");
const WHOLE_DURATION_RE = new RegExp(`^\\s*${DURATION}\\s*$`, "i");

/**
 * A duration in ms: Go style ("6m0s", "2ms", "0.5s", "1h2m3.5s"), protobuf JSON ("34.4s") or words
 * ("2 minutes"). Null when the text is not only a duration.
 */
export function parseDuration(text: string): number | null {
  if (!WHOLE_DURATION_RE.test(text)) return null;
  let total = 0;
  for (const match of text.matchAll(PART_RE)) total += Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]!;
  return Number.isFinite(total) ? total : null;
}

/**
 * A reset value of unknown style: epoch ms (13 digits), epoch seconds (10 digits), delta seconds (small
 * numbers), a duration ("6m0s") or a date (RFC 3339 / HTTP date).
 */
export function parseResetValue(value: string | number, at: number): number | null {
  if (typeof value === "number") return fromNumber(value, at);
  const text = value.trim();
  if (!text) return null;
  if (/^\d+(?:\.\d+)?$/.test(text)) return fromNumber(Number(text), at);
  const duration = parseDuration(text);
  if (duration !== null) return at + duration;
  const date = Date.parse(text);
  return Number.isFinite(date) ? date : null;
}

function fromNumber(value: number, at: number): number | null {
  if (!Number.isFinite(value) || value < 0) return null;
  if (value >= 1e12) return value; // epoch milliseconds
  if (value >= 1e9) return value * 1000; // epoch seconds
  return at + value * 1000; // delta seconds
}

const TEXT_PATTERNS: { re: RegExp; read: (match: RegExpExecArray, at: number) => number | null }[] = [
  // "try again in 20s", "Please retry in 34.4s.", "retry after 2 minutes", "reset after 2m", "wait 5 seconds"
  {
    re: new RegExp(`\\b(?:(?:try(?:ing)? again|retry(?:ing)?|resets?|available again)\\s+(?:in|after)|wait(?:\\s+for)?)\\s+(${DURATION})`, "gi"),
    read: (match, at) => {
      const duration = parseDuration(match[1]!);
      return duration === null ? null : at + duration;
    },
  },
  // "resets at 2025-06-01T12:00:00Z", "try again after 2025-06-01 12:00:00 UTC"
  {
    re: /\b(?:try again|retry|resets?)\s+(?:at|after)\s+(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}| ?UTC)?)/gi,
    read: (match) => {
      const text = match[1]!.replace(/ ?UTC$/i, "Z").replace(" ", "T");
      const date = Date.parse(text);
      return Number.isFinite(date) ? date : null;
    },
  },
  // Claude subscription: "Claude AI usage limit reached|1760000000"
  { re: /limit reached\|(\d{10,13})\b/gi, read: (match, at) => fromNumber(Number(match[1]), at) },
];

export function retryAtFromText(text: string, at: number): number | null {
  if (text.length > MAX_BODY_SCAN) return null;
  const found: (number | null)[] = [];
  for (const { re, read } of TEXT_PATTERNS) {
    re.lastIndex = 0;
    for (let match = re.exec(text); match !== null; match = re.exec(text)) found.push(read(match, at));
  }
  return earliest(at, found);
}

/** Body keys that carry a reset, and how to read each. */
const BODY_KEYS: Record<string, (value: unknown, at: number) => number | null> = {
  retryDelay: (value, at) => protoDuration(value, at),
  retry_delay: (value, at) => protoDuration(value, at),
  retry_after: (value, at) => secondsOrText(value, at),
  retryAfter: (value, at) => secondsOrText(value, at),
  retry_after_seconds: (value, at) => secondsOrText(value, at),
  retry_after_ms: (value, at) => (typeof value === "number" && value >= 0 ? at + value : null),
  resets_in_seconds: (value, at) => secondsOrText(value, at),
  reset_in_seconds: (value, at) => secondsOrText(value, at),
  resets_at: (value, at) => resetValue(value, at),
  reset_at: (value, at) => resetValue(value, at),
  resetTime: (value, at) => resetValue(value, at),
  reset_time: (value, at) => resetValue(value, at),
};

const MAX_DEPTH = 6;

function collectBodyHints(node: unknown, at: number, found: (number | null)[], depth: number): void {
  if (depth > MAX_DEPTH || node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    for (const item of node.slice(0, 32)) collectBodyHints(item, at, found, depth + 1);
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    const read = Object.hasOwn(BODY_KEYS, key) ? BODY_KEYS[key] : undefined;
    if (read) found.push(read(value, at));
    else if (value !== null && typeof value === "object") collectBodyHints(value, at, found, depth + 1);
  }
}

/** protobuf Duration in JSON: "34.4s", or `{seconds, nanos}` as some SDKs serialise it. */
function protoDuration(value: unknown, at: number): number | null {
  if (typeof value === "string") {
    const duration = parseDuration(value);
    return duration === null ? null : at + duration;
  }
  if (value !== null && typeof value === "object") {
    const { seconds, nanos } = value as { seconds?: unknown; nanos?: unknown };
    const s = typeof seconds === "number" ? seconds : typeof seconds === "string" ? Number(seconds) : 0;
    const n = typeof nanos === "number" ? nanos : 0;
    const ms = s * 1000 + n / 1e6;
    return Number.isFinite(ms) && ms > 0 ? at + ms : null;
  }
  return null;
}

/** Delta seconds as a number or numeric string, or a duration text. */
function secondsOrText(value: unknown, at: number): number | null {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? at + value * 1000 : null;
  if (typeof value !== "string") return null;
  if (/^\s*\d+(?:\.\d+)?\s*$/.test(value)) return at + Number(value) * 1000;
  const duration = parseDuration(value);
  return duration === null ? null : at + duration;
}

function resetValue(value: unknown, at: number): number | null {
  return typeof value === "number" || typeof value === "string" ? parseResetValue(value, at) : null;
}

interface RateWindow {
  reset: number | null;
  spent: boolean;
}

const OPENAI_WINDOW = /^x-ratelimit-(reset|remaining)(?:-(.+))?$/;
const ANTHROPIC_WINDOW = /^anthropic-ratelimit-(.+)-(reset|remaining|status)$/;
const IETF_WINDOW = /^ratelimit-(reset|remaining)$/;

/** The reset of the rate-limit windows named in the headers (see the file comment for which one counts). */
export function windowReset(headers: Record<string, string>, at: number): number | null {
  const windows = new Map<string, RateWindow>();
  const window = (name: string): RateWindow => {
    let entry = windows.get(name);
    if (!entry) windows.set(name, (entry = { reset: null, spent: false }));
    return entry;
  };
  for (const [name, value] of Object.entries(headers)) {
    let id: string;
    let field: string;
    const openai = OPENAI_WINDOW.exec(name);
    const anthropic = openai ? null : ANTHROPIC_WINDOW.exec(name);
    const ietf = openai || anthropic ? null : IETF_WINDOW.exec(name);
    if (openai) [id, field] = [`openai:${openai[2] ?? ""}`, openai[1]!];
    else if (anthropic) [id, field] = [`anthropic:${anthropic[1]}`, anthropic[2]!];
    else if (ietf) [id, field] = ["ietf", ietf[1]!];
    else continue;
    if (field === "reset") window(id).reset = parseResetValue(value, at);
    else if (field === "remaining") window(id).spent ||= /^\s*0+(?:\.0+)?\s*$/.test(value);
    else window(id).spent ||= value.trim().toLowerCase() === "rejected";
  }
  const all = [...windows.values()];
  const spent = all.filter((w) => w.spent && w.reset !== null && w.reset > at);
  if (spent.length > 0) return Math.max(...spent.map((w) => w.reset!));
  return earliest(
    at,
    all.map((w) => w.reset),
  );
}

function earliest(at: number, times: readonly (number | null)[]): number | null {
  let best: number | null = null;
  for (const time of times) {
    if (time === null || !Number.isFinite(time) || time <= at) continue;
    if (best === null || time < best) best = time;
  }
  return best;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

function parseJson(text: string): unknown {
  const trimmed = text.trimStart();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return undefined;
  try {
    return JSON.parse(trimmed);
  } catch {
    return undefined;
  }
}
