import { A } from "@solidjs/router";
import { createSignal, createUniqueId, For, Show } from "solid-js";
import type { ApiQuery } from "../../api/create-api-query";
import { describeApiError } from "../../api/describe-api-error";
import { translatorApi, type TranslatorModel } from "../../api/translator-api";
import type { MessageKey } from "../../i18n/en";
import { t } from "../../i18n/locale-store";
import { PROVIDERS_PATH } from "../../route-paths";
import { ConfirmDialog } from "../confirm-dialog";
import { ErrorNotice } from "../error-notice";
import { LoadingNotice } from "../loading-notice";
import {
  EXPECTATION_MODES,
  judgeAnswer,
  loadBenchCases,
  loadBenchModels,
  newCaseId,
  regexError,
  saveBenchCases,
  saveBenchModels,
  type BenchCase,
  type ExpectationMode,
  type Verdict,
} from "./bench-cases";
import type { WireFormatId } from "./detect-format";
import { formatLabel } from "./format-labels";
import { FormatSelect } from "./format-select";
import { chatRequestBody } from "./request-templates";
import { FormError } from "../form-error";

interface TestBenchProps {
  models: ApiQuery<TranslatorModel[]>;
}

interface CellResult {
  verdict: Verdict;
  status: number | null;
  latencyMs: number | null;
  answer: string | null;
  /** Why the call itself failed (the management API refused it, the network broke). */
  error?: string;
}

const MODE_KEYS: Record<ExpectationMode, MessageKey> = {
  contains: "translator.bench.mode.contains",
  equals: "translator.bench.mode.equals",
  regex: "translator.bench.mode.regex",
};

const cellKey = (caseId: string, model: string) => `${caseId}\u0000${model}`;

/** A starting body for a new case in `format`, written as its SDKs would. */
const templateBody = (format: WireFormatId) => JSON.stringify(chatRequestBody(format, t("translator.bench.samplePrompt"), false), null, 2);

