import { z } from "zod";

/**
 * A provider is data: where it lives, how it authenticates, which models it serves and what they cost.
 * Code exists only for behaviour that differs (quirks), and each quirk is a named flag here.
 */

/** Prices in USD per 1M tokens. */
export const modelPricingSchema = z.object({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cachedInput: z.number().nonnegative().optional(),
  cacheWrite: z.number().nonnegative().optional(),
});
export type ModelPricing = z.infer<typeof modelPricingSchema>;

export const modelDefinitionSchema = z.object({
  /** The upstream's own model id, sent as `model` in the upstream request. */
  id: z.string().min(1),
  name: z.string().optional(),
  contextWindow: z.number().int().positive(),
  maxOutputTokens: z.number().int().positive().optional(),
  pricing: modelPricingSchema.optional(),
  capabilities: z
    .object({
      tools: z.boolean().optional(),
      vision: z.boolean().optional(),
      reasoning: z.boolean().optional(),
    })
    .optional(),
});
export type ModelDefinition = z.infer<typeof modelDefinitionSchema>;

export const providerAuthSchema = z.discriminatedUnion("kind", [
  /** `Authorization: Bearer <key>` */
  z.object({ kind: z.literal("bearer") }),
  /** `<header>: <key>`, e.g. `x-api-key` */
  z.object({ kind: z.literal("header"), header: z.string().min(1) }),
]);
export type ProviderAuth = z.infer<typeof providerAuthSchema>;

export const providerQuirksSchema = z
  .object({
    /** Upstream has no usable `GET /models`: test connections with a one-token chat completion instead. */
    noModelsEndpoint: z.boolean().optional(),
    /** Upstream rejects the `developer` role: rewrite it to `system` before sending. */
    developerRoleAsSystem: z.boolean().optional(),
    /** Upstream rejects `max_tokens` for these model-id prefixes and wants `max_completion_tokens`. */
    maxCompletionTokensModelPrefixes: z.array(z.string()).optional(),
    /**
     * Upstream adds non-standard fields to its answers (e.g. Groq's `x_groq`, `usage_breakdown`) that strict
     * OpenAI clients reject: its answers are rebuilt through the IR even for same-format clients.
     */
    sanitizeResponses: z.boolean().optional(),
    /** Upstream rejects system instructions altogether: translated requests carry them as user text instead. */
    systemRoleAsUser: z.boolean().optional(),
  })
  .default({});
export type ProviderQuirks = z.infer<typeof providerQuirksSchema>;

export const providerFormatSchema = z.enum(["openai-chat", "anthropic", "gemini", "openai-responses"]);
export type ProviderFormat = z.infer<typeof providerFormatSchema>;

export const providerTierSchema = z.enum(["subscription", "api-key", "cheap", "free", "local"]);

/**
 * A subscription provider whose accounts connect through OAuth (src/oauth/providers/<id>.ts), never with a pasted
 * key. `termsNote` is shown beside the connect button: what the provider's terms allow and the suspension risk.
 */
export const providerOAuthSchema = z.object({
  flows: z.array(z.enum(["authorization-code", "device-code"])).min(1),
  termsNote: z.string().min(1),
});
export type ProviderOAuth = z.infer<typeof providerOAuthSchema>;

export const providerDefinitionSchema = z.object({
  /** Stable id, kebab-case: `deepseek`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  name: z.string().min(1),
  /** Short prefixes accepted in `"<alias>/<model>"`; the id itself is always accepted too. */
  aliases: z.array(z.string().regex(/^[a-z0-9][a-z0-9.-]*$/)).default([]),
  /** Wire format the upstream speaks; requests in another format are translated to it. */
  format: providerFormatSchema,
  tier: providerTierSchema,
  /** Base URL up to and including the version segment; the format's paths are appended (see format-endpoints.ts). */
  baseUrl: z.string().url(),
  /** Overrides the format's generation path (`/chat/completions`, `/messages`, `/responses`); not used for Gemini. */
  chatPath: z.string().startsWith("/").optional(),
  modelsPath: z.string().startsWith("/").default("/models"),
  auth: providerAuthSchema.default({ kind: "bearer" }),
  /** A connection may run without a key (local servers). */
  apiKeyOptional: z.boolean().default(false),
  /** A connection must supply its own base URL (user-defined OpenAI-compatible endpoints). */
  requiresBaseUrl: z.boolean().default(false),
  /** Static headers sent on every upstream request (attribution headers and the like). */
  extraHeaders: z.record(z.string(), z.string()).default({}),
  docsUrl: z.string().url().optional(),
  /** Where a user creates an API key. */
  keysUrl: z.string().url().optional(),
  models: z.array(modelDefinitionSchema).default([]),
  quirks: providerQuirksSchema,
  /** Present when accounts connect through OAuth (subscriptions); absent for API-key providers. */
  oauth: providerOAuthSchema.optional(),
});
export type ProviderDefinitionInput = z.input<typeof providerDefinitionSchema>;
export type ProviderDefinition = z.infer<typeof providerDefinitionSchema>;

/**
 * The built-in catalog's entries with the schema's defaults filled in, without a zod parse: the catalog is our own
 * type-checked code, and parsing it at every start cost ≈ 10–20 ms of cold start (zod builds each schema's
 * parser on first use). test/unit/providers/catalog.test.ts proves this equals `providerDefinitionSchema.parse`
 * for every entry; anything from outside the code (tests, future user-defined providers) is still parsed.
 */
export function withProviderDefaults(entry: ProviderDefinitionInput): ProviderDefinition {
  return {
    ...entry,
    aliases: entry.aliases ?? [],
    modelsPath: entry.modelsPath ?? "/models",
    auth: entry.auth ?? { kind: "bearer" },
    apiKeyOptional: entry.apiKeyOptional ?? false,
    requiresBaseUrl: entry.requiresBaseUrl ?? false,
    extraHeaders: entry.extraHeaders ?? {},
    models: entry.models ?? [],
    quirks: entry.quirks ?? {},
  } as ProviderDefinition;
}

