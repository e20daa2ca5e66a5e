import { index, integer, primaryKey, real, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Times are integer milliseconds since the epoch throughout the store. */

export const connections = sqliteTable(
  "connections",
  {
    id: text("id").primaryKey(),
    providerId: text("provider_id").notNull(),
    name: text("name").notNull(),
    /** Prefix for user-defined OpenAI-compatible endpoints; null means the provider's own aliases. */
    alias: text("alias").unique(),
    baseUrl: text("base_url"),
    /** AES-256-GCM envelope (see security/secret-box.ts); never plain text. */
    apiKeyEncrypted: text("api_key_encrypted"),
    /** Last four characters of the key, for recognising it in the UI. */
    apiKeyHint: text("api_key_hint"),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    priority: integer("priority").notNull().default(0),
    /** JSON array of model ids overriding the provider's defaults; null = defaults. */
    modelsJson: text("models_json"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
    lastTestAt: integer("last_test_at"),
    lastTestOk: integer("last_test_ok", { mode: "boolean" }),
    lastTestLatencyMs: integer("last_test_latency_ms"),
    lastTestError: text("last_test_error"),
    /** JSON array of the user's quota windows for this account (see quota/quota-config.ts); null = none. */
    quotaJson: text("quota_json"),
    /** OAuth accounts (subscription providers): the token set as an AES-256-GCM envelope; null = an API-key connection. */
    oauthEncrypted: text("oauth_encrypted"),
    /** OAuth accounts: what may be shown — account id, email, plan, token expiry (JSON, no secret). */
    oauthMetaJson: text("oauth_meta_json"),
    /** `needs-reauth` when the provider refused the refresh token (routing skips the account); null = fine. */
    authState: text("auth_state"),
    /** Why re-authentication is needed, for the dashboard (no secret). */
    authError: text("auth_error"),
  },
  (table) => [index("connections_provider_idx").on(table.providerId)],
);

export const apiKeys = sqliteTable("api_keys", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** First characters of the key, safe to show. */
  prefix: text("prefix").notNull(),
  /** SHA-256 hex of the whole key; the key itself is never stored. */
  keyHash: text("key_hash").notNull().unique(),
  createdAt: integer("created_at").notNull(),
  lastUsedAt: integer("last_used_at"),
  revokedAt: integer("revoked_at"),
  /** Response cache opt-in: deterministic answers to this key are kept this long; null = not cached. */
  cacheTtlSeconds: integer("cache_ttl_seconds"),
  /** What the key may reach (models, combos, providers; blocked providers), JSON; null = everything. */
  permissionsJson: text("permissions_json"),
  /** After this instant the key is refused; null = never expires. */
  expiresAt: integer("expires_at"),
  /** The key's own request limit, JSON `{rpm}`; null = none. */
  rateLimitJson: text("rate_limit_json"),
});

export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  /** JSON value. */
  value: text("value").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export const adminSessions = sqliteTable("admin_sessions", {
  /** SHA-256 hex of the session token; the token only lives in the browser cookie. */
  id: text("id").primaryKey(),
  createdAt: integer("created_at").notNull(),
  expiresAt: integer("expires_at").notNull(),
  lastSeenAt: integer("last_seen_at").notNull(),
  ip: text("ip"),
  userAgent: text("user_agent"),
});

export const requestLogs = sqliteTable(
  "request_logs",
  {
    id: text("id").primaryKey(),
    startedAt: integer("started_at").notNull(),
    apiKeyId: text("api_key_id"),
    surface: text("surface").notNull(),
    requestedModel: text("requested_model"),
    providerId: text("provider_id"),
    connectionId: text("connection_id"),
    upstreamModel: text("upstream_model"),
    stream: integer("stream", { mode: "boolean" }).notNull(),
    status: integer("status").notNull(),
    latencyMs: integer("latency_ms").notNull(),
    ttfbMs: integer("ttfb_ms"),
    tokensIn: integer("tokens_in"),
    tokensOut: integer("tokens_out"),
    tokensCached: integer("tokens_cached"),
    tokensReasoning: integer("tokens_reasoning"),
    error: text("error"),
    /** JSON array of the attempts that failed before the one that answered: `[{target, status, error}]`. */
    attemptsJson: text("attempts_json"),
    /** Request id whose upstream answer this request shared (idempotency / identical body); no call of its own. */
    sharedWith: text("shared_with"),
    /** Response cache: `hit` (answered from the cache, no upstream call), `miss` or `bypass`; null = not cacheable. */
    cache: text("cache"),
    /** What the request cost in US dollars (usage × the price book); null when the model has no price or no usage is known. */
    costUsd: real("cost_usd"),
    /** The token counts are the gateway's own estimate (the upstream reported none). */
    usageEstimated: integer("usage_estimated", { mode: "boolean" }).notNull().default(false),
    /** The combo the request named, if any, and the combo entry (tier) that served it. */
    combo: text("combo"),
    comboTarget: text("combo_target"),
    /** Prompt guard: ids of the patterns the request matched (comma-separated) when it was flagged or blocked. */
    guard: text("guard"),
  },
  // One index only: every extra one is paid on each logged request. Quota, budgets and analytics read time ranges.
  (table) => [index("request_logs_started_at_idx").on(table.startedAt)],
);

export const combos = sqliteTable("combos", {
  /** The model id clients send (`coding`, `team/fast`); targets refer to other combos as `combo:<name>`. */
  name: text("name").primaryKey(),
  /** Target-selection strategy; null = the global default. */
  strategy: text("strategy"),
  /** Round-robin stickiness: requests sent to one target before moving on; null = 1. */
  stickyRequests: integer("sticky_requests"),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  /** JSON array of `{ model, weight, timeoutMs? }` in the user's order. */
  targetsJson: text("targets_json").notNull(),
  description: text("description"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
  /** Response cache opt-in for requests naming this combo; null = not cached. */
  cacheTtlSeconds: integer("cache_ttl_seconds"),
});

/** A manual reset of one quota window of one account: usage before `resetAt` no longer counts in that window. */
export const quotaResets = sqliteTable(
  "quota_resets",
  {
    connectionId: text("connection_id").notNull(),
    windowId: text("window_id").notNull(),
    resetAt: integer("reset_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.connectionId, table.windowId] })],
);

/** Spending limits over a period: per client key, per provider, per combo, or per combo entry (tier). */
export const budgets = sqliteTable("budgets", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** `key` | `provider` | `combo` | `combo-target`. */
  scope: text("scope").notNull(),
  /** Key id, provider id, combo name, or `<combo> <entry>` for a combo entry. */
  scopeId: text("scope_id").notNull(),
  /** JSON usage window (see usage/usage-window.ts). */
  windowJson: text("window_json").notNull(),
  limitUsd: real("limit_usd").notNull(),
  enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/** Optional request/response bodies (settings.requestLog.bodies), redacted, pruned with the request log. */
export const requestBodies = sqliteTable(
  "request_bodies",
  {
    requestId: text("request_id").primaryKey(),
    startedAt: integer("started_at").notNull(),
    requestBody: text("request_body"),
    responseBody: text("response_body"),
  },
  (table) => [index("request_bodies_started_at_idx").on(table.startedAt)],
);

/** Management actions: who (session or CLI), what (method, path, fields), when, from where, and the outcome. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: integer("at").notNull(),
    /** `session:<public session id>` (16 hex, sessionPublicId), `anonymous` (no valid session) or `cli`. */
    actor: text("actor").notNull(),
    ip: text("ip"),
    userAgent: text("user_agent"),
    /** A short verb-noun name, e.g. `keys.create`, `auth.login`. */
    action: text("action").notNull(),
    method: text("method").notNull(),
    path: text("path").notNull(),
    status: integer("status").notNull(),
    /** JSON: the field names a call set (never their values), ids it named, an error code. */
    detailJson: text("detail_json"),
  },
  (table) => [index("audit_log_at_idx").on(table.at)],
);
