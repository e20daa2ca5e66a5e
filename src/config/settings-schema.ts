import { z } from "zod";
import { modelPricingSchema } from "../providers/provider-schema";

const strategySchema = z.enum(["fill-first", "round-robin", "power-of-two", "random", "least-used", "cost-optimized", "lowest-latency", "reset-aware"]);

const thinkingModeSchema = z.enum(["passthrough", "auto", "custom", "adaptive"]);
const thinkingBudgetSchema = z.number().int().min(1_024).max(128_000);

/**
 * Reasoning for reasoning-capable targets (catalog `capabilities.reasoning`): `passthrough` leaves requests alone,
 * `auto` turns it on at medium effort when the client asked nothing, `custom` sets exactly `budgetTokens`,
 * `adaptive` lets the model decide (Anthropic adaptive thinking, Gemini dynamic budget; else like auto).
 */
const thinkingSettingsSchema = z.object({
  mode: thinkingModeSchema.default("passthrough"),
  /** The budget `custom` sets. */
  budgetTokens: thinkingBudgetSchema.default(8_192),
});

/** Settings stored in the database and editable at run time (dashboard, API, config import). */
export const settingsSchema = z.object({
  timeouts: z
    .object({
      /** TCP connect to a provider host that has not answered recently. */
      connectMs: z.number().int().min(100).max(120_000).default(10_000),
      /** From dispatch to the first response byte (headers and, for streams, the first event). */
      firstByteMs: z.number().int().min(1_000).max(3_600_000).default(300_000),
      /** Longest silence allowed between two chunks of a response body. */
      idleMs: z.number().int().min(1_000).max(3_600_000).default(120_000),
    })
    .prefault({}),
  limits: z
    .object({
      /** Largest request body accepted on the API surfaces. */
      maxRequestBodyBytes: z.number().int().min(1024).max(512 * 1024 * 1024).default(32 * 1024 * 1024),
      /** Largest image the gateway fetches to inline for upstreams that cannot fetch URLs (Gemini). */
      maxImageBytes: z.number().int().min(1024).max(100 * 1024 * 1024).default(20 * 1024 * 1024),
    })
    .prefault({}),
  requestLog: z
    .object({
      enabled: z.boolean().default(true),
      /** Request log rows older than this are pruned. */
      retentionDays: z.number().int().min(1).max(3650).default(30),
      /**
       * Also keep each request's body and the answer (secrets redacted, each cut at `maxBodyBytes`). Off by default:
       * prompts are the user's data. ENABLE_REQUEST_LOGS=1 switches it on at start.
       */
      bodies: z.boolean().default(false),
      maxBodyBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(256 * 1024),
    })
    .prefault({}),
  /** Prices per 1M tokens, over the built-in catalog's. */
  pricing: z
    .object({
      /**
       * Keyed `<provider id>/<model id>` (that provider's model) or a bare `<model id>` (any provider): an edited
       * price, or one for a custom model the catalog does not know. A PATCH replaces the whole record.
       */
      models: z
        .record(z.string().min(1).max(300), modelPricingSchema.strict())
        .refine((models) => Object.keys(models).length <= 5000, "at most 5000 model prices")
        .default({}),
    })
    .prefault({}),
  routing: z
    .object({
      /** How a provider's accounts are ordered (the rest are the failover order). */
      accountStrategy: strategySchema.default("round-robin"),
      /** How a combo's targets are ordered when the combo names no strategy. */
      comboStrategy: strategySchema.default("fill-first"),
      /** Extra tries of the same target after a transient failure (5xx, timeout, reset) before moving on. */
      transientRetries: z.number().int().min(0).max(5).default(1),
      /**
       * Identical requests (same Idempotency-Key, or same body from the same client key and endpoint) share one
       * upstream call while the first is in flight, and successful answers are replayed within this window. 0 = off.
       */
      dedupWindowMs: z.number().int().min(0).max(600_000).default(5_000),
      /** First retry delay; doubled per retry, with ±50 % jitter, capped at 10 s. */
      retryBackoffMs: z.number().int().min(0).max(10_000).default(250),
      /**
       * Model names clients hard-code, mapped to what should serve them: `{"claude-haiku-4-5*": "coding",
       * "gpt-5.4-nano": "ds/deepseek-flash", "anthropic/*": "zai/*"}`. `*` matches any run of characters; a `*` in
       * the target is replaced by what it matched. Exact names win over patterns; patterns apply in order.
       */
      /**
       * Providers switched off as a whole (ids, e.g. `["openrouter"]`): their connections stay configured but serve
       * nothing, their models leave the lists, combos skip them. Takes effect at once; requests in flight finish.
       */
      disabledProviders: z.array(z.string().min(1).max(100)).max(500).default([]),
      modelAliases: z
        .record(z.string().min(1).max(200), z.string().min(1).max(200))
        .refine((aliases) => Object.keys(aliases).length <= 500, "at most 500 model aliases")
        .default({}),
      /**
       * The gateway's own request limits, keyed by a connection id (that account) or a provider id (all its
       * accounts together); a request needs room under both. A request over a limit waits in a FIFO queue
       * (`queueMax`, default 100; `queueTimeoutMs`, default 10 s), then fails over or is answered 429 with
       * Retry-After. None by default. A PATCH replaces the whole record.
       */
      rateLimits: z
        .record(
          z.string().min(1).max(200),
          z
            .object({
              /** Starts per sliding 60 s window. */
              rpm: z.number().int().min(1).max(100_000).optional(),
              /** Least time between two starts. */
              minGapMs: z.number().int().min(0).max(3_600_000).optional(),
              /** Most requests in flight at once. */
              maxConcurrent: z.number().int().min(1).max(100_000).optional(),
              queueMax: z.number().int().min(0).max(100_000).optional(),
              queueTimeoutMs: z.number().int().min(0).max(600_000).optional(),
            })
            .strict()
            .refine((limit) => limit.rpm !== undefined || limit.minGapMs !== undefined || limit.maxConcurrent !== undefined, "set rpm, minGapMs or maxConcurrent"),
        )
        .refine((limits) => Object.keys(limits).length <= 1000, "at most 1000 rate limits")
        .default({}),
    })
    .prefault({}),
  /**
   * Response cache for deterministic requests (temperature 0) of client keys or combos that opted in with
   * `cacheTtlSeconds`: nothing is cached unless one did.
   */
  cache: z
    .object({
      /** Master switch: off, no request is looked up or stored, whatever the keys and combos say. */
      enabled: z.boolean().default(true),
      /** Answers kept in memory, least recently used dropped first. */
      maxMemoryBytes: z.number().int().min(0).max(4 * 1024 * 1024 * 1024).default(32 * 1024 * 1024),
      /** Larger answers are not cached. */
      maxEntryBytes: z.number().int().min(1).max(256 * 1024 * 1024).default(1024 * 1024),
      /** Also keep answers in `<data-dir>/response-cache.sqlite`, so a restart keeps them. */
      persist: z.boolean().default(true),
    })
    .prefault({}),
  shutdown: z
    .object({
      /** How long in-flight requests may finish after SIGINT/SIGTERM before they are cut. */
      drainMs: z.number().int().min(0).max(600_000).default(10_000),
    })
    .prefault({}),
  /**
   * Controls applied to every API request on its way upstream (src/pipeline/request-policies.ts). All off by
   * default: with none active a request pays one boolean check and same-format bodies pass through untouched.
   */
  requests: z
    .object({
      /** Added to every request's system instructions; "" = none. */
      systemPrompt: z.string().max(20_000).default(""),
      /** First (`prepend`) or last (`append`) system text block. */
      systemPromptPosition: z.enum(["prepend", "append"]).default("prepend"),
      thinking: thinkingSettingsSchema.prefault({}),
    })
    .prefault({}),
  /** Prometheus text metrics at `/metrics`. */
  metrics: z
    .object({
      /** Serve `/metrics` without the dashboard session (for a scraper); off = guarded like `/api`. */
      public: z.boolean().default(false),
    })
    .prefault({}),
  /** The console log: terminal lines and `<dataDir>/logs/omniroute.log` (JSON lines, rotated by size). */
  logging: z
    .object({
      /** Entries below this level are not recorded anywhere. The LOG_LEVEL environment variable overrides it at start. */
      level: z.enum(["debug", "info", "warn", "error"]).default("info"),
      /** The log file is rotated before it would grow past this. */
      fileMaxBytes: z.number().int().min(64 * 1024).max(1024 * 1024 * 1024).default(5 * 1024 * 1024),
      /** Rotated files kept: omniroute.log.1 (newest) … omniroute.log.N; 0 keeps none. */
      fileCount: z.number().int().min(0).max(50).default(5),
    })
    .prefault({}),
});
export type Settings = z.infer<typeof settingsSchema>;
export type SettingsInput = z.input<typeof settingsSchema>;

