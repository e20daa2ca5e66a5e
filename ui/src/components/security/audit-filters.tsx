import { For, Show } from "solid-js";
import type { AuditFilters } from "../../api/security-api";
import { t } from "../../i18n/locale-store";
import { createFilterDraft, localToIso } from "../create-filter-draft";

type Draft = {
  action: string;
  actor: string;
  /** `ok` (< 400), `error` (≥ 400) or `code` (then `statusCode`). */
  status: "" | "ok" | "error" | "code";
  statusCode: string;
  from: string;
  to: string;
};

const EMPTY_DRAFT: Draft = { action: "", actor: "", status: "", statusCode: "", from: "", to: "" };

function toFilters(draft: Draft): AuditFilters {
  const filters: AuditFilters = {};
  const fields: AuditFilters = {
    action: draft.action.trim() || undefined,
    actor: draft.actor.trim() || undefined,
    status: draft.status === "code" ? draft.statusCode.trim() || undefined : draft.status || undefined,
    from: localToIso(draft.from),
    to: localToIso(draft.to),
  };
  for (const [name, value] of Object.entries(fields)) {
    if (value !== undefined) filters[name as keyof AuditFilters] = value;
  }
  return filters;
}

interface AuditFiltersFormProps {
  busy: boolean;
  /** Actions seen so far, offered as suggestions (the field takes any text). */
  knownActions: readonly string[];
  onApply: (filters: AuditFilters) => void;
}

export function AuditFiltersForm(props: AuditFiltersFormProps) {
  const { draft, id, fieldId, bind, set, submit, reset } = createFilterDraft({ empty: EMPTY_DRAFT, toFilters, onApply: (filters) => props.onApply(filters) });
  const actionsListId = `${id}-actions`;

  return (
    <form class="security-filters" onSubmit={submit} aria-label={t("security.audit.filtersLabel")}>
      <div class="security-filters__grid">
        <div class="field">
          <label for={fieldId("action")}>{t("security.audit.action")}</label>
          <input {...bind("action")} class="input" type="text" list={actionsListId} autocomplete="off" spellcheck={false} aria-describedby={`${id}-action-hint`} />
          <p id={`${id}-action-hint`} class="field__hint">
            {t("security.audit.actionHint")}
          </p>
          <datalist id={actionsListId}>
            <For each={props.knownActions}>{(action) => <option value={action} />}</For>
          </datalist>
        </div>
        <div class="field">
          <label for={fieldId("actor")}>{t("security.audit.actor")}</label>
          <input {...bind("actor")} class="input" type="text" autocomplete="off" spellcheck={false} aria-describedby={`${id}-actor-hint`} />
          <p id={`${id}-actor-hint`} class="field__hint">
            {t("security.audit.actorHint")}
          </p>
        </div>
        <div class="field">
          <label for={fieldId("status")}>{t("security.audit.status")}</label>
          <select id={fieldId("status")} class="select" value={draft.status} onChange={(event) => set("status", event.currentTarget.value)}>
            <option value="">{t("security.audit.statusAny")}</option>
            <option value="ok">{t("security.audit.statusOk")}</option>
            <option value="error">{t("security.audit.statusError")}</option>
            <option value="code">{t("security.audit.statusCode")}</option>
          </select>
        </div>
        <Show when={draft.status === "code"}>
          <div class="field">
            <label for={fieldId("statusCode")}>{t("security.audit.statusCodeField")}</label>
            <input {...bind("statusCode")} class="input" type="number" inputMode="numeric" min="100" max="599" />
          </div>
        </Show>
        <div class="field">
          <label for={fieldId("from")}>{t("security.audit.from")}</label>
          <input {...bind("from")} class="input" type="datetime-local" step="1" />
        </div>
        <div class="field">
          <label for={fieldId("to")}>{t("security.audit.to")}</label>
          <input {...bind("to")} class="input" type="datetime-local" step="1" />
        </div>
      </div>
      <div class="security-filters__actions">
        <button type="submit" class="button button--primary" disabled={props.busy}>
          {t("security.audit.apply")}
        </button>
        <button type="button" class="button" disabled={props.busy} onClick={reset}>
          {t("security.audit.reset")}
        </button>
      </div>
    </form>
  );
}
