import { ApiKeyError, type ApiKeyUpdate } from "../services/api-key-service";
import { z } from "zod";
import { budgetServiceOf, BudgetValidationError } from "../budgets/budget-service";
import { hashApiKey } from "../security/api-key";
import type { HostLookup } from "../security/outbound-address";
import { checkUpstreamHostResolution, validateUpstreamBaseUrl } from "../security/upstream-url";
import { ComboValidationError, referencedCombo, type ComboCreate } from "../services/combo-service";
import { ConnectionValidationError } from "../services/connection-service";
import type { AppServices } from "../services/app-services";
import { CONFIG_FORMAT, CONFIG_VERSION, configDocumentSchema, sealedSecretsContentSchema, type ConfigDocument } from "./config-document-schema";
import { openWithPassphrase, PassphraseError } from "./passphrase-seal";

export class ConfigImportError extends Error {
  override name = "ConfigImportError";
}

export interface ImportSummary {
  connections: { created: number; updated: number };
  combos: { created: number; updated: number };
  apiKeys: { created: number; skipped: number };
  /** Present when the file has a budgets section or `replace` removed budgets. */
  budgets?: { created: number; updated: number; removed: number };
  settings: boolean;
  secretsApplied: number;
  /** Plain client keys created from the file (hand-written setups), to show once. */
  createdKeys: Array<{ name: string; prefix: string }>;
}

/**
 * Save-time DNS check of the document's base URLs (a host name resolving to a link-local or cloud-metadata
 * address is refused, as for the connections API). Async, so it runs before the synchronous, transactional
 * import; a document that does not parse is left for importConfig to report.
 */
export async function checkImportBaseUrls(input: unknown, lookup?: HostLookup): Promise<void> {
  const parsed = configDocumentSchema.safeParse(input);
  if (!parsed.success) return;
  for (const [index, entry] of parsed.data.connections.entries()) {
    if (!entry.baseUrl) continue;
    const checked = validateUpstreamBaseUrl(entry.baseUrl);
    if (!checked.ok) continue; // reported with its index by importConfig
    const resolved = await checkUpstreamHostResolution(checked.url, lookup);
    if (!resolved.ok) throw new ConfigImportError(`connections[${index}]: ${resolved.reason}`);
  }
}

/**
 * The file's combos in an order where each lands after the file's combos it names, so references may come in
 * any order. A cycle among them is reported here; one through stored combos is left to the service.
 */
function comboApplyOrder(entries: ComboCreate[]): number[] {
  const indexByName = new Map<string, number>();
  entries.forEach((entry, index) => {
    if (indexByName.has(entry.name)) throw new ConfigImportError(`combos[${index}]: the file has another combo named "${entry.name}".`);
    indexByName.set(entry.name, index);
  });
  const order: number[] = [];
  const done = new Set<number>();
  const path: number[] = [];
  const visit = (index: number): void => {
    if (done.has(index)) return;
    const onPath = path.indexOf(index);
    if (onPath !== -1) {
      const names = [...path.slice(onPath), index].map((i) => entries[i]!.name);
      throw new ConfigImportError(`combos[${index}]: Combo "${entries[index]!.name}" would form a cycle: ${names.join(" → ")}. A combo cannot reach itself through its targets.`);
    }
    path.push(index);
    for (const target of entries[index]!.targets) {
      const ref = referencedCombo(target.model);
      const refIndex = ref === null ? undefined : indexByName.get(ref);
      if (refIndex !== undefined) visit(refIndex);
    }
    path.pop();
    done.add(index);
    order.push(index);
  };
  entries.forEach((_, index) => visit(index));
  return order;
}

/**
 * Applies a config document in one transaction: either everything lands or nothing does.
 * Connections are matched by id (updated) or created, combos by name; client keys already present are left alone.
 * `replace` also removes connections, combos and keys that are not in the document.
 */
