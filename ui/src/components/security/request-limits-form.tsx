import { createSignal, For } from "solid-js";
import { securityApi, type RequestLimits } from "../../api/security-api";
import type { MessageKey } from "../../i18n/en";
import { locale, t } from "../../i18n/locale-store";
import { NumberField, numberOrNull, SettingsForm } from "../settings/settings-form";
import { formatBytes } from "../usage/usage-format";
import type { SecuritySectionProps } from "./security-section-props";

type LimitField = keyof RequestLimits;

/** Milliseconds as seconds ("60 sec"): the field itself already shows milliseconds. */
function formatSeconds(ms: number): string {
  return new Intl.NumberFormat(locale().code, { style: "unit", unit: "second", unitDisplay: "short", maximumFractionDigits: 1 }).format(ms / 1000);
}

interface LimitSpec {
  field: LimitField;
  label: MessageKey;
  hint: MessageKey;
  min: number;
  max: number;
  /** How the typed number reads in a unit people know (bytes → MB), shown under the field. */
  readable?: (value: number) => string;
}

// Bounds as in src/config/settings-schema.ts, so the browser's spinner stays inside what the server accepts.
const LIMITS: readonly LimitSpec[] = [
  { field: "maxRequestBodyBytes", label: "security.limits.body", hint: "security.limits.bodyHint", min: 1024, max: 512 * 1024 * 1024, readable: formatBytes },
  { field: "maxHeaderBytes", label: "security.limits.headers", hint: "security.limits.headersHint", min: 4 * 1024, max: 1024 * 1024, readable: formatBytes },
  { field: "maxJsonDepth", label: "security.limits.depth", hint: "security.limits.depthHint", min: 8, max: 1_000 },
  { field: "maxArrayLength", label: "security.limits.array", hint: "security.limits.arrayHint", min: 100, max: 10_000_000 },
  { field: "bodyReadTimeoutMs", label: "security.limits.bodyTimeout", hint: "security.limits.bodyTimeoutHint", min: 1_000, max: 600_000, readable: formatSeconds },
];

/** settings.limits: how large, deep and slow a request may be before the gateway answers it with a 4xx. */
export function RequestLimitsForm(props: SecuritySectionProps) {
  const values = new Map<LimitField, ReturnType<typeof createSignal<string>>>();
  for (const spec of LIMITS) values.set(spec.field, createSignal(String(props.settings.limits[spec.field])));
  const valueOf = (field: LimitField) => values.get(field)![0]();

  function hintOf(spec: LimitSpec): string {
    const value = numberOrNull(valueOf(spec.field));
    if (!spec.readable || value === null || !Number.isFinite(value)) return t(spec.hint);
    return `${t(spec.hint)} ${t("security.limits.equals", { value: spec.readable(value) })}`;
  }

  async function save() {
    const limits: Partial<Record<LimitField, number | null>> = {};
    for (const spec of LIMITS) limits[spec.field] = numberOrNull(valueOf(spec.field));
    props.onSaved(await securityApi.updateSettings({ limits }));
  }

  return (
    <SettingsForm title={t("security.limits.heading")} intro={t("security.limits.intro")} onSave={save}>
      <div class="settings-grid">
        <For each={LIMITS}>
          {(spec) => (
            <NumberField
              path={`limits.${spec.field}`}
              label={t(spec.label)}
              hint={hintOf(spec)}
              min={spec.min}
              max={spec.max}
              value={valueOf(spec.field)}
              onInput={(value) => values.get(spec.field)![1](value)}
            />
          )}
        </For>
      </div>
    </SettingsForm>
  );
}
