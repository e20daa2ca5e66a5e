import { apiRequest } from "./client";
import type { Combo } from "./combos-api";
import type { ApiKey, CreatedApiKey, GatewayModel, Provider } from "./management-types";

const encodeId = encodeURIComponent;

/**
 * Which models and combos a client key may use (docs/api.md, Client API keys). `allow: null` = everything;
 * otherwise entries `*`, `<provider or alias>/<model glob>`, `provider:<id>`, `combo:<name glob>`.
 * `blockedProviders` always wins, combo targets included.
 */
export interface KeyPermissions {
  allow: string[] | null;
  blockedProviders: string[];
}

export interface KeyRateLimit {
  /** Requests per minute for this key. */
  rpm: number;
}

/** GET /api/keys row: the base view plus the access-control fields. */
export interface ClientKey extends ApiKey {
  cacheTtlSeconds: number | null;
  permissions: KeyPermissions;
  /** ISO time after which the key is refused; null = never. */
  expiresAt: string | null;
  expired: boolean;
  rateLimit: KeyRateLimit | null;
}

/** POST /api/keys answer: the view plus the secret, shown this once only. */
export type CreatedClientKey = CreatedApiKey & Partial<ClientKey>;

/** What POST /api/keys takes; PATCH takes the same fields, all optional. */
export interface ClientKeyInput {
  name: string;
  cacheTtlSeconds?: number | null;
  permissions?: KeyPermissions;
  expiresAt?: string | null;
  rateLimit?: KeyRateLimit | null;
}
export type ClientKeyChanges = Partial<ClientKeyInput>;

/** Limits the form checks before sending (the server checks them again and has the last word). */
export const KEY_LIMITS = {
  nameMax: 100,
  cacheTtlMax: 30 * 24 * 3600,
  rpmMax: 10_000,
} as const;

/** Models whose owner is this are combos (GET /api/models lists them too); keys refer to them as `combo:<name>`. */
export const COMBO_MODEL_OWNER = "omniroute-combo";

export const keysApi = {
  list: () => apiRequest<ClientKey[]>("GET", "/api/keys"),
  create: (input: ClientKeyInput) => apiRequest<CreatedClientKey>("POST", "/api/keys", { body: input }),
  update: (id: string, changes: ClientKeyChanges) => apiRequest<ClientKey>("PATCH", `/api/keys/${encodeId(id)}`, { body: changes }),
  revoke: (id: string) => apiRequest<void>("DELETE", `/api/keys/${encodeId(id)}`),

  /** What a key's rules can name: the gateway's models, the catalog's providers and the combos. */
  listModels: async () => (await apiRequest<{ data: GatewayModel[] }>("GET", "/api/models")).data,
  listProviders: () => apiRequest<Provider[]>("GET", "/api/providers"),
  listCombos: () => apiRequest<Combo[]>("GET", "/api/combos"),
};
