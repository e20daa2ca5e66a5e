import { createSignal, type Accessor } from "solid-js";
import { describeApiError } from "./describe-api-error";

export interface EnabledToggle {
  /** True while the change is being saved (for `aria-busy`). */
  saving: Accessor<boolean>;
  /** The checkbox's change handler: saves its new state, or puts it back and reports the error. */
  toggle(checkbox: HTMLInputElement): Promise<void>;
}

/**
 * An enable/disable switch that saves at once. The checkbox is not disabled while saving (a disabled control
 * drops keyboard focus); clicks are ignored until the save settles instead.
 */
export function createEnabledToggle(options: {
  save: (enabled: boolean) => Promise<void>;
  /** The saved state, to put the checkbox back when saving fails. */
  saved: () => boolean;
  onError: (message: string | undefined) => void;
}): EnabledToggle {
  const [saving, setSaving] = createSignal(false);
  return {
    saving,
    async toggle(checkbox) {
      if (saving()) {
        checkbox.checked = !checkbox.checked;
        return;
      }
      setSaving(true);
      options.onError(undefined);
      try {
        await options.save(checkbox.checked);
      } catch (failure) {
        checkbox.checked = options.saved();
        options.onError(describeApiError(failure));
      } finally {
        setSaving(false);
      }
    },
  };
}
