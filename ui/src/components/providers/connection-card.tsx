import { createSignal, createUniqueId, Show } from "solid-js";
import { createEnabledToggle } from "../../api/create-enabled-toggle";
import { describeApiError } from "../../api/describe-api-error";
import type { AccountQuotaView, Breaker } from "../../api/health-api";
import { managementApi } from "../../api/management-api";
import { oauthAuth } from "../../api/oauth-api";
import type { ConnectionTestResult } from "../../api/management-types";
import { providersApi, type CatalogProvider, type ProviderConnection, type RoutingAccount } from "../../api/providers-api";
import { t } from "../../i18n/locale-store";
import { ConnectionTestSummary } from "../connection-test-summary";
import { ConnectionHealth } from "./connection-health";
import { ConnectionQuota } from "./connection-quota";
import { OAuthConnectAccount } from "./oauth-connect-account";
import { PriorityField } from "./priority-field";

interface ConnectionCardProps {
  connection: ProviderConnection;
  provider: CatalogProvider | undefined;
  account: RoutingAccount | undefined;
  providerBreaker: Breaker | undefined;
  quota: AccountQuotaView | undefined;
  quotaElapsedSeconds: number;
  now: number;
  onUpdated: (connection: ProviderConnection) => void;
  onTested: () => void;
  onDeleteRequested: (connection: ProviderConnection) => void;
  onEditQuota: (connection: ProviderConnection, trigger: HTMLElement) => void;
  /** The account's routing state was reset: read it again. */
  onReset: () => void;
  /** Signs an OAuth account in again (offered when the connection is one and its provider has an OAuth flow). */
  onReconnect: (connection: ProviderConnection, trigger: HTMLElement) => void;
}

