import { createSignal, createUniqueId, For, Show } from "solid-js";
import { createConfirmedAction } from "../../api/create-confirmed-action";
import { settingsApi, type ImportSummary } from "../../api/settings-api";
import { t } from "../../i18n/locale-store";
import { ConfirmDialog } from "../confirm-dialog";
import { Checkbox, SettingsForm, useFormFeedback } from "./settings-form";

/** POST /api/config/export, saved as a file: connections, combos, client keys (hashed), budgets, settings. */
export function BackupExportSection() {
  const [includeSecrets, setIncludeSecrets] = createSignal(false);
  const [passphrase, setPassphrase] = createSignal("");

  async function save() {
    const document = await settingsApi.exportConfig(includeSecrets() ? { includeSecrets: true, passphrase: passphrase() } : { includeSecrets: false });
    downloadJson(document, `omniroute-config-${new Date().toISOString().slice(0, 10)}.json`);
    return t("settings.backup.downloaded");
  }

  return (
    <SettingsForm title={t("settings.backup.exportHeading")} intro={t("settings.backup.exportIntro")} submitLabel={t("settings.backup.download")} onSave={save}>
      <Checkbox label={t("settings.backup.includeSecrets")} hint={t("settings.backup.includeSecretsHint")} checked={includeSecrets()} onChange={setIncludeSecrets} />
      <Show when={includeSecrets()}>
        <PassphraseField label={t("settings.backup.passphrase")} hint={t("settings.backup.passphraseHint")} autocomplete="new-password" value={passphrase()} onInput={setPassphrase} />
      </Show>
    </SettingsForm>
  );
}

/** What the chosen file says it holds, read in the browser before anything is sent (the API has no dry run). */
interface FilePreview {
  fileName: string;
  document: unknown;
  format: string | null;
  version: number | null;
  exportedAt: string | null;
  omnirouteVersion: string | null;
  connections: number;
  combos: number;
  apiKeys: number;
  budgets: number | null;
  settings: boolean;
  secrets: boolean;
}

function previewOf(fileName: string, document: unknown): FilePreview {
  const doc = (typeof document === "object" && document !== null ? document : {}) as Record<string, unknown>;
  const count = (value: unknown) => (Array.isArray(value) ? value.length : 0);
  const text = (value: unknown) => (typeof value === "string" ? value : null);
  return {
    fileName,
    document,
    format: text(doc.format),
    version: typeof doc.version === "number" ? doc.version : null,
    exportedAt: text(doc.exportedAt),
    omnirouteVersion: text(doc.omnirouteVersion),
    connections: count(doc.connections),
    combos: count(doc.combos),
    apiKeys: count(doc.apiKeys),
    budgets: Array.isArray(doc.budgets) ? doc.budgets.length : null,
    settings: typeof doc.settings === "object" && doc.settings !== null,
    secrets: doc.secrets !== undefined && doc.secrets !== null,
  };
}

