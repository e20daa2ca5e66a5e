import { createMemo, createSignal, Show } from "solid-js";
import { securityApi, type AuditEntry, type AuditFilters } from "../../api/security-api";
import { t } from "../../i18n/locale-store";
import { ErrorNotice } from "../error-notice";
import { LoadingNotice } from "../loading-notice";
import { AuditFiltersForm } from "./audit-filters";
import { AuditTable } from "./audit-table";

/** The audit log: filters, newest-first pages joined by "load more", CSV export of the same filters. */
export function AuditTab() {
  const [filters, setFilters] = createSignal<AuditFilters>({});
  const [entries, setEntries] = createSignal<AuditEntry[]>([]);
  const [nextCursor, setNextCursor] = createSignal<string | null>(null);
  const [loaded, setLoaded] = createSignal(false);
  const [loading, setLoading] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  let generation = 0;

  async function load(append: boolean) {
    const request = ++generation;
    setLoading(true);
    setError(undefined);
    try {
      const page = await securityApi.listAudit(filters(), append ? (nextCursor() ?? undefined) : undefined);
      if (request !== generation) return;
      setEntries(append ? [...entries(), ...page.entries] : page.entries);
      setNextCursor(page.nextCursor ?? null);
      setLoaded(true);
    } catch (failure) {
      if (request !== generation) return;
      setError(() => failure);
    } finally {
      if (request === generation) setLoading(false);
    }
  }

  function apply(next: AuditFilters) {
    setFilters(next);
    void load(false);
  }

  void load(false);

  const knownActions = createMemo(() => [...new Set(entries().map((entry) => entry.action))].sort());
  const filtered = () => Object.keys(filters()).length > 0;

  return (
    <div class="security-tab">
      <p class="muted">{t("security.audit.intro")}</p>
      <AuditFiltersForm busy={loading()} knownActions={knownActions()} onApply={apply} />

      <div class="security-toolbar">
        <p class="security-toolbar__status muted" role="status">
          <Show when={loaded()}>
            {t(nextCursor() ? "security.audit.shownMore" : "security.audit.shown", { count: entries().length })}
          </Show>
        </p>
        <div class="row-actions">
          <button type="button" class="button button--small" disabled={loading()} onClick={() => void load(false)}>
            {t("common.refresh")}
          </button>
          <a class="button button--small" href={securityApi.auditExportUrl(filters())} download="">
            {t("security.audit.exportCsv")}
          </a>
        </div>
      </div>

      <Show when={error()}>{(failure) => <ErrorNotice error={failure()} onRetry={() => void load(false)} />}</Show>
      <Show when={loaded()} fallback={<Show when={!error()}><LoadingNotice /></Show>}>
        <Show
          when={entries().length > 0}
          fallback={<p class="empty-state">{t(filtered() ? "security.audit.emptyFiltered" : "security.audit.empty")}</p>}
        >
          <AuditTable entries={entries()} />
        </Show>
        <Show when={nextCursor()}>
          <div class="security-more">
            <button type="button" class="button" disabled={loading()} onClick={() => void load(true)}>
              {loading() ? t("common.loading") : t("security.audit.loadMore")}
            </button>
          </div>
        </Show>
      </Show>
    </div>
  );
}
