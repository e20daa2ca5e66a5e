import { createSignal } from "solid-js";
import { settingsApi, type GatewaySettings } from "../../api/settings-api";
import { t } from "../../i18n/locale-store";
import { NumberField, numberOrNull, SettingsForm } from "./settings-form";

interface SectionProps {
  settings: GatewaySettings;
  onSaved: (settings: GatewaySettings) => void;
}

/** settings.timeouts: how long an upstream may take to connect, to answer, and between two chunks. */
export function TimeoutsSection(props: SectionProps) {
  const initial = props.settings.timeouts;
  const [connect, setConnect] = createSignal(String(initial.connectMs));
  const [firstByte, setFirstByte] = createSignal(String(initial.firstByteMs));
  const [idle, setIdle] = createSignal(String(initial.idleMs));

  async function save() {
    props.onSaved(
      await settingsApi.updateSettings({
        timeouts: { connectMs: numberOrNull(connect()), firstByteMs: numberOrNull(firstByte()), idleMs: numberOrNull(idle()) },
      }),
    );
  }

  return (
    <SettingsForm title={t("settings.timeouts.heading")} intro={t("settings.timeouts.intro")} onSave={save}>
      <div class="settings-grid">
        <NumberField path="timeouts.connectMs" label={t("settings.timeouts.connect")} hint={t("settings.timeouts.connectHint")} min={100} max={120000} value={connect()} onInput={setConnect} />
        <NumberField path="timeouts.firstByteMs" label={t("settings.timeouts.firstByte")} hint={t("settings.timeouts.firstByteHint")} min={1000} max={3600000} value={firstByte()} onInput={setFirstByte} />
        <NumberField path="timeouts.idleMs" label={t("settings.timeouts.idle")} hint={t("settings.timeouts.idleHint")} min={1000} max={3600000} value={idle()} onInput={setIdle} />
      </div>
    </SettingsForm>
  );
}
