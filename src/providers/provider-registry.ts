import { PROVIDER_CATALOG } from "./catalog";
import { providerDefinitionSchema, withProviderDefaults, type ProviderDefinition, type ProviderDefinitionInput } from "./provider-schema";

/** The built-in providers, validated once at start-up and looked up by id or alias. */
export class ProviderRegistry {
  readonly #byId = new Map<string, ProviderDefinition>();
  readonly #byPrefix = new Map<string, ProviderDefinition>();

  /** The built-in catalog is trusted (its test parses every entry); entries given explicitly are validated. */
  constructor(entries?: readonly ProviderDefinitionInput[]) {
    for (const entry of entries ?? PROVIDER_CATALOG) {
      const provider = entries ? providerDefinitionSchema.parse(entry) : withProviderDefaults(entry);
      if (this.#byId.has(provider.id)) throw new Error(`duplicate provider id ${provider.id}`);
      this.#byId.set(provider.id, provider);
    }
    for (const provider of this.#byId.values()) {
      for (const prefix of [provider.id, ...provider.aliases]) {
        const other = this.#byPrefix.get(prefix);
        if (other && other !== provider) throw new Error(`alias ${prefix} is claimed by ${other.id} and ${provider.id}`);
        this.#byPrefix.set(prefix, provider);
      }
    }
  }

  list(): ProviderDefinition[] {
    return [...this.#byId.values()];
  }

  get(id: string): ProviderDefinition | undefined {
    return this.#byId.get(id);
  }

  /** Provider claiming this prefix (its id or one of its aliases). */
  byPrefix(prefix: string): ProviderDefinition | undefined {
    return this.#byPrefix.get(prefix);
  }
}
