import { For, Show } from "solid-js";
import { t } from "../../i18n/locale-store";
import { formatCost, formatCount, formatLogTime, formatMilliseconds, formatTokens, statusTone } from "./log-format";
import type { LogNames } from "./log-names";
import type { RequestSummary } from "./request-summary";

interface RequestTableProps {
  rows: readonly RequestSummary[];
  names: LogNames;
  caption: string;
  onOpen: (id: string) => void;
}

export function StatusBadge(props: { status: number }) {
  return <span class={`badge logs-status logs-status--${statusTone(props.status)}`}>{props.status}</span>;
}

/** The markers of a request: streamed, cache, shared answer, failed attempts before the outcome. */
export function RequestMarkers(props: { row: RequestSummary }) {
  const cacheLabel = () => {
    const cache = props.row.cache;
    if (cache === "hit") return t("logs.marker.cacheHit");
    if (cache === "miss") return t("logs.marker.cacheMiss");
    if (cache === "bypass") return t("logs.marker.cacheBypass");
    return cache;
  };
  return (
    <span class="logs-markers">
      <Show when={props.row.stream}>
        <span class="badge">{t("logs.marker.stream")}</span>
      </Show>
      <Show when={cacheLabel()}>
        {(label) => <span classList={{ badge: true, "badge--ok": props.row.cache === "hit" }}>{label()}</span>}
      </Show>
      <Show when={props.row.sharedWith}>
        <span class="badge logs-marker--shared">{t("logs.marker.shared")}</span>
      </Show>
      <Show when={props.row.failedAttempts > 0}>
        <span class="badge logs-marker--failover">{t("logs.marker.failedAttempts", { count: props.row.failedAttempts })}</span>
      </Show>
    </span>
  );
}

export function RequestTable(props: RequestTableProps) {
  return (
    <div class="logs-table-wrap">
      <table class="data-table logs-table">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t("logs.col.time")}</th>
            <th scope="col">{t("logs.col.status")}</th>
            <th scope="col">{t("logs.col.model")}</th>
            <th scope="col">{t("logs.col.provider")}</th>
            <th scope="col">{t("logs.col.combo")}</th>
            <th scope="col" class="logs-num">{t("logs.col.latency")}</th>
            <th scope="col" class="logs-num">{t("logs.col.ttfb")}</th>
            <th scope="col" class="logs-num">{t("logs.col.tokens")}</th>
            <th scope="col" class="logs-num">{t("logs.col.cost")}</th>
            <th scope="col">{t("logs.col.markers")}</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.rows}>
            {(row) => (
              <tr
                class="logs-row"
                classList={{ "logs-row--error": row.status >= 400 }}
                data-request-id={row.id}
                onClick={(event) => {
                  // The time button handles its own click; elsewhere in the row is a mouse shortcut to it.
                  if ((event.target as HTMLElement).closest("button, a")) return;
                  props.onOpen(row.id);
                }}
              >
                <td data-label={t("logs.col.time")} class="nowrap">
                  <button
                    type="button"
                    class="logs-link"
                    aria-label={t("logs.table.openDetails", { time: formatLogTime(row.time), model: row.model ?? t("logs.none") })}
                    onClick={() => props.onOpen(row.id)}
                  >
                    {formatLogTime(row.time)}
                  </button>
                </td>
                <td data-label={t("logs.col.status")}>
                  <div class="logs-cell">
                    <StatusBadge status={row.status} />
                    <Show when={row.error}>
                      {(error) => (
                        <span class="logs-error-snippet" title={error()}>
                          {error()}
                        </span>
                      )}
                    </Show>
                  </div>
                </td>
                <td data-label={t("logs.col.model")} class="break-anywhere">
                  <div class="logs-cell">
                    <span>{row.model ?? t("logs.none")}</span>
                    <Show when={row.upstreamModel && row.upstreamModel !== row.model}>
                      <span class="logs-sub">{t("logs.table.upstreamModel", { model: row.upstreamModel ?? "" })}</span>
                    </Show>
                  </div>
                </td>
                <td data-label={t("logs.col.provider")} class="break-anywhere">
                  <div class="logs-cell">
                    <span>{row.provider ?? t("logs.none")}</span>
                    <Show when={row.connection}>
                      {(connection) => <span class="logs-sub">{props.names.connectionName(connection()) ?? connection()}</span>}
                    </Show>
                  </div>
                </td>
                <td data-label={t("logs.col.combo")} class="break-anywhere">
                  <div class="logs-cell">
                    <span>{row.combo ?? t("logs.none")}</span>
                    <Show when={row.comboTarget}>{(tier) => <span class="logs-sub">{tier()}</span>}</Show>
                  </div>
                </td>
                <td data-label={t("logs.col.latency")} class="logs-num nowrap">
                  {formatMilliseconds(row.latencyMs)}
                </td>
                <td data-label={t("logs.col.ttfb")} class="logs-num nowrap">
                  {formatMilliseconds(row.ttfbMs)}
                </td>
                <td data-label={t("logs.col.tokens")} class="logs-num">
                  <div class="logs-cell">
                    <span class="nowrap">{formatTokens(row.tokensIn, row.tokensOut)}</span>
                    <Show when={row.tokensCached || row.tokensReasoning}>
                      <span class="logs-sub nowrap">
                        {t("logs.table.cachedReasoning", { cached: formatCount(row.tokensCached ?? 0), reasoning: formatCount(row.tokensReasoning ?? 0) })}
                      </span>
                    </Show>
                    <Show when={row.usageEstimated}>
                      <span class="logs-sub">{t("logs.marker.estimated")}</span>
                    </Show>
                  </div>
                </td>
                <td data-label={t("logs.col.cost")} class="logs-num nowrap">
                  {formatCost(row.costUsd)}
                </td>
                <td data-label={t("logs.col.markers")}>
                  <RequestMarkers row={row} />
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}
