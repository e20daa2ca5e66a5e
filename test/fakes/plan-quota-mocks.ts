/**
 * A mock coding-plan host on a random loopback port: the quota endpoints of Kimi (`/coding/v1/usages`), GLM
 * (`/api/monitor/usage/quota/limit`) and MiniMax (`/v1/api/openplatform/coding_plan/remains`), plus an
 * Anthropic-format `/messages` answer so one mock serves a kimi-coding connection's chat too. Answers are set per
 * test; every call is recorded (path, auth headers).
 */

export interface QuotaCall {
  path: string;
  authorization: string | null;
  xApiKey: string | null;
  redirect: boolean;
}

export interface MockAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export const KIMI_USAGES_PATH = "/coding/v1/usages";
export const GLM_QUOTA_PATH = "/api/monitor/usage/quota/limit";
export const MINIMAX_REMAINS_PATH = "/v1/api/openplatform/coding_plan/remains";

export function startPlanQuotaMock() {
  const calls: QuotaCall[] = [];
  let messages = 0;
  const answers = new Map<string, MockAnswer>();
  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(request) {
      const url = new URL(request.url);
      if (request.method === "POST" && url.pathname.endsWith("/messages")) {
        messages++;
        await request.text();
        return Response.json({
          id: "msg_mock",
          type: "message",
          role: "assistant",
          model: "kimi-k2.7-code",
          content: [{ type: "text", text: "hello from the plan mock" }],
          stop_reason: "end_turn",
          stop_sequence: null,
          usage: { input_tokens: 3, output_tokens: 5 },
        });
      }
      calls.push({ path: url.pathname, authorization: request.headers.get("authorization"), xApiKey: request.headers.get("x-api-key"), redirect: false });
      const answer = answers.get(url.pathname);
      if (!answer) return Response.json({ error: "no answer set" }, { status: 404 });
      return new Response(typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body), {
        status: answer.status,
        headers: { "content-type": "application/json", ...answer.headers },
      });
    },
  });
  return {
    url: `http://127.0.0.1:${server.port}`,
    calls,
    get messages() {
      return messages;
    },
    answer(path: string, answer: MockAnswer) {
      answers.set(path, answer);
    },
    stop() {
      server.stop(true);
    },
  };
}

export type PlanQuotaMock = ReturnType<typeof startPlanQuotaMock>;

const iso = (at: number) => new Date(at).toISOString();

/** Kimi's `/usages` answer (counts as strings, as the real one sends them). */
export function kimiUsagesBody(o: { fiveHour: { limit: number; remaining: number; resetAt: number }; weekly: { limit: number; used: number; resetAt: number } }) {
  return {
    user: { userId: "u1", region: "REGION_OVERSEA", membership: { level: "LEVEL_INTERMEDIATE" } },
    usage: { limit: String(o.weekly.limit), used: String(o.weekly.used), remaining: String(o.weekly.limit - o.weekly.used), resetTime: iso(o.weekly.resetAt) },
    limits: [
      {
        window: { duration: 300, timeUnit: "TIME_UNIT_MINUTE" },
        detail: { limit: String(o.fiveHour.limit), used: String(o.fiveHour.limit - o.fiveHour.remaining), remaining: String(o.fiveHour.remaining), resetTime: iso(o.fiveHour.resetAt) },
      },
    ],
    parallel: { limit: "30" },
  };
}

/** GLM's quota answer: a 5-hour token window (percent only, as lite plans answer) and the monthly MCP allowance. */
export function glmQuotaBody(o: { tokensPercent: number; resetAt: number; weeklyPercent?: number; weeklyResetAt?: number }) {
  return {
    code: 200,
    msg: "Operation successful",
    success: true,
    data: {
      level: "lite",
      limits: [
        { type: "TIME_LIMIT", unit: 5, number: 1, usage: 100, currentValue: 100, remaining: 0, percentage: 100, nextResetTime: o.resetAt + 86_400_000, usageDetails: [] },
        { type: "TOKENS_LIMIT", unit: 3, number: 5, percentage: o.tokensPercent, nextResetTime: o.resetAt },
        ...(o.weeklyPercent !== undefined ? [{ type: "TOKENS_LIMIT", unit: 6, number: 1, percentage: o.weeklyPercent, nextResetTime: o.weeklyResetAt }] : []),
      ],
    },
  };
}

/** MiniMax's remains answer; `left` is what `current_interval_usage_count` really carries (prompts left). */
export function minimaxRemainsBody(o: { total: number; left: number; endAt: number; now: number; weekly?: { total: number; left: number; endAt: number } }) {
  return {
    model_remains: [
      { model_name: "speech-hd", current_interval_total_count: 0, current_interval_usage_count: 0, start_time: o.now, end_time: o.endAt, remains_time: o.endAt - o.now },
      {
        model_name: "MiniMax-M*",
        start_time: o.endAt - 5 * 3_600_000,
        end_time: o.endAt,
        remains_time: o.endAt - o.now,
        current_interval_total_count: o.total,
        current_interval_usage_count: o.left,
        ...(o.weekly ? { current_weekly_total_count: o.weekly.total, current_weekly_usage_count: o.weekly.left, weekly_end_time: o.weekly.endAt } : {}),
      },
    ],
    base_resp: { status_code: 0, status_msg: "success" },
  };
}
