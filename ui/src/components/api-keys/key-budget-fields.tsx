import { createComputed, createSignal, createUniqueId, For, Index, Show, untrack } from "solid-js";
import { createStore } from "solid-js/store";
import { BUDGET_LIMIT_MAX_USD, budgetsApi, type BudgetChanges, type BudgetView, type BudgetWindow, type BudgetWindowKind } from "../../api/budgets-api";
import { locale, t } from "../../i18n/locale-store";
import { formatDateTime } from "../../format/format-date-time";
import { wholeNumber, type FormCheck } from "../create-form-submit";
import { Field, WholeNumberField } from "../form-field";
import { formatUsd } from "../usage/usage-format";

/**
 * A client key's budget in the key form (docs/api.md, Budgets): a dollar limit over a daily, weekly, monthly or
 * rolling window, saved through /api/budgets as `<key name> budget`. A key with several key-scoped budgets (made
 * through the API) shows them read-only: this form never rewrites them.
 */

const WINDOW_KINDS: readonly BudgetWindowKind[] = ["daily", "weekly", "monthly", "rolling"];
const kindLabel = (kind: BudgetWindowKind) => t(`apiKeys.budget.kind.${kind}`);
/** 366 days, the longest rolling window the server takes. */
const ROLLING_HOURS_MAX = 24 * 366;
const NAME_MAX = 100;
const NAME_SUFFIX = " budget";

/** The budget a key gets from this page: `<key name> budget`, cut to the server's 100 characters. */
export function budgetNameFor(keyName: string): string {
  return `${keyName.slice(0, NAME_MAX - NAME_SUFFIX.length)}${NAME_SUFFIX}`;
}

export type BudgetField = "budgetLimit" | "budgetPeriod";

/** The budget fields as typed. */
interface BudgetState {
  limit: string;
  kind: BudgetWindowKind;
  resetHour: string;
  weekday: string;
  monthDay: string;
  hours: string;
}

/** What the form's check found: no budget, a budget, or the key's budgets left alone (unknown or managed elsewhere). */
export type BudgetValue = { limitUsd: number; window: BudgetWindow } | null | "untouched";

const text = (value: number | undefined, fallback: string) => (value === undefined ? fallback : String(value));

function stateOf(budget: BudgetView | undefined): BudgetState {
  const window = budget?.window;
  return {
    limit: budget ? String(budget.limitUsd) : "",
    kind: window?.kind ?? "daily",
    resetHour: window?.kind === "daily" ? text(window.resetHour, "0") : "0",
    weekday: window?.kind === "weekly" ? text(window.resetDay, "1") : "1",
    monthDay: window?.kind === "monthly" ? text(window.resetDay, "1") : "1",
    hours: window?.kind === "rolling" ? String(window.hours) : "24",
  };
}

/** Dollars as typed, with a comma accepted as the decimal mark; null when empty, NaN when not a valid limit. */
function parseUsd(typed: string): number | null {
  const trimmed = typed.trim();
  if (!trimmed) return null;
  const value = Number(trimmed.includes(".") ? trimmed : trimmed.replace(",", "."));
  return Number.isFinite(value) && value > 0 && value <= BUDGET_LIMIT_MAX_USD ? value : Number.NaN;
}

function sameWindow(a: BudgetWindow, b: BudgetWindow): boolean {
  const entries = (window: BudgetWindow) => JSON.stringify(Object.entries(window).filter(([, value]) => value !== undefined).sort(([x], [y]) => x.localeCompare(y)));
  return entries(a) === entries(b);
}

