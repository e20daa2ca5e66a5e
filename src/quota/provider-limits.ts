import { parseResetValue, retryAfterHeader, retryAtFromHints } from "../routing/retry-after";

/** One rate-limit window as the provider reported it in its answer's headers. */
export interface ReportedLimit {
  /** `requests`, `tokens`, `input-tokens`, `unified-5h`, … (`default` for un-suffixed `x-ratelimit-*`). */
  name: string;
  limit: number | null;
  remaining: number | null;
  /** Share used, 0..1 (Anthropic subscription windows report this instead of counts). */
  utilization: number | null;
  resetAt: number | null;
  /** Nothing left until `resetAt`: remaining 0, status `rejected`, or utilization ≥ 1. */
  spent: boolean;
  /**
   * The upstream model id this limit is for, when the provider meters each model on its own (Antigravity): a spent
   * one closes the account for that model only, and it does not count towards the account's headroom.
   */
  model?: string;
}

/**
 * One window as a provider's quota read gives it, normalised: spent when nothing is left (remaining ≤ 0 or
 * utilization ≥ 1); a reset already past dropped (it says nothing: the window is full again); null when neither a
 * count nor a share is known. `model` scopes it to one upstream model.
 */
export function reportedWindow(
  name: string,
  fields: { limit?: number | null; remaining?: number | null; utilization?: number | null; resetAt?: number | null; model?: string },
  now: number,
): ReportedLimit | null {
  const limit = fields.limit ?? null;
  const remaining = fields.remaining !== null && fields.remaining !== undefined ? Math.max(0, fields.remaining) : null;
  const utilization = fields.utilization !== null && fields.utilization !== undefined ? Math.max(0, fields.utilization) : null;
  const resetAt = fields.resetAt !== null && fields.resetAt !== undefined && fields.resetAt > now ? fields.resetAt : null;
  if (limit === null && remaining === null && utilization === null) return null;
  const spent = (remaining !== null && remaining <= 0 && (limit === null || limit > 0)) || (utilization !== null && utilization >= 1);
  return { name, limit, remaining, utilization, resetAt, spent, ...(fields.model !== undefined ? { model: fields.model } : {}) };
}

/** What one finished request told us about the account's limits. */
export interface ProviderReport {
  at: number;
  limits: ReportedLimit[];
  /** A 429's "come back at" (Retry-After, or a reset time in the error text), when there was one. */
  retryAt: number | null;
}

// OpenAI style: x-ratelimit-limit-requests, x-ratelimit-remaining-tokens, x-ratelimit-reset-requests ("6m0s").
const OPENAI = /^x-ratelimit-(limit|remaining|reset)(?:-(.+))?$/;
// Anthropic: anthropic-ratelimit-requests-remaining, anthropic-ratelimit-unified-5h-utilization, …-reset (RFC 3339 or epoch s).
const ANTHROPIC = /^anthropic-ratelimit-(.+)-(limit|remaining|reset|status|utilization)$/;
// Codex (chatgpt.com/backend-api/codex): x-codex-primary-used-percent (0..100), x-codex-secondary-reset-at (epoch s),
// …-reset-after-seconds. Primary is the five-hour window, secondary the weekly one (the wham/usage names).
const CODEX = /^x-codex-(primary|secondary)-(used-percent|reset-at|reset-after-seconds)$/;

/**
 * The rate-limit windows named in an answer's headers (`x-ratelimit-*`, `anthropic-ratelimit-*`). Reset values of
 * every style are read by routing/retry-after.ts (durations like `6m0s`/`1.5s`, RFC 3339, epoch seconds).
 * Windows whose reset is already past are dropped: a `0s` reset says the window is full again.
 */
