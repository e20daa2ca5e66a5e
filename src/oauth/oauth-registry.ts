import { createOAuthFetch, type OAuthFetch } from "./oauth-fetch";
import type { OAuthContext, OAuthEndpoints, OAuthProviderModule } from "./oauth-types";
import { antigravityOAuth } from "./providers/antigravity";
import { claudeCodeOAuth } from "./providers/claude-code";
import { codexOAuth } from "./providers/codex";
import { githubCopilotOAuth } from "./providers/github-copilot";
import { kiroOAuth } from "./providers/kiro";
import { qwenCodeOAuth } from "./providers/qwen-code";

/**
 * Every provider's OAuth module, one line each. Adding a provider = one module in src/oauth/providers/ and one line
 * here; nothing else in the core names a provider.
 */
export const DEFAULT_OAUTH_MODULES: readonly OAuthProviderModule[] = [
  claudeCodeOAuth,
  codexOAuth,
  githubCopilotOAuth,
  qwenCodeOAuth,
  antigravityOAuth,
  kiroOAuth,
];

/**
 * The OAuth modules by provider id, plus the endpoint overrides tests use to point a module at mock servers (the only
 * way an OAuth call goes anywhere but a module's own production URLs: requests never name an endpoint).
 */
export class OAuthRegistry {
  readonly #modules = new Map<string, OAuthProviderModule>();
  readonly #overrides = new Map<string, Record<string, string>>();
  readonly #fetch: OAuthFetch;

  constructor(modules: readonly OAuthProviderModule[] = DEFAULT_OAUTH_MODULES, options: { fetch?: OAuthFetch } = {}) {
    for (const module of modules) this.register(module);
    this.#fetch = options.fetch ?? createOAuthFetch();
  }

  /** Adds (or replaces) a provider's module. */
  register(module: OAuthProviderModule): void {
    this.#modules.set(module.providerId, module);
  }

  get(providerId: string): OAuthProviderModule | undefined {
    return this.#modules.get(providerId);
  }

  list(): OAuthProviderModule[] {
    return [...this.#modules.values()];
  }

  /** Tests: replaces some (or all) of a provider's endpoints, by name, from now on. */
  overrideEndpoints(providerId: string, endpoints: Partial<Record<string, string>>): void {
    const merged = { ...this.#overrides.get(providerId) };
    for (const [name, url] of Object.entries(endpoints)) if (url !== undefined) merged[name] = url;
    this.#overrides.set(providerId, merged);
  }

  /** Tests: back to the module's own endpoints. */
  clearOverrides(providerId?: string): void {
    if (providerId === undefined) this.#overrides.clear();
    else this.#overrides.delete(providerId);
  }

  endpointsOf(providerId: string): OAuthEndpoints {
    const module = this.#modules.get(providerId);
    return Object.freeze({ ...module?.endpoints, ...this.#overrides.get(providerId) });
  }

  /** What a module's calls get: its endpoints (with overrides), the guarded fetch, the clock. */
  context(providerId: string, now: () => number = Date.now): OAuthContext {
    return { endpoints: this.endpointsOf(providerId), fetch: this.#fetch, now };
  }
}
