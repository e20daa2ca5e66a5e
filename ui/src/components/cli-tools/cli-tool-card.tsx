import { createEffect, createSignal, createUniqueId, For, on, Show } from "solid-js";
import { cliToolsApi, snippetWithKey, type CliTool, type CliToolPreview, type CliToolWriteResult } from "../../api/cli-tools-api";
import { describeApiError } from "../../api/describe-api-error";
import type { MessageKey } from "../../i18n/en";
import { en } from "../../i18n/en";
import { t } from "../../i18n/locale-store";
import { ConfirmDialog } from "../confirm-dialog";
import { DiffView } from "./diff-view";
import { SnippetBlock } from "./snippet-block";
import { FormError } from "../form-error";

interface CliToolCardProps {
  tool: CliTool;
  keyPlaceholder: string;
  /** The client key the user gave (empty: snippets keep the placeholder, writing is off). */
  apiKey: string;
  model: string;
  /** The server allows preview and write for this dashboard (loopback client, loopback-only gateway). */
  canWrite: boolean;
  /** Heading level inside the page (the wizard nests the card one level deeper). */
  headingLevel?: 2 | 3;
}

function apiLabel(api: string): string {
  const key = `cliTools.api.${api}`;
  return key in en ? t(key as MessageKey) : api;
}

function toolNote(id: string): string | null {
  const key = `cliTools.note.${id}`;
  return key in en ? t(key as MessageKey) : null;
}

