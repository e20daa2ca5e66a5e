import { Show } from "solid-js";
import { DataTable } from "../data-table";
import type { BudgetView } from "../../api/budgets-api";
import type { ClientKey } from "../../api/keys-api";
import { KEY_USAGE_DAYS } from "../../api/providers-api";
import type { AnalyticsFigures } from "../../api/usage-api";
import { formatDateTime } from "../../format/format-date-time";
import { t } from "../../i18n/locale-store";
import { formatCount, formatUsd, NO_VALUE } from "../usage/usage-format";
import { KeyBudgetSummary } from "./key-budget-fields";
import { KeyScopeSummary } from "./key-scope-summary";

interface ApiKeysTableProps {
  apiKeys: ClientKey[];
  /** Each key's figures over the usage range, by key id; undefined while unknown (loading or failed). */
  usage: ReadonlyMap<string, AnalyticsFigures> | undefined;
  /** Each key's key-scoped budgets, by key id; undefined while unknown. */
  budgets: ReadonlyMap<string, BudgetView[]> | undefined;
  onEditRequested: (apiKey: ClientKey, trigger: HTMLElement) => void;
  onRevokeRequested: (apiKey: ClientKey) => void;
}

function UsageCells(props: { figures: AnalyticsFigures | undefined; known: boolean }) {
  const figures = () => props.figures;
  const requests = () => (props.known ? formatCount(figures()?.requests ?? 0) : NO_VALUE);
  const tokens = () => {
    if (!props.known) return NO_VALUE;
    const current = figures();
    return formatCount(current ? current.tokensIn + current.tokensOut : 0);
  };
  return (
    <>
      <td data-label={t("apiKeys.usageRequests", { days: KEY_USAGE_DAYS })} class="api-keys__number">
        <div>
          <span data-testid="api-key-requests">{requests()}</span>
          <Show when={props.known && (figures()?.failed ?? 0) > 0}>
            <span class="api-keys__detail muted" data-testid="api-key-failed">{t("apiKeys.usageFailed", { count: formatCount(figures()!.failed) })}</span>
          </Show>
        </div>
      </td>
      <td data-label={t("apiKeys.usageTokens", { days: KEY_USAGE_DAYS })} class="api-keys__number">
        <div>
          <span data-testid="api-key-tokens">{tokens()}</span>
          <Show when={props.known && figures() && figures()!.tokensIn + figures()!.tokensOut > 0}>
            <span class="api-keys__detail muted" data-testid="api-key-tokens-split">
              {t("apiKeys.usageTokensSplit", { input: formatCount(figures()!.tokensIn), output: formatCount(figures()!.tokensOut) })}
            </span>
          </Show>
        </div>
      </td>
      <td data-label={t("apiKeys.usageCost", { days: KEY_USAGE_DAYS })} class="api-keys__number">
        <div>
          <Show when={props.known} fallback={NO_VALUE}>
            <Show
              when={(figures()?.costedRequests ?? 0) > 0 || (figures()?.requests ?? 0) === 0}
              fallback={<span class="muted">{t("apiKeys.usageNoPrice")}</span>}
            >
              {formatUsd(figures()?.costUsd ?? 0)}
              <Show when={figures() && figures()!.costedRequests < figures()!.requests}>
                <span class="api-keys__detail muted">
                  {t("apiKeys.usagePartlyPriced", { priced: formatCount(figures()!.costedRequests), total: formatCount(figures()!.requests) })}
                </span>
              </Show>
            </Show>
          </Show>
        </div>
      </td>
    </>
  );
}