export function importConfig(
  services: AppServices,
  input: unknown,
  options: { passphrase?: string; replace?: boolean } = {},
): ImportSummary {
  const versionProbe = z.object({ format: z.string().optional(), version: z.number().optional() }).safeParse(input);
  if (!versionProbe.success || versionProbe.data.format !== CONFIG_FORMAT) {
    throw new ConfigImportError(`Not an OmniRoute config file (expected "format": "${CONFIG_FORMAT}").`);
  }
  if ((versionProbe.data.version ?? 0) > CONFIG_VERSION) {
    throw new ConfigImportError(`This file is config version ${versionProbe.data.version}, newer than this OmniRoute understands (${CONFIG_VERSION}). Upgrade OmniRoute.`);
  }
  const parsed = configDocumentSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigImportError(`Invalid config file at ${issue.path.join(".") || "(root)"}: ${issue.message}`);
  }
  const doc = parsed.data;

  let sealed: SealedSecretsContent = { connections: {} };
  if (doc.secrets) {
    if (!options.passphrase) throw new ConfigImportError("This file contains encrypted secrets: give the passphrase it was exported with.");
    let opened: unknown;
    try {
      opened = JSON.parse(openWithPassphrase(doc.secrets, options.passphrase));
    } catch (error) {
      throw new ConfigImportError(error instanceof PassphraseError ? error.message : "The encrypted secrets are unreadable.");
    }
    const content = sealedSecretsContentSchema.safeParse(opened);
    if (!content.success) throw new ConfigImportError("The encrypted secrets opened, but they are not in the expected shape (provider keys and OAuth token sets).");
    sealed = content.data;
  }
  const sealedKeys = sealed.connections;

  const summary: ImportSummary = {
    connections: { created: 0, updated: 0 },
    combos: { created: 0, updated: 0 },
    apiKeys: { created: 0, skipped: 0 },
    settings: false,
    secretsApplied: 0,
    createdKeys: [],
  };
  const { connections, combos, apiKeys, settings } = services;
  const comboOrder = comboApplyOrder(doc.combos);
  const apply = services.store.sqlite.transaction(() => {
    if (options.replace) {
      const keep = new Set(doc.connections.flatMap((c) => (c.id ? [c.id] : [])));
      // OAuth accounts travel only in exports with secrets: a document without them says nothing about the accounts
      // here, so `replace` leaves them alone; one with secrets lists them all.
      const listsOAuth = doc.secrets !== undefined;
      for (const existing of connections.list()) if (!keep.has(existing.id) && (listsOAuth || existing.auth.kind !== "oauth")) connections.delete(existing.id);
      const keepIds = new Set(doc.apiKeys.flatMap((k) => ("id" in k ? [k.id] : [])));
      const keepHashes = new Set(doc.apiKeys.flatMap((k) => ("key" in k ? [hashApiKey(k.key)] : [])));
      for (const key of apiKeys.rows()) {
        if (!keepIds.has(key.id) && !keepHashes.has(key.keyHash) && key.revokedAt === null) apiKeys.revoke(key.id);
      }
    }
    if (doc.settings) {
      settings.replace(doc.settings);
      summary.settings = true;
    }
    doc.connections.forEach((entry, index) => {
      if (entry.oauth) {
        importOAuthAccount(services, entry, index, entry.id ? sealed.oauth?.[entry.id] : undefined, summary);
        return;
      }
      const apiKey = entry.apiKey ?? (entry.id ? sealedKeys[entry.id] : undefined);
      if (apiKey && !entry.apiKey) summary.secretsApplied += 1;
      try {
        const existing = entry.id ? connections.get(entry.id) : undefined;
        if (existing) {
          if (existing.providerId !== entry.providerId) {
            throw new ConnectionValidationError(`connection ${entry.id} exists with provider ${existing.providerId}, not ${entry.providerId}`);
          }
          connections.update(existing.id, { name: entry.name, ...updatableFields(entry), ...(apiKey ? { apiKey } : {}) });
          summary.connections.updated += 1;
        } else {
          connections.create(
            {
              providerId: entry.providerId,
              name: entry.name,
              alias: entry.alias ?? undefined,
              baseUrl: entry.baseUrl ?? undefined,
              enabled: entry.enabled,
              priority: entry.priority,
              models: entry.models ?? undefined,
              ...(entry.quota ? { quota: entry.quota } : {}),
              apiKey,
            },
            { id: entry.id },
          );
          summary.connections.created += 1;
        }
      } catch (error) {
        if (error instanceof ConnectionValidationError) {
          const hint = !apiKey && /API key/.test(error.message) && !doc.secrets
            ? " This file carries no provider keys: add \"apiKey\" to the entry, or export with --include-secrets."
            : "";
          throw new ConfigImportError(`connections[${index}]: ${error.message}${hint}`);
        }
        throw error;
      }
    });
    for (const index of comboOrder) {
      const entry = doc.combos[index]!;
      try {
        if (combos.get(entry.name)) {
          const { name, ...patch } = entry;
          combos.update(name, patch);
          summary.combos.updated += 1;
        } else {
          combos.create(entry);
          summary.combos.created += 1;
        }
      } catch (error) {
        if (error instanceof ComboValidationError) throw new ConfigImportError(`combos[${index}]: ${error.message}`);
        throw error;
      }
    }
    if (options.replace) {
      // After the upserts, so a kept combo no longer points at one being removed; users go before what they use.
      const keep = new Set(doc.combos.map((c) => c.name));
      let remove = combos.list().flatMap((c) => (keep.has(c.name) ? [] : [c.name]));
      while (remove.length > 0) {
        const used = new Set(combos.runtime().flatMap((c) => (remove.includes(c.name) ? c.targets.flatMap((t) => (t.combo ? [t.combo] : [])) : [])));
        const ready = remove.filter((name) => !used.has(name));
        if (ready.length === 0) break; // cannot happen: stored combos form no cycle
        for (const name of ready) {
          try {
            combos.delete(name);
          } catch (error) {
            if (error instanceof ComboValidationError) throw new ConfigImportError(`Replacing would remove combo "${name}", which the file still uses: ${error.message}`);
            throw error;
          }
        }
        remove = remove.filter((name) => !ready.includes(name));
      }
    }
    const existingHashes = new Map(apiKeys.rows().map((k) => [k.keyHash, k.id]));
    const existingIds = new Set(apiKeys.rows().map((k) => k.id));
    // A key already present keeps its name; its cache opt-in, permissions, expiry and rate limit follow the file
    // where the file states them.
    const applyStated = (id: string | undefined, entry: (typeof doc.apiKeys)[number]) => {
      if (id === undefined) return;
      const patch: ApiKeyUpdate = {};
      if (entry.cacheTtlSeconds !== undefined) patch.cacheTtlSeconds = entry.cacheTtlSeconds;
      if (entry.permissions !== undefined) patch.permissions = entry.permissions;
      if (entry.expiresAt !== undefined) patch.expiresAt = entry.expiresAt;
      if (entry.rateLimit !== undefined) patch.rateLimit = entry.rateLimit;
      if (Object.keys(patch).length > 0) keyStep(() => apiKeys.update(id, patch));
    };
    const keyStep = <T>(step: () => T): T => {
      try {
        return step();
      } catch (error) {
        if (error instanceof ApiKeyError) throw new ConfigImportError(`apiKeys: ${error.message}`);
        throw error;
      }
    };
    for (const entry of doc.apiKeys) {
      if ("key" in entry) {
        const existingId = existingHashes.get(hashApiKey(entry.key));
        if (existingId !== undefined) {
          applyStated(existingId, entry);
          summary.apiKeys.skipped += 1;
          continue;
        }
        const created = keyStep(() =>
          apiKeys.create(entry.name, {
            key: entry.key,
            cacheTtlSeconds: entry.cacheTtlSeconds ?? null,
            ...(entry.permissions ? { permissions: entry.permissions } : {}),
            ...(entry.expiresAt !== undefined ? { expiresAt: entry.expiresAt } : {}),
            ...(entry.rateLimit !== undefined ? { rateLimit: entry.rateLimit } : {}),
          }),
        );
        summary.createdKeys.push({ name: created.name, prefix: created.prefix });
        summary.apiKeys.created += 1;
      } else if (existingHashes.has(entry.keyHash) || existingIds.has(entry.id)) {
        applyStated(existingIds.has(entry.id) ? entry.id : existingHashes.get(entry.keyHash), entry);
        summary.apiKeys.skipped += 1;
      } else {
        apiKeys.importHashed({
          id: entry.id,
          name: entry.name,
          prefix: entry.prefix,
          keyHash: entry.keyHash,
          createdAt: Date.parse(entry.createdAt),
          revokedAt: entry.revokedAt ? Date.parse(entry.revokedAt) : null,
          cacheTtlSeconds: entry.cacheTtlSeconds ?? null,
          ...(entry.permissions ? { permissions: entry.permissions } : {}),
          expiresAt: entry.expiresAt ?? null,
          rateLimit: entry.rateLimit ?? null,
        });
        summary.apiKeys.created += 1;
      }
    }
    // Last: key budgets name client keys, combo budgets combos, and both may arrive in this same file.
    const budgets = budgetServiceOf(services);
    const budgetEntries = doc.budgets ?? [];
    const budgetCounts = { created: 0, updated: 0, removed: 0 };
    const keptBudgets = new Set<string>();
    budgetEntries.forEach((entry, index) => {
      const { id, ...fields } = entry;
      try {
        if (id !== undefined && budgets.get(id)) {
          keptBudgets.add(budgets.update(id, fields).id);
          budgetCounts.updated += 1;
        } else {
          keptBudgets.add(budgets.create(fields, id !== undefined ? { id } : {}).id);
          budgetCounts.created += 1;
        }
      } catch (error) {
        if (error instanceof BudgetValidationError) throw new ConfigImportError(`budgets[${index}]: ${error.message}`);
        throw error;
      }
    });
    if (options.replace) {
      for (const budget of budgets.list()) {
        if (keptBudgets.has(budget.id)) continue;
        budgets.delete(budget.id);
        budgetCounts.removed += 1;
      }
    }
    if (doc.budgets !== undefined || budgetCounts.removed > 0) summary.budgets = budgetCounts;
  });
  try {
    apply();
  } finally {
    // The caches may have seen rows that a rollback removed: re-read the store either way.
    settings.reload();
    connections.reload();
    combos.reload();
    apiKeys.reload();
    budgetServiceOf(services).reload();
  }
  return summary;
}

