import { createUniqueId } from "solid-js";
import { createStore } from "solid-js/store";

/** A `datetime-local` value (the browser's local time) as ISO 8601 UTC. */
export function localToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/**
 * The draft of a filter form: text fields bound by name, Apply sends the filters made from the draft, Reset
 * empties the draft and applies no filters.
 */
export function createFilterDraft<Draft extends Record<string, string>, Filters>(options: {
  empty: Draft;
  toFilters: (draft: Draft) => Filters;
  onApply: (filters: Filters) => void;
}) {
  const [draft, setDraft] = createStore<Draft>({ ...options.empty });
  const id = createUniqueId();
  const fieldId = (name: string) => `${id}-${name}`;

  function set(name: keyof Draft & string, value: string) {
    // Merged into the draft (every field of a draft is text).
    setDraft((current) => ({ ...current, [name]: value }));
  }

  /** id, value and input handler of the field's `<input>`. */
  const bind = (name: keyof Draft & string) => ({
    id: fieldId(name),
    get value() {
      return draft[name];
    },
    onInput: (event: InputEvent & { currentTarget: HTMLInputElement }) => set(name, event.currentTarget.value),
  });

  /** id, value and change handler of the field's `<select>`. */
  const bindSelect = (name: keyof Draft & string) => ({
    id: fieldId(name),
    get value() {
      return draft[name];
    },
    onChange: (event: Event & { currentTarget: HTMLSelectElement }) => set(name, event.currentTarget.value),
  });

  function submit(event: SubmitEvent) {
    event.preventDefault();
    options.onApply(options.toFilters(draft));
  }

  function reset() {
    setDraft({ ...options.empty });
    // The empty draft sets no filter.
    options.onApply(options.toFilters(options.empty));
  }

  return { draft, id, fieldId, bind, bindSelect, set, submit, reset };
}
