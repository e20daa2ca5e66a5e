import type { ApiKeyView } from "../services/api-key-service";
import { budgetServiceOf } from "../budgets/budget-service";
import { VERSION } from "../platform/version";
import type { AppServices } from "../services/app-services";
import { CONFIG_FORMAT, CONFIG_VERSION, type ConfigDocumentInput, type SealedSecrets } from "./config-document-schema";
import { sealWithPassphrase } from "./passphrase-seal";

/**
 * The whole configuration as one versioned document (the same format backups use). Provider keys are left out
 * unless asked for, and then only sealed with a passphrase. Client keys travel as hashes: they can't be recovered.
 * OAuth (subscription) accounts travel only with the secrets: without their tokens they could not be used, so an
 * export without secrets leaves them out; with secrets their token sets are sealed with the provider keys.
 */
export function exportConfig(services: AppServices, options: { includeSecrets?: boolean; passphrase?: string } = {}): ConfigDocumentInput {
  const all = services.connections.list();
  const connections = options.includeSecrets ? all : all.filter((c) => c.auth.kind !== "oauth");
  const document: ConfigDocumentInput = {
    format: CONFIG_FORMAT,
    version: CONFIG_VERSION,
    exportedAt: new Date().toISOString(),
    omnirouteVersion: VERSION,
    settings: services.settings.get(),
    connections: connections.map((c) => ({
      id: c.id,
      providerId: c.providerId,
      name: c.name,
      alias: c.alias,
      baseUrl: c.baseUrl,
      enabled: c.enabled,
      priority: c.priority,
      models: c.models,
      // Only when set, so documents of setups without quota windows stay readable by older versions.
      ...(c.quota ? { quota: c.quota } : {}),
      ...(c.auth.kind === "oauth" ? { oauth: true } : {}),
    })),
    combos: services.combos.list().map((c) => ({
      name: c.name,
      strategy: c.strategy,
      stickyRequests: c.stickyRequests,
      enabled: c.enabled,
      targets: c.targets,
      description: c.description,
      // Only when set, so documents of setups without the response cache stay readable by older versions.
      ...(c.cacheTtlSeconds !== null ? { cacheTtlSeconds: c.cacheTtlSeconds } : {}),
    })),
    apiKeys: services.apiKeys.rows().map((k) => ({
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      keyHash: k.keyHash,
      createdAt: new Date(k.createdAt).toISOString(),
      revokedAt: k.revokedAt === null ? null : new Date(k.revokedAt).toISOString(),
      ...(k.cacheTtlSeconds !== null ? { cacheTtlSeconds: k.cacheTtlSeconds } : {}),
      ...keyAccessOf(services.apiKeys.view(k)),
    })),
  };
  const budgets = budgetServiceOf(services).list();
  // Only when there are any, so documents of setups without budgets stay readable by older versions.
  if (budgets.length > 0) {
    document.budgets = budgets.map((b) => ({ id: b.id, name: b.name, scope: b.scope, scopeId: b.scopeId, window: b.window, limitUsd: b.limitUsd, enabled: b.enabled }));
  }
  if (options.includeSecrets) {
    if (!options.passphrase) throw new Error("Exporting secrets needs a passphrase to encrypt them with.");
    const keys: Record<string, string> = {};
    const secrets: SealedSecrets = { connections: keys };
    for (const c of connections) {
      if (c.auth.kind === "oauth") {
        const tokens = services.connections.readOAuthTokens(c.id);
        if (!tokens) continue;
        (secrets.oauth ??= {})[c.id] = { tokens, account: c.auth.account, ...(c.auth.state === "needs-reauth" ? { needsReauth: c.auth.error ?? "" } : {}) };
        continue;
      }
      const key = services.connections.revealApiKey(c.id);
      if (key) keys[c.id] = key;
    }
    document.secrets = sealWithPassphrase(JSON.stringify(secrets), options.passphrase);
  }
  return document;
}

/** A key's permissions, expiry and rate limit, only those that differ from "everything, never, none". */
function keyAccessOf(view: ApiKeyView): { permissions?: ApiKeyView["permissions"]; expiresAt?: string; rateLimit?: NonNullable<ApiKeyView["rateLimit"]> } {
  return {
    ...(view.permissions.allow !== null || view.permissions.blockedProviders.length > 0 ? { permissions: view.permissions } : {}),
    ...(view.expiresAt !== null ? { expiresAt: view.expiresAt } : {}),
    ...(view.rateLimit !== null ? { rateLimit: view.rateLimit } : {}),
  };
}
