import { z } from "zod";
import { usageWindowSchema } from "../usage/usage-window";

/** What a window counts: requests served, tokens (input + output), dollars (from the price book). */
export const QUOTA_METRICS = ["requests", "tokens", "usd"] as const;
export type QuotaMetric = (typeof QUOTA_METRICS)[number];

export const quotaLimitsSchema = z
  .object({
    requests: z.number().int().positive().optional().describe("Requests served in the window"),
    tokens: z.number().int().positive().optional().describe("Input + output tokens in the window"),
    usd: z.number().positive().optional().describe("Cost in US dollars in the window (price book)"),
  })
  .strict()
  .refine((limits) => limits.requests !== undefined || limits.tokens !== undefined || limits.usd !== undefined, {
    message: "a window needs at least one limit: requests, tokens or usd",
  });
export type QuotaLimits = z.infer<typeof quotaLimitsSchema>;

/** One quota window of an account: a period and what may be used in it. */
export const quotaWindowSchema = z
  .object({
    id: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/, "window id must be 1-40 letters, digits, '.', '_' or '-' (e.g. '5h' or 'weekly')")
      .describe("Names the window in GET /api/quota and for a manual reset"),
    window: usageWindowSchema.describe("rolling N hours, or daily / weekly / monthly at a reset hour"),
    limits: quotaLimitsSchema,
    reservePercent: z
      .number()
      .min(0)
      .max(99)
      .optional()
      .describe("Keep this share of each limit unused: the account is skipped once usage reaches limit × (1 − reserve/100)"),
  })
  .strict();
export type QuotaWindow = z.infer<typeof quotaWindowSchema>;

/** A connection's windows (empty = none); ids unique within the connection. */
export const quotaWindowsSchema = z
  .array(quotaWindowSchema)
  .max(16)
  .superRefine((windows, context) => {
    const seen = new Set<string>();
    windows.forEach((window, index) => {
      if (seen.has(window.id)) context.addIssue({ code: "custom", path: [index, "id"], message: `window id '${window.id}' is used twice` });
      seen.add(window.id);
    });
  });

/** Stored `connections.quota_json` → windows; a row that no longer parses counts as none rather than breaking the list. */
export function parseQuotaJson(json: string | null): QuotaWindow[] | null {
  if (!json) return null;
  try {
    const parsed = quotaWindowsSchema.safeParse(JSON.parse(json));
    return parsed.success && parsed.data.length > 0 ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Windows → `connections.quota_json` (null for none). */
export function quotaJsonOf(windows: readonly QuotaWindow[] | null | undefined): string | null {
  return windows && windows.length > 0 ? JSON.stringify(windows) : null;
}
