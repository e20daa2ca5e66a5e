import { afterAll, describe, expect, test } from "bun:test";
import { kimiCodingQuota, parseKimiUsages } from "../../../../src/quota/plan-quota/kimi-coding";
import { KIMI_USAGES_PATH, kimiUsagesBody, startPlanQuotaMock } from "../../../fakes/plan-quota-mocks";
import { ctx, failure, KEY, NOW } from "./helpers";

const mock = startPlanQuotaMock();
afterAll(() => mock.stop());
const H = 3_600_000;

describe("kimi-coding plan quota", () => {
  test("maps the 5-hour window and the weekly allowance; Bearer auth on the base URL's origin", async () => {
    mock.answer(KIMI_USAGES_PATH, { status: 200, body: kimiUsagesBody({ fiveHour: { limit: 100, remaining: 0, resetAt: NOW + 2 * H }, weekly: { limit: 1000, used: 250, resetAt: NOW + 72 * H } }) });
    const limits = await kimiCodingQuota.read(ctx(), { apiKey: KEY, baseUrl: `${mock.url}/coding/v1` });
    expect(limits).toEqual([
      { name: "kimi-5h", limit: 100, remaining: 0, utilization: 1, resetAt: NOW + 2 * H, spent: true },
      { name: "kimi-weekly", limit: 1000, remaining: 750, utilization: 0.25, resetAt: NOW + 72 * H, spent: false },
    ]);
    const call = mock.calls.at(-1)!;
    expect(call.path).toBe("/coding/v1/usages");
    expect(call.authorization).toBe(`Bearer ${KEY}`);
  });

  test("missing `used`/`remaining` are derived; the web console's nested variant is read too; past resets dropped", () => {
    const limits = parseKimiUsages(
      { usages: [{ scope: "FEATURE_CODING", detail: { limit: "10", used: "4" }, limits: [{ window: { duration: 1, timeUnit: "TIME_UNIT_DAY" }, detail: { limit: 5, remaining: 5, resetTime: new Date(NOW - 1).toISOString() } }] }] },
      NOW,
    );
    expect(limits).toEqual([
      { name: "kimi-1d", limit: 5, remaining: 5, utilization: 0, resetAt: null, spent: false },
      { name: "kimi-weekly", limit: 10, remaining: 6, utilization: 0.4, resetAt: null, spent: false },
    ]);
    expect(parseKimiUsages({}, NOW)).toEqual([]);
  });

  test("errors give no limits and never carry the key", async () => {
    mock.answer(KIMI_USAGES_PATH, { status: 401, body: { error: `invalid key ${KEY}` } });
    const message = await failure(kimiCodingQuota.read(ctx(), { apiKey: KEY, baseUrl: `${mock.url}/coding/v1` }));
    expect(message).toContain("HTTP 401");
    expect(message).not.toContain(KEY);
    mock.answer(KIMI_USAGES_PATH, { status: 302, body: "", headers: { location: "https://elsewhere.example/" } });
    const redirect = await failure(kimiCodingQuota.read(ctx(), { apiKey: KEY, baseUrl: `${mock.url}/coding/v1` }));
    expect(redirect).toContain("redirects are not followed");
    mock.answer(KIMI_USAGES_PATH, { status: 200, body: `not json ${KEY}` });
    const bad = await failure(kimiCodingQuota.read(ctx(), { apiKey: KEY, baseUrl: `${mock.url}/coding/v1` }));
    expect(bad).toContain("not JSON");
    expect(bad).not.toContain(KEY);
  });
});
