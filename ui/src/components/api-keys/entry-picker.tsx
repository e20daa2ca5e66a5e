import { createMemo, createSignal, createUniqueId, For, Show } from "solid-js";
import { t } from "../../i18n/locale-store";

/** One choice of the picker. */
export interface EntryOption {
  value: string;
  /** Secondary text: the provider's name, "Combo", "Pattern"… */
  detail: string;
}

interface EntryPickerProps {
  label: string;
  hint: string;
  placeholder: string;
  /** Accessible name of the option list. */
  listLabel: string;
  noMatch: string;
  options: readonly EntryOption[];
  /** Values already chosen: not offered again. */
  exclude: ReadonlySet<string>;
  /** For text that no option matches exactly: the detail to offer it with as typed, or null if it cannot be added. */
  typedDetail?: (text: string) => string | null;
  onPick: (value: string) => void;
  testId?: string;
}

/** Most options shown at once; typing narrows the list. */
const MAX_SHOWN = 50;

/**
 * A searchable picker following the ARIA combobox pattern: type to filter, Up/Down to move through the list,
 * Enter to add the highlighted entry, Escape to close (or clear). Built for this page rather than reusing the
 * combos picker, whose labels and accepted typed shapes are about combo targets.
 */
export function EntryPicker(props: EntryPickerProps) {
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
  const typed = createMemo<EntryOption | null>(() => {
    const text = query().trim();
    if (!text || !props.typedDetail || props.exclude.has(text)) return null;
    if (props.options.some((option) => option.value === text)) return null;
    const detail = props.typedDetail(text);
    return detail === null ? null : { value: text, detail };
  });

  const shown = createMemo<EntryOption[]>(() => {
    const extra = typed();
    // The typed entry first: someone who typed a full pattern wants Enter to add exactly that.
    const list = matches().slice(0, MAX_SHOWN);
    return extra ? [extra, ...list] : list;
  });

  const optionId = (index: number) => `${listId}-option-${index}`;
  const activeIndex = () => Math.min(active(), shown().length - 1);

  function pick(option: EntryOption | undefined) {
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
        if (open() && shown().length > 0) pick(shown()[activeIndex()]);
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
        if (open() && shown().length > 0) {
          event.preventDefault();
          setActive(event.key === "Home" ? 0 : shown().length - 1);
        }
        break;
    }
  }

  return (
    <div class="entry-picker field">
      <label for={inputId}>{props.label}</label>
      <div class="entry-picker__box">
        <input
          ref={input}
          id={inputId}
          class="input input--mono"
          type="text"
          role="combobox"
          autocomplete="off"
          spellcheck={false}
          aria-autocomplete="list"
          aria-expanded={open() && shown().length > 0}
          aria-controls={listId}
          aria-describedby={hintId}
          aria-activedescendant={open() && shown().length > 0 ? optionId(activeIndex()) : undefined}
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
        <ul id={listId} class="entry-picker__list" role="listbox" aria-label={props.listLabel} hidden={!open() || shown().length === 0}>
          <For each={shown()}>
            {(option, index) => (
              <li
                id={optionId(index())}
                role="option"
                class="entry-picker__option"
                classList={{ "entry-picker__option--active": index() === activeIndex() }}
                aria-selected={index() === activeIndex()}
                // mousedown would blur the input (closing the list) before the click lands.
                onMouseDown={(event) => event.preventDefault()}
                onMouseMove={() => setActive(index())}
                onClick={() => pick(option)}
              >
                <code class="entry-picker__value">{option.value}</code>
                <span class="entry-picker__detail">{option.detail}</span>
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
        <p class="field__hint">{t("apiKeys.picker.more", { shown: MAX_SHOWN, total: matches().length })}</p>
      </Show>
    </div>
  );
}