type ConnectionEntry = ConfigDocument["connections"][number];
type SealedSecretsContent = z.infer<typeof sealedSecretsContentSchema>;

/** An entry's fields an update takes as they are (undefined: left unchanged). */
function updatableFields(entry: ConnectionEntry) {
  return {
    alias: entry.alias,
    baseUrl: entry.baseUrl,
    enabled: entry.enabled,
    priority: entry.priority,
    models: entry.models,
    ...(entry.quota !== undefined ? { quota: entry.quota } : {}),
  };
}
type SealedOAuthAccount = NonNullable<SealedSecretsContent["oauth"]>[string];

/**
 * A subscription account from the document: its token set comes from the sealed secrets (exports with secrets
 * only). An existing account with the id gets the tokens and the entry's fields (and a cleared re-auth state);
 * otherwise the account is created with that id. One that needed re-authentication when exported still does.
 */
function importOAuthAccount(services: AppServices, entry: ConnectionEntry, index: number, sealed: SealedOAuthAccount | undefined, summary: ImportSummary): void {
  const { connections, registry } = services;
  const where = `connections[${index}]`;
  const label = entry.name ?? entry.id ?? entry.providerId;
  if (entry.apiKey) throw new ConfigImportError(`${where}: "${label}" signs in over OAuth; it cannot have an apiKey.`);
  if (!registry.get(entry.providerId)?.oauth) {
    throw new ConfigImportError(`${where}: provider "${entry.providerId}" does not sign in over OAuth; remove "oauth" from the entry.`);
  }
  if (!sealed) {
    throw new ConfigImportError(
      `${where}: "${label}" is a subscription account signed in over OAuth and this file carries no token set for it. ` +
        "Export with --include-secrets (and import with its passphrase), or connect the account again from the Providers page.",
    );
  }
  const fields = updatableFields(entry);
  try {
    const existing = entry.id ? connections.get(entry.id) : undefined;
    let id: string;
    if (existing) {
      if (existing.providerId !== entry.providerId || existing.auth.kind !== "oauth") {
        throw new ConnectionValidationError(`connection ${existing.id} exists as a ${existing.auth.kind === "oauth" ? existing.providerId : "API-key"} connection, not a ${entry.providerId} account`);
      }
      connections.storeOAuthTokens(existing.id, sealed.tokens, sealed.account, { clearAuthState: true });
      connections.update(existing.id, { name: entry.name, ...fields });
      id = existing.id;
      summary.connections.updated += 1;
    } else {
      id = connections.createOAuth({ providerId: entry.providerId, name: entry.name ?? entry.providerId, tokens: sealed.tokens, account: sealed.account }, { id: entry.id }).id;
      connections.update(id, fields);
      summary.connections.created += 1;
    }
    if (sealed.needsReauth !== undefined) connections.setAuthState(id, "needs-reauth", sealed.needsReauth || "needed re-authentication when it was exported");
    summary.secretsApplied += 1;
  } catch (error) {
    if (error instanceof ConnectionValidationError) throw new ConfigImportError(`${where}: ${error.message}`);
    throw error;
  }
}
