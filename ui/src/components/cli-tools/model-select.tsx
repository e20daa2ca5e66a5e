import { createEffect, For, Show } from "solid-js";
import { createApiQuery } from "../../api/create-api-query";
import { managementApi } from "../../api/management-api";
import { onboardingApi } from "../../api/onboarding-api";
import { t } from "../../i18n/locale-store";
import { ErrorNotice } from "../error-notice";

interface ModelSelectProps {
  id: string;
  describedBy?: string;
  value: string;
  onChange: (model: string) => void;
}

/** The combos and models this gateway serves, to pick what a tool's settings ask for; picks the first when none is chosen. */
export function ModelSelect(props: ModelSelectProps) {
  const combos = createApiQuery(onboardingApi.listCombos);
  const models = createApiQuery(managementApi.listModels);
  const comboNames = () => (combos.data() ?? []).filter((combo) => combo.enabled).map((combo) => combo.name);
  const modelIds = () => (models.data() ?? []).map((model) => model.id).filter((id) => !comboNames().includes(id));
  const loaded = () => combos.data() !== undefined && models.data() !== undefined;

  createEffect(() => {
    if (!loaded() || props.value) return;
    const first = comboNames()[0] ?? modelIds()[0];
    if (first) props.onChange(first);
  });

  return (
    <>
      <Show when={combos.error() ?? models.error()}>
        {(error) => (
          <ErrorNotice
            error={error()}
            onRetry={() => {
              void combos.refetch();
              void models.refetch();
            }}
          />
        )}
      </Show>
      <select
        id={props.id}
        class="select"
        aria-describedby={props.describedBy}
        value={props.value}
        onChange={(event) => props.onChange(event.currentTarget.value)}
      >
        <option value="" disabled selected={!props.value}>
          {t("cliTools.chooseModel")}
        </option>
        <Show when={comboNames().length > 0}>
          <optgroup label={t("cliTools.modelGroupCombos")}>
            <For each={comboNames()}>{(name) => (
                <option value={name} selected={props.value === name}>
                  {name}
                </option>
              )}</For>
          </optgroup>
        </Show>
        <Show when={modelIds().length > 0}>
          <optgroup label={t("cliTools.modelGroupModels")}>
            <For each={modelIds()}>{(id) => (
                <option value={id} selected={props.value === id}>
                  {id}
                </option>
              )}</For>
          </optgroup>
        </Show>
      </select>
      <Show when={loaded() && comboNames().length === 0 && modelIds().length === 0}>
        <p class="field__hint">{t("cliTools.noModels")}</p>
      </Show>
    </>
  );
}
