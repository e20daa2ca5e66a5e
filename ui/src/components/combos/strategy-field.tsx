import { createUniqueId, For } from "solid-js";
import { COMBO_STRATEGIES, type ComboStrategy } from "../../api/combos-api";
import type { MessageKey } from "../../i18n/en";
import { t } from "../../i18n/locale-store";

export const strategyLabel = (strategy: ComboStrategy) => t(`combos.strategy.${strategy}` as MessageKey);
export const strategyExplanation = (strategy: ComboStrategy) => t(`combos.strategyHelp.${strategy}` as MessageKey);

interface StrategyFieldProps {
  /** "" = the gateway's default (`strategy: null`). */
  value: ComboStrategy | "";
  /** The default's name from the settings, when known. */
  defaultStrategy: ComboStrategy | null;
  onChange: (value: ComboStrategy | "") => void;
}

/** The strategy select, the selected one's explanation under it, and every strategy explained on request. */
export function StrategyField(props: StrategyFieldProps) {
  const selectId = createUniqueId();
  const helpId = createUniqueId();

  const explanation = () => {
    if (props.value) return strategyExplanation(props.value);
    return props.defaultStrategy
      ? t("combos.strategyHelp.defaultNamed", { strategy: strategyLabel(props.defaultStrategy), explanation: strategyExplanation(props.defaultStrategy) })
      : t("combos.strategyHelp.default");
  };

  return (
    <div class="field">
      <label for={selectId}>{t("combos.form.strategy")}</label>
      <select
        id={selectId}
        class="select"
        aria-describedby={helpId}
        onChange={(event) => props.onChange(event.currentTarget.value as ComboStrategy | "")}
      >
        <option value="" selected={props.value === ""}>
          {props.defaultStrategy ? t("combos.strategy.defaultNamed", { strategy: strategyLabel(props.defaultStrategy) }) : t("combos.strategy.default")}
        </option>
        <For each={COMBO_STRATEGIES}>{(strategy) => (
            <option value={strategy} selected={props.value === strategy}>
              {strategyLabel(strategy)}
            </option>
          )}</For>
      </select>
      <p id={helpId} class="field__hint" aria-live="polite">
        {explanation()}
      </p>
      <details class="combo-strategies">
        <summary>{t("combos.strategyHelp.all")}</summary>
        <dl class="combo-strategies__list">
          <For each={COMBO_STRATEGIES}>
            {(strategy) => (
              <>
                <dt>
                  {strategyLabel(strategy)} <code>{strategy}</code>
                </dt>
                <dd>{strategyExplanation(strategy)}</dd>
              </>
            )}
          </For>
        </dl>
      </details>
    </div>
  );
}
