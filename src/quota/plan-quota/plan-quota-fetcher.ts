import { createNoRedirectFetch, originOf, type NoRedirectFetch } from "../../upstream/no-redirect-fetch";
import type { ReportedLimit } from "../provider-limits";

/**
 * Quota fetchers for the coding plans sold as API keys (Kimi Coding, GLM Coding Plan, MiniMax Coding Plan). They
 * are not OAuth accounts, so token-manager.ts does not poll them; plan-quota-poller.ts does, with these modules.
 */

export const PLAN_QUOTA_TIMEOUT_MS = 15_000;

/** fetch for quota calls: redirects never followed, a deadline on every call (see createPlanQuotaFetch). */
export type PlanQuotaFetch = NoRedirectFetch;

export interface PlanQuotaContext {
  fetch: PlanQuotaFetch;
  now(): number;
}

/** What a fetcher needs of a connection: its key and its effective base URL (catalog default or the override). */
export interface PlanQuotaConnection {
  apiKey: string;
  baseUrl: string;
}

export interface PlanQuotaEndpoints {
  /**
   * Path of the usage endpoint on the base URL's origin. The URL is derived from the connection's base URL and never
   * from a request: the key only ever goes to the host that already receives it with every chat request (the
   * catalog's host, or the operator's override — which is also how tests point a connection at a loopback mock).
   */
  usagePath: string;
}

export interface PlanQuotaFetcher {
  providerId: string;
  endpoints: PlanQuotaEndpoints;
  /** The plan's windows now. Throws PlanQuotaError (no secret in the message) when they cannot be read. */
  read(ctx: PlanQuotaContext, connection: PlanQuotaConnection): Promise<ReportedLimit[]>;
}

/** A quota fetch failed; the message names the endpoint's origin and the status only (never the key or the body). */
export class PlanQuotaError extends Error {
  override name = "PlanQuotaError";
}

/** The usage endpoint for a connection: `usagePath` on its base URL's origin. */
export function usageUrl(endpoints: PlanQuotaEndpoints, baseUrl: string): string {
  let origin: string;
  try {
    origin = new URL(baseUrl).origin;
  } catch {
    throw new PlanQuotaError("the connection's base URL is not a valid URL");
  }
  if (!origin.startsWith("http")) throw new PlanQuotaError("the connection's base URL is not an http(s) URL");
  return `${origin}${endpoints.usagePath}`;
}

/** `redirect: "manual"` (a 3xx could carry the key to another host) and a deadline, like every background call. */
export function createPlanQuotaFetch(options: { timeoutMs?: number; fetch?: typeof fetch } = {}): PlanQuotaFetch {
  return createNoRedirectFetch({
    what: "quota call",
    error: (message) => new PlanQuotaError(message),
    timeoutMs: options.timeoutMs ?? PLAN_QUOTA_TIMEOUT_MS,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/** GET the usage endpoint with the given auth headers; a non-2xx or non-JSON answer is a PlanQuotaError. */
export async function getUsageJson(ctx: PlanQuotaContext, url: string, headers: Record<string, string>): Promise<unknown> {
  const response = await ctx.fetch(url, { method: "GET", headers: { accept: "application/json", ...headers } });
  const text = await response.text().catch(() => "");
  if (!response.ok) throw new PlanQuotaError(`quota call to ${originOf(url)} answered HTTP ${response.status}`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PlanQuotaError(`quota call to ${originOf(url)}: HTTP ${response.status} with a body that is not JSON`);
  }
}

// Defensive readers: the answers are undocumented and have changed shape before (numbers as strings, fields added).

export function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** A finite number from a number or a numeric string; null otherwise. */
export function num(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/** An instant from epoch ms, epoch seconds (< 1e12) or an ISO date string; null when unreadable. */
export function instant(value: unknown): number | null {
  const n = num(value);
  if (n !== null) return n <= 0 ? null : n < 1e12 ? n * 1000 : n;
  if (typeof value === "string") {
    const parsed = Date.parse(value);
    return Number.isFinite(parsed) ? parsed : null;
  }
  return null;
}

/** A window length as a short label: 300 minutes → `5h`, 7 days → `7d`. */
export function durationLabel(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}
