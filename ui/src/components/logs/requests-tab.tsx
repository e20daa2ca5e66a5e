import { createMemo, createSignal, Show } from "solid-js";
import { logsApi, type RequestLogFilters, type RequestLogRow } from "../../api/logs-api";
import { t } from "../../i18n/locale-store";
import { ErrorNotice } from "../error-notice";
import { LoadingNotice } from "../loading-notice";
import type { LogNames } from "./log-names";
import { RequestLogFiltersForm } from "./request-log-filters";
import { summaryOfRow, type RequestSummary } from "./request-summary";
import { RequestTable } from "./request-table";

interface RequestsTabProps {
  names: LogNames;
  onOpen: (id: string) => void;
}

/** The request log: filters, newest-first pages joined by "load more", CSV export of the same filters. */
export function RequestsTab(props: RequestsTabProps) {
  const [filters, setFilters] = createSignal<RequestLogFilters>({});
  const [rows, setRows] = createSignal<RequestLogRow[]>([]);
  const [nextCursor, setNextCursor] = createSignal<string>();
  const [loaded, setLoaded] = createSignal(false);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  let generation = 0;

  async function load(append: boolean) {
    const request = ++generation;
    setLoading(true);
    setError(undefined);
    try {
      const page = await logsApi.listRequests(filters(), append ? nextCursor() : undefined);
      if (request !== generation) return;
      setRows(append ? [...rows(), ...page.rows] : page.rows);
      setNextCursor(page.nextCursor);
      setLoaded(true);
    } catch (failure) {
      if (request !== generation) return;
      setError(() => failure);
    } finally {
      if (request === generation) setLoading(false);
    }
  }

  function apply(next: RequestLogFilters) {
    setFilters(next);
    void load(false);
  }

  void load(false);

  // Rows keep their summary object across pages, so "load more" does not re-render the rows already shown.
  const summaryCache = new WeakMap<RequestLogRow, RequestSummary>();
  const summaries = createMemo(() =>
    rows().map((row) => {
      let summary = summaryCache.get(row);
      if (!summary) summaryCache.set(row, (summary = summaryOfRow(row)));
      return summary;
    }),
  );
  const filtered = () => Object.keys(filters()).length > 0;

  return (
    <div class="logs-tab">
      <RequestLogFiltersForm names={props.names} busy={loading()} onApply={apply} />

      <div class="logs-toolbar">
        <p class="logs-toolbar__status muted" role="status">
          <Show when={loaded()}>
            {t(nextCursor() ? "logs.requests.shownMore" : "logs.requests.shown", { count: rows().length })}
          </Show>
        </p>
        <div class="logs-toolbar__actions">
          <button type="button" class="button button--small" disabled={loading()} onClick={() => void load(false)}>
            {t("common.refresh")}
          </button>
          <a class="button button--small" href={logsApi.exportCsvUrl(filters())} download="">
            {t("logs.requests.exportCsv")}
          </a>
        </div>
      </div>

      <Show when={error()}>{(failure) => <ErrorNotice error={failure()} onRetry={() => void load(false)} />}</Show>
      <Show when={loaded()} fallback={<Show when={!error()}><LoadingNotice /></Show>}>
        <Show
          when={rows().length > 0}
          fallback={<p class="empty-state">{t(filtered() ? "logs.requests.emptyFiltered" : "logs.requests.empty")}</p>}
        >
          <RequestTable rows={summaries()} names={props.names} caption={t("logs.requests.caption")} onOpen={props.onOpen} />
        </Show>
        <Show when={nextCursor()}>
          <div class="logs-more">
            <button type="button" class="button" disabled={loading()} onClick={() => void load(true)}>
              {loading() ? t("common.loading") : t("logs.requests.loadMore")}
            </button>
          </div>
        </Show>
      </Show>
    </div>
  );
}
