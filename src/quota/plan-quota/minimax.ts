import { reportedWindow, type ReportedLimit } from "../provider-limits";
import { asRecord, getUsageJson, instant, num, PlanQuotaError, usageUrl, type PlanQuotaFetcher } from "./plan-quota-fetcher";

/**
 * MiniMax Coding Plan: `GET /v1/api/openplatform/coding_plan/remains` on the chat host (api.minimax.io;
 * api.minimaxi.com in China), `Authorization: Bearer <key>`. Answer:
 *   { base_resp: {status_code: 0, status_msg}, model_remains: [
 *       { model_name: "MiniMax-M*" | "general" | …, start_time, end_time (epoch ms), remains_time (ms left),
 *         current_interval_total_count, current_interval_usage_count,
 *         current_weekly_total_count?, current_weekly_usage_count?, weekly_end_time?,
 *         current_interval_remaining_percent?, current_weekly_remaining_percent? } ] }
 * Despite its name `current_interval_usage_count` is the number of prompts LEFT (MiniMax-AI/MiniMax-M2#99); newer
 * answers carry zero counts and the remaining percentages instead, which win when present. A non-zero
 * `status_code` (1004: no plan on this key — e.g. a pay-as-you-go key) is an error: no limits.
 * Only the text-model entry is read (speech/video/image entries have their own allowances).
 */

function pickTextModel(entries: Record<string, unknown>[]): Record<string, unknown> | undefined {
  const named = (test: (name: string) => boolean) => entries.find((e) => typeof e.model_name === "string" && test(e.model_name.toLowerCase()));
  return named((n) => n === "general") ?? named((n) => n.startsWith("minimax-m")) ?? entries.find((e) => (num(e.current_interval_total_count) ?? 0) > 0);
}

function window(name: string, entry: Record<string, unknown>, keys: { total: string; left: string; percent: string; end: string }, now: number, fallbackReset: number | null): ReportedLimit | null {
  const resetAt = instant(entry[keys.end]) ?? fallbackReset;
  const percentLeft = num(entry[keys.percent]);
  const total = num(entry[keys.total]);
  const left = num(entry[keys.left]);
  const counts = total !== null && total > 0 && left !== null;
  if (percentLeft !== null && !counts) return reportedWindow(name, { utilization: 1 - percentLeft / 100, resetAt }, now);
  if (!counts) return null;
  const remaining = Math.min(left, total);
  return reportedWindow(name, { limit: total, remaining, utilization: (total - remaining) / total, resetAt }, now);
}

export function parseMiniMaxRemains(json: unknown, now: number): ReportedLimit[] {
  const root = asRecord(json);
  if (!root) throw new PlanQuotaError("MiniMax remains: the answer is not a JSON object");
  const status = num(asRecord(root.base_resp)?.status_code);
  if (status !== null && status !== 0) throw new PlanQuotaError(`MiniMax remains: status_code ${status}${status === 1004 ? " (no coding plan on this key)" : ""}`);
  const entries = (Array.isArray(root.model_remains) ? root.model_remains : []).map(asRecord).filter((e): e is Record<string, unknown> => e !== null);
  const entry = pickTextModel(entries);
  if (!entry) return [];
  const remainsMs = num(entry.remains_time);
  const out: ReportedLimit[] = [];
  const interval = window(
    "minimax-5h",
    entry,
    { total: "current_interval_total_count", left: "current_interval_usage_count", percent: "current_interval_remaining_percent", end: "end_time" },
    now,
    remainsMs !== null && remainsMs > 0 ? now + remainsMs : null,
  );
  if (interval) out.push(interval);
  const weekly = window(
    "minimax-weekly",
    entry,
    { total: "current_weekly_total_count", left: "current_weekly_usage_count", percent: "current_weekly_remaining_percent", end: "weekly_end_time" },
    now,
    null,
  );
  if (weekly) out.push(weekly);
  return out;
}

function minimaxFetcher(providerId: string): PlanQuotaFetcher {
  return {
    providerId,
    endpoints: { usagePath: "/v1/api/openplatform/coding_plan/remains" },
    async read(ctx, connection) {
      const json = await getUsageJson(ctx, usageUrl(this.endpoints, connection.baseUrl), { authorization: `Bearer ${connection.apiKey}` });
      return parseMiniMaxRemains(json, ctx.now());
    },
  };
}

/** The same plan and key serve both the OpenAI-format and the Anthropic-format MiniMax connections. */
export const minimaxQuota = minimaxFetcher("minimax");
export const minimaxAnthropicQuota = minimaxFetcher("minimax-anthropic");
