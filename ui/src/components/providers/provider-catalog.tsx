import { createMemo, createSignal, createUniqueId, For, Show } from "solid-js";
import { createEnabledToggle } from "../../api/create-enabled-toggle";
import type { ProviderTier } from "../../api/management-types";
import { providersApi, type CatalogProvider } from "../../api/providers-api";
import type { MessageKey } from "../../i18n/en";
import { t } from "../../i18n/locale-store";
import { FormError } from "../form-error";

export const PROVIDER_TIERS: readonly ProviderTier[] = ["subscription", "api-key", "cheap", "free", "local"];

const FORMAT_LABELS: Record<string, MessageKey> = {
  "openai-chat": "providers.format.openai-chat",
  "openai-responses": "providers.format.openai-responses",
  anthropic: "providers.format.anthropic",
  gemini: "providers.format.gemini",
};

interface CatalogMatch {
  provider: CatalogProvider;
  /** The model id the search found, when only a model matched. */
  model?: string;
}

/** Name, id and aliases first; a model id only when none of those matched. */
function matchProvider(provider: CatalogProvider, query: string): CatalogMatch | undefined {
  if (!query) return { provider };
  const fields = [provider.name, provider.id, ...provider.aliases];
  if (fields.some((field) => field.toLowerCase().includes(query))) return { provider };
  const model = provider.models.find((candidate) => candidate.id.toLowerCase().includes(query));
  return model ? { provider, model: model.id } : undefined;
}

interface ProviderCatalogProps {
  providers: readonly CatalogProvider[];
  /** Connections per provider id. */
  connectionCount: (providerId: string) => number;
  /** `trigger` gets the focus back when a dialog opened from it closes. */
  onConnect: (provider: CatalogProvider, trigger: HTMLElement) => void;
  onToggled: (provider: CatalogProvider, enabled: boolean) => void;
}

/** The provider catalog grouped by tier, with a search over names, ids, aliases and model ids. */
export function ProviderCatalog(props: ProviderCatalogProps) {
  const searchId = createUniqueId();
  const hintId = createUniqueId();
  const [query, setQuery] = createSignal("");
  const normalized = () => query().trim().toLowerCase();

  const matches = createMemo(() =>
    props.providers.flatMap((provider) => {
      const match = matchProvider(provider, normalized());
      return match ? [match] : [];
    }),
  );
  const groups = createMemo(() =>
    PROVIDER_TIERS.map((tier) => ({
      tier,
      matches: matches()
        .filter((match) => match.provider.tier === tier)
        .sort((a, b) => a.provider.name.localeCompare(b.provider.name)),
    })).filter((group) => group.matches.length > 0),
  );

  return (
    <div class="provider-catalog">
      <div class="field provider-catalog__search">
        <label for={searchId}>{t("providers.searchLabel")}</label>
        <input
          id={searchId}
          class="input"
          type="search"
          autocomplete="off"
          spellcheck={false}
          aria-describedby={hintId}
          aria-controls="provider-catalog-groups"
          value={query()}
          onInput={(event) => setQuery(event.currentTarget.value)}
          onKeyDown={(event) => {
            if (event.key === "Escape" && query()) {
              event.preventDefault();
              setQuery("");
            }
          }}
        />
        <p id={hintId} class="field__hint">
          {t("providers.searchHint")}
        </p>
      </div>
      <p class="provider-catalog__count muted" role="status" data-testid="provider-catalog-count">
        {normalized()
          ? t("providers.searchCount", { shown: matches().length, total: props.providers.length })
          : t("providers.catalogCount", { total: props.providers.length })}
      </p>

      <div id="provider-catalog-groups">
        <Show when={groups().length > 0} fallback={<p class="empty-state">{t("providers.searchEmpty", { query: query().trim() })}</p>}>
          <For each={groups()}>
            {(group) => {
              const headingId = createUniqueId();
              return (
                <section class="provider-tier" aria-labelledby={headingId} data-testid={`provider-tier-${group.tier}`}>
                  <h3 id={headingId} class="provider-tier__heading">
                    {t(`providers.tier.${group.tier}`)} <span class="muted">({group.matches.length})</span>
                  </h3>
                  <p class="provider-tier__intro muted">{t(`providers.tierIntro.${group.tier}`)}</p>
                  <ul class="provider-grid">
                    <For each={group.matches}>
                      {(match) => (
                        <ProviderCard
                          provider={match.provider}
                          matchedModel={match.model}
                          connections={props.connectionCount(match.provider.id)}
                          onConnect={props.onConnect}
                          onToggled={props.onToggled}
                        />
                      )}
                    </For>
                  </ul>
                </section>
              );
            }}
          </For>
        </Show>
      </div>
    </div>
  );
}

interface ProviderCardProps {
  provider: CatalogProvider;
  matchedModel: string | undefined;
  connections: number;
  /** `trigger` gets the focus back when a dialog opened from it closes. */
  onConnect: (provider: CatalogProvider, trigger: HTMLElement) => void;
  onToggled: (provider: CatalogProvider, enabled: boolean) => void;
}

function ProviderCard(props: ProviderCardProps) {
  const [error, setError] = createSignal<string>();
  const toggle = createEnabledToggle({
    save: async (enabled) => {
      await providersApi.setProviderEnabled(props.provider.id, enabled);
      props.onToggled(props.provider, enabled);
    },
    saved: () => props.provider.enabled,
    onError: setError,
  });
  const format = () => {
    const key = FORMAT_LABELS[props.provider.format];
    return key ? t(key) : props.provider.format;
  };

  return (
    <li class="provider-card" classList={{ "provider-card--off": !props.provider.enabled }} data-testid={`provider-card-${props.provider.id}`}>
      <div class="provider-card__head">
        <h4 class="provider-card__name">{props.provider.name}</h4>
        <Show when={props.connections > 0}>
          <span class="badge badge--ok">{t("providers.connectedCount", { count: props.connections })}</span>
        </Show>
      </div>
      <p class="provider-card__meta muted">
        <code>{props.provider.id}</code>
        <Show when={props.provider.aliases.length > 0}>
          {" · "}
          {t("providers.aliases", { aliases: props.provider.aliases.join(", ") })}
        </Show>
      </p>
      <p class="provider-card__meta muted">
        {format()} ·{" "}
        {props.provider.models.length > 0
          ? t("providers.modelCount", { count: props.provider.models.length })
          : t("providers.modelsFromEndpoint")}
      </p>
      <Show when={props.provider.oauth}>
        <p class="provider-card__meta">{t("providers.oauth.cardHint")}</p>
      </Show>
      <Show when={props.matchedModel}>
        {(model) => (
          <p class="provider-card__meta">
            {t("providers.matchedModel")} <code>{model()}</code>
          </p>
        )}
      </Show>
      <div class="provider-card__actions">
        <button
          type="button"
          class="button button--small button--primary"
          aria-label={t("providers.connectNamed", { name: props.provider.name })}
          onClick={(event) => props.onConnect(props.provider, event.currentTarget)}
        >
          {t("providers.connect")}
        </button>
        <label class="switch">
          <input
            type="checkbox"
            role="switch"
            checked={props.provider.enabled}
            aria-busy={toggle.saving()}
            aria-label={t("providers.providerOnNamed", { name: props.provider.name })}
            onChange={(event) => void toggle.toggle(event.currentTarget)}
          />
          <span class="switch__text" aria-hidden="true">
            {props.provider.enabled ? t("providers.providerOn") : t("providers.providerOff")}
          </span>
        </label>
      </div>
      <FormError message={error()} />
    </li>
  );
}
