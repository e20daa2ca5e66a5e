import { createSignal, For, Show } from "solid-js";
import { DataTable } from "../data-table";
import { combosApi, type Combo, type ComboStrategy, type ComboTestResult } from "../../api/combos-api";
import { createEnabledToggle } from "../../api/create-enabled-toggle";
import { t } from "../../i18n/locale-store";
import { ComboTestResultView } from "./combo-test-result";
import { strategyLabel } from "./strategy-field";
import { FormError } from "../form-error";

/** A test in progress or done, per combo name. */
export interface ComboTestState {
  busy: boolean;
  result?: ComboTestResult;
  error?: string;
}

interface CombosTableProps {
  combos: readonly Combo[];
  defaultStrategy: ComboStrategy | null;
  tests: Readonly<Record<string, ComboTestState | undefined>>;
  onUpdated: (combo: Combo) => void;
  onTest: (combo: Combo) => void;
  onEdit: (combo: Combo, trigger: HTMLElement) => void;
  onDeleteRequested: (combo: Combo) => void;
}

export function CombosTable(props: CombosTableProps) {
  return (
    <DataTable
      class="combos-table"
      columns={[t("combos.list.name"), t("combos.list.strategy"), t("combos.list.targets"), t("combos.list.enabled"), t("combos.list.test")]}
      actionsColumn
      rows={props.combos}
    >
      {(combo) => (
        <ComboRow
          combo={combo}
          defaultStrategy={props.defaultStrategy}
          test={props.tests[combo.name]}
          onUpdated={props.onUpdated}
          onTest={props.onTest}
          onEdit={props.onEdit}
          onDeleteRequested={props.onDeleteRequested}
        />
      )}
    </DataTable>
  );
}

interface ComboRowProps {
  combo: Combo;
  defaultStrategy: ComboStrategy | null;
  test: ComboTestState | undefined;
  onUpdated: (combo: Combo) => void;
  onTest: (combo: Combo) => void;
  onEdit: (combo: Combo, trigger: HTMLElement) => void;
  onDeleteRequested: (combo: Combo) => void;
}

function ComboRow(props: ComboRowProps) {
  const [rowError, setRowError] = createSignal<string>();

  const strategyText = () => {
    const strategy = props.combo.strategy;
    if (strategy) return strategyLabel(strategy);
    return props.defaultStrategy ? t("combos.strategy.defaultNamed", { strategy: strategyLabel(props.defaultStrategy) }) : t("combos.strategy.default");
  };

  const enabledToggle = createEnabledToggle({
    save: async (enabled) => {
      props.onUpdated(await combosApi.update(props.combo.name, { enabled }));
    },
    saved: () => props.combo.enabled,
    onError: setRowError,
  });


  return (
    <tr classList={{ "row--disabled": !props.combo.enabled }} data-testid="combo-row" data-combo={props.combo.name}>
      {/* One wrapper per cell: on phones each cell is a two-column grid (label, content). */}
      <td data-label={t("combos.list.name")}>
        <div>
          <code class="strong combo-name">{props.combo.name}</code>
          <Show when={props.combo.description}>{(description) => <div class="muted combo-description">{description()}</div>}</Show>
          <Show when={props.combo.cacheTtlSeconds}>
            {(ttl) => <div class="muted combo-meta">{t("combos.list.cached", { seconds: ttl() })}</div>}
          </Show>
        </div>
      </td>
      <td data-label={t("combos.list.strategy")}>
        <div>
          {strategyText()}
          <Show when={props.combo.stickyRequests}>
            {(sticky) => <div class="muted combo-meta">{t("combos.list.sticky", { count: sticky() })}</div>}
          </Show>
        </div>
      </td>
      <td data-label={t("combos.list.targets")} class="combos-table__targets">
        <ol class="combo-list-targets" data-testid="combo-row-targets">
          <For each={props.combo.targets}>
            {(target) => (
              <li>
                <code>{target.model}</code>
                <Show when={target.weight !== 1}>
                  <span class="muted combo-meta"> · {t("combos.list.weight", { weight: target.weight })}</span>
                </Show>
                <Show when={target.timeoutMs}>
                  {(timeoutMs) => <span class="muted combo-meta"> · {t("combos.list.timeout", { seconds: timeoutMs() / 1000 })}</span>}
                </Show>
              </li>
            )}
          </For>
        </ol>
      </td>
      <td data-label={t("combos.list.enabled")}>
        <div>
          <label class="switch">
            <input
              type="checkbox"
              role="switch"
              checked={props.combo.enabled}
              aria-busy={enabledToggle.saving()}
              aria-label={t("combos.list.enabledNamed", { name: props.combo.name })}
              onChange={(event) => enabledToggle.toggle(event.currentTarget)}
            />
            <span class="switch__text" aria-hidden="true">
              {props.combo.enabled ? t("combos.list.on") : t("combos.list.off")}
            </span>
          </label>
          <FormError message={rowError()} />
        </div>
      </td>
      <td data-label={t("combos.list.test")}>
        <div aria-live="polite" class="combo-test-cell">
          <Show when={props.test?.busy}>
            <span class="muted">{t("combos.test.running")}</span>
          </Show>
          <Show when={!props.test?.busy && props.test?.result}>{(result) => <ComboTestResultView result={result()} />}</Show>
          <Show when={!props.test?.busy && props.test?.error}>
            {(error) => (
              <p class="form-error" role="alert">
                {error()}
              </p>
            )}
          </Show>
          <Show when={!props.test}>
            <span class="muted">{t("combos.test.never")}</span>
          </Show>
        </div>
      </td>
      <td data-label={t("common.actions")}>
        <div class="row-actions">
          <button
            type="button"
            class="button button--small"
            aria-busy={props.test?.busy ?? false}
            aria-label={t("combos.list.testNamed", { name: props.combo.name })}
            onClick={() => {
              if (!props.test?.busy) props.onTest(props.combo);
            }}
          >
            {props.test?.busy ? t("combos.test.running") : t("combos.list.testAction")}
          </button>
          <button
            type="button"
            class="button button--small"
            aria-label={t("combos.list.editNamed", { name: props.combo.name })}
            onClick={(event) => props.onEdit(props.combo, event.currentTarget)}
          >
            {t("combos.list.edit")}
          </button>
          <button
            type="button"
            class="button button--small button--danger-quiet"
            aria-label={t("combos.list.deleteNamed", { name: props.combo.name })}
            onClick={() => props.onDeleteRequested(props.combo)}
          >
            {t("combos.list.delete")}
          </button>
        </div>
      </td>
    </tr>
  );
}
