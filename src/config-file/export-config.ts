import type { ApiKeyView } from "../services/api-key-service";
import { budgetServiceOf } from "../budgets/budget-service";
import { VERSION } from "../platform/version";
import type { AppServices } from "../services/app-services";
import { CONFIG_FORMAT, CONFIG_VERSION, type ConfigDocumentInput } from "./config-document-schema";
import { sealWithPassphrase } from "./passphrase-seal";

/**
 * The whole configuration as one versioned document (the same format backups use). Provider keys are left out
 * unless asked for, and then only sealed with a passphrase. Client keys travel as hashes: they can't be recovered.
 */
export function exportConfig(services: AppServices, options: { includeSecrets?: boolean; passphrase?: string } = {}): ConfigDocumentInput {
  // OAuth (subscription) accounts are left out: their tokens are bound to this installation's sign-in and rotate, so
  // a copy would not stay valid; after an import they are signed in again (docs/oauth.md).
  const connections = services.connections.list().filter((c) => c.auth.kind !== "oauth");
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
    const secrets: Record<string, string> = {};
    for (const c of connections) {
      const key = services.connections.revealApiKey(c.id);
      if (key) secrets[c.id] = key;
    }
    document.secrets = sealWithPassphrase(JSON.stringify({ connections: secrets }), options.passphrase);
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
