import { z } from "zod";
import { usageWindowSchema, type UsageWindow } from "../usage/usage-window";

/**
 * What a budget counts: a client key's requests, a provider's, all of a combo's, or one entry (tier) of a combo.
 * `combo-target` scope ids are `<combo name> <combo entry>`, e.g. `coding ds/deepseek-v4-pro`.
 */
export const BUDGET_SCOPES = ["key", "provider", "combo", "combo-target"] as const;
export const budgetScopeSchema = z.enum(BUDGET_SCOPES);
export type BudgetScope = z.infer<typeof budgetScopeSchema>;

const nameSchema = z.string().trim().min(1, "name must not be empty").max(100);
const scopeIdSchema = z.string().trim().min(1, "scopeId must not be empty").max(400);
const limitSchema = z
  .number()
  .positive("limitUsd must be more than 0")
  .max(1_000_000_000)
  .describe("US dollars the scope may spend per window (request costs from the price book)");

export const budgetCreateSchema = z
  .object({
    name: nameSchema.describe("Shown in listings and in the 429 a client gets, e.g. `team-a daily`"),
    scope: budgetScopeSchema.describe("`key`, `provider`, `combo` or `combo-target` (one tier of a combo)"),
    scopeId: scopeIdSchema.describe(
      "Client key id (key), provider id (provider), combo name (combo), or `<combo> <entry>` (combo-target, e.g. `coding ds/deepseek-v4-pro`)",
    ),
    window: usageWindowSchema.describe("The period spend is counted over: rolling hours, daily, weekly or monthly"),
    limitUsd: limitSchema,
    enabled: z.boolean().optional().describe("A disabled budget keeps counting but blocks nothing; default true"),
  })
  .strict();
export type BudgetCreate = z.infer<typeof budgetCreateSchema>;
export type BudgetCreateInput = z.input<typeof budgetCreateSchema>;

export const budgetUpdateSchema = z
  .object({
    name: nameSchema.optional(),
    scope: budgetScopeSchema.optional(),
    scopeId: scopeIdSchema.optional(),
    window: usageWindowSchema.optional(),
    limitUsd: limitSchema.optional(),
    enabled: z.boolean().optional(),
  })
  .strict();
export type BudgetUpdate = z.infer<typeof budgetUpdateSchema>;
export type BudgetUpdateInput = z.input<typeof budgetUpdateSchema>;

/** A stored budget, parsed. */
export interface Budget {
  id: string;
  name: string;
  scope: BudgetScope;
  scopeId: string;
  window: UsageWindow;
  limitUsd: number;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
}

export const budgetViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  scope: budgetScopeSchema,
  scopeId: z.string(),
  window: usageWindowSchema,
  windowLabel: z.string().describe("e.g. `daily @ 00:00 UTC`, `5h rolling`"),
  limitUsd: z.number(),
  enabled: z.boolean(),
  spentUsd: z.number().describe("Spent in the current window (priced requests only: unpriced models count 0)"),
  remainingUsd: z.number().describe("limitUsd − spentUsd, never below 0"),
  percent: z.number().describe("spentUsd / limitUsd × 100 (may pass 100: a request in flight is never cut)"),
  exceeded: z.boolean().describe("Spent ≥ limit: the scope is blocked (when enabled) until reopensAt"),
  windowStart: z.string().describe("Start of the current window (ISO time)"),
  resetAt: z.string().describe("Calendar windows: when the count starts afresh. Rolling: when the oldest counted spend ages out"),
  reopensAt: z.string().nullable().describe("When an exceeded budget lets requests through again; null while not exceeded"),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type BudgetView = z.infer<typeof budgetViewSchema>;

/** `<combo> <entry>` → its two parts (the combo name has no spaces; the entry is the rest). */
export function splitComboTarget(scopeId: string): { combo: string; entry: string } | null {
  const space = scopeId.indexOf(" ");
  if (space <= 0) return null;
  const entry = scopeId.slice(space + 1).trim();
  return entry ? { combo: scopeId.slice(0, space), entry } : null;
}

/** Dollars for messages: cents for larger sums, four decimals below a dollar (a few requests' worth). */
export function formatUsd(usd: number): string {
  return `$${usd >= 1 ? usd.toFixed(2) : usd.toFixed(4)}`;
}
