/** Shapes of the management API responses, as documented in the dashboard contract. */

export interface GatewayStatus {
  version: string;
  startedAt: string;
  uptimeSeconds: number;
  listen: { host: string; port: number };
  dataDir: string;
  connections: { total: number; enabled: number };
  models: { total: number };
  apiKeys: { active: number };
}

export type ProviderTier = "subscription" | "api-key" | "cheap" | "free" | "local";

export interface ProviderModel {
  id: string;
  contextWindow: number;
  pricing?: { input: number; output: number; cachedInput?: number };
}

export interface Provider {
  id: string;
  name: string;
  aliases: string[];
  tier: ProviderTier;
  format: string;
  baseUrl: string;
  apiKeyOptional: boolean;
  requiresBaseUrl: boolean;
  docsUrl?: string;
  keysUrl?: string;
  models: ProviderModel[];
}

export interface ConnectionTestSummary {
  at: string;
  ok: boolean;
  latencyMs: number;
  error?: string;
}

export interface Connection {
  id: string;
  providerId: string;
  name: string;
  alias: string | null;
  baseUrl: string | null;
  enabled: boolean;
  priority: number;
  hasApiKey: boolean;
  apiKeyPreview: string | null;
  models: string[] | null;
  createdAt: string;
  updatedAt: string;
  lastTest: ConnectionTestSummary | null;
}

export interface NewConnection {
  providerId: string;
  name?: string;
  apiKey?: string;
  baseUrl?: string;
  alias?: string;
  enabled?: boolean;
  priority?: number;
  models?: string[];
}

export type ConnectionChanges = Partial<Omit<NewConnection, "providerId">>;

export interface ConnectionTestResult {
  ok: boolean;
  latencyMs: number;
  method: "models" | "chat";
  modelCount?: number;
  error?: string;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  /** The full secret; the server never returns it again. */
  key: string;
}

export interface GatewayModel {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}
