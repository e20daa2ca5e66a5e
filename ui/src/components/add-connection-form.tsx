import { createEffect, createMemo, createSignal, createUniqueId, For, on, Show } from "solid-js";
import { describeApiError } from "../api/describe-api-error";
import { managementApi } from "../api/management-api";
import type { Connection, NewConnection, Provider, ProviderTier } from "../api/management-types";
import type { ProviderOAuth } from "../api/oauth-api";
import { t } from "../i18n/locale-store";
import { FormError } from "./form-error";

const TIER_ORDER: readonly ProviderTier[] = ["subscription", "api-key", "cheap", "free", "local"];

/** A request to preset the form to a provider (a catalog card's "Connect"); a new object each time. */
export interface ConnectRequest {
  providerId: string;
}

interface AddConnectionFormProps {
  /** Providers connected by signing in (`oauth`) are left out: their catalog card's Connect runs the sign-in. */
  providers: Array<Provider & { oauth?: ProviderOAuth }>;
  onAdded: (connection: Connection) => void;
  /** When it changes, the form switches to that provider and moves the focus to its first field. */
  connectRequest?: ConnectRequest;
}

/**
 * Providers that need their own base URL are user-defined OpenAI-compatible endpoints; they are the ones
 * where a short alias ("alias/model") is useful to tell several of them apart.
 */
function acceptsAlias(provider: Provider): boolean {
  return provider.requiresBaseUrl;
}

