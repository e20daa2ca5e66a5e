import { apiRequest } from "./client";

/** Routing strategies the settings accept (settings-schema.ts on the server). */
export const ROUTING_STRATEGIES = [
  "fill-first",
  "round-robin",
  "power-of-two",
  "random",
  "least-used",
  "cost-optimized",
  "lowest-latency",
  "reset-aware",
] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

export const THINKING_MODES = ["passthrough", "auto", "custom", "adaptive"] as const;
export type ThinkingMode = (typeof THINKING_MODES)[number];

export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface RateLimit {
  rpm?: number;
  minGapMs?: number;
  maxConcurrent?: number;
  queueMax?: number;
  queueTimeoutMs?: number;
}

/** The parts of GET /api/settings this page edits (the server sends more sections; they are left alone). */
export interface GatewaySettings {
  timeouts: { connectMs: number; firstByteMs: number; idleMs: number };
  requestLog: { enabled: boolean; retentionDays: number; bodies: boolean; maxBodyBytes: number };
  routing: {
    accountStrategy: RoutingStrategy;
    comboStrategy: RoutingStrategy;
    transientRetries: number;
    retryBackoffMs: number;
    rateLimits: Record<string, RateLimit>;
  };
  logging: { level: LogLevel; fileMaxBytes: number; fileCount: number };
  requests: {
    systemPrompt: string;
    systemPromptPosition: "prepend" | "append";
    thinking: { mode: ThinkingMode; budgetTokens: number };
  };
}

/** A section's fields, any of them; null for a field left blank (the server answers what is missing). */
type SectionPatch<T> = { [K in keyof T]?: T[K] | null };

/** PATCH /api/settings: any subset of sections, each merged field by field (records and `thinking` replaced whole). */
export interface SettingsPatch {
  timeouts?: SectionPatch<GatewaySettings["timeouts"]>;
  requestLog?: SectionPatch<GatewaySettings["requestLog"]>;
  routing?: SectionPatch<GatewaySettings["routing"]>;
  logging?: SectionPatch<GatewaySettings["logging"]>;
  requests?: SectionPatch<Omit<GatewaySettings["requests"], "thinking">> & {
    thinking?: { mode: ThinkingMode; budgetTokens: number | null };
  };
}

/** What POST /api/config/import reports. */
export interface ImportSummary {
  connections: { created: number; updated: number };
  combos: { created: number; updated: number };
  apiKeys: { created: number; skipped: number };
  budgets?: { created: number; updated: number; removed: number };
  settings: boolean;
  secretsApplied: number;
  createdKeys: Array<{ name: string; prefix: string }>;
}

export const settingsApi = {
  getSettings: () => apiRequest<GatewaySettings>("GET", "/api/settings"),
  updateSettings: (patch: SettingsPatch) => apiRequest<GatewaySettings>("PATCH", "/api/settings", { body: patch }),
  exportConfig: (options: { includeSecrets: boolean; passphrase?: string }) =>
    apiRequest<Record<string, unknown>>("POST", "/api/config/export", { body: options }),
  importConfig: (options: { document: unknown; passphrase?: string; replace: boolean }) =>
    apiRequest<ImportSummary>("POST", "/api/config/import", { body: options }),
};
