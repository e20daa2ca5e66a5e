import { keyRateLimitSchema } from "../security/key-rate-limit";
import { keyPermissionsSchema } from "../security/key-scope";
import { z } from "zod";
import { budgetCreateSchema } from "../budgets/budget-config";
import { settingsSchema } from "../config/settings-schema";
import { cacheTtlSchema } from "../services/api-key-service";
import { comboCreateSchema } from "../services/combo-service";
import { quotaWindowsSchema } from "../quota/quota-config";
import { oauthAccountInfoSchema, tokenSetSchema } from "../oauth/oauth-types";

export const CONFIG_FORMAT = "omniroute-config";
/** 2 added `combos`. Older documents still import; a newer version is refused by name rather than by field. */
export const CONFIG_VERSION = 2;

const connectionEntrySchema = z
  .object({
    id: z.string().min(1).max(100).optional().describe("Stable id; an import updates the connection with this id"),
    providerId: z.string().min(1),
    name: z.string().min(1).max(100).optional(),
    alias: z.string().nullable().optional(),
    baseUrl: z.string().nullable().optional(),
    enabled: z.boolean().optional(),
    priority: z.number().int().optional(),
    models: z.array(z.string()).nullable().optional(),
    quota: quotaWindowsSchema.nullable().optional().describe("The account's quota windows (as PUT /api/connections/{id}/quota takes them)"),
    apiKey: z.string().min(1).optional().describe("Plain API key, accepted on import for hand-written files; never exported"),
    oauth: z
      .literal(true)
      .optional()
      .describe("A subscription account signed in over OAuth: its token set is in the sealed `secrets` (exports with secrets only)"),
  })
  .strict();

/** A key's permissions, expiry and rate limit; written only when set, so older documents stay valid. */
const keyAccessFields = {
  permissions: keyPermissionsSchema.optional(),
  expiresAt: z.string().datetime({ offset: true }).nullable().optional(),
  rateLimit: keyRateLimitSchema.nullable().optional(),
};

const apiKeyEntrySchema = z.union([
  z
    .object({
      id: z.string().min(1),
      name: z.string().min(1),
      prefix: z.string().min(1),
      keyHash: z.string().regex(/^[0-9a-f]{64}$/, "keyHash must be a SHA-256 hex digest"),
      createdAt: z.string().datetime(),
      revokedAt: z.string().datetime().nullable(),
      cacheTtlSeconds: cacheTtlSchema.optional(),
      ...keyAccessFields,
    })
    .strict(),
  z
    .object({
      name: z.string().min(1),
      key: z.string().min(16).describe("Plain key to create (hand-written files)"),
      cacheTtlSeconds: cacheTtlSchema.optional(),
      ...keyAccessFields,
    })
    .strict(),
]);

/**
 * What `secrets` holds once opened: provider keys by connection id, and the OAuth accounts' token sets (with the
 * account facts the dashboard shows, and the re-auth reason of an account that needed one).
 */
export const sealedSecretsContentSchema = z.object({
  connections: z.record(z.string(), z.string()).default({}),
  oauth: z
    .record(z.string(), z.object({ tokens: tokenSetSchema, account: oauthAccountInfoSchema.default({}), needsReauth: z.string().optional() }))
    .optional(),
});
export type SealedSecrets = z.input<typeof sealedSecretsContentSchema>;

/** Secrets sealed with a passphrase: scrypt → AES-256-GCM over the JSON of `sealedSecretsContentSchema`. */
export const sealedSecretsSchema = z
  .object({
    cipher: z.literal("aes-256-gcm"),
    kdf: z.literal("scrypt"),
    kdfParams: z.object({ N: z.number().int(), r: z.number().int(), p: z.number().int() }),
    salt: z.string(),
    iv: z.string(),
    tag: z.string(),
    data: z.string(),
  })
  .strict();

export const configDocumentSchema = z
  .object({
    format: z.literal(CONFIG_FORMAT),
    version: z.number().int().min(1),
    exportedAt: z.string().optional(),
    omnirouteVersion: z.string().optional(),
    settings: settingsSchema.optional(),
    connections: z.array(connectionEntrySchema).default([]),
    combos: z
      .array(comboCreateSchema)
      .default([])
      .describe("Combos by name: an import updates the combo with this name, else creates it; `combo:<name>` targets may come in any order"),
    apiKeys: z.array(apiKeyEntrySchema).default([]),
    // Optional within version 2: documents without budgets are the same as before, so older versions still read them.
    budgets: z
      .array(budgetCreateSchema.extend({ id: z.string().min(1).max(100).optional().describe("Stable id; an import updates the budget with this id") }))
      .optional()
      .describe("Budgets (dollar limits per window); `key` budgets name client key ids, so they follow the keys in `apiKeys`"),
    secrets: sealedSecretsSchema.optional(),
  })
  .strict();

export type ConfigDocument = z.infer<typeof configDocumentSchema>;
export type ConfigDocumentInput = z.input<typeof configDocumentSchema>;

/** The document's JSON Schema, for editors and validators (`omniroute config schema`, `GET /api/config/schema`). */
export function configDocumentJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configDocumentSchema, { io: "input" }),
    title: `OmniRoute config document, version ${CONFIG_VERSION}`,
  };
}
