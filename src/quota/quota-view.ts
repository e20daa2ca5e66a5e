import { z } from "zod";
import type { ComboRuntime } from "../services/combo-service";
import type { ConnectionRuntime } from "../services/connection-service";
import { describeWindow, type UsageWindow } from "../usage/usage-window";
import { quotaWindowSchema } from "./quota-config";
import type { AccountFigures, WindowFigures } from "./quota-tracker";

const iso = (ms: number | null): string | null => (ms === null || !Number.isFinite(ms) ? null : new Date(ms).toISOString());
const secondsUntil = (ms: number | null, now: number): number | null => (ms === null || !Number.isFinite(ms) ? null : Math.max(0, Math.ceil((ms - now) / 1000)));

const usageSchema = z.object({ requests: z.number(), tokens: z.number(), usd: z.number() });
const partialUsageSchema = z.object({ requests: z.number().optional(), tokens: z.number().optional(), usd: z.number().optional() });

export const windowViewSchema = z.object({
  id: z.string(),
  window: quotaWindowSchema.shape.window,
  description: z.string().describe("`5h rolling`, `daily @ 00:00 UTC`, …"),
  limits: partialUsageSchema,
  reservePercent: z.number(),
  used: usageSchema,
  remaining: partialUsageSchema.describe("Limit − used, per limited metric"),
  percentUsed: z.number().describe("The most used limit's share, 0–100 (can exceed 100)"),
  exhausted: z.boolean().describe("Usage reached the limit less its reserve: routing skips the account"),
  spanStart: z.string(),
  resetAt: z.string().nullable().describe("Calendar reset, or when the oldest counted usage leaves a rolling window (null: nothing counted)"),
  resetInSeconds: z.number().nullable(),
  availableAt: z.string().nullable().describe("When an exhausted window has room again"),
  lastManualReset: z.string().nullable(),
});

export const reportedLimitViewSchema = z.object({
  name: z.string().describe("`requests`, `tokens`, `input-tokens`, `unified-5h`, …"),
  limit: z.number().nullable(),
  remaining: z.number().nullable(),
  utilization: z.number().nullable().describe("Share used, 0..1 (subscription windows)"),
  spent: z.boolean(),
  resetAt: z.string().nullable(),
  resetInSeconds: z.number().nullable(),
  model: z.string().nullable().describe("The upstream model this limit is for, when the provider meters each model on its own (a spent one closes only that model); null: the whole account"),
});

export const reportedViewSchema = z.object({
  at: z.string().describe("When the provider said so (the last answer carrying rate-limit headers)"),
  ageSeconds: z.number(),
  retryAt: z.string().nullable().describe("A 429's Retry-After or the reset time in its error text"),
  limits: z.array(reportedLimitViewSchema),
});

export const accountQuotaViewSchema = z.object({
  connectionId: z.string(),
  name: z.string(),
  providerId: z.string(),
  enabled: z.boolean(),
  available: z.boolean().describe("False while a window is spent or the provider reported nothing left"),
  unavailableUntil: z.string().nullable(),
  unavailableForSeconds: z.number().nullable(),
  closedBy: z.string().nullable().describe("`window <id>` or `provider`"),
  windows: z.array(windowViewSchema),
  reported: reportedViewSchema.nullable(),
});
export type AccountQuotaView = z.infer<typeof accountQuotaViewSchema>;

export const quotaOverviewSchema = z.object({
  now: z.string(),
  connections: z.array(accountQuotaViewSchema),
});

function windowView(figures: WindowFigures, now: number): z.infer<typeof windowViewSchema> {
  const { config } = figures;
  return {
    id: config.id,
    window: config.window,
    description: describeWindow(config.window as UsageWindow),
    limits: { ...config.limits },
    reservePercent: config.reservePercent ?? 0,
    used: { ...figures.used, usd: round(figures.used.usd) },
    remaining: { ...figures.remaining, ...(figures.remaining.usd !== undefined ? { usd: round(figures.remaining.usd) } : {}) },
    percentUsed: Math.round(figures.percentUsed * 100) / 100,
    exhausted: figures.exhausted,
    spanStart: iso(figures.spanStart)!,
    resetAt: iso(figures.resetAt),
    resetInSeconds: secondsUntil(figures.resetAt, now),
    availableAt: iso(figures.availableAt),
    lastManualReset: iso(figures.lastManualReset),
  };
}

/** Dollars to the micro-dollar: float sums of many small costs print as 0.30000000000000004 otherwise. */
function round(usd: number): number {
  return Math.round(usd * 1e6) / 1e6;
}

export function accountQuotaView(connection: Pick<ConnectionRuntime, "id" | "name" | "enabled" | "provider">, figures: AccountFigures, now: number): AccountQuotaView {
  const { state, reported } = figures;
  return {
    connectionId: connection.id,
    name: connection.name,
    providerId: connection.provider.id,
    enabled: connection.enabled,
    available: state.closedUntil === null,
    unavailableUntil: iso(state.closedUntil),
    unavailableForSeconds: secondsUntil(state.closedUntil, now),
    closedBy: state.closedBy,
    windows: figures.windows.map((w) => windowView(w, now)),
    reported: reported
      ? {
          at: iso(reported.at)!,
          ageSeconds: Math.max(0, Math.round((now - reported.at) / 1000)),
          retryAt: iso(reported.retryAt),
          limits: reported.limits.map((limit) => ({
            name: limit.name,
            limit: limit.limit,
            remaining: limit.remaining,
            utilization: limit.utilization,
            spent: limit.spent,
            resetAt: iso(limit.resetAt),
            resetInSeconds: secondsUntil(limit.resetAt, now),
            model: limit.model ?? null,
          })),
        }
      : null,
  };
}

