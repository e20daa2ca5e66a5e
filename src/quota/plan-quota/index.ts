import { glmCodingQuota } from "./glm-coding";
import { kimiCodingQuota } from "./kimi-coding";
import { minimaxAnthropicQuota, minimaxQuota } from "./minimax";
import type { PlanQuotaFetcher } from "./plan-quota-fetcher";

/** Quota fetchers for API-key coding plans, by provider id. One more plan = one more module and one line here. */
export function planQuotaFetchers(): Map<string, PlanQuotaFetcher> {
  return new Map([kimiCodingQuota, glmCodingQuota, minimaxQuota, minimaxAnthropicQuota].map((f) => [f.providerId, f]));
}
