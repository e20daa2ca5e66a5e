import { t } from "../../i18n/locale-store";
import { SearchablePicker, type PickerOption } from "../searchable-picker";

/** One choice of the picker: a model of a connection, or another combo (`combo:<name>`). */
export type { PickerOption };

interface ModelPickerProps {
  options: readonly PickerOption[];
  /** Values already chosen: not offered again. */
  exclude: ReadonlySet<string>;
  onPick: (value: string) => void;
}

/** What a typed target must look like to be added as typed: `<alias>/<model>` or `combo:<name>`. */
const TYPED_TARGET = /^(?:combo:[a-z0-9][a-z0-9._/-]*|[^\s/]+\/\S+)$/;

/**
 * The combo target picker: the shared searchable picker with the combos labels. A well-formed id that is not
 * listed (a model of a connection added later) can be added as typed, offered after the listed matches.
 */
export function ModelPicker(props: ModelPickerProps) {
  return (
    <SearchablePicker
      label={t("combos.picker.label")}
      hint={t("combos.picker.hint")}
      placeholder={t("combos.picker.placeholder")}
      listLabel={t("combos.picker.listLabel")}
      noMatch={t("combos.picker.noMatch")}
      more={(shown, total) => t("combos.picker.more", { shown, total })}
      options={props.options}
      exclude={props.exclude}
      typedDetail={(text) => (TYPED_TARGET.test(text) ? t("combos.picker.typedDetail") : null)}
      onPick={props.onPick}
    />
  );
}
