import { afterAll, describe, expect, test } from "bun:test";
import { glmCodingQuota, parseGlmQuota } from "../../../../src/quota/plan-quota/glm-coding";
import { GLM_QUOTA_PATH, glmQuotaBody, startPlanQuotaMock } from "../../../fakes/plan-quota-mocks";
import { ctx, failure, KEY, NOW } from "./helpers";

const mock = startPlanQuotaMock();
afterAll(() => mock.stop());
const H = 3_600_000;

describe("glm-coding plan quota", () => {
  test("maps token windows (percent used → utilization); the MCP tool allowance is left out; bare-key auth", async () => {
    mock.answer(GLM_QUOTA_PATH, { status: 200, body: glmQuotaBody({ tokensPercent: 100, resetAt: NOW + H, weeklyPercent: 40, weeklyResetAt: NOW + 100 * H }) });
    const limits = await glmCodingQuota.read(ctx(), { apiKey: KEY, baseUrl: `${mock.url}/api/coding/paas/v4` });
    expect(limits).toEqual([
      { name: "glm-tokens-5h", limit: null, remaining: null, utilization: 1, resetAt: NOW + H, spent: true },
      { name: "glm-tokens-1w", limit: null, remaining: null, utilization: 0.4, resetAt: NOW + 100 * H, spent: false },
    ]);
    const call = mock.calls.at(-1)!;
    expect(call.path).toBe(GLM_QUOTA_PATH);
    expect(call.authorization).toBe(KEY);
  });

  test("counts when present; unknown unit codes are named by their codes", () => {
    const limits = parseGlmQuota({ code: 200, success: true, data: { limits: [{ type: "TOKENS_LIMIT", unit: 9, number: 2, usage: 10, currentValue: 4, percentage: 40, nextResetTime: NOW + H }] } }, NOW);
    expect(limits).toEqual([{ name: "glm-tokens-u9x2", limit: 10, remaining: 6, utilization: 0.4, resetAt: NOW + H, spent: false }]);
  });

  test("a failure answer or an HTTP error gives no limits and no key in the message", async () => {
    mock.answer(GLM_QUOTA_PATH, { status: 200, body: { code: 1001, msg: `bad token ${KEY}`, success: false } });
    const message = await failure(glmCodingQuota.read(ctx(), { apiKey: KEY, baseUrl: `${mock.url}/api/coding/paas/v4` }));
    expect(message).toContain("code 1001");
    expect(message).not.toContain(KEY);
    mock.answer(GLM_QUOTA_PATH, { status: 500, body: { msg: KEY } });
    expect(await failure(glmCodingQuota.read(ctx(), { apiKey: KEY, baseUrl: `${mock.url}/api/coding/paas/v4` }))).not.toContain(KEY);
  });
});
