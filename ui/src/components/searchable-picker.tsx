import { createMemo, createSignal, createUniqueId, For, Show } from "solid-js";
import "../styles/searchable-picker.css";

/** One choice of a searchable picker. */
export interface PickerOption {
  value: string;
  /** Secondary text: the provider's name, "Combo", "Pattern"… */
  detail: string;
}

export interface SearchablePickerProps {
  label: string;
  hint: string;
  placeholder: string;
  /** Accessible name of the option list. */
  listLabel: string;
  /** Shown when typed text matches nothing. */
  noMatch: string;
  /** Shown when more options match than the list shows. */
  more: (shown: number, total: number) => string;
  options: readonly PickerOption[];
  /** Values already chosen: not offered again. */
  exclude: ReadonlySet<string>;
  /** For text that no option matches exactly: the detail to offer it with as typed, or null if it cannot be added. */
  typedDetail?: (text: string) => string | null;
  /** Where the as-typed option goes: first (Enter adds exactly what was typed) or after the listed matches. */
  typedFirst?: boolean;
  onPick: (value: string) => void;
  testId?: string;
}

/** Most options shown at once; typing narrows the list. */
const MAX_SHOWN = 50;

/**
 * A searchable picker following the ARIA combobox pattern: type to filter, Up/Down to move through the list,
 * Home/End to jump, Enter to add the highlighted entry (never submitting the surrounding form), Escape to close
 * (or clear). Each caller brings its own labels, options and rule for text that may be added as typed.
 */
export function SearchablePicker(props: SearchablePickerProps) {
  const inputId = createUniqueId();
  const listId = createUniqueId();
  const hintId = createUniqueId();
  const [query, setQuery] = createSignal("");
  const [open, setOpen] = createSignal(false);
  const [active, setActive] = createSignal(0);
  let input!: HTMLInputElement;

  const matches = createMemo(() => {
    const needle = query().trim().toLowerCase();
    return props.options.filter(
      (option) => !props.exclude.has(option.value) && (!needle || option.value.toLowerCase().includes(needle) || option.detail.toLowerCase().includes(needle)),
    );
  });

  /** The typed text as an extra option, when it is acceptable and no listed option is exactly it. */
  const typed = createMemo<PickerOption | null>(() => {
    const text = query().trim();
    if (!text || !props.typedDetail || props.exclude.has(text)) return null;
    if (props.options.some((option) => option.value === text)) return null;
    const detail = props.typedDetail(text);
    return detail === null ? null : { value: text, detail };
  });

  const shown = createMemo<PickerOption[]>(() => {
    const extra = typed();
    const list = matches().slice(0, MAX_SHOWN);
    if (!extra) return list;
    return props.typedFirst ? [extra, ...list] : [...list, extra];
  });

  const optionId = (index: number) => `${listId}-option-${index}`;
  const activeIndex = () => Math.min(active(), shown().length - 1);
  const listed = () => open() && shown().length > 0;

  function pick(option: PickerOption | undefined) {
    if (!option) return;
    props.onPick(option.value);
    setQuery("");
    setActive(0);
    setOpen(false);
    input.focus();
  }

  function move(delta: number) {
    const count = shown().length;
    if (count === 0) return;
    if (!open()) {
      setOpen(true);
      setActive(delta > 0 ? 0 : count - 1);
    } else {
      setActive((activeIndex() + delta + count) % count);
    }
    document.getElementById(optionId(activeIndex()))?.scrollIntoView({ block: "nearest" });
  }

  function onKeyDown(event: KeyboardEvent) {
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        move(1);
        break;
      case "ArrowUp":
        event.preventDefault();
        move(-1);
        break;
      case "Enter":
        // Never submits the surrounding form: Enter here means "add this entry".
        event.preventDefault();
        if (listed()) pick(shown()[activeIndex()]);
        else if (shown().length > 0) setOpen(true);
        break;
      case "Escape":
        if (open()) {
          event.preventDefault();
          event.stopPropagation();
          setOpen(false);
        } else if (query()) {
          event.preventDefault();
          setQuery("");
        }
        break;
      case "Home":
      case "End":
        if (listed()) {
          event.preventDefault();
          setActive(event.key === "Home" ? 0 : shown().length - 1);
        }
        break;
    }
  }

  return (
    <div class="searchable-picker field">
      <label for={inputId}>{props.label}</label>
      <div class="searchable-picker__box">
        <input
          ref={input}
          id={inputId}
          class="input input--mono"
          type="text"
          role="combobox"
          autocomplete="off"
          spellcheck={false}
          aria-autocomplete="list"
          aria-expanded={listed()}
          aria-controls={listId}
          aria-describedby={hintId}
          aria-activedescendant={listed() ? optionId(activeIndex()) : undefined}
          placeholder={props.placeholder}
          data-testid={props.testId}
          value={query()}
          onInput={(event) => {
            setQuery(event.currentTarget.value);
            setActive(0);
            setOpen(true);
          }}
          onKeyDown={onKeyDown}
          onFocus={() => setOpen(query().length > 0)}
          onClick={() => setOpen(true)}
          onBlur={() => setOpen(false)}
        />
        <ul id={listId} class="searchable-picker__list" role="listbox" aria-label={props.listLabel} hidden={!listed()}>
          <For each={shown()}>
            {(option, index) => (
              <li
                id={optionId(index())}
                role="option"
                class="searchable-picker__option"
                classList={{ "searchable-picker__option--active": index() === activeIndex() }}
                aria-selected={index() === activeIndex()}
                // mousedown would blur the input (closing the list) before the click lands.
                onMouseDown={(event) => event.preventDefault()}
                onMouseMove={() => setActive(index())}
                onClick={() => pick(option)}
              >
                <code class="searchable-picker__value">{option.value}</code>
                <span class="searchable-picker__detail">{option.detail}</span>
              </li>
            )}
          </For>
        </ul>
      </div>
      <p id={hintId} class="field__hint">
        {props.hint}
      </p>
      <Show when={open() && query().trim() && shown().length === 0}>
        <p class="field__hint" role="status">
          {props.noMatch}
        </p>
      </Show>
      <Show when={open() && matches().length > MAX_SHOWN}>
        <p class="field__hint">{props.more(MAX_SHOWN, matches().length)}</p>
      </Show>
    </div>
  );
}
