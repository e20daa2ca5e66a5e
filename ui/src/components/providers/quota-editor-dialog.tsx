import { createEffect, createSignal, createUniqueId, For, Index, Show } from "solid-js";
import { createStore, produce } from "solid-js/store";
import { describeApiError } from "../../api/describe-api-error";
import { providersApi, type ProviderConnection, type QuotaWindowConfig } from "../../api/providers-api";
import type { MessageKey } from "../../i18n/en";
import { t } from "../../i18n/locale-store";

type WindowKind = QuotaWindowConfig["window"]["kind"];
const WINDOW_KINDS: readonly WindowKind[] = ["rolling", "daily", "weekly", "monthly"];
const KIND_LABELS: Record<WindowKind, MessageKey> = {
  rolling: "providers.quota.kind.rolling",
  daily: "providers.quota.kind.daily",
  weekly: "providers.quota.kind.weekly",
  monthly: "providers.quota.kind.monthly",
};
const WEEKDAYS: readonly MessageKey[] = [
  "providers.quota.day0",
  "providers.quota.day1",
  "providers.quota.day2",
  "providers.quota.day3",
  "providers.quota.day4",
  "providers.quota.day5",
  "providers.quota.day6",
];
const MAX_WINDOWS = 16;

/** One window as the form edits it: every number as typed. */
interface WindowDraft {
  key: number;
  id: string;
  kind: WindowKind;
  hours: string;
  resetHour: string;
  resetDay: string;
  requests: string;
  tokens: string;
  usd: string;
  reservePercent: string;
  /** The stored window's zone settings, kept as they were (the form edits hours and days only). */
  zone: { utcOffsetMinutes?: number; timeZone?: string };
}

let nextKey = 0;
const text = (value: number | undefined) => (value === undefined ? "" : String(value));

function draftOf(config: QuotaWindowConfig): WindowDraft {
  const window = config.window;
  const zone = window.kind === "rolling" ? {} : { utcOffsetMinutes: window.utcOffsetMinutes, timeZone: window.timeZone };
  return {
    key: nextKey++,
    id: config.id,
    kind: window.kind,
    hours: window.kind === "rolling" ? String(window.hours) : "5",
    resetHour: window.kind === "rolling" ? "0" : text(window.resetHour ?? 0),
    resetDay: window.kind === "weekly" || window.kind === "monthly" ? text(window.resetDay ?? 1) : "1",
    requests: text(config.limits.requests),
    tokens: text(config.limits.tokens),
    usd: text(config.limits.usd),
    reservePercent: text(config.reservePercent),
    zone,
  };
}

function emptyDraft(existing: readonly WindowDraft[]): WindowDraft {
  const used = new Set(existing.map((draft) => draft.id));
  let id = "day";
  for (let n = 2; used.has(id); n++) id = `day-${n}`;
  return { key: nextKey++, id, kind: "daily", hours: "5", resetHour: "0", resetDay: "1", requests: "", tokens: "", usd: "", reservePercent: "", zone: {} };
}

/** Fields left empty are omitted; the server checks the rest and names the field it refuses. */
function configOf(draft: WindowDraft): QuotaWindowConfig {
  const number = (value: string) => (value.trim() === "" ? undefined : Number(value));
  const zone = Object.fromEntries(Object.entries(draft.zone).filter(([, value]) => value !== undefined));
  const resetHour = number(draft.resetHour) ?? 0;
  const window: QuotaWindowConfig["window"] =
    draft.kind === "rolling"
      ? { kind: "rolling", hours: number(draft.hours) ?? 0 }
      : draft.kind === "daily"
        ? { kind: "daily", resetHour, ...zone }
        : { kind: draft.kind, resetDay: number(draft.resetDay) ?? 1, resetHour, ...zone };
  const limits: QuotaWindowConfig["limits"] = {};
  for (const metric of ["requests", "tokens", "usd"] as const) {
    const value = number(draft[metric]);
    if (value !== undefined) limits[metric] = value;
  }
  const reserve = number(draft.reservePercent);
  return { id: draft.id.trim(), window, limits, ...(reserve === undefined ? {} : { reservePercent: reserve }) };
}