export function AddConnectionForm(props: AddConnectionFormProps) {
  const ids = {
    provider: createUniqueId(),
    name: createUniqueId(),
    nameHint: createUniqueId(),
    apiKey: createUniqueId(),
    apiKeyHint: createUniqueId(),
    baseUrl: createUniqueId(),
    baseUrlHint: createUniqueId(),
    alias: createUniqueId(),
    aliasHint: createUniqueId(),
  };
  const [providerId, setProviderId] = createSignal("");
  const [name, setName] = createSignal("");
  const [apiKey, setApiKey] = createSignal("");
  const [baseUrl, setBaseUrl] = createSignal("");
  const [alias, setAlias] = createSignal("");
  const [submitting, setSubmitting] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const [addedName, setAddedName] = createSignal<string>();
  let nameInput!: HTMLInputElement;

  createEffect(
    on(
      () => props.connectRequest,
      (request) => {
        if (!request) return;
        setProviderId(request.providerId);
        setError(undefined);
        setAddedName(undefined);
        nameInput.focus();
      },
    ),
  );

  const keyProviders = createMemo(() => props.providers.filter((provider) => !provider.oauth));
  const signInProviders = createMemo(() => props.providers.filter((provider) => provider.oauth).map((provider) => provider.name));
  const selectedProvider = createMemo(() => keyProviders().find((provider) => provider.id === providerId()));
  const providersByTier = createMemo(() =>
    TIER_ORDER.map((tier) => ({
      tier,
      providers: keyProviders()
        .filter((provider) => provider.tier === tier)
        .sort((a, b) => a.name.localeCompare(b.name)),
    })).filter((group) => group.providers.length > 0),
  );

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const provider = selectedProvider();
    if (!provider) return;
    const connection: NewConnection = { providerId: provider.id };
    if (name().trim()) connection.name = name().trim();
    if (apiKey().trim()) connection.apiKey = apiKey().trim();
    if (provider.requiresBaseUrl) connection.baseUrl = baseUrl().trim();
    if (acceptsAlias(provider) && alias().trim()) connection.alias = alias().trim();

    setSubmitting(true);
    setError(undefined);
    setAddedName(undefined);
    try {
      const created = await managementApi.createConnection(connection);
      setName("");
      setApiKey("");
      setBaseUrl("");
      setAlias("");
      setAddedName(created.name);
      props.onAdded(created);
    } catch (failure) {
      setError(describeApiError(failure));
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <form class="form" onSubmit={submit}>
      <div class="field">
        <label for={ids.provider}>{t("providers.providerField")}</label>
        <select
          id={ids.provider}
          class="select"
          required
          value={providerId()}
          onChange={(event) => setProviderId(event.currentTarget.value)}
        >
          <option value="" disabled>
            {t("providers.chooseProvider")}
          </option>
          <For each={providersByTier()}>
            {(group) => (
              <optgroup label={t(`providers.tier.${group.tier}`)}>
                <For each={group.providers}>{(provider) => <option value={provider.id}>{provider.name}</option>}</For>
              </optgroup>
            )}
          </For>
        </select>
        <Show when={signInProviders().length > 0}>
          <p class="field__hint">{t("providers.oauth.formHint", { names: signInProviders().join(", ") })}</p>
        </Show>
        <Show when={selectedProvider()?.docsUrl || selectedProvider()?.keysUrl}>
          <p class="field__hint">
            <Show when={selectedProvider()?.keysUrl}>
              {(url) => (
                <a href={url()} target="_blank" rel="noopener noreferrer">
                  {t("providers.getKey")}
                </a>
              )}
            </Show>
            <Show when={selectedProvider()?.keysUrl && selectedProvider()?.docsUrl}> · </Show>
            <Show when={selectedProvider()?.docsUrl}>
              {(url) => (
                <a href={url()} target="_blank" rel="noopener noreferrer">
                  {t("providers.docs")}
                </a>
              )}
            </Show>
          </p>
        </Show>
      </div>

      <div class="field">
        <label for={ids.name}>{t("providers.nameField")}</label>
        <input
          ref={nameInput}
          id={ids.name}
          class="input"
          type="text"
          autocomplete="off"
          maxlength="100"
          placeholder={selectedProvider()?.name ?? ""}
          aria-describedby={ids.nameHint}
          value={name()}
          onInput={(event) => setName(event.currentTarget.value)}
        />
        <p id={ids.nameHint} class="field__hint">
          {t("providers.nameHint")}
        </p>
      </div>

      <div class="field">
        <label for={ids.apiKey}>{t("providers.apiKeyField")}</label>
        <input
          id={ids.apiKey}
          class="input"
          type="password"
          autocomplete="off"
          spellcheck={false}
          required={selectedProvider() ? !selectedProvider()!.apiKeyOptional : false}
          aria-describedby={selectedProvider()?.apiKeyOptional ? ids.apiKeyHint : undefined}
          value={apiKey()}
          onInput={(event) => setApiKey(event.currentTarget.value)}
        />
        <Show when={selectedProvider()?.apiKeyOptional}>
          <p id={ids.apiKeyHint} class="field__hint">
            {t("providers.apiKeyOptionalHint")}
          </p>
        </Show>
      </div>

      <Show when={selectedProvider()?.requiresBaseUrl}>
        <div class="field">
          <label for={ids.baseUrl}>{t("providers.baseUrlField")}</label>
          <input
            id={ids.baseUrl}
            class="input"
            type="url"
            inputmode="url"
            autocomplete="off"
            spellcheck={false}
            required
            placeholder="http://127.0.0.1:8080/v1"
            aria-describedby={ids.baseUrlHint}
            value={baseUrl()}
            onInput={(event) => setBaseUrl(event.currentTarget.value)}
          />
          <p id={ids.baseUrlHint} class="field__hint">
            {t("providers.baseUrlHint")}
          </p>
        </div>
      </Show>

      <Show when={selectedProvider() && acceptsAlias(selectedProvider()!)}>
        <div class="field">
          <label for={ids.alias}>{t("providers.aliasField")}</label>
          <input
            id={ids.alias}
            class="input"
            type="text"
            autocomplete="off"
            spellcheck={false}
            maxlength="32"
            required
            pattern="[a-z0-9][a-z0-9.\-]*"
            aria-describedby={ids.aliasHint}
            value={alias()}
            onInput={(event) => setAlias(event.currentTarget.value)}
          />
          <p id={ids.aliasHint} class="field__hint">
            {t("providers.aliasHint")}
          </p>
        </div>
      </Show>

      <FormError message={error()} />
      <p class="form-success" role="status">
        {addedName() ? t("providers.added", { name: addedName()! }) : ""}
      </p>
      <div>
        <button type="submit" class="button button--primary" disabled={submitting() || !selectedProvider()}>
          {submitting() ? t("providers.adding") : t("providers.add")}
        </button>
      </div>
    </form>
  );
}
