import { createSignal, createUniqueId, For } from "solid-js";
import { LOG_LEVELS, settingsApi, type GatewaySettings, type LogLevel } from "../../api/settings-api";
import type { MessageKey } from "../../i18n/en";
import { t } from "../../i18n/locale-store";
import { Checkbox, NumberField, numberOrNull, SettingsForm } from "./settings-form";

const LEVEL_LABELS: Record<LogLevel, MessageKey> = {
  debug: "settings.logging.level.debug",
  info: "settings.logging.level.info",
  warn: "settings.logging.level.warn",
  error: "settings.logging.level.error",
};

interface SectionProps {
  settings: GatewaySettings;
  onSaved: (settings: GatewaySettings) => void;
}

/** The request log (rows, retention, bodies) and the console log's level. */
export function LoggingSection(props: SectionProps) {
  const initial = props.settings;
  const [enabled, setEnabled] = createSignal(initial.requestLog.enabled);
  const [retention, setRetention] = createSignal(String(initial.requestLog.retentionDays));
  const [bodies, setBodies] = createSignal(initial.requestLog.bodies);
  const [maxBodyBytes, setMaxBodyBytes] = createSignal(String(initial.requestLog.maxBodyBytes));
  const [level, setLevel] = createSignal<LogLevel>(initial.logging.level);
  const levelId = createUniqueId();
  const levelHintId = createUniqueId();

  async function save() {
    props.onSaved(
      await settingsApi.updateSettings({
        requestLog: { enabled: enabled(), retentionDays: numberOrNull(retention()), bodies: bodies(), maxBodyBytes: numberOrNull(maxBodyBytes()) },
        logging: { level: level() },
      }),
    );
  }

  return (
    <SettingsForm title={t("settings.logging.heading")} intro={t("settings.logging.intro")} onSave={save}>
      <Checkbox label={t("settings.logging.enabled")} hint={t("settings.logging.enabledHint")} checked={enabled()} onChange={setEnabled} />
      <div class="settings-grid">
        <NumberField
          path="requestLog.retentionDays"
          label={t("settings.logging.retention")}
          hint={t("settings.logging.retentionHint")}
          min={1}
          max={3650}
          value={retention()}
          onInput={setRetention}
        />
      </div>
      <Checkbox label={t("settings.logging.bodies")} hint={t("settings.logging.bodiesHint")} checked={bodies()} onChange={setBodies} />
      <div class="settings-grid">
        <NumberField
          path="requestLog.maxBodyBytes"
          label={t("settings.logging.maxBodyBytes")}
          hint={t("settings.logging.maxBodyBytesHint")}
          min={1024}
          max={16777216}
          value={maxBodyBytes()}
          onInput={setMaxBodyBytes}
        />
        <div class="field">
          <label for={levelId}>{t("settings.logging.levelLabel")}</label>
          <select id={levelId} class="select" aria-describedby={levelHintId} onChange={(event) => setLevel(event.currentTarget.value as LogLevel)}>
            <For each={LOG_LEVELS}>
              {(value) => (
                <option value={value} selected={value === level()}>
                  {t(LEVEL_LABELS[value])}
                </option>
              )}
            </For>
          </select>
          <p id={levelHintId} class="field__hint">
            {t("settings.logging.levelHint")}
          </p>
        </div>
      </div>
    </SettingsForm>
  );
}
