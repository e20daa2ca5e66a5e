import { z } from "zod";
import { cidrEntryProblem } from "../security/cidr";
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

/** A CIDR (`10.0.0.0/8`, `2001:db8::/32`) or a single address; checked by src/security/cidr.ts when compiled. */
const cidrListSchema = z
  .array(
    z
      .string()
      .trim()
      .min(2)
      .max(64)
      .superRefine((entry, ctx) => {
        const problem = cidrEntryProblem(entry);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
  )
  .max(1_000)
  .default([]);

/** Who may reach one side of the gateway: an empty allowlist allows every address; the blocklist always wins. */
const accessRulesSchema = z
  .object({
    allow: cidrListSchema,
    block: cidrListSchema,
  })
  .strict();

/** Requests per client address in a fixed window; `requests: 0` = no limit. */
const ipRateLimitSchema = z
  .object({
    requests: z.number().int().min(0).max(10_000_000).default(0),
    windowSeconds: z.number().int().min(1).max(86_400).default(60),
  })
  .strict();

export const promptGuardPatternSchema = z
  .object({
    /** Short name, shown in the log and the error (`ignore-previous`). */
    id: z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/i, "pattern ids are letters, digits, '.', '_' or '-' (at most 64)"),
    /** A regular expression, matched case-insensitively against the request's text. */
    pattern: z.string().min(1).max(1_000),
    description: z.string().max(300).optional(),
  })
  .strict();

const securitySettingsSchema = z
  .object({
    /** Every /v1 and /v1beta call needs a valid client key, GET /v1/models included, even on loopback with no keys yet. */
    requireApiKey: z.boolean().default(false),
    /** Client addresses allowed / blocked on the API (/v1, /v1beta). */
    apiAccess: accessRulesSchema.prefault({}),
    /** Client addresses allowed / blocked on the dashboard, the management API (/api), /docs and /metrics. */
    dashboardAccess: accessRulesSchema.prefault({}),
    /**
     * Reverse proxies whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed. From any other peer the headers
     * are ignored and the socket address is the client.
     */
    trustedProxies: cidrListSchema,
    ipRateLimit: z
      .object({
        api: ipRateLimitSchema.prefault({}),
        dashboard: ipRateLimitSchema.prefault({}),
      })
      .strict()
      .prefault({}),
    /** Dashboard login: failed attempts per address within the window before it is locked out until the window ends. */
    login: z
      .object({
        maxFailures: z.number().int().min(1).max(1_000).default(10),
        windowMinutes: z.number().int().min(1).max(24 * 60).default(15),
      })
      .strict()
      .prefault({}),
    /**
     * Prompt-injection guard, off by default. `flag` marks matching requests in the request log and the
     * `x-omniroute-guard` response header; `block` refuses them with a 400 in the client's format.
     */
    promptGuard: z
      .object({
        mode: z.enum(["off", "flag", "block"]).default("off"),
        /** Use the built-in pattern set (src/security/prompt-guard.ts) besides `patterns`. */
        builtins: z.boolean().default(true),
        /** Built-in pattern ids to leave out (false positives for your traffic). */
        disabledBuiltins: z.array(z.string().max(64)).max(200).default([]),
        patterns: z.array(promptGuardPatternSchema).max(200).default([]),
      })
      .strict()
      .prefault({}),
    /** Audit log rows older than this are pruned. */
    auditRetentionDays: z.number().int().min(1).max(3_650).default(365),
  })
  .strict();

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
      /** Deepest nesting of objects and arrays accepted in a JSON body (API and management). */
      maxJsonDepth: z.number().int().min(8).max(1_000).default(64),
      /** Longest array accepted anywhere in a JSON body (messages, contents, tools, …). */
      maxArrayLength: z.number().int().min(100).max(10_000_000).default(100_000),
      /**
       * Longest total size of an API request's header names and values; larger requests are answered 431 in the
       * client's format. Bun itself refuses requests whose header block passes 16 KiB (a bare 431), hence the cap.
       */
      maxHeaderBytes: z.number().int().min(1024).max(16 * 1024).default(12 * 1024),
      /** A request body must arrive whole within this time (slow clients get 408, not a held socket). */
      bodyReadTimeoutMs: z.number().int().min(1_000).max(600_000).default(60_000),
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
  /** Access control: key requirement, network rules, login lock-out, prompt guard, audit retention (src/security/). */
  security: securitySettingsSchema.prefault({}),
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
  security: securitySettingsSchema.partial().optional(),
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