/** "UTC", "UTC+05:30", or the IANA zone a calendar window counts in. */
function zoneName(window: BudgetWindow | undefined): string {
  if (!window || window.kind === "rolling") return "UTC";
  if (window.timeZone) return window.timeZone;
  const minutes = window.utcOffsetMinutes ?? 0;
  if (minutes === 0) return "UTC";
  const abs = Math.abs(minutes);
  return `UTC${minutes < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

const hourText = (hour: number) => `${String(hour).padStart(2, "0")}:00`;

/** Weekday names in the page's language, Sunday (0) first; 2023-01-01 was a Sunday. */
function weekdayNames(): string[] {
  const format = new Intl.DateTimeFormat(locale().code, { weekday: "long", timeZone: "UTC" });
  return Array.from({ length: 7 }, (_, day) => format.format(Date.UTC(2023, 0, 1 + day)));
}

/**
 * The budget part of a key form: its typed state, the check run with the form's, and the save run after the key's.
 * `existing` gives the key's key-scoped budgets ([] for a new key), undefined while not loaded; the fields are
 * seeded from the first answer and never reseeded, so a refetch does not undo what the user typed.
 */
export function createKeyBudgetDraft(existing: () => readonly BudgetView[] | undefined) {
  const [state, setState] = createStore<BudgetState>(stateOf(undefined));
  /** The key's budgets when the form was seeded; undefined until known. */
  const [seeded, setSeeded] = createSignal<readonly BudgetView[]>();

  createComputed(() => {
    const list = existing();
    if (!list || untrack(seeded)) return;
    setSeeded(list.map((budget) => ({ ...budget, window: { ...budget.window } })));
    setState(stateOf(list.length === 1 ? list[0] : undefined));
  });

  const mode = (): "unknown" | "managed" | "editable" => {
    const list = seeded();
    if (!list) return "unknown";
    return list.length > 1 ? "managed" : "editable";
  };
  /** The one budget this form edits, if the key has one. */
  const current = () => (mode() === "editable" ? seeded()![0] : undefined);
  /** The stored window while the same kind is chosen: its zone and reset hour are kept. */
  const kept = () => {
    const window = current()?.window;
    return window?.kind === state.kind ? window : undefined;
  };

  const refuse = (message: string, field: BudgetField) => ({ ok: false as const, error: { message, field } });

  function check(): FormCheck<BudgetValue, { message: string; field: BudgetField }> {
    if (mode() !== "editable") return { ok: true, value: "untouched" };
    const limitUsd = parseUsd(state.limit);
    if (limitUsd === null) return { ok: true, value: null };
    if (Number.isNaN(limitUsd)) return refuse(t("apiKeys.budget.badLimit", { max: formatUsd(BUDGET_LIMIT_MAX_USD) }), "budgetLimit");
    const stored = kept();
    let window: BudgetWindow;
    if (state.kind === "rolling") {
      // A stored fractional window (set through the API) stays as it is while its field is untouched.
      const hours = stored?.kind === "rolling" && state.hours === String(stored.hours) ? stored.hours : wholeNumber(state.hours, 1, ROLLING_HOURS_MAX);
      if (hours === null || Number.isNaN(hours)) return refuse(t("apiKeys.budget.badHours", { max: ROLLING_HOURS_MAX }), "budgetPeriod");
      window = { kind: "rolling", hours };
    } else if (state.kind === "monthly") {
      const day = wholeNumber(state.monthDay, 1, 28);
      if (day === null || Number.isNaN(day)) return refuse(t("apiKeys.budget.badMonthDay"), "budgetPeriod");
      window = { ...(stored?.kind === "monthly" ? stored : {}), kind: "monthly", resetDay: day };
    } else if (state.kind === "weekly") {
      window = { ...(stored?.kind === "weekly" ? stored : {}), kind: "weekly", resetDay: Number(state.weekday) };
    } else {
      window = { ...(stored?.kind === "daily" ? stored : {}), kind: "daily", resetHour: Number(state.resetHour) };
    }
    return { ok: true, value: { limitUsd, window } };
  }

  /**
   * Creates, changes or deletes the key's budget after the key itself was saved. `previousKeyName` is the key's
   * name before this save: a budget named after it follows a rename. Answers whether anything was sent.
   */
  async function save(value: BudgetValue, keyId: string, keyName: string, previousKeyName?: string): Promise<boolean> {
    if (value === "untouched") return false;
    const budget = current();
    if (!budget) {
      if (value === null) return false;
      await budgetsApi.create({ name: budgetNameFor(keyName), scope: "key", scopeId: keyId, window: value.window, limitUsd: value.limitUsd });
    } else if (value === null) {
      await budgetsApi.remove(budget.id);
    } else {
      const changes: BudgetChanges = {};
      if (value.limitUsd !== budget.limitUsd) changes.limitUsd = value.limitUsd;
      if (!sameWindow(value.window, budget.window)) changes.window = value.window;
      if (previousKeyName !== undefined && keyName !== previousKeyName && budget.name === budgetNameFor(previousKeyName)) changes.name = budgetNameFor(keyName);
      if (Object.keys(changes).length === 0) return false;
      await budgetsApi.update(budget.id, changes);
    }
    return true;
  }

  /** Back to an empty budget (the create form, after a key was created). */
  function reset() {
    setState(stateOf(undefined));
  }

  return { state, setState, mode, current, kept, check, save, reset };
}

export type KeyBudgetDraft = ReturnType<typeof createKeyBudgetDraft>;

interface KeyBudgetFieldsProps {
  draft: KeyBudgetDraft;
  /** The key's budgets as loaded now (for the read-only list of budgets managed through the API). */
  budgets: readonly BudgetView[] | undefined;
  invalid: (field: BudgetField) => boolean;
  errorId: string;
}

/** The budget fieldset: limit, period kind and the one field that kind needs; or why it cannot be edited here. */
export function KeyBudgetFields(props: KeyBudgetFieldsProps) {
  const introId = createUniqueId();
  const draft = props.draft;
  const state = draft.state;
  const zone = () => zoneName(draft.kept());
  const keptHour = () => {
    const window = draft.kept();
    return window && window.kind !== "rolling" ? (window.resetHour ?? 0) : 0;
  };
  const periodInvalid = () => props.invalid("budgetPeriod");

  return (
    <fieldset class="form-group key-budget" aria-describedby={introId} data-testid="key-budget">
      <legend>{t("apiKeys.budget.legend")}</legend>
      <p id={introId} class="field__hint">
        {t("apiKeys.budget.intro")}
      </p>
      <Show when={draft.mode() === "unknown"}>
        <p class="muted" data-testid="key-budget-unknown">
          {t("apiKeys.budget.notLoaded")}
        </p>
      </Show>
      <Show when={draft.mode() === "managed"}>
        <p data-testid="key-budget-managed">{t("apiKeys.budget.managed", { count: (props.budgets ?? []).length })}</p>
        <KeyBudgetSummary budgets={props.budgets ?? []} named />
      </Show>
      <Show when={draft.mode() === "editable"}>
        <div class="api-key-form__limits">
          <Field label={t("apiKeys.budget.limitLabel")} hint={t("apiKeys.budget.limitHint")} invalid={props.invalid("budgetLimit")} errorId={props.errorId}>
            {(control) => (
              <input
                id={control.id}
                class="input"
                type="text"
                inputmode="decimal"
                autocomplete="off"
                aria-describedby={control.describedBy}
                aria-invalid={props.invalid("budgetLimit")}
                value={state.limit}
                onInput={(event) => draft.setState("limit", event.currentTarget.value)}
              />
            )}
          </Field>
          <Field
            label={t("apiKeys.budget.periodLabel")}
            hint={zone() === "UTC" ? t("apiKeys.budget.periodHintUtc") : t("apiKeys.budget.periodHintZone", { zone: zone() })}
          >
            {(control) => (
              <select
                id={control.id}
                class="select"
                aria-describedby={control.describedBy}
                value={state.kind}
                onChange={(event) => draft.setState("kind", event.currentTarget.value as BudgetWindowKind)}
              >
                <For each={WINDOW_KINDS}>{(kind) => <option value={kind}>{kindLabel(kind)}</option>}</For>
              </select>
            )}
          </Field>
          <Show when={state.kind === "daily"}>
            <Field label={t("apiKeys.budget.resetHourLabel", { zone: zone() })}>
              {(control) => (
                <select id={control.id} class="select" value={state.resetHour} onChange={(event) => draft.setState("resetHour", event.currentTarget.value)}>
                  <Index each={Array.from({ length: 24 }, (_, hour) => hour)}>{(hour) => <option value={String(hour())}>{hourText(hour())}</option>}</Index>
                </select>
              )}
            </Field>
          </Show>
          <Show when={state.kind === "weekly"}>
            <Field label={t("apiKeys.budget.weekdayLabel", { time: hourText(keptHour()), zone: zone() })}>
              {(control) => (
                <select id={control.id} class="select" value={state.weekday} onChange={(event) => draft.setState("weekday", event.currentTarget.value)}>
                  <Index each={weekdayNames()}>{(name, day) => <option value={String(day)}>{name()}</option>}</Index>
                </select>
              )}
            </Field>
          </Show>
          <Show when={state.kind === "monthly"}>
            <WholeNumberField
              label={t("apiKeys.budget.monthDayLabel", { time: hourText(keptHour()), zone: zone() })}
              hint={t("apiKeys.budget.monthDayHint")}
              min={1}
              max={28}
              invalid={periodInvalid()}
              errorId={props.errorId}
              value={state.monthDay}
              onInput={(value) => draft.setState("monthDay", value)}
            />
          </Show>
          <Show when={state.kind === "rolling"}>
            <WholeNumberField
              label={t("apiKeys.budget.hoursLabel")}
              hint={t("apiKeys.budget.hoursHint", { max: ROLLING_HOURS_MAX })}
              min={1}
              max={ROLLING_HOURS_MAX}
              invalid={periodInvalid()}
              errorId={props.errorId}
              value={state.hours}
              onInput={(value) => draft.setState("hours", value)}
            />
          </Show>
        </div>
        <Show when={draft.current()}>{(budget) => <KeyBudgetSummary budgets={[budget()]} />}</Show>
      </Show>
    </fieldset>
  );
}

/**
 * A key's budgets as "$1.25 of $5.00" with the server's window label, and "Exceeded" with the reopening time
 * when spent. `named` adds each budget's name (a key with several).
 */
export function KeyBudgetSummary(props: { budgets: readonly BudgetView[]; named?: boolean }) {
  return (
    <ul class="key-budgets">
      <For each={props.budgets}>
        {(budget) => (
          <li class="key-budgets__item" data-testid="key-budget-summary">
            <Show when={props.named}>
              <span class="strong key-budgets__name">{budget.name}</span>
            </Show>
            <span data-testid="key-budget-spent">{t("apiKeys.budget.spentOf", { spent: formatUsd(budget.spentUsd), limit: formatUsd(budget.limitUsd) })}</span>
            {/* The server's label (English, like model ids), marked so screen readers read it as such. */}
            <span class="api-keys__detail muted" lang="en">
              {budget.windowLabel}
            </span>
            <Show when={budget.exceeded}>
              <span>
                <span class="badge badge--error" data-testid="key-budget-exceeded">
                  {t("apiKeys.budget.exceeded")}
                </span>
                <Show when={budget.reopensAt}>
                  {(reopensAt) => <span class="api-keys__detail">{t("apiKeys.budget.reopensAt", { time: formatDateTime(reopensAt()) })}</span>}
                </Show>
              </span>
            </Show>
            <Show when={!budget.enabled}>
              <span class="badge badge--muted">{t("apiKeys.budget.disabled")}</span>
            </Show>
          </li>
        )}
      </For>
    </ul>
  );
}