// --- The client's view (GET /v1/quota): snake_case like the API surfaces, no connection internals. ---

const clientWindowSchema = z.object({
  id: z.string(),
  description: z.string(),
  limits: partialUsageSchema,
  used: usageSchema,
  remaining: partialUsageSchema,
  percent_used: z.number(),
  exhausted: z.boolean(),
  reset_at: z.string().nullable(),
  reset_in_seconds: z.number().nullable(),
});

export const clientQuotaSchema = z.object({
  object: z.literal("quota"),
  generated_at: z.string(),
  accounts: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      provider: z.string(),
      model_prefix: z.string().describe("Models of this account are called `<model_prefix>/<model>`"),
      available: z.boolean(),
      available_at: z.string().nullable().describe("When a spent account serves again"),
      windows: z.array(clientWindowSchema),
      provider_reported: z
        .array(
          z.object({
            name: z.string(),
            limit: z.number().nullable(),
            remaining: z.number().nullable(),
            utilization: z.number().nullable(),
            reset_at: z.string().nullable(),
            model: z.string().optional().describe("Only for a limit on one upstream model (the account serves its other models meanwhile)"),
          }),
        )
        .nullable(),
    }),
  ),
  combos: z.array(
    z.object({
      name: z.string(),
      accounts: z.array(z.string()).describe("Ids of the accounts behind the combo's targets (nested combos included)"),
      available: z.boolean().describe("At least one of them has quota now"),
      available_at: z.string().nullable().describe("When none has: the earliest time one serves again"),
    }),
  ),
});
export type ClientQuota = z.infer<typeof clientQuotaSchema>;

/** The prefix clients use for an account's models. */
function modelPrefix(connection: ConnectionRuntime): string {
  return connection.alias ?? connection.provider.aliases[0] ?? connection.provider.id;
}

/** The enabled accounts a combo's targets lead to (nested combos followed, cycles guarded). */
export function comboAccounts(combo: ComboRuntime, combos: ReadonlyMap<string, ComboRuntime>, connections: readonly ConnectionRuntime[], path: string[] = []): string[] {
  const ids = new Set<string>();
  for (const target of combo.targets) {
    if (target.combo !== null) {
      const nested = combos.get(target.combo);
      if (nested && nested.enabled && !path.includes(nested.name)) for (const id of comboAccounts(nested, combos, connections, [...path, combo.name])) ids.add(id);
      continue;
    }
    const slash = target.model.indexOf("/");
    const prefix = slash > 0 ? target.model.slice(0, slash) : null;
    const byPrefix = prefix === null ? [] : connections.filter((c) => c.enabled && (c.alias !== null ? c.alias === prefix : c.provider.id === prefix || c.provider.aliases.includes(prefix)));
    const matched = byPrefix.length > 0 ? byPrefix : connections.filter((c) => c.enabled && c.models.includes(target.model));
    for (const c of matched) ids.add(c.id);
  }
  return [...ids];
}

export function clientQuotaView(
  connections: readonly ConnectionRuntime[],
  combos: readonly ComboRuntime[],
  figuresOf: (connectionId: string) => AccountFigures,
  now: number,
): ClientQuota {
  const enabled = connections.filter((c) => c.enabled);
  const states = new Map<string, AccountFigures>();
  const accounts: ClientQuota["accounts"] = enabled.map((connection) => {
    const figures = figuresOf(connection.id);
    states.set(connection.id, figures);
    return {
      id: connection.id,
      name: connection.name,
      provider: connection.provider.id,
      model_prefix: modelPrefix(connection),
      available: figures.state.closedUntil === null,
      available_at: iso(figures.state.closedUntil),
      windows: figures.windows.map((w) => {
        const view = windowView(w, now);
        return {
          id: view.id,
          description: view.description,
          limits: view.limits,
          used: view.used,
          remaining: view.remaining,
          percent_used: view.percentUsed,
          exhausted: view.exhausted,
          reset_at: view.resetAt,
          reset_in_seconds: view.resetInSeconds,
        };
      }),
      provider_reported: figures.reported
        ? figures.reported.limits.map((l) => ({ name: l.name, limit: l.limit, remaining: l.remaining, utilization: l.utilization, reset_at: iso(l.resetAt), ...(l.model !== undefined ? { model: l.model } : {}) }))
        : null,
    };
  });
  const byName = new Map(combos.map((c) => [c.name, c]));
  return {
    object: "quota",
    generated_at: new Date(now).toISOString(),
    accounts,
    combos: combos
      .filter((combo) => combo.enabled)
      .map((combo) => {
        const ids = comboAccounts(combo, byName, enabled, [combo.name]);
        const closed = ids.map((id) => states.get(id)?.state.closedUntil ?? null);
        const available = closed.some((until) => until === null);
        const reopen = closed.filter((until): until is number => until !== null);
        return { name: combo.name, accounts: ids, available, available_at: available || reopen.length === 0 ? null : iso(Math.min(...reopen)) };
      }),
  };
}
