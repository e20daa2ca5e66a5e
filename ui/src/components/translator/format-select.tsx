import { createUniqueId, For, Show } from "solid-js";
import { t } from "../../i18n/locale-store";
import { WIRE_FORMAT_IDS, type WireFormatId } from "./detect-format";
import { formatLabel } from "./format-labels";

export const AUTO = "auto";

interface FormatSelectProps {
  label: string;
  value: WireFormatId | typeof AUTO;
  onChange: (value: WireFormatId | typeof AUTO) => void;
  /** Offers "Auto-detect" as the first option. */
  allowAuto?: boolean;
  hint?: string;
}

/** A labelled select of the four wire formats. */
export function FormatSelect(props: FormatSelectProps) {
  const id = createUniqueId();
  const hintId = createUniqueId();
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        class="select"
        value={props.value}
        aria-describedby={props.hint ? hintId : undefined}
        onChange={(event) => props.onChange(event.currentTarget.value as WireFormatId | typeof AUTO)}
      >
        <Show when={props.allowAuto}>
          <option value={AUTO}>{t("translator.autoDetect")}</option>
        </Show>
        <For each={WIRE_FORMAT_IDS}>{(format) => <option value={format}>{formatLabel(format)}</option>}</For>
      </select>
      <Show when={props.hint}>
        <p id={hintId} class="field__hint" role="status">
          {props.hint}
        </p>
      </Show>
    </div>
  );
}