/** "UTC", "UTC+05:30", "UTC-03:00". */
function utcOffsetName(minutes: number): string {
  if (minutes === 0) return "UTC";
  const abs = Math.abs(minutes);
  return `UTC${minutes < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

interface QuotaEditorDialogProps {
  /** The connection whose windows are edited; the dialog is open while set. */
  connection: ProviderConnection | undefined;
  onSaved: (connection: ProviderConnection) => void;
  onClose: () => void;
}

/** Edits a connection's quota windows (PUT /api/connections/{id}/quota) in a modal dialog. */
export function QuotaEditorDialog(props: QuotaEditorDialogProps) {
  const titleId = createUniqueId();
  const introId = createUniqueId();
  const [drafts, setDrafts] = createStore<WindowDraft[]>([]);
  const [saving, setSaving] = createSignal(false);
  const [error, setError] = createSignal<string>();
  let dialog!: HTMLDialogElement;

  createEffect(() => {
    const connection = props.connection;
    if (connection && !dialog.open) {
      setDrafts((connection.quota ?? []).map(draftOf));
      setError(undefined);
      dialog.showModal();
    } else if (!connection && dialog.open) dialog.close();
  });

  function update(index: number, field: keyof Omit<WindowDraft, "key" | "zone">, value: string) {
    setDrafts(index, field, value as never);
  }

  function addWindow() {
    setDrafts(produce((list) => void list.push(emptyDraft(list))));
    // The new window's id field takes the focus.
    queueMicrotask(() => dialog.querySelector<HTMLInputElement>(".quota-editor__list > li:last-child input")?.focus());
  }

  function removeWindow(index: number) {
    setDrafts(produce((list) => void list.splice(index, 1)));
    queueMicrotask(() => dialog.querySelector<HTMLButtonElement>("[data-quota-add]")?.focus());
  }

  async function save(event: SubmitEvent) {
    event.preventDefault();
    const connection = props.connection;
    if (!connection) return;
    setSaving(true);
    setError(undefined);
    try {
      props.onSaved(await providersApi.setQuota(connection.id, drafts.map(configOf)));
    } catch (failure) {
      setError(describeApiError(failure));
    } finally {
      setSaving(false);
    }
  }

  return (
    <dialog
      ref={dialog}
      class="confirm-dialog quota-editor"
      aria-labelledby={titleId}
      aria-describedby={introId}
      onCancel={(event) => {
        event.preventDefault();
        if (!saving()) props.onClose();
      }}
    >
      <form onSubmit={save}>
        <h2 id={titleId} class="confirm-dialog__title">
          {t("providers.quota.editorTitle", { name: props.connection?.name ?? "" })}
        </h2>
        <p id={introId} class="muted">
          {t("providers.quota.editorIntro")}
        </p>
        <Show when={drafts.length > 0} fallback={<p class="empty-state">{t("providers.quota.editorEmpty")}</p>}>
          <ol class="quota-editor__list">
            <Index each={drafts}>
              {(draft, index) => <WindowFields draft={draft()} number={index + 1} onChange={(field, value) => update(index, field, value)} onRemove={() => removeWindow(index)} />}
            </Index>
          </ol>
        </Show>
        <div>
          <button type="button" class="button button--small" data-quota-add disabled={drafts.length >= MAX_WINDOWS} onClick={addWindow}>
            {t("providers.quota.addWindow")}
          </button>
        </div>
        <Show when={error()}>
          <p class="form-error quota-editor__error" role="alert">
            {error()}
          </p>
        </Show>
        <div class="confirm-dialog__actions">
          <button type="button" class="button" disabled={saving()} onClick={() => props.onClose()}>
            {t("common.cancel")}
          </button>
          <button type="submit" class="button button--primary" disabled={saving()}>
            {saving() ? t("providers.quota.saving") : t("providers.quota.save")}
          </button>
        </div>
      </form>
    </dialog>
  );
}

interface WindowFieldsProps {
  draft: WindowDraft;
  number: number;
  onChange: (field: keyof Omit<WindowDraft, "key" | "zone">, value: string) => void;
  onRemove: () => void;
}

function WindowFields(props: WindowFieldsProps) {
  const ids = {
    id: createUniqueId(),
    kind: createUniqueId(),
    hours: createUniqueId(),
    resetHour: createUniqueId(),
    resetDay: createUniqueId(),
    requests: createUniqueId(),
    tokens: createUniqueId(),
    usd: createUniqueId(),
    reserve: createUniqueId(),
    limitsHint: createUniqueId(),
  };
  const zoneNote = () => props.draft.zone.timeZone ?? utcOffsetName(props.draft.zone.utcOffsetMinutes ?? 0);
  const numberInput = (id: string, field: "hours" | "resetHour" | "resetDay" | "requests" | "tokens" | "usd" | "reservePercent", extra: Record<string, string | number> = {}) => (
    <input id={id} class="input" type="number" inputmode="decimal" value={props.draft[field]} onInput={(event) => props.onChange(field, event.currentTarget.value)} {...extra} />
  );

  return (
    <li class="quota-editor__window">
      <fieldset class="quota-editor__fieldset">
        <legend>{t("providers.quota.windowLegend", { number: props.number })}</legend>
        <div class="quota-editor__grid">
          <div class="field">
            <label for={ids.id}>{t("providers.quota.windowId")}</label>
            <input id={ids.id} class="input" type="text" required maxlength="40" autocomplete="off" spellcheck={false} value={props.draft.id} onInput={(event) => props.onChange("id", event.currentTarget.value)} />
          </div>
          <div class="field">
            <label for={ids.kind}>{t("providers.quota.period")}</label>
            <select id={ids.kind} class="select" value={props.draft.kind} onChange={(event) => props.onChange("kind", event.currentTarget.value)}>
              <For each={WINDOW_KINDS}>{(kind) => <option value={kind}>{t(KIND_LABELS[kind])}</option>}</For>
            </select>
          </div>
          <Show
            when={props.draft.kind !== "rolling"}
            fallback={
              <div class="field">
                <label for={ids.hours}>{t("providers.quota.hours")}</label>
                {numberInput(ids.hours, "hours", { min: 0.1, step: "any", required: "" })}
              </div>
            }
          >
            <Show when={props.draft.kind === "weekly"}>
              <div class="field">
                <label for={ids.resetDay}>{t("providers.quota.resetWeekday")}</label>
                <select id={ids.resetDay} class="select" value={props.draft.resetDay} onChange={(event) => props.onChange("resetDay", event.currentTarget.value)}>
                  <For each={WEEKDAYS}>{(day, index) => <option value={String(index())}>{t(day)}</option>}</For>
                </select>
              </div>
            </Show>
            <Show when={props.draft.kind === "monthly"}>
              <div class="field">
                <label for={ids.resetDay}>{t("providers.quota.resetMonthDay")}</label>
                {numberInput(ids.resetDay, "resetDay", { min: 1, max: 28, step: 1 })}
              </div>
            </Show>
            <div class="field">
              <label for={ids.resetHour}>{t("providers.quota.resetHour", { zone: zoneNote() })}</label>
              {numberInput(ids.resetHour, "resetHour", { min: 0, max: 23, step: 1 })}
            </div>
          </Show>
          <div class="field">
            <label for={ids.requests}>{t("providers.quota.limitRequests")}</label>
            {numberInput(ids.requests, "requests", { min: 1, step: 1, "aria-describedby": ids.limitsHint })}
          </div>
          <div class="field">
            <label for={ids.tokens}>{t("providers.quota.limitTokens")}</label>
            {numberInput(ids.tokens, "tokens", { min: 1, step: 1, "aria-describedby": ids.limitsHint })}
          </div>
          <div class="field">
            <label for={ids.usd}>{t("providers.quota.limitUsd")}</label>
            {numberInput(ids.usd, "usd", { min: 0.01, step: "any", "aria-describedby": ids.limitsHint })}
          </div>
          <div class="field">
            <label for={ids.reserve}>{t("providers.quota.reserve")}</label>
            {numberInput(ids.reserve, "reservePercent", { min: 0, max: 99, step: "any" })}
          </div>
        </div>
        <p id={ids.limitsHint} class="field__hint">
          {t("providers.quota.limitsHint")}
        </p>
        <div>
          <button type="button" class="button button--small button--danger-quiet" aria-label={t("providers.quota.removeWindowNamed", { id: props.draft.id || String(props.number) })} onClick={() => props.onRemove()}>
            {t("providers.quota.removeWindow")}
          </button>
        </div>
      </fieldset>
    </li>
  );
}
