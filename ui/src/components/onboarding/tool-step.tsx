import { createEffect, createSignal, createUniqueId, For, on, Show } from "solid-js";
import { createApiQuery } from "../../api/create-api-query";
import { cliToolsApi } from "../../api/cli-tools-api";
import { t } from "../../i18n/locale-store";
import { CliToolCard } from "../cli-tools/cli-tool-card";
import { ModelSelect } from "../cli-tools/model-select";
import { ErrorNotice } from "../error-notice";
import { LoadingNotice } from "../loading-notice";

interface ToolStepProps {
  /** The key created in step 3 (memory only), if any. */
  apiKey: string | undefined;
  /** The combo created in step 2, if any. */
  combo: string | undefined;
}

/** Step 4: pick the coding tool, copy its settings or write them (through the CLI tools API). */
export function ToolStep(props: ToolStepProps) {
  const toolId = createUniqueId();
  const modelId = createUniqueId();
  const [tool, setTool] = createSignal("claude-code");
  const [model, setModel] = createSignal(props.combo ?? "");
  // Snippets are rendered by the server for the chosen model (the key is filled in here, never sent for them).
  // createApiQuery, not a resource: a resource would suspend the page (and drop the focus) on every new model.
  const overview = createApiQuery(() => cliToolsApi.list(model() || undefined));
  createEffect(on(model, () => void overview.refetch(), { defer: true }));
  const chosen = () => overview.data()?.tools.find((candidate) => candidate.id === tool());

  return (
    <>
      <p>{t("onboarding.tool.intro")}</p>
      <div class="cli-tools__settings">
        <div class="field">
          <label for={toolId}>{t("onboarding.tool.field")}</label>
          <select id={toolId} class="select" value={tool()} onChange={(event) => setTool(event.currentTarget.value)}>
            <For each={overview.data()?.tools ?? []}>
              {(candidate) => (
                <option value={candidate.id} selected={candidate.id === tool()}>
                  {candidate.name}
                </option>
              )}
            </For>
          </select>
        </div>
        <div class="field">
          <label for={modelId}>{t("cliTools.modelField")}</label>
          <ModelSelect id={modelId} value={model()} onChange={setModel} />
        </div>
      </div>
      <Show when={!props.apiKey && overview.data()}>
        {(loaded) => <p class="notice">{t("onboarding.tool.noKey", { placeholder: loaded().keyPlaceholder })}</p>}
      </Show>
      <Show when={overview.error()}>{(error) => <ErrorNotice error={error()} onRetry={() => void overview.refetch()} />}</Show>
      <Show when={overview.data()} fallback={<Show when={!overview.error()}><LoadingNotice /></Show>}>
        {(loaded) => (
          <>
            <Show when={!loaded().canWrite}>
              <p class="notice">{t("cliTools.writeBlocked")}</p>
            </Show>
            <Show when={chosen()}>
              {(selected) => (
                <CliToolCard
                  tool={selected()}
                  keyPlaceholder={loaded().keyPlaceholder}
                  apiKey={props.apiKey ?? ""}
                  model={model()}
                  canWrite={loaded().canWrite}
                  headingLevel={3}
                />
              )}
            </Show>
          </>
        )}
      </Show>
    </>
  );
}
