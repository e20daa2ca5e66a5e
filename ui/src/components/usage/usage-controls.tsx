import { createUniqueId, For, Show } from "solid-js";
import { USAGE_GROUP_BY, type UsageGroupBy } from "../../api/usage-api";
import type { MessageKey } from "../../i18n/en";
import { t } from "../../i18n/locale-store";
import { USAGE_METRICS, type UsageMetric } from "./usage-series";

export const RANGE_PRESETS = ["24h", "7d", "30d", "custom"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

const PRESET_LABELS: Record<RangePreset, MessageKey> = {
  "24h": "usage.range24h",
  "7d": "usage.range7d",
  "30d": "usage.range30d",
  custom: "usage.rangeCustom",
};
export const GROUP_LABELS: Record<UsageGroupBy, MessageKey> = {
  model: "usage.groupModel",
  provider: "usage.groupProvider",
  key: "usage.groupKey",
  combo: "usage.groupCombo",
};
const METRIC_LABELS: Record<UsageMetric, MessageKey> = {
  requests: "usage.metricRequests",
  tokens: "usage.metricTokens",
  cost: "usage.metricCost",
};

interface UsageControlsProps {
  preset: RangePreset;
  onPreset: (preset: RangePreset) => void;
  /** `datetime-local` values (local time, YYYY-MM-DDTHH:mm). */
  customFrom: string;
  customTo: string;
  onCustomFrom: (value: string) => void;
  onCustomTo: (value: string) => void;
  /** Why the custom range is not used, when it is not. */
  customError: string | undefined;
  groupBy: UsageGroupBy;
  onGroupBy: (groupBy: UsageGroupBy) => void;
  metric: UsageMetric;
  onMetric: (metric: UsageMetric) => void;
}

export function UsageControls(props: UsageControlsProps) {
  const ids = { range: createUniqueId(), from: createUniqueId(), to: createUniqueId(), error: createUniqueId(), group: createUniqueId(), metric: createUniqueId() };

  return (
    <form class="usage-controls" onSubmit={(event) => event.preventDefault()}>
      <div class="field">
        <label for={ids.range}>{t("usage.range")}</label>
        <select id={ids.range} class="select" onChange={(event) => props.onPreset(event.currentTarget.value as RangePreset)}>
          <For each={RANGE_PRESETS}>{(preset) => <option value={preset} selected={preset === props.preset}>{t(PRESET_LABELS[preset])}</option>}</For>
        </select>
      </div>
      <Show when={props.preset === "custom"}>
        <div class="field">
          <label for={ids.from}>{t("usage.from")}</label>
          <input
            id={ids.from}
            class="input"
            type="datetime-local"
            value={props.customFrom}
            aria-invalid={props.customError !== undefined}
            aria-describedby={props.customError ? ids.error : undefined}
            onChange={(event) => props.onCustomFrom(event.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for={ids.to}>{t("usage.to")}</label>
          <input
            id={ids.to}
            class="input"
            type="datetime-local"
            value={props.customTo}
            aria-invalid={props.customError !== undefined}
            aria-describedby={props.customError ? ids.error : undefined}
            onChange={(event) => props.onCustomTo(event.currentTarget.value)}
          />
        </div>
      </Show>
      <div class="field">
        <label for={ids.group}>{t("usage.groupBy")}</label>
        <select id={ids.group} class="select" onChange={(event) => props.onGroupBy(event.currentTarget.value as UsageGroupBy)}>
          <For each={USAGE_GROUP_BY}>{(groupBy) => <option value={groupBy} selected={groupBy === props.groupBy}>{t(GROUP_LABELS[groupBy])}</option>}</For>
        </select>
      </div>
      <div class="field">
        <label for={ids.metric}>{t("usage.metric")}</label>
        <select id={ids.metric} class="select" onChange={(event) => props.onMetric(event.currentTarget.value as UsageMetric)}>
          <For each={USAGE_METRICS}>{(metric) => <option value={metric} selected={metric === props.metric}>{t(METRIC_LABELS[metric])}</option>}</For>
        </select>
      </div>
      <Show when={props.customError}>
        {(error) => (
          <p id={ids.error} class="form-error usage-controls__error" role="alert">
            {error()}
          </p>
        )}
      </Show>
    </form>
  );
}
