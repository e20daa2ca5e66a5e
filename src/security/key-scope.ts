import { z } from "zod";

/**
 * What a client key may reach. `allow: null` is everything; otherwise a list of entries:
 * - `*` — everything;
 * - `<provider id or alias>/<model glob>` — that provider's models (`openai/*`, `anthropic/claude-*`, `openai/gpt-5.4`);
 * - `provider:<provider id>` — all of one provider's models;
 * - `combo:<name glob>` — combos (`combo:coding`, `combo:*`).
 * `blockedProviders` always wins: such a provider is never reached, not even as a target of an allowed combo.
 */
export const keyPermissionsSchema = z
  .object({
    allow: z
      .array(
        z
          .string()
          .trim()
          .min(1)
          .max(200)
          .refine((entry) => entry === "*" || /^combo:\S+$/.test(entry) || /^provider:[^/\s]+$/.test(entry) || /^[^/\s:]+\/\S+$/.test(entry), {
            message: "an entry is `*`, `<provider>/<model glob>` (e.g. `openai/*`), `provider:<id>` or `combo:<name glob>`, without spaces",
          }),
      )
      .max(500)
      .nullable()
      .default(null)
      .describe("Allowed models, providers and combos; null = everything"),
    blockedProviders: z.array(z.string().trim().min(1).max(100)).max(500).default([]).describe("Provider ids this key never reaches, even through a combo"),
  })
  .strict();
export type KeyPermissions = z.infer<typeof keyPermissionsSchema>;
export type KeyPermissionsInput = z.input<typeof keyPermissionsSchema>;

/** What the scope needs to know about a provider: its id and every prefix it answers to. */
export interface ScopedProvider {
  id: string;
  /** Catalog aliases and the connection's own alias, if any. */
  prefixes: readonly string[];
}

/** `claude-*` → an anchored regex; everything but `*` literal. */
function globRegex(glob: string): RegExp {
  return new RegExp(`^${glob.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

interface ModelRule {
  prefix: string;
  model: RegExp;
}

/** A key's permissions compiled for the request path. Only restricted keys have one. */
export class KeyScope {
  readonly #everything: boolean;
  readonly #providers: Set<string>;
  readonly #models: ModelRule[];
  readonly #combos: RegExp[];
  readonly #blocked: Set<string>;

  constructor(readonly permissions: KeyPermissions) {
    const allow = permissions.allow;
    this.#everything = allow === null || allow.includes("*");
    this.#providers = new Set();
    this.#models = [];
    this.#combos = [];
    for (const entry of allow ?? []) {
      if (entry === "*") continue;
      if (entry.startsWith("provider:")) this.#providers.add(entry.slice(9));
      else if (entry.startsWith("combo:")) this.#combos.push(globRegex(entry.slice(6)));
      else {
        const slash = entry.indexOf("/");
        this.#models.push({ prefix: entry.slice(0, slash), model: globRegex(entry.slice(slash + 1)) });
      }
    }
    this.#blocked = new Set(permissions.blockedProviders);
  }

  /** True when the permissions restrict nothing (no key scope is needed). */
  static unrestricted(permissions: KeyPermissions): boolean {
    return (permissions.allow === null || permissions.allow.includes("*")) && permissions.blockedProviders.length === 0;
  }

  isBlocked(providerId: string): boolean {
    return this.#blocked.has(providerId);
  }

  /** May the key name this combo? (Its targets are still checked against the blocked providers.) */
  allowsCombo(name: string): boolean {
    return this.#everything || this.#combos.some((pattern) => pattern.test(name));
  }

  /** May the key call `model` of this provider directly? */
  allowsModel(provider: ScopedProvider, model: string): boolean {
    if (this.#blocked.has(provider.id)) return false;
    if (this.#everything || this.#providers.has(provider.id)) return true;
    for (const rule of this.#models) {
      if ((rule.prefix === provider.id || provider.prefixes.includes(rule.prefix)) && rule.model.test(model)) return true;
    }
    return false;
  }

  /** May the key call any model of this provider directly? */
  reachesProvider(provider: ScopedProvider): boolean {
    if (this.#blocked.has(provider.id)) return false;
    if (this.#everything || this.#providers.has(provider.id)) return true;
    return this.#models.some((rule) => rule.prefix === provider.id || provider.prefixes.includes(rule.prefix));
  }

  /** One line for errors: what this key may use. */
  describe(): string {
    const allow = this.permissions.allow;
    const allowed = allow === null || allow.includes("*") ? "every model" : allow.length === 0 ? "nothing" : allow.join(", ");
    const blocked = this.permissions.blockedProviders.length > 0 ? `; blocked providers: ${this.permissions.blockedProviders.join(", ")}` : "";
    return `${allowed}${blocked}`;
  }
}

/** The provider facts of a route target, as the scope reads them. */
export function scopedProviderOf(connection: { alias: string | null; provider: { id: string; aliases: readonly string[] } }): ScopedProvider {
  return { id: connection.provider.id, prefixes: connection.alias ? [connection.alias, ...connection.provider.aliases] : connection.provider.aliases };
}

interface PlannedTarget {
  connection: { alias: string | null; provider: { id: string; aliases: readonly string[] } };
  upstreamModel: string;
}

/**
 * The targets of a route plan this key may reach, or why none: a combo must be allowed as a whole (its targets
 * then only lose blocked providers); a direct model must be allowed for its provider.
 */
export function permittedTargets<T extends PlannedTarget>(
  scope: KeyScope,
  plan: { targets: T[]; combo?: string },
  requested: string,
): { ok: true; targets: T[] } | { ok: false; message: string } {
  const fix = `This key may use: ${scope.describe()}. An admin can change its permissions in the dashboard (API keys).`;
  if (plan.combo !== undefined) {
    if (!scope.allowsCombo(plan.combo)) return { ok: false, message: `This API key may not use the combo '${plan.combo}'. ${fix}` };
    const open = plan.targets.filter((target) => !scope.isBlocked(target.connection.provider.id));
    if (open.length === 0) return { ok: false, message: `Every target of the combo '${plan.combo}' belongs to a provider this API key is blocked from. ${fix}` };
    return { ok: true, targets: open };
  }
  const open = plan.targets.filter((target) => scope.allowsModel(scopedProviderOf(target.connection), target.upstreamModel));
  if (open.length === 0) {
    const provider = plan.targets[0]?.connection.provider.id;
    const reason = provider && scope.isBlocked(provider) ? ` (the provider '${provider}' is blocked for this key)` : "";
    return { ok: false, message: `This API key may not use the model '${requested}'${reason}. ${fix}` };
  }
  return { ok: true, targets: open };
}