/** Several cases with expected answers, run against several models through the round trip; the grid compares them. */
export function TestBench(props: TestBenchProps) {
  const ids = { name: createUniqueId(), body: createUniqueId(), mode: createUniqueId(), expected: createUniqueId(), formHeading: createUniqueId() };
  const [cases, setCases] = createSignal<BenchCase[]>(loadBenchCases());
  const [chosenModels, setChosenModels] = createSignal<string[]>(loadBenchModels());

  const [editingId, setEditingId] = createSignal<string>();
  const [name, setName] = createSignal("");
  const [format, setFormat] = createSignal<WireFormatId>("openai-chat");
  const [body, setBody] = createSignal(templateBody("openai-chat"));
  const [mode, setMode] = createSignal<ExpectationMode>("contains");
  const [expected, setExpected] = createSignal("");
  const [formError, setFormError] = createSignal<string>();
  const [formNotice, setFormNotice] = createSignal("");

  const [results, setResults] = createSignal<Record<string, CellResult>>({});
  const [ranModels, setRanModels] = createSignal<string[]>([]);
  const [ranCases, setRanCases] = createSignal<BenchCase[]>([]);
  const [running, setRunning] = createSignal(false);
  const [progress, setProgress] = createSignal({ done: 0, total: 0 });
  const [pendingDelete, setPendingDelete] = createSignal<BenchCase>();
  let stopRequested = false;

  function storeCases(next: BenchCase[]) {
    setCases(next);
    saveBenchCases(next);
  }

  function changeFormat(next: WireFormatId) {
    // A body still equal to the previous template follows the format; one the user wrote is kept.
    if (body().trim() === templateBody(format()).trim() || body().trim() === "") setBody(templateBody(next));
    setFormat(next);
  }

  function resetForm() {
    setEditingId(undefined);
    setName("");
    setFormat("openai-chat");
    setBody(templateBody("openai-chat"));
    setMode("contains");
    setExpected("");
    setFormError(undefined);
  }

  function edit(item: BenchCase) {
    setEditingId(item.id);
    setName(item.name);
    setFormat(item.format);
    setBody(item.body);
    setMode(item.expectMode);
    setExpected(item.expected);
    setFormError(undefined);
    document.getElementById(ids.name)?.focus();
  }

  function saveCase(event: Event) {
    event.preventDefault();
    setFormNotice("");
    if (name().trim() === "") return setFormError(t("translator.bench.nameRequired"));
    let parsed: unknown;
    try {
      parsed = JSON.parse(body());
    } catch (error) {
      return setFormError(t("translator.bench.bodyInvalid", { message: error instanceof Error ? error.message : String(error) }));
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return setFormError(t("translator.bench.bodyNotObject"));
    if (mode() === "regex") {
      const problem = regexError(expected());
      if (problem) return setFormError(t("translator.bench.regexInvalid", { message: problem }));
    }
    const item: BenchCase = { id: editingId() ?? newCaseId(), name: name().trim(), format: format(), body: body(), expectMode: mode(), expected: expected() };
    const existing = cases().some((other) => other.id === item.id);
    storeCases(existing ? cases().map((other) => (other.id === item.id ? item : other)) : [...cases(), item]);
    setFormNotice(t(existing ? "translator.bench.caseUpdated" : "translator.bench.caseAdded", { name: item.name }));
    resetForm();
  }

  function deleteCase() {
    const item = pendingDelete();
    if (!item) return;
    storeCases(cases().filter((other) => other.id !== item.id));
    if (editingId() === item.id) resetForm();
    setFormNotice(t("translator.bench.caseDeleted", { name: item.name }));
    setPendingDelete(undefined);
  }

  function toggleModel(id: string, on: boolean) {
    const next = on ? [...chosenModels().filter((model) => model !== id), id] : chosenModels().filter((model) => model !== id);
    setChosenModels(next);
    saveBenchModels(next);
  }

  /** Models chosen that still exist, in the gateway's order. */
  const selectedModels = () => (props.models.data() ?? []).map((model) => model.id).filter((id) => chosenModels().includes(id));

  async function runAll() {
    const models = selectedModels();
    const list = cases();
    if (models.length === 0 || list.length === 0) return;
    stopRequested = false;
    setRunning(true);
    setRanModels(models);
    setRanCases(list);
    setResults({});
    setProgress({ done: 0, total: models.length * list.length });
    // One at a time: comparable latencies, and identical twins are not coalesced into one upstream call.
    for (const item of list) {
      for (const model of models) {
        if (stopRequested) break;
        const result = await runCase(item, model);
        setResults((current) => ({ ...current, [cellKey(item.id, model)]: result }));
        setProgress((current) => ({ ...current, done: current.done + 1 }));
      }
    }
    setRunning(false);
  }

  async function runCase(item: BenchCase, model: string): Promise<CellResult> {
    let parsedBody: Record<string, unknown>;
    try {
      parsedBody = JSON.parse(item.body) as Record<string, unknown>;
    } catch {
      return { verdict: { pass: false, reason: "no-answer" }, status: null, latencyMs: null, answer: null, error: t("translator.bench.bodyNotObject") };
    }
    try {
      const trip = await translatorApi.roundTrip({ format: item.format, body: parsedBody, model });
      const answer = trip.clientResponse.answerText;
      return { verdict: judgeAnswer(item.expectMode, item.expected, answer), status: trip.clientResponse.status, latencyMs: trip.latencyMs, answer };
    } catch (error) {
      return { verdict: { pass: false, reason: "no-answer" }, status: null, latencyMs: null, answer: null, error: describeApiError(error) };
    }
  }

  const passed = () => Object.values(results()).filter((result) => result.verdict.pass).length;

  return (
    <div class="translator-bench">
      <p class="notice translator-scratch-note">{t("translator.bench.storageNote")}</p>

      <section class="translator-subpanel" aria-labelledby={ids.formHeading}>
        <h3 id={ids.formHeading}>{editingId() ? t("translator.bench.editHeading") : t("translator.bench.addHeading")}</h3>
        <form class="translator-case-form" onSubmit={saveCase}>
          <div class="translator-controls">
            <div class="field">
              <label for={ids.name}>{t("translator.bench.name")}</label>
              <input id={ids.name} class="input" value={name()} onInput={(event) => setName(event.currentTarget.value)} />
            </div>
            <FormatSelect label={t("translator.bench.clientFormat")} value={format()} onChange={(value) => value !== "auto" && changeFormat(value)} />
          </div>
          <div class="field">
            <label for={ids.body}>{t("translator.bench.body")}</label>
            <textarea id={ids.body} class="input input--mono translator-code" rows={8} spellcheck={false} value={body()} onInput={(event) => setBody(event.currentTarget.value)} />
            <p class="field__hint">{t("translator.bench.bodyHint")}</p>
          </div>
          <div class="translator-controls">
            <div class="field">
              <label for={ids.mode}>{t("translator.bench.expectMode")}</label>
              <select id={ids.mode} class="select" value={mode()} onChange={(event) => setMode(event.currentTarget.value as ExpectationMode)}>
                <For each={EXPECTATION_MODES}>{(item) => <option value={item}>{t(MODE_KEYS[item])}</option>}</For>
              </select>
            </div>
            <div class="field translator-controls__wide">
              <label for={ids.expected}>{t("translator.bench.expected")}</label>
              <input id={ids.expected} class="input input--mono" value={expected()} onInput={(event) => setExpected(event.currentTarget.value)} />
            </div>
          </div>
          <FormError message={formError()} />
          <div class="translator-actions">
            <button type="submit" class="button button--primary">
              {editingId() ? t("translator.bench.saveCase") : t("translator.bench.addCase")}
            </button>
            <Show when={editingId()}>
              <button type="button" class="button" onClick={resetForm}>
                {t("common.cancel")}
              </button>
            </Show>
          </div>
        </form>
        <p class="form-success" role="status">
          {formNotice()}
        </p>
      </section>

      <section class="translator-subpanel" aria-labelledby="translator-cases-heading">
        <h3 id="translator-cases-heading">{t("translator.bench.casesHeading", { count: cases().length })}</h3>
        <Show when={cases().length > 0} fallback={<p class="empty-state">{t("translator.bench.noCases")}</p>}>
          <table class="data-table">
            <thead>
              <tr>
                <th scope="col">{t("translator.bench.name")}</th>
                <th scope="col">{t("translator.bench.clientFormat")}</th>
                <th scope="col">{t("translator.bench.expectation")}</th>
                <th scope="col">{t("common.actions")}</th>
              </tr>
            </thead>
            <tbody>
              <For each={cases()}>
                {(item) => (
                  <tr>
                    <td data-label={t("translator.bench.name")} class="break-anywhere">
                      {item.name}
                    </td>
                    <td data-label={t("translator.bench.clientFormat")}>{formatLabel(item.format)}</td>
                    <td data-label={t("translator.bench.expectation")} class="break-anywhere">
                      <span>
                        {t(MODE_KEYS[item.expectMode])} <code>{item.expected}</code>
                      </span>
                    </td>
                    <td data-label={t("common.actions")}>
                      <div class="row-actions">
                        <button type="button" class="button button--small" aria-label={t("translator.bench.editCase", { name: item.name })} onClick={() => edit(item)}>
                          {t("translator.bench.edit")}
                        </button>
                        <button
                          type="button"
                          class="button button--small button--danger-quiet"
                          aria-label={t("translator.bench.deleteCase", { name: item.name })}
                          onClick={() => setPendingDelete(item)}
                        >
                          {t("translator.bench.delete")}
                        </button>
                      </div>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </section>

      <section class="translator-subpanel" aria-labelledby="translator-run-heading">
        <h3 id="translator-run-heading">{t("translator.bench.runHeading")}</h3>
        <Show when={props.models.error()}>{(failure) => <ErrorNotice error={failure()} onRetry={props.models.refetch} />}</Show>
        <Show when={props.models.data()} fallback={<Show when={!props.models.error()}><LoadingNotice /></Show>}>
          {(list) => (
            <Show
              when={list().length > 0}
              fallback={
                <p class="empty-state">
                  {t("translator.noModels")} <A href={PROVIDERS_PATH}>{t("translator.goToProviders")}</A>
                </p>
              }
            >
              <fieldset class="translator-models">
                <legend>{t("translator.bench.models")}</legend>
                <div class="translator-models__list">
                  <For each={list()}>
                    {(model) => (
                      <label class="translator-check">
                        <input type="checkbox" checked={chosenModels().includes(model.id)} onChange={(event) => toggleModel(model.id, event.currentTarget.checked)} />
                        <span class="break-anywhere">{model.id}</span>
                      </label>
                    )}
                  </For>
                </div>
              </fieldset>
            </Show>
          )}
        </Show>
        <div class="translator-actions">
          <button type="button" class="button button--primary" disabled={running() || cases().length === 0 || selectedModels().length === 0} onClick={() => void runAll()}>
            {t("translator.bench.runAll", { count: cases().length * selectedModels().length })}
          </button>
          <Show when={running()}>
            <button type="button" class="button" onClick={() => (stopRequested = true)}>
              {t("translator.bench.stop")}
            </button>
          </Show>
        </div>
        <p class="muted" role="status">
          {running()
            ? t("translator.bench.progress", { done: progress().done, total: progress().total })
            : progress().total > 0
              ? t("translator.bench.finished", { passed: passed(), total: progress().done })
              : ""}
        </p>

        <Show when={ranModels().length > 0}>
          <table class="data-table translator-results" data-testid="bench-results">
            <caption class="visually-hidden">{t("translator.bench.resultsCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("translator.bench.case")}</th>
                <For each={ranModels()}>{(model) => <th scope="col" class="break-anywhere">{model}</th>}</For>
              </tr>
            </thead>
            <tbody>
              <For each={ranCases()}>
                {(item) => (
                  <tr>
                    <th scope="row" class="break-anywhere">
                      {item.name}
                    </th>
                    <For each={ranModels()}>
                      {(model) => (
                        <td data-label={model}>
                          <Show when={results()[cellKey(item.id, model)]} fallback={<span class="muted">{running() ? t("translator.bench.pending") : t("translator.bench.notRun")}</span>}>
                            {(cell) => <ResultCell cell={cell()} />}
                          </Show>
                        </td>
                      )}
                    </For>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </Show>
      </section>

      <ConfirmDialog
        open={pendingDelete() !== undefined}
        title={t("translator.bench.deleteTitle")}
        message={t("translator.bench.deleteMessage", { name: pendingDelete()?.name ?? "" })}
        confirmLabel={t("translator.bench.delete")}
        onConfirm={deleteCase}
        onCancel={() => setPendingDelete(undefined)}
      />
    </div>
  );
}

function ResultCell(props: { cell: CellResult }) {
  const reason = () => {
    const verdict = props.cell.verdict;
    if (verdict.pass) return "";
    if (props.cell.error) return props.cell.error;
    if (verdict.reason === "bad-regex") return t("translator.bench.reasonBadRegex");
    if (verdict.reason === "no-answer") return t("translator.bench.reasonNoAnswer", { status: props.cell.status ?? "—" });
    return t("translator.bench.reasonMismatch", { answer: clip(props.cell.answer ?? "") });
  };
  return (
    <div class="translator-result">
      <span class={props.cell.verdict.pass ? "badge badge--ok" : "badge badge--error"}>{props.cell.verdict.pass ? t("translator.bench.pass") : t("translator.bench.fail")}</span>
      <Show when={props.cell.latencyMs !== null}>
        <span class="muted">{t("translator.bench.latency", { ms: props.cell.latencyMs ?? 0 })}</span>
      </Show>
      <Show when={reason()}>
        <span class="translator-result__reason break-anywhere">{reason()}</span>
      </Show>
    </div>
  );
}

function clip(text: string): string {
  return text.length > 160 ? `${text.slice(0, 160)}…` : text;
}
