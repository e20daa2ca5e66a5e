import { createMemo } from "solid-js";
import { logsApi, type RequestLogFilters, type RequestLogRow } from "../../api/logs-api";
import { t } from "../../i18n/locale-store";
import { createCursorPages } from "../create-cursor-pages";
import { CursorPagedResults } from "../cursor-paged-results";
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
  const pages = createCursorPages<RequestLogFilters, RequestLogRow>(
    async (filters, cursor) => {
      const page = await logsApi.listRequests(filters, cursor);
      return { items: page.rows, nextCursor: page.nextCursor };
    },
  );

  // Rows keep their summary object across pages, so "load more" does not re-render the rows already shown.
  const summaryCache = new WeakMap<RequestLogRow, RequestSummary>();
  const summaries = createMemo(() =>
    pages.items().map((row) => {
      let summary = summaryCache.get(row);
      if (!summary) summaryCache.set(row, (summary = summaryOfRow(row)));
      return summary;
    }),
  );

  return (
    <div class="logs-tab">
      <RequestLogFiltersForm names={props.names} busy={pages.loading()} onApply={pages.apply} />

      <CursorPagedResults
        pages={pages}
        block="logs"
        actionsClass="logs-toolbar__actions"
        status={(count, more) => t(more ? "logs.requests.shownMore" : "logs.requests.shown", { count })}
        exportHref={logsApi.exportCsvUrl(pages.filters())}
        exportLabel={t("logs.requests.exportCsv")}
        empty={t(pages.filtered() ? "logs.requests.emptyFiltered" : "logs.requests.empty")}
        loadMoreLabel={t("logs.requests.loadMore")}
      >
        <RequestTable rows={summaries()} names={props.names} caption={t("logs.requests.caption")} onOpen={props.onOpen} />
      </CursorPagedResults>
    </div>
  );
}
