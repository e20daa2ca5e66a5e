import { reportedWindow, type ReportedLimit } from "../provider-limits";
import { asRecord, durationLabel, getUsageJson, instant, num, PlanQuotaError, usageUrl, type PlanQuotaFetcher } from "./plan-quota-fetcher";

/**
 * Kimi Coding Plan: `GET /coding/v1/usages` on the chat host (api.kimi.com), `Authorization: Bearer <key>` (the
 * chat endpoint takes `x-api-key`; the usage endpoint is read with a Bearer token by Kimi's own CLI). Answer, with
 * counts as strings:
 *   { usage: {limit, used, remaining, resetTime},                     ← the weekly allowance
 *     limits: [{ window: {duration: 300, timeUnit: "TIME_UNIT_MINUTE"},
 *                detail: {limit, used, remaining, resetTime} }] }     ← the rolling 5-hour window
 * `used` or `remaining` is sometimes missing (derived from the other); the web console's variant nests the same
 * under `usages: [{scope: "FEATURE_CODING", detail, limits}]`, read as a fallback.
 */

const UNIT_MINUTES: Record<string, number> = { TIME_UNIT_SECOND: 1 / 60, TIME_UNIT_MINUTE: 1, TIME_UNIT_HOUR: 60, TIME_UNIT_DAY: 1440 };

function detailWindow(name: string, detail: Record<string, unknown>, now: number): ReportedLimit | null {
  const limit = num(detail.limit);
  const used = num(detail.used);
  let remaining = num(detail.remaining);
  if (remaining === null && limit !== null && used !== null) remaining = limit - used;
  const utilization = limit !== null && limit > 0 && remaining !== null ? (limit - Math.max(0, remaining)) / limit : null;
  return reportedWindow(name, { limit, remaining, utilization, resetAt: instant(detail.resetTime ?? detail.reset_time) }, now);
}

export function parseKimiUsages(json: unknown, now: number): ReportedLimit[] {
  let root = asRecord(json);
  if (!root) throw new PlanQuotaError("Kimi usages: the answer is not a JSON object");
  if (root.usage === undefined && root.limits === undefined && Array.isArray(root.usages)) {
    const entries = root.usages.map(asRecord).filter((e): e is Record<string, unknown> => e !== null);
    const coding = entries.find((e) => e.scope === "FEATURE_CODING") ?? entries[0];
    root = coding ? { usage: coding.detail, limits: coding.limits } : {};
  }
  const out: ReportedLimit[] = [];
  const seen = new Set<string>();
  for (const raw of Array.isArray(root.limits) ? root.limits : []) {
    const entry = asRecord(raw);
    const detail = asRecord(entry?.detail);
    if (!entry || !detail) continue;
    const window = asRecord(entry.window);
    const duration = num(window?.duration);
    const perUnit = typeof window?.timeUnit === "string" ? UNIT_MINUTES[window.timeUnit] : undefined;
    let name = duration !== null && perUnit !== undefined ? `kimi-${durationLabel(Math.round(duration * perUnit))}` : "kimi-window";
    while (seen.has(name)) name += "'";
    seen.add(name);
    const limit = detailWindow(name, detail, now);
    if (limit) out.push(limit);
  }
  const usage = asRecord(root.usage);
  const weekly = usage ? detailWindow("kimi-weekly", usage, now) : null;
  if (weekly) out.push(weekly);
  return out;
}

export const kimiCodingQuota: PlanQuotaFetcher = {
  providerId: "kimi-coding",
  endpoints: { usagePath: "/coding/v1/usages" },
  async read(ctx, connection) {
    const json = await getUsageJson(ctx, usageUrl(this.endpoints, connection.baseUrl), { authorization: `Bearer ${connection.apiKey}` });
    return parseKimiUsages(json, ctx.now());
  },
};
