import { createMemo, createSignal, createUniqueId, For, Show } from "solid-js";
import { translatorApi } from "../../api/translator-api";
import { t } from "../../i18n/locale-store";
import { CopyButton } from "../copy-button";
import { ErrorNotice } from "../error-notice";
import { detectDocument, DOCUMENT_KINDS, type DocumentKind, type WireFormatId } from "./detect-format";
import { formatLabel, kindLabel } from "./format-labels";
import { AUTO, FormatSelect } from "./format-select";
import { FormError } from "../form-error";

type Choice<T> = T | typeof AUTO;

/** Paste a body, pick formats, translate through POST /api/translate (the gateway's own adapters), see the IR. */
export function Playground() {
  const ids = { input: createUniqueId(), output: createUniqueId(), kind: createUniqueId(), ir: createUniqueId() };
  const [input, setInput] = createSignal("");
  const [source, setSource] = createSignal<Choice<WireFormatId>>(AUTO);
  const [kind, setKind] = createSignal<Choice<DocumentKind>>(AUTO);
  const [target, setTarget] = createSignal<WireFormatId>("anthropic");
  const [output, setOutput] = createSignal("");
  const [ir, setIr] = createSignal("");
  const [localError, setLocalError] = createSignal<string>();
  const [apiError, setApiError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  const [done, setDone] = createSignal<{ from: WireFormatId; to: WireFormatId }>();

  const detection = createMemo(() => detectDocument(input()));
  const effectiveSource = () => {
    const chosen = source();
    return chosen === AUTO ? detection()?.format : chosen;
  };
  const effectiveKind = () => {
    const chosen = kind();
    return chosen === AUTO ? detection()?.kind : chosen;
  };

  const detectionHint = () => {
    if (source() !== AUTO && kind() !== AUTO) return undefined;
    if (input().trim() === "") return t("translator.playground.detectWaiting");
    const found = detection();
    return found ? t("translator.playground.detected", { format: formatLabel(found.format), kind: kindLabel(found.kind) }) : t("translator.playground.notDetected");
  };

  function clearResult() {
    setOutput("");
    setIr("");
    setDone(undefined);
    setLocalError(undefined);
    setApiError(undefined);
  }

  async function translate(event?: Event) {
    event?.preventDefault();
    clearResult();
    const from = effectiveSource();
    const as = effectiveKind();
    if (input().trim() === "") return setLocalError(t("translator.playground.emptyInput"));
    if (!from || !as) return setLocalError(t("translator.playground.chooseSource"));
    let body: Record<string, unknown> | string = input();
    if (as !== "stream") {
      try {
        const parsed: unknown = JSON.parse(input());
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return setLocalError(t("translator.playground.notObject"));
        body = parsed as Record<string, unknown>;
      } catch (error) {
        return setLocalError(t("translator.playground.invalidJson", { message: error instanceof Error ? error.message : String(error) }));
      }
    }
    setBusy(true);
    try {
      const translated = await translatorApi.translate({ from, to: target(), kind: as, body });
      setOutput(typeof translated.result === "string" ? translated.result : JSON.stringify(translated.result, null, 2));
      setIr(JSON.stringify(translated.ir, null, 2));
      setDone({ from, to: target() });
    } catch (error) {
      setApiError(() => error);
    } finally {
      setBusy(false);
    }
  }

  /** The output becomes the input and the formats change places: translate back to check the round trip. */
  function swap() {
    const from = effectiveSource();
    const to = target();
    if (from) setTarget(from);
    setSource(to);
    if (output() !== "") setInput(output());
    clearResult();
  }

  function clearAll() {
    setInput("");
    clearResult();
  }

  return (
    <form class="translator-playground" onSubmit={translate} aria-busy={busy()}>
      <div class="translator-controls">
        <FormatSelect label={t("translator.playground.source")} value={source()} onChange={setSource} allowAuto hint={detectionHint()} />
        <div class="field">
          <label for={ids.kind}>{t("translator.playground.kind")}</label>
          <select id={ids.kind} class="select" value={kind()} onChange={(event) => setKind(event.currentTarget.value as Choice<DocumentKind>)}>
            <option value={AUTO}>{t("translator.autoDetect")}</option>
            <For each={DOCUMENT_KINDS}>{(item) => <option value={item}>{kindLabel(item)}</option>}</For>
          </select>
        </div>
        <FormatSelect label={t("translator.playground.target")} value={target()} onChange={(value) => value !== AUTO && setTarget(value)} />
      </div>

      <div class="translator-editors">
        <div class="field translator-editor">
          <label for={ids.input}>{t("translator.playground.input")}</label>
          <textarea
            id={ids.input}
            class="input input--mono translator-code"
            rows={16}
            spellcheck={false}
            placeholder={t("translator.playground.inputPlaceholder")}
            value={input()}
            onInput={(event) => setInput(event.currentTarget.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) void translate(event);
            }}
          />
          <p class="field__hint">{t("translator.playground.shortcut")}</p>
        </div>
        <div class="field translator-editor">
          <label for={ids.output}>{t("translator.playground.output")}</label>
          <textarea id={ids.output} class="input input--mono translator-code" rows={16} spellcheck={false} readOnly value={output()} />
        </div>
      </div>

      <div class="translator-actions">
        <button type="submit" class="button button--primary" disabled={busy()}>
          {busy() ? t("translator.playground.translating") : t("translator.playground.translate")}
        </button>
        <button type="button" class="button" onClick={swap} disabled={busy()}>
          {t("translator.playground.swap")}
        </button>
        <Show when={output() !== ""}>
          <CopyButton text={output()} label={t("translator.playground.copyOutput")} />
        </Show>
        <button type="button" class="button button--quiet" onClick={clearAll} disabled={busy()}>
          {t("translator.playground.clear")}
        </button>
      </div>

      <div aria-live="polite">
        <FormError message={localError()} />
        <Show when={apiError()}>{(error) => <ErrorNotice error={error()} />}</Show>
        <Show when={done()}>{(pair) => <p class="form-success">{t("translator.playground.done", { from: formatLabel(pair().from), to: formatLabel(pair().to) })}</p>}</Show>
      </div>

      <Show when={ir() !== ""}>
        <details class="translator-ir">
          <summary>{t("translator.playground.ir")}</summary>
          <p class="field__hint">{t("translator.playground.irHint")}</p>
          <pre class="translator-pre" tabIndex={0} aria-label={t("translator.playground.ir")}>
            {ir()}
          </pre>
        </details>
      </Show>
    </form>
  );
}
