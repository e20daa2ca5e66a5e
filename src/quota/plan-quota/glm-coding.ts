import { reportedWindow, type ReportedLimit } from "../provider-limits";
import { asRecord, getUsageJson, instant, num, PlanQuotaError, usageUrl, type PlanQuotaFetcher } from "./plan-quota-fetcher";

/**
 * Z.ai GLM Coding Plan: `GET /api/monitor/usage/quota/limit` on the chat host (api.z.ai; open.bigmodel.cn in
 * China), `Authorization: <key>` — the bare key, as Z.ai's own usage tooling sends it (a `Bearer ` prefix is also
 * reported to work). Answer:
 *   { code: 200, success: true, data: { level: "lite", limits: [
 *       { type: "TOKENS_LIMIT", unit: 3, number: 5, percentage: 28, nextResetTime: <epoch ms>,
 *         usage?, currentValue?, remaining? },                    ← tokens per 5 hours (unit 3 = hours, 6 = weeks)
 *       { type: "TIME_LIMIT", unit: 5, number: 1, usage: 100, currentValue: 28, remaining: 72, … } ] } }
 * `percentage` is the share used, 0..100. TIME_LIMIT counts MCP tool calls (web search, reader) per month: it does
 * not stop chat, so it is left out — a spent tool allowance must not close the account for routing. Unit codes
 * other than 3 and 6 are not confirmed; such windows are named by their raw codes.
 */

const UNIT_SUFFIX: Record<number, string> = { 3: "h", 6: "w" };

export function parseGlmQuota(json: unknown, now: number): ReportedLimit[] {
  const root = asRecord(json);
  if (!root) throw new PlanQuotaError("GLM quota: the answer is not a JSON object");
  const code = num(root.code);
  if (root.success === false || (code !== null && code !== 200 && code !== 0)) {
    throw new PlanQuotaError(`GLM quota: the answer reports failure (code ${code ?? "none"})`);
  }
  const data = asRecord(root.data);
  const out: ReportedLimit[] = [];
  const seen = new Set<string>();
  for (const raw of Array.isArray(data?.limits) ? data.limits : []) {
    const entry = asRecord(raw);
    if (!entry || entry.type !== "TOKENS_LIMIT") continue;
    const unit = num(entry.unit);
    const count = num(entry.number);
    const suffix = unit !== null ? UNIT_SUFFIX[unit] : undefined;
    let name = suffix && count !== null ? `glm-tokens-${count}${suffix}` : `glm-tokens-u${unit ?? "?"}x${count ?? "?"}`;
    while (seen.has(name)) name += "'";
    seen.add(name);
    const percentage = num(entry.percentage);
    const limit = num(entry.usage);
    let remaining = num(entry.remaining);
    const current = num(entry.currentValue);
    if (remaining === null && limit !== null && current !== null) remaining = limit - current;
    const window = reportedWindow(name, { limit, remaining, utilization: percentage !== null ? percentage / 100 : null, resetAt: instant(entry.nextResetTime) }, now);
    if (window) out.push(window);
  }
  return out;
}

export const glmCodingQuota: PlanQuotaFetcher = {
  providerId: "glm-coding",
  endpoints: { usagePath: "/api/monitor/usage/quota/limit" },
  async read(ctx, connection) {
    const json = await getUsageJson(ctx, usageUrl(this.endpoints, connection.baseUrl), { authorization: connection.apiKey });
    return parseGlmQuota(json, ctx.now());
  },
};