/** Revoked, expired or active (with its expiry, if any): the server's `expired` flag decides, not the browser's clock. */
function KeyStatus(props: { apiKey: ClientKey }) {
  return (
    <Show
      when={props.apiKey.revokedAt}
      fallback={
        <Show
          when={props.apiKey.expired}
          fallback={
            <div>
              <span class="badge badge--ok">{t("apiKeys.active")}</span>
              <Show when={props.apiKey.expiresAt}>
                {(expiresAt) => <span class="api-keys__detail muted">{t("apiKeys.expiresAt", { time: formatDateTime(expiresAt()) })}</span>}
              </Show>
            </div>
          }
        >
          <div>
            <span class="badge badge--error" data-testid="api-key-expired">
              {t("apiKeys.expired")}
            </span>
            <Show when={props.apiKey.expiresAt}>
              {(expiresAt) => <span class="api-keys__detail">{t("apiKeys.expiredAt", { time: formatDateTime(expiresAt()) })}</span>}
            </Show>
          </div>
        </Show>
      }
    >
      {(revokedAt) => <span class="badge badge--muted">{t("apiKeys.revokedAt", { time: formatDateTime(revokedAt()) })}</span>}
    </Show>
  );
}

export function ApiKeysTable(props: ApiKeysTableProps) {
  return (
    <DataTable
      class="api-keys-table"
      columns={[
        t("apiKeys.name"),
        t("apiKeys.prefix"),
        t("apiKeys.created"),
        t("apiKeys.lastUsed"),
        t("apiKeys.usageRequests", { days: KEY_USAGE_DAYS }),
        t("apiKeys.usageTokens", { days: KEY_USAGE_DAYS }),
        t("apiKeys.usageCost", { days: KEY_USAGE_DAYS }),
        t("apiKeys.list.models"),
        t("apiKeys.list.rateLimit"),
        t("apiKeys.list.budget"),
        t("apiKeys.status"),
      ]}
      actionsColumn
      rows={props.apiKeys}
    >
      {(apiKey) => (
        <tr classList={{ "row--disabled": apiKey.revokedAt !== null || apiKey.expired === true }} data-testid={`api-key-${apiKey.id}`}>
          <td data-label={t("apiKeys.name")} class="strong api-keys__name">
            {apiKey.name}
          </td>
          <td data-label={t("apiKeys.prefix")}>
            <code class="nowrap">{apiKey.prefix}…</code>
          </td>
          <td data-label={t("apiKeys.created")}>{formatDateTime(apiKey.createdAt)}</td>
          <td data-label={t("apiKeys.lastUsed")} data-testid="api-key-last-used">
            {apiKey.lastUsedAt ? formatDateTime(apiKey.lastUsedAt) : t("common.never")}
          </td>
          <UsageCells figures={props.usage?.get(apiKey.id)} known={props.usage !== undefined} />
          <td data-label={t("apiKeys.list.models")}>
            <KeyScopeSummary permissions={apiKey.permissions} />
          </td>
          <td data-label={t("apiKeys.list.rateLimit")} class="api-keys__number nowrap" data-testid="api-key-rate-limit">
            {apiKey.rateLimit ? t("apiKeys.rpm", { rpm: formatCount(apiKey.rateLimit.rpm) }) : t("apiKeys.noRateLimit")}
          </td>
          <td data-label={t("apiKeys.list.budget")} data-testid="api-key-budget">
            <Show when={props.budgets} fallback={NO_VALUE}>
              {(budgets) => (
                <Show when={budgets().get(apiKey.id)} fallback={t("apiKeys.budget.none")}>
                  {(list) => <KeyBudgetSummary budgets={list()} named={list().length > 1} />}
                </Show>
              )}
            </Show>
          </td>
          <td data-label={t("apiKeys.status")} data-testid="api-key-status">
            <KeyStatus apiKey={apiKey} />
          </td>
          <td data-label={t("common.actions")}>
            <Show when={apiKey.revokedAt === null}>
              <div class="row-actions">
                <button
                  type="button"
                  class="button button--small"
                  aria-label={t("apiKeys.editNamed", { name: apiKey.name })}
                  onClick={(event) => props.onEditRequested(apiKey, event.currentTarget)}
                >
                  {t("apiKeys.edit")}
                </button>
                <button
                  type="button"
                  class="button button--small button--danger-quiet"
                  aria-label={t("apiKeys.revokeNamed", { name: apiKey.name })}
                  onClick={() => props.onRevokeRequested(apiKey)}
                >
                  {t("apiKeys.revoke")}
                </button>
              </div>
            </Show>
          </td>
        </tr>
      )}
    </DataTable>
  );
}