/** One connection (account): its switches and priority, routing health, quota bars and last test. */
export function ConnectionCard(props: ConnectionCardProps) {
  const headingId = createUniqueId();
  const [testing, setTesting] = createSignal(false);
  const [justTested, setJustTested] = createSignal<(ConnectionTestResult & { at: string }) | null>(null);
  const [message, setMessage] = createSignal<{ text: string; isError: boolean }>();

  async function runTest() {
    setTesting(true);
    setMessage(undefined);
    try {
      const result = await managementApi.testConnection(props.connection.id);
      setJustTested({ ...result, at: new Date().toISOString() });
      props.onTested();
    } catch (failure) {
      setMessage({ text: describeApiError(failure), isError: true });
    } finally {
      setTesting(false);
    }
  }

  const enabledToggle = createEnabledToggle({
    save: async (enabled) => {
      props.onUpdated((await managementApi.updateConnection(props.connection.id, { enabled })) as ProviderConnection);
    },
    saved: () => props.connection.enabled,
    onError: (error) => setMessage(error === undefined ? undefined : { text: error, isError: true }),
  });

  const providerName = () => props.provider?.name ?? props.connection.providerId;
  const oauth = () => oauthAuth(props.connection);
  /** Something routing holds against the account: a cool-down, a refused key or a breaker not closed. */
  const penalised = () => {
    const account = props.account;
    return account !== undefined && (!account.availability.available || account.breaker.state !== "closed");
  };
  const [resetting, setResetting] = createSignal(false);

  async function resetRouting() {
    if (resetting()) return;
    setResetting(true);
    setMessage(undefined);
    try {
      await providersApi.resetRouting(props.connection.id);
      setMessage({ text: t("providers.health.resetDone", { name: props.connection.name }), isError: false });
      props.onReset();
    } catch (failure) {
      setMessage({ text: describeApiError(failure), isError: true });
    } finally {
      setResetting(false);
    }
  }

  return (
    <li
      class="connection-card"
      classList={{ "connection-card--disabled": !props.connection.enabled }}
      aria-labelledby={headingId}
      data-testid={`connection-${props.connection.id}`}
    >
      <div class="connection-card__head">
        <div class="connection-card__title">
          <h3 id={headingId} class="connection-card__name">
            {props.connection.name}
          </h3>
          <span class="muted">{providerName()}</span>
          <Show when={props.provider && !props.provider.enabled}>
            <span class="badge badge--error">{t("providers.providerSwitchedOff")}</span>
          </Show>
        </div>
        <Show when={oauth()}>{(auth) => <OAuthConnectAccount auth={auth()} now={props.now} />}</Show>
        <p class="connection-detail muted" hidden={oauth() !== undefined && !props.connection.alias && !props.connection.baseUrl}>
          <Show when={props.connection.alias}>
            {(alias) => (
              <>
                {t("connection.alias")}: <code>{alias()}</code> ·{" "}
              </>
            )}
          </Show>
          <Show when={!oauth()}>
            {t("connection.apiKey")}:{" "}
            <Show when={props.connection.apiKeyPreview} fallback={t("connection.noApiKey")}>
              {(preview) => <code class="nowrap">{preview()}</code>}
            </Show>
          </Show>
          <Show when={props.connection.baseUrl}>
            {(baseUrl) => <span class="connection-card__url break-anywhere">{baseUrl()}</span>}
          </Show>
        </p>
      </div>

      <div class="connection-card__controls">
        <label class="switch">
          <input
            type="checkbox"
            role="switch"
            checked={props.connection.enabled}
            aria-busy={enabledToggle.saving()}
            aria-label={t("providers.enabledNamed", { name: props.connection.name })}
            onChange={(event) => void enabledToggle.toggle(event.currentTarget)}
          />
          <span class="switch__text" aria-hidden="true">
            {props.connection.enabled ? t("connection.enabled") : t("connection.disabled")}
          </span>
        </label>
        <PriorityField
          connection={props.connection}
          onSaved={props.onUpdated}
          onMessage={(text, isError) => setMessage(text === undefined ? undefined : { text, isError })}
        />
        <div class="row-actions connection-card__actions">
          <Show when={oauth() && props.provider?.oauth}>
            <button
              type="button"
              class="button button--small oauth-reconnect"
              classList={{ "button--primary": oauth()?.state === "needs-reauth" }}
              aria-label={t("providers.oauth.reconnectNamed", { name: props.connection.name })}
              onClick={(event) => props.onReconnect(props.connection, event.currentTarget)}
            >
              {t("providers.oauth.reconnect")}
            </button>
          </Show>
          <button
            type="button"
            class="button button--small"
            disabled={testing()}
            aria-label={t("providers.testNamed", { name: props.connection.name })}
            onClick={runTest}
          >
            {testing() ? t("providers.testing") : t("providers.test")}
          </button>
          <button
            type="button"
            class="button button--small"
            aria-label={t("providers.quota.editNamed", { name: props.connection.name })}
            onClick={(event) => props.onEditQuota(props.connection, event.currentTarget)}
          >
            {t("providers.quota.edit")}
          </button>
          <button
            type="button"
            class="button button--small button--danger-quiet"
            aria-label={t("providers.deleteNamed", { name: props.connection.name })}
            onClick={() => props.onDeleteRequested(props.connection)}
          >
            {t("providers.delete")}
          </button>
        </div>
      </div>
      <p class="connection-card__message" classList={{ "form-error": message()?.isError, "form-success": !message()?.isError }} role="status">
        {message()?.text ?? ""}
      </p>

      <div class="connection-card__details">
        <section class="connection-card__section">
          <h4 class="connection-card__section-heading">{t("providers.routingHeading")}</h4>
          <ConnectionHealth account={props.account} providerBreaker={props.providerBreaker} now={props.now} oauth={oauth() !== undefined} />
          <Show when={penalised()}>
            <button
              type="button"
              class="button button--small connection-card__reset"
              aria-busy={resetting()}
              aria-label={t("providers.health.resetNamed", { name: props.connection.name })}
              onClick={() => void resetRouting()}
            >
              {t("providers.health.reset")}
            </button>
          </Show>
        </section>
        <section class="connection-card__section">
          <h4 class="connection-card__section-heading">{t("providers.quotaHeading")}</h4>
          <ConnectionQuota quota={props.quota} elapsedSeconds={props.quotaElapsedSeconds} />
        </section>
        <section class="connection-card__section">
          <h4 class="connection-card__section-heading">{t("connection.lastTest")}</h4>
          <div aria-live="polite">
            <ConnectionTestSummary test={justTested() ?? props.connection.lastTest} />
          </div>
        </section>
      </div>
    </li>
  );
}