/** POST /api/config/import from a file: preview of its contents, a confirmation, then the server's summary. */
export function BackupImportSection(props: { onImported: () => void }) {
  const headingId = createUniqueId();
  const fileId = createUniqueId();
  const fileErrorId = createUniqueId();
  const [preview, setPreview] = createSignal<FilePreview>();
  const [fileError, setFileError] = createSignal<string>();
  const [passphrase, setPassphrase] = createSignal("");
  const [replace, setReplace] = createSignal(false);
  const [summary, setSummary] = createSignal<ImportSummary>();
  const importing = createConfirmedAction(async (file: FilePreview) => {
    const result = await settingsApi.importConfig({
      document: file.document,
      replace: replace(),
      ...(file.secrets ? { passphrase: passphrase() } : {}),
    });
    setSummary(result);
    props.onImported();
  });

  async function chooseFile(input: HTMLInputElement) {
    setPreview(undefined);
    setFileError(undefined);
    setSummary(undefined);
    const file = input.files?.[0];
    if (!file) return;
    try {
      setPreview(previewOf(file.name, JSON.parse(await file.text())));
    } catch {
      setFileError(t("settings.backup.notJson", { file: file.name }));
    }
  }

  function submit(event: SubmitEvent) {
    event.preventDefault();
    const file = preview();
    if (!file) {
      setFileError(t("settings.backup.chooseFileFirst"));
      return;
    }
    setSummary(undefined);
    importing.request(file);
  }

  return (
    <section class="panel settings-section" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("settings.backup.importHeading")}</h2>
      <p class="muted">{t("settings.backup.importIntro")}</p>
      <form class="settings-form" novalidate onSubmit={submit} aria-labelledby={headingId}>
        <div class="field settings-field--narrow">
          <label for={fileId}>{t("settings.backup.file")}</label>
          <input
            id={fileId}
            class="input settings-file"
            type="file"
            accept="application/json,.json"
            aria-invalid={fileError() ? true : undefined}
            aria-describedby={fileError() ? fileErrorId : undefined}
            onChange={(event) => void chooseFile(event.currentTarget)}
          />
        </div>
        <Show when={fileError()}>
          <p id={fileErrorId} class="form-error" role="alert">
            {fileError()}
          </p>
        </Show>

        <Show when={preview()}>
          {(file) => (
            <div class="settings-preview" data-testid="backup-preview">
              <h3>{t("settings.backup.previewHeading", { file: file().fileName })}</h3>
              <Show when={file().format !== "omniroute-config"}>
                <p class="form-error">{t("settings.backup.notOmniRoute")}</p>
              </Show>
              <dl class="settings-facts settings-facts--compact">
                <div>
                  <dt>{t("settings.backup.previewExported")}</dt>
                  <dd>{file().exportedAt ?? t("settings.backup.unknown")}</dd>
                </div>
                <div>
                  <dt>{t("settings.backup.previewVersion")}</dt>
                  <dd>{file().omnirouteVersion ?? t("settings.backup.unknown")}</dd>
                </div>
                <div>
                  <dt>{t("settings.backup.previewConnections")}</dt>
                  <dd>{file().connections}</dd>
                </div>
                <div>
                  <dt>{t("settings.backup.previewCombos")}</dt>
                  <dd>{file().combos}</dd>
                </div>
                <div>
                  <dt>{t("settings.backup.previewApiKeys")}</dt>
                  <dd>{file().apiKeys}</dd>
                </div>
                <Show when={file().budgets !== null}>
                  <div>
                    <dt>{t("settings.backup.previewBudgets")}</dt>
                    <dd>{file().budgets}</dd>
                  </div>
                </Show>
                <div>
                  <dt>{t("settings.backup.previewSettings")}</dt>
                  <dd>{file().settings ? t("settings.backup.yesReplaced") : t("settings.backup.no")}</dd>
                </div>
                <div>
                  <dt>{t("settings.backup.previewSecrets")}</dt>
                  <dd>{file().secrets ? t("settings.backup.yesEncrypted") : t("settings.backup.no")}</dd>
                </div>
              </dl>
              <Show when={file().secrets}>
                <PassphraseField label={t("settings.backup.importPassphrase")} hint={t("settings.backup.importPassphraseHint")} autocomplete="off" value={passphrase()} onInput={setPassphrase} />
              </Show>
            </div>
          )}
        </Show>

        <Checkbox label={t("settings.backup.replace")} hint={t("settings.backup.replaceHint")} checked={replace()} onChange={setReplace} />
        <div class="settings-form__actions">
          <button type="submit" class="button button--primary">
            {t("settings.backup.import")}
          </button>
        </div>
        <div role="status" class="settings-import-result">
          <Show when={summary()}>{(result) => <ImportResult summary={result()} />}</Show>
        </div>
      </form>

      <ConfirmDialog
        open={importing.pending() !== undefined}
        title={t("settings.backup.confirmTitle")}
        message={replace() ? t("settings.backup.confirmReplace", { file: importing.pending()?.fileName ?? "" }) : t("settings.backup.confirmMerge", { file: importing.pending()?.fileName ?? "" })}
        confirmLabel={t("settings.backup.confirm")}
        busy={importing.busy()}
        error={importing.error()}
        onConfirm={importing.confirm}
        onCancel={importing.cancel}
      />
    </section>
  );
}

function ImportResult(props: { summary: ImportSummary }) {
  const s = () => props.summary;
  return (
    <div class="settings-result">
      <p class="form-success">{t("settings.backup.imported")}</p>
      <ul>
        <li>{t("settings.backup.resultConnections", { created: s().connections.created, updated: s().connections.updated })}</li>
        <li>{t("settings.backup.resultCombos", { created: s().combos.created, updated: s().combos.updated })}</li>
        <li>{t("settings.backup.resultApiKeys", { created: s().apiKeys.created, skipped: s().apiKeys.skipped })}</li>
        <Show when={s().budgets}>
          {(budgets) => <li>{t("settings.backup.resultBudgets", { created: budgets().created, updated: budgets().updated, removed: budgets().removed })}</li>}
        </Show>
        <li>{s().settings ? t("settings.backup.resultSettings") : t("settings.backup.resultNoSettings")}</li>
        <Show when={s().secretsApplied > 0}>
          <li>{t("settings.backup.resultSecrets", { count: s().secretsApplied })}</li>
        </Show>
        <For each={s().createdKeys}>{(key) => <li>{t("settings.backup.resultCreatedKey", { name: key.name, prefix: key.prefix })}</li>}</For>
      </ul>
    </div>
  );
}

function PassphraseField(props: { label: string; hint: string; autocomplete: string; value: string; onInput: (value: string) => void }) {
  const id = createUniqueId();
  const hintId = createUniqueId();
  const feedback = useFormFeedback();
  return (
    <div class="field settings-field--narrow">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        class="input"
        type="password"
        name="passphrase"
        autocomplete={props.autocomplete}
        value={props.value}
        aria-invalid={feedback.isInvalid("passphrase") ? true : undefined}
        aria-describedby={hintId}
        onInput={(event) => props.onInput(event.currentTarget.value)}
      />
      <p id={hintId} class="field__hint">
        {props.hint}
      </p>
    </div>
  );
}

/** Hands a JSON document to the browser as a file download. */
function downloadJson(document: unknown, fileName: string): void {
  const blob = new Blob([`${JSON.stringify(document, null, 2)}\n`], { type: "application/json" });
  const url = URL.createObjectURL(blob);
  const link = window.document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  window.document.body.append(link);
  link.click();
  link.remove();
  // Chromium reads the blob after click() returns: let it go a little later.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}
