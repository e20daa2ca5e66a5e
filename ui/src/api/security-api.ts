import { apiRequest } from "./client";
import { queryString } from "./logs-api";

/** One dashboard session as `GET /api/auth/sessions` lists it; `id` is a public id, never the cookie. */
export interface AdminSession {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
  /** The session of the browser asking. */
  current: boolean;
}

/** One management action as `GET /api/audit` returns it. */
export interface AuditEntry {
  id: string | number;
  /** ISO 8601. */
  at: string;
  actor: string | null;
  ip: string | null;
  userAgent: string | null;
  /** `settings.update`, `auth.login`, … */
  action: string;
  method: string | null;
  path: string | null;
  status: number | null;
  /** What the action touched (for a change, the fields it set); shape depends on the action. */
  detail: unknown;
}

export interface AuditFilters {
  action?: string;
  actor?: string;
  status?: string;
  /** ISO 8601. */
  from?: string;
  to?: string;
}

export interface AuditPage {
  entries: AuditEntry[];
  /** Pass as `cursor` for the next (older) page; null on the last one. */
  nextCursor: string | null;
}

/** `GET /api/security/network`: the caller as the gateway sees it. */
export interface NetworkView {
  /** Null when the gateway could not tell (an in-process call). */
  clientIp: string | null;
  /** The address came from X-Forwarded-For of a trusted proxy. */
  viaProxy: boolean;
  apiAllowed: boolean;
  dashboardAllowed: boolean;
  splitPort: { enabled: boolean; port: number | null };
}

export interface AccessRules {
  allow: string[];
  block: string[];
}

export interface IpRateLimit {
  /** 0 = no limit. */
  requests: number;
  windowSeconds: number;
}

export const PROMPT_GUARD_MODES = ["off", "flag", "block"] as const;
export type PromptGuardMode = (typeof PROMPT_GUARD_MODES)[number];

export interface PromptGuardPattern {
  id: string;
  pattern: string;
  description?: string;
}

export interface PromptGuardSettings {
  mode: PromptGuardMode;
  builtins: boolean;
  disabledBuiltins: string[];
  patterns: PromptGuardPattern[];
}

/** `settings.security` (src/config/settings-schema.ts). */
export interface SecuritySettings {
  requireApiKey: boolean;
  apiAccess: AccessRules;
  dashboardAccess: AccessRules;
  trustedProxies: string[];
  ipRateLimit: { api: IpRateLimit; dashboard: IpRateLimit };
  login: { maxFailures: number; windowMinutes: number };
  promptGuard: PromptGuardSettings;
  auditRetentionDays: number;
}

/** `settings.limits`. */
export interface RequestLimits {
  maxRequestBodyBytes: number;
  maxJsonDepth: number;
  maxArrayLength: number;
  maxHeaderBytes: number;
  bodyReadTimeoutMs: number;
}

/** The parts of GET /api/settings this page edits (the server sends more sections; they are left alone). */
export interface SecurityPageSettings {
  security: SecuritySettings;
  limits: RequestLimits;
}

/** Numbers typed by the user: null for a blank field, so the server names what is missing. */
type Typed<T> = { [K in keyof T]: T[K] extends number ? number | null : T[K] extends object ? Typed<T[K]> : T[K] };

/** PATCH /api/settings: each given security sub-object replaces the stored one whole; limits merge field by field. */
export interface SecuritySettingsPatch {
  security?: Partial<Typed<SecuritySettings>>;
  limits?: Partial<Typed<RequestLimits>>;
}

export interface PromptGuardView {
  builtins: Array<{ id: string; description: string }>;
  settings: PromptGuardSettings;
}

export interface PromptGuardMatch {
  id: string;
  source: "builtin" | "custom";
}

const encodeId = encodeURIComponent;

export const AUDIT_PAGE_SIZE = 50;

export const securityApi = {
  listSessions: () => apiRequest<{ sessions: AdminSession[] }>("GET", "/api/auth/sessions"),
  revokeSession: (id: string) => apiRequest<void>("DELETE", `/api/auth/sessions/${encodeId(id)}`),
  revokeOtherSessions: () => apiRequest<{ revoked: number }>("POST", "/api/auth/sessions/revoke-others"),
  changePassword: (currentPassword: string, newPassword: string) =>
    apiRequest<void>("POST", "/api/auth/password", { body: { currentPassword, newPassword } }),

  listAudit: (filters: AuditFilters, cursor?: string) =>
    apiRequest<AuditPage>("GET", `/api/audit${queryString({ ...filters, limit: AUDIT_PAGE_SIZE, cursor })}`),
  /** A same-origin link: the browser downloads it with the session cookie. */
  auditExportUrl: (filters: AuditFilters) => `/api/audit/export.csv${queryString({ ...filters })}`,

  getNetwork: () => apiRequest<NetworkView>("GET", "/api/security/network"),

  getSettings: () => apiRequest<SecurityPageSettings>("GET", "/api/settings"),
  updateSettings: (patch: SecuritySettingsPatch) => apiRequest<SecurityPageSettings>("PATCH", "/api/settings", { body: patch }),

  getPromptGuard: () => apiRequest<PromptGuardView>("GET", "/api/security/prompt-guard"),
  /** Checks `text` against `settings` (the unsaved draft) or, without it, the stored settings. */
  testPromptGuard: (text: string, settings?: PromptGuardSettings) =>
    apiRequest<{ matches: PromptGuardMatch[] }>("POST", "/api/security/prompt-guard/test", { body: settings ? { text, settings } : { text } }),
};
