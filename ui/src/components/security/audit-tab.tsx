import { createMemo } from "solid-js";
import { securityApi, type AuditEntry, type AuditFilters } from "../../api/security-api";
import { t } from "../../i18n/locale-store";
import { createCursorPages } from "../create-cursor-pages";
import { CursorPagedResults } from "../cursor-paged-results";
import { AuditFiltersForm } from "./audit-filters";
import { AuditTable } from "./audit-table";

/** The audit log: filters, newest-first pages joined by "load more", CSV export of the same filters. */
export function AuditTab() {
  const pages = createCursorPages<AuditFilters, AuditEntry>(
    async (filters, cursor) => {
      const page = await securityApi.listAudit(filters, cursor);
      return { items: page.entries, nextCursor: page.nextCursor };
    },
  );

  const knownActions = createMemo(() => [...new Set(pages.items().map((entry) => entry.action))].sort());

  return (
    <div class="security-tab">
      <p class="muted">{t("security.audit.intro")}</p>
      <AuditFiltersForm busy={pages.loading()} knownActions={knownActions()} onApply={pages.apply} />

      <CursorPagedResults
        pages={pages}
        block="security"
        actionsClass="row-actions"
        status={(count, more) => t(more ? "security.audit.shownMore" : "security.audit.shown", { count })}
        exportHref={securityApi.auditExportUrl(pages.filters())}
        exportLabel={t("security.audit.exportCsv")}
        empty={t(pages.filtered() ? "security.audit.emptyFiltered" : "security.audit.empty")}
        loadMoreLabel={t("security.audit.loadMore")}
      >
        <AuditTable entries={pages.items()} />
      </CursorPagedResults>
    </div>
  );
}
