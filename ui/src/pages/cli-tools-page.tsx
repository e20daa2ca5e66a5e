import { createEffect, createSignal, createUniqueId, Index, on, Show } from "solid-js";
import { createApiQuery } from "../api/create-api-query";
import { cliToolsApi } from "../api/cli-tools-api";
import { CliToolCard } from "../components/cli-tools/cli-tool-card";
import { ModelSelect } from "../components/cli-tools/model-select";
import { ErrorNotice } from "../components/error-notice";
import { LoadingNotice } from "../components/loading-notice";
import { PageHeading } from "../components/page-heading";
import { t } from "../i18n/locale-store";
import "../styles/cli-tools.css";

export function CliToolsPage() {
  const keyId = createUniqueId();
  const keyHintId = createUniqueId();
  const modelId = createUniqueId();
  const modelHintId = createUniqueId();
  const [apiKey, setApiKey] = createSignal("");
  const [model, setModel] = createSignal("");
  // Snippets are rendered by the server for the chosen model (the key is filled in here, never sent for them).
  // createApiQuery, not a resource: a resource would suspend the page (and drop the focus) on every new model.
  const overview = createApiQuery(() => cliToolsApi.list(model() || undefined));
  createEffect(on(model, () => void overview.refetch(), { defer: true }));

  return (
    <section class="page cli-tools">
      <PageHeading title={t("cliTools.title")} />
      <p class="muted">{t("cliTools.intro")}</p>

      <section class="panel" aria-labelledby="cli-tools-settings-heading">
        <h2 id="cli-tools-settings-heading">{t("cliTools.settingsHeading")}</h2>
        <div class="cli-tools__settings">
          <div class="field">
            <label for={keyId}>{t("cliTools.keyField")}</label>
            <input
              id={keyId}
              class="input input--mono"
              type="password"
              autocomplete="off"
              spellcheck={false}
              aria-describedby={keyHintId}
              value={apiKey()}
              onInput={(event) => setApiKey(event.currentTarget.value)}
            />
            <p id={keyHintId} class="field__hint">
              {t("cliTools.keyHint")}
            </p>
          </div>
          <div class="field">
            <label for={modelId}>{t("cliTools.modelField")}</label>
            <ModelSelect id={modelId} describedBy={modelHintId} value={model()} onChange={setModel} />
            <p id={modelHintId} class="field__hint">
              {t("cliTools.modelHint")}
            </p>
          </div>
        </div>
      </section>

      <Show when={overview.error()}>{(error) => <ErrorNotice error={error()} onRetry={() => void overview.refetch()} />}</Show>
      <Show when={overview.data()} fallback={<Show when={!overview.error()}><LoadingNotice /></Show>}>
        {(loaded) => (
          <>
            <Show when={!loaded().canWrite}>
              <p class="notice">{t("cliTools.writeBlocked")}</p>
            </Show>
            <div class="cli-tools__grid">
              {/* By position: a new model refetches the list, and the cards (their previews, and the focus) stay. */}
              <Index each={loaded().tools}>
                {(tool) => <CliToolCard tool={tool()} keyPlaceholder={loaded().keyPlaceholder} apiKey={apiKey()} model={model()} canWrite={loaded().canWrite} />}
              </Index>
            </div>
          </>
        )}
      </Show>
    </section>
  );
}