/** One coding tool: its ready-to-paste settings, and for tools with config files a diff preview and a confirmed write. */
export function CliToolCard(props: CliToolCardProps) {
  const headingId = createUniqueId();
  const [preview, setPreview] = createSignal<CliToolPreview>();
  const [result, setResult] = createSignal<CliToolWriteResult>();
  const [busy, setBusy] = createSignal<"preview" | "write">();
  const [error, setError] = createSignal<string>();
  const [confirming, setConfirming] = createSignal(false);
  const [writeError, setWriteError] = createSignal<string>();

  // A preview is for one key and model: another choice needs a new one.
  createEffect(on(() => [props.apiKey, props.model], () => setPreview(undefined), { defer: true }));

  const ready = () => props.apiKey.trim() !== "" && props.model.trim() !== "";
  const writable = () => props.canWrite && props.tool.oneClick && props.tool.blockedReason === null;
  const input = () => ({ key: props.apiKey.trim(), model: props.model });

  async function showPreview(): Promise<CliToolPreview | undefined> {
    setBusy("preview");
    setError(undefined);
    setResult(undefined);
    try {
      const shown = await cliToolsApi.preview(props.tool.id, input());
      setPreview(shown);
      return shown;
    } catch (failure) {
      setPreview(undefined);
      setError(describeApiError(failure));
      return undefined;
    } finally {
      setBusy(undefined);
    }
  }

  async function requestWrite() {
    // The confirmation shows the paths, and the write is checked against the files as previewed.
    const shown = preview() ?? (await showPreview());
    if (shown) {
      setWriteError(undefined);
      setConfirming(true);
    }
  }

  async function write() {
    const shown = preview();
    if (!shown) return;
    setBusy("write");
    setWriteError(undefined);
    try {
      const expected = Object.fromEntries(shown.files.map((file) => [file.path, file.beforeSha256]));
      setResult(await cliToolsApi.apply(props.tool.id, { ...input(), expected }));
      setPreview(undefined);
      setConfirming(false);
    } catch (failure) {
      setWriteError(describeApiError(failure));
    } finally {
      setBusy(undefined);
    }
  }

  const Heading = (headingProps: { children: string }) =>
    props.headingLevel === 3 ? (
      <h3 id={headingId} class="cli-tool__name">
        {headingProps.children}
      </h3>
    ) : (
      <h2 id={headingId} class="cli-tool__name">
        {headingProps.children}
      </h2>
    );

  return (
    <article class="panel cli-tool" aria-labelledby={headingId} data-testid={`cli-tool-${props.tool.id}`}>
      <div class="cli-tool__header">
        <Heading>{props.tool.name}</Heading>
        <a href={props.tool.docsUrl} target="_blank" rel="noopener noreferrer">
          {t("cliTools.docs", { name: props.tool.name })}
        </a>
      </div>
      <p class="muted cli-tool__api">{t("cliTools.speaks", { api: apiLabel(props.tool.api) })}</p>

      <Show when={props.tool.files.length > 0}>
        <div class="cli-tool__files">
          <span class="cli-tool__files-label">{t("cliTools.filesLabel")}</span>
          <ul class="cli-tool__file-list">
            <For each={props.tool.files}>
              {(file) => (
                <li>
                  <code class="cli-tool__path">{file.path}</code>{" "}
                  <span class={file.exists ? "badge" : "badge badge--muted"}>{file.exists ? t("cliTools.fileExists") : t("cliTools.fileMissing")}</span>
                </li>
              )}
            </For>
          </ul>
        </div>
      </Show>

      <For each={props.tool.snippets}>
        {(snippet) => <SnippetBlock target={snippet.target} toolName={props.tool.name} text={snippetWithKey(snippet.text, props.keyPlaceholder, props.apiKey.trim())} />}
      </For>

      <Show when={toolNote(props.tool.id)}>{(note) => <p class="field__hint cli-tool__note">{note()}</p>}</Show>
      <Show when={props.tool.oneClick && props.canWrite && props.tool.blockedReason}>{(reason) => <p class="notice">{reason()}</p>}</Show>

      <Show when={writable()}>
        <Show when={!ready()}>
          <p class="field__hint">{t("cliTools.needKeyAndModel")}</p>
        </Show>
        <div class="cli-tool__actions">
          <button type="button" class="button" disabled={!ready() || busy() !== undefined} onClick={() => void showPreview()}>
            {busy() === "preview" ? t("cliTools.previewing") : t("cliTools.preview")}
          </button>
          <button type="button" class="button button--primary" disabled={!ready() || busy() !== undefined} onClick={() => void requestWrite()}>
            {busy() === "write" ? t("cliTools.writing") : t("cliTools.write")}
          </button>
        </div>
      </Show>

      <FormError message={error()} />

      <Show when={preview()}>
        {(shown) => (
          <div class="cli-tool__preview">
            <For each={shown().files}>
              {(file) => (
                <Show when={file.diff} fallback={<p class="form-success">{t("cliTools.noChanges", { path: file.path })}</p>}>
                  <Show when={!file.exists}>
                    <p class="field__hint">{t("cliTools.newFile", { path: file.path })}</p>
                  </Show>
                  <DiffView diff={file.diff} label={t("cliTools.diffLabel", { path: file.path })} />
                </Show>
              )}
            </For>
          </div>
        )}
      </Show>

      <div role="status" class="cli-tool__result">
        <Show when={result()}>
          {(done) => (
            <ul class="cli-tool__result-list">
              <For each={done().files}>
                {(file) => (
                  <li>
                    {file.written ? t("cliTools.written", { path: file.path }) : t("cliTools.unchanged", { path: file.path })}
                    <Show when={file.backupPath}>
                      {(backup) => (
                        <>
                          <br />
                          {t("cliTools.backup", { path: backup() })}
                        </>
                      )}
                    </Show>
                  </li>
                )}
              </For>
            </ul>
          )}
        </Show>
      </div>

      <ConfirmDialog
        open={confirming()}
        title={t("cliTools.confirmTitle", { name: props.tool.name })}
        message={t("cliTools.confirmMessage", { paths: (preview()?.files ?? []).map((file) => file.path).join(", ") })}
        confirmLabel={t("cliTools.confirmWrite")}
        busy={busy() === "write"}
        error={writeError()}
        onConfirm={() => void write()}
        onCancel={() => setConfirming(false)}
      />
    </article>
  );
}
