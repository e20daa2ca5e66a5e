import { createSignal, createUniqueId, For, Show } from "solid-js";
import { settingsApi, THINKING_MODES, type GatewaySettings, type ThinkingMode } from "../../api/settings-api";
import type { MessageKey } from "../../i18n/en";
import { t } from "../../i18n/locale-store";
import { NumberField, numberOrNull, SettingsForm, useFormFeedback } from "./settings-form";

const SYSTEM_PROMPT_MAX = 20_000;

const MODE_LABELS: Record<ThinkingMode, MessageKey> = {
  passthrough: "settings.requests.mode.passthrough",
  auto: "settings.requests.mode.auto",
  custom: "settings.requests.mode.custom",
  adaptive: "settings.requests.mode.adaptive",
};
const MODE_DESCRIPTIONS: Record<ThinkingMode, MessageKey> = {
  passthrough: "settings.requests.mode.passthroughHelp",
  auto: "settings.requests.mode.autoHelp",
  custom: "settings.requests.mode.customHelp",
  adaptive: "settings.requests.mode.adaptiveHelp",
};

interface SectionProps {
  settings: GatewaySettings;
  onSaved: (settings: GatewaySettings) => void;
}

/** settings.requests: the global system prompt and the thinking-budget mode, applied to every API request. */
export function RequestControlsSection(props: SectionProps) {
  const initial = props.settings.requests;
  const [prompt, setPrompt] = createSignal(initial.systemPrompt);
  const [position, setPosition] = createSignal(initial.systemPromptPosition);
  const [mode, setMode] = createSignal<ThinkingMode>(initial.thinking.mode);
  const [budget, setBudget] = createSignal(String(initial.thinking.budgetTokens));
  const radioName = createUniqueId();
  const positionName = createUniqueId();

  async function save() {
    // The budget field only shows for custom; other modes keep the stored budget.
    const budgetTokens = mode() === "custom" ? numberOrNull(budget()) : props.settings.requests.thinking.budgetTokens;
    const updated = await settingsApi.updateSettings({
      requests: {
        systemPrompt: prompt(),
        systemPromptPosition: position(),
        thinking: { mode: mode(), budgetTokens },
      },
    });
    props.onSaved(updated);
  }

  return (
    <SettingsForm title={t("settings.requests.heading")} intro={t("settings.requests.intro")} onSave={save}>
      <SystemPromptField value={prompt()} onInput={setPrompt} />

      <fieldset class="settings-choices">
        <legend>{t("settings.requests.position")}</legend>
        <For each={["prepend", "append"] as const}>
          {(value) => (
            <label class="settings-choice">
              <input type="radio" name={positionName} value={value} checked={position() === value} onChange={() => setPosition(value)} />
              <span>{value === "prepend" ? t("settings.requests.prepend") : t("settings.requests.append")}</span>
            </label>
          )}
        </For>
      </fieldset>

      <fieldset class="settings-choices settings-choices--stacked">
        <legend>{t("settings.requests.thinking")}</legend>
        <p class="field__hint">{t("settings.requests.thinkingIntro")}</p>
        <For each={THINKING_MODES}>
          {(value) => {
            const helpId = createUniqueId();
            return (
              <label class="settings-choice settings-choice--described">
                <input
                  type="radio"
                  name={radioName}
                  value={value}
                  checked={mode() === value}
                  aria-describedby={helpId}
                  onChange={() => setMode(value)}
                />
                <span>
                  <span class="strong">{t(MODE_LABELS[value])}</span>
                  <span id={helpId} class="settings-choice__help">
                    {t(MODE_DESCRIPTIONS[value])}
                  </span>
                </span>
              </label>
            );
          }}
        </For>
      </fieldset>

      <Show when={mode() === "custom"}>
        <div class="settings-field--narrow">
          <NumberField
            path="requests.thinking.budgetTokens"
            label={t("settings.requests.budget")}
            hint={t("settings.requests.budgetHint")}
            min={1024}
            max={128000}
            step={1}
            value={budget()}
            onInput={setBudget}
          />
        </div>
      </Show>
    </SettingsForm>
  );
}

function SystemPromptField(props: { value: string; onInput: (value: string) => void }) {
  const id = createUniqueId();
  const hintId = createUniqueId();
  const feedback = useFormFeedback();
  return (
    <div class="field">
      <label for={id}>{t("settings.requests.systemPrompt")}</label>
      <textarea
        id={id}
        class="input settings-textarea"
        name="requests.systemPrompt"
        rows="5"
        dir="auto"
        maxlength={SYSTEM_PROMPT_MAX}
        aria-describedby={hintId}
        aria-invalid={feedback.isInvalid("requests.systemPrompt") ? true : undefined}
        value={props.value}
        onInput={(event) => props.onInput(event.currentTarget.value)}
      />
      <p id={hintId} class="field__hint">
        {t("settings.requests.systemPromptHint", { count: props.value.length, max: SYSTEM_PROMPT_MAX })}
      </p>
    </div>
  );
}
