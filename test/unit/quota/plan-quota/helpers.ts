import { createPlanQuotaFetch, type PlanQuotaContext } from "../../../../src/quota/plan-quota/plan-quota-fetcher";

export const NOW = Date.parse("2026-09-09T12:00:00.000Z");
export const KEY = "sk-plan-secret-key-0123456789abcdef";
export const ctx = (now = NOW): PlanQuotaContext => ({ fetch: createPlanQuotaFetch({ timeoutMs: 2000 }), now: () => now });

/** Awaits a rejection and returns its message (fails the test when it resolves). */
export async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error("expected a rejection");
}
