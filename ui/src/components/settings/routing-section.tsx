import { createSignal, createUniqueId, For } from "solid-js";
import { ROUTING_STRATEGIES, settingsApi, type GatewaySettings, type RoutingStrategy } from "../../api/settings-api";
import type { MessageKey } from "../../i18n/en";
import { t } from "../../i18n/locale-store";
import { NumberField, numberOrNull, SettingsForm } from "./settings-form";

const STRATEGY_LABELS: Record<RoutingStrategy, MessageKey> = {
  "fill-first": "settings.strategy.fill-first",
  "round-robin": "settings.strategy.round-robin",
  "power-of-two": "settings.strategy.power-of-two",
  random: "settings.strategy.random",
  "least-used": "settings.strategy.least-used",
  "cost-optimized": "settings.strategy.cost-optimized",
  "lowest-latency": "settings.strategy.lowest-latency",
  "reset-aware": "settings.strategy.reset-aware",
};

interface SectionProps {
  settings: GatewaySettings;
  onSaved: (settings: GatewaySettings) => void;
}

/** Routing defaults: how accounts and combo targets are ordered, and how transient failures are retried. */
export function RoutingSection(props: SectionProps) {
  const initial = props.settings.routing;
  const [accountStrategy, setAccountStrategy] = createSignal<RoutingStrategy>(initial.accountStrategy);
  const [comboStrategy, setComboStrategy] = createSignal<RoutingStrategy>(initial.comboStrategy);
  const [retries, setRetries] = createSignal(String(initial.transientRetries));
  const [backoff, setBackoff] = createSignal(String(initial.retryBackoffMs));

  async function save() {
    props.onSaved(
      await settingsApi.updateSettings({
        routing: {
          accountStrategy: accountStrategy(),
          comboStrategy: comboStrategy(),
          transientRetries: numberOrNull(retries()),
          retryBackoffMs: numberOrNull(backoff()),
        },
      }),
    );
  }

  return (
    <SettingsForm title={t("settings.routing.heading")} intro={t("settings.routing.intro")} onSave={save}>
      <div class="settings-grid">
        <StrategySelect label={t("settings.routing.accountStrategy")} hint={t("settings.routing.accountStrategyHint")} value={accountStrategy()} onChange={setAccountStrategy} />
        <StrategySelect label={t("settings.routing.comboStrategy")} hint={t("settings.routing.comboStrategyHint")} value={comboStrategy()} onChange={setComboStrategy} />
        <NumberField
          path="routing.transientRetries"
          label={t("settings.routing.retries")}
          hint={t("settings.routing.retriesHint")}
          min={0}
          max={5}
          value={retries()}
          onInput={setRetries}
        />
        <NumberField
          path="routing.retryBackoffMs"
          label={t("settings.routing.backoff")}
          hint={t("settings.routing.backoffHint")}
          min={0}
          max={10000}
          value={backoff()}
          onInput={setBackoff}
        />
      </div>
    </SettingsForm>
  );
}

function StrategySelect(props: { label: string; hint: string; value: RoutingStrategy; onChange: (value: RoutingStrategy) => void }) {
  const id = createUniqueId();
  const hintId = createUniqueId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select id={id} class="select" aria-describedby={hintId} onChange={(event) => props.onChange(event.currentTarget.value as RoutingStrategy)}>
        <For each={ROUTING_STRATEGIES}>
          {(strategy) => (
            <option value={strategy} selected={strategy === props.value}>
              {t(STRATEGY_LABELS[strategy])}
            </option>
          )}
        </For>
      </select>
      <p id={hintId} class="field__hint">
        {props.hint}
      </p>
    </div>
  );
}