export function readReportedLimits(headers: Readonly<Record<string, string>>, at: number): ReportedLimit[] {
  const windows = new Map<string, ReportedLimit>();
  const window = (name: string): ReportedLimit => {
    let entry = windows.get(name);
    if (!entry) windows.set(name, (entry = { name, limit: null, remaining: null, utilization: null, resetAt: null, spent: false }));
    return entry;
  };
  for (const [rawName, value] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    let id: string;
    let field: string;
    const openai = OPENAI.exec(name);
    if (openai) [id, field] = [openai[2] ?? "default", openai[1]!];
    else if (name.startsWith("x-codex-")) {
      const codex = CODEX.exec(name);
      if (!codex) continue;
      id = codex[1] === "primary" ? "codex-5h" : "codex-7d";
      field = codex[2] === "used-percent" ? "used-percent" : "reset";
    } else {
      const anthropic = ANTHROPIC.exec(name);
      if (!anthropic) continue;
      [id, field] = [anthropic[1]!, anthropic[2]!];
    }
    const entry = window(id);
    if (field === "reset") entry.resetAt = parseResetValue(value, at);
    else if (field === "status") entry.spent ||= value.trim().toLowerCase() === "rejected";
    else {
      const number = Number(value.trim());
      if (value.trim() === "" || !Number.isFinite(number) || number < 0) continue;
      if (field === "limit") entry.limit = number;
      else if (field === "remaining") entry.remaining = number;
      // Always a percentage: 1 means 1 %, not the whole window.
      else if (field === "used-percent") entry.utilization = number / 100;
      // Reported as a fraction (0.42); a percentage (42) is normalised.
      else entry.utilization = number > 1.5 ? number / 100 : number;
    }
  }
  const out: ReportedLimit[] = [];
  for (const entry of windows.values()) {
    if (entry.remaining !== null && entry.remaining <= 0) entry.spent = true;
    if (entry.utilization !== null && entry.utilization >= 1) entry.spent = true;
    if (entry.resetAt !== null && entry.resetAt <= at) entry.resetAt = null;
    // A window with nothing but a status (Anthropic's overall `unified-status: allowed`) tells us nothing to show.
    if (entry.limit === null && entry.remaining === null && entry.utilization === null && entry.resetAt === null && !entry.spent) continue;
    out.push(entry);
  }
  return out;
}

/**
 * A report from a finished request: its limits, and for a 429 when to come back (the `Retry-After` header, or a
 * reset time written in the error message, e.g. "try again in 20s" / "usage limit reached|<epoch>").
 * Null when the answer said nothing about limits.
 */
export function providerReport(
  headers: Readonly<Record<string, string>> | null,
  status: number,
  errorText: string | null,
  at: number,
): ProviderReport | null {
  const limits = headers ? readReportedLimits(headers, at) : [];
  let retryAt: number | null = null;
  if (status === 429) {
    const explicit = headers ? retryAfterHeader(headers["retry-after"] ?? headers["Retry-After"], at) : null;
    retryAt =
      explicit !== null && explicit > at
        ? explicit
        : retryAtFromHints({ ...(headers ? { headers: { ...headers } } : {}), ...(errorText ? { messages: [errorText] } : {}) }, () => at);
  }
  if (limits.length === 0 && retryAt === null) return null;
  return { at, limits, retryAt };
}

/**
 * When the report keeps the account closed: the latest reset of its spent account-wide windows, or its retry time;
 * null = open. Per-model limits close only their model (reportedModelClosures).
 */
export function reportedClosure(report: ProviderReport, now: number): number | null {
  let until: number | null = null;
  for (const limit of report.limits) {
    if (limit.model === undefined && limit.spent && limit.resetAt !== null && limit.resetAt > now) until = Math.max(until ?? 0, limit.resetAt);
  }
  if (report.retryAt !== null && report.retryAt > now) until = Math.max(until ?? 0, report.retryAt);
  return until;
}

/** The upstream models the report closes on their own (spent per-model limits) and until when; null when none. */
export function reportedModelClosures(report: ProviderReport, now: number): Map<string, number> | null {
  let closed: Map<string, number> | null = null;
  for (const limit of report.limits) {
    if (limit.model === undefined || !limit.spent || limit.resetAt === null || limit.resetAt <= now) continue;
    closed ??= new Map();
    closed.set(limit.model, Math.max(closed.get(limit.model) ?? 0, limit.resetAt));
  }
  return closed;
}

/** The scarcest reported window still running: its free share (0..1) and reset. Null when nothing usable is known. */
export function reportedHeadroom(report: ProviderReport, now: number): { headroom: number; resetAt: number } | null {
  let best: { headroom: number; resetAt: number } | null = null;
  for (const limit of report.limits) {
    if (limit.resetAt === null || limit.resetAt <= now || limit.model !== undefined) continue;
    const headroom = limit.spent
      ? 0
      : limit.limit !== null && limit.limit > 0 && limit.remaining !== null
        ? limit.remaining / limit.limit
        : limit.utilization !== null
          ? 1 - limit.utilization
          : null;
    if (headroom === null) continue;
    if (!best || headroom < best.headroom || (headroom === best.headroom && limit.resetAt < best.resetAt)) best = { headroom: Math.max(0, headroom), resetAt: limit.resetAt };
  }
  return best;
}
