import { afterAll, describe, expect, test } from "bun:test";
import { minimaxAnthropicQuota, minimaxQuota, parseMiniMaxRemains } from "../../../../src/quota/plan-quota/minimax";
import { MINIMAX_REMAINS_PATH, minimaxRemainsBody, startPlanQuotaMock } from "../../../fakes/plan-quota-mocks";
import { ctx, failure, KEY, NOW } from "./helpers";

const mock = startPlanQuotaMock();
afterAll(() => mock.stop());
const H = 3_600_000;

describe("minimax plan quota", () => {
  test("usage_count is read as prompts LEFT; the text model's entry; Bearer auth; both MiniMax formats", async () => {
    mock.answer(MINIMAX_REMAINS_PATH, { status: 200, body: minimaxRemainsBody({ total: 1500, left: 1200, endAt: NOW + 2 * H, now: NOW, weekly: { total: 15000, left: 0, endAt: NOW + 50 * H } }) });
    for (const [fetcher, baseUrl] of [[minimaxQuota, `${mock.url}/v1`], [minimaxAnthropicQuota, `${mock.url}/anthropic/v1`]] as const) {
      const limits = await fetcher.read(ctx(), { apiKey: KEY, baseUrl });
      expect(limits).toEqual([
        { name: "minimax-5h", limit: 1500, remaining: 1200, utilization: 0.2, resetAt: NOW + 2 * H, spent: false },
        { name: "minimax-weekly", limit: 15000, remaining: 0, utilization: 1, resetAt: NOW + 50 * H, spent: true },
      ]);
      expect(mock.calls.at(-1)).toMatchObject({ path: MINIMAX_REMAINS_PATH, authorization: `Bearer ${KEY}` });
    }
  });

  test("newer answers: zero counts with remaining percentages (percent wins); remains_time when end_time is missing", () => {
    const limits = parseMiniMaxRemains(
      { base_resp: { status_code: 0 }, model_remains: [{ model_name: "general", current_interval_total_count: 0, current_interval_usage_count: 0, current_interval_remaining_percent: 0, remains_time: H }] },
      NOW,
    );
    expect(limits).toEqual([{ name: "minimax-5h", limit: null, remaining: null, utilization: 1, resetAt: NOW + H, spent: true }]);
    expect(parseMiniMaxRemains({ model_remains: [] }, NOW)).toEqual([]);
  });

  test("status_code 1004 (no plan on the key) or HTTP errors: no limits, no key in the message", async () => {
    mock.answer(MINIMAX_REMAINS_PATH, { status: 200, body: { base_resp: { status_code: 1004, status_msg: `login fail ${KEY}` } } });
    const message = await failure(minimaxQuota.read(ctx(), { apiKey: KEY, baseUrl: `${mock.url}/v1` }));
    expect(message).toContain("1004");
    expect(message).not.toContain(KEY);
    mock.answer(MINIMAX_REMAINS_PATH, { status: 403, body: KEY });
    expect(await failure(minimaxQuota.read(ctx(), { apiKey: KEY, baseUrl: `${mock.url}/v1` }))).not.toContain(KEY);
  });
});