/** Deep-partial patch accepted by the settings API; validated again as a whole after merging. */
export const settingsPatchSchema = z.object({
  timeouts: settingsSchema.shape.timeouts.unwrap().partial().optional(),
  limits: settingsSchema.shape.limits.unwrap().partial().optional(),
  requestLog: settingsSchema.shape.requestLog.unwrap().partial().optional(),
  shutdown: settingsSchema.shape.shutdown.unwrap().partial().optional(),
  logging: settingsSchema.shape.logging.unwrap().partial().optional(),
  routing: settingsSchema.shape.routing.unwrap().partial().optional(),
  cache: settingsSchema.shape.cache.unwrap().partial().optional(),
  pricing: settingsSchema.shape.pricing.unwrap().partial().optional(),
  metrics: settingsSchema.shape.metrics.unwrap().partial().optional(),
  requests: z
    .object({
      systemPrompt: z.string().max(20_000),
      systemPromptPosition: z.enum(["prepend", "append"]),
      // Replaced whole by a PATCH (the section merge is one level deep): both fields, so no default sneaks in.
      thinking: z.object({ mode: thinkingModeSchema, budgetTokens: thinkingBudgetSchema }).strict(),
    })
    .strict()
    .partial()
    .optional(),
}).strict();
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

export const DEFAULT_SETTINGS: Settings = settingsSchema.parse({});
