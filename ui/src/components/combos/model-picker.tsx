import { createMemo, createSignal, createUniqueId, For, Show } from "solid-js";
import { t } from "../../i18n/locale-store";

/** One choice of the picker: a model of a connection, or another combo (`combo:<name>`). */
export interface PickerOption {
  value: string;
  /** Secondary text: the provider's name, or that it is a combo. */
  detail: string;
}

interface ModelPickerProps {
  options: readonly PickerOption[];
  /** Values already chosen: not offered again. */
  exclude: ReadonlySet<string>;
  onPick: (value: string) => void;
}

/** Most options shown at once; typing narrows the list. */
const MAX_SHOWN = 50;
/** What a typed target must look like to be added as typed: `<alias>/<model>` or `combo:<name>`. */
const TYPED_TARGET = /^(?:combo:[a-z0-9][a-z0-9._/-]*|[^\s/]+\/\S+)$/;

/**
 * A searchable model picker following the ARIA combobox pattern: type to filter, Up/Down to move through the
 * list, Enter to add the highlighted model, Escape to close (or clear). A well-formed id that is not listed
 * (a model of a connection added later) can be added as typed.
 */
export function ModelPicker(props: ModelPickerProps) {
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

  /** The typed text, when it is a well-formed target that no listed option matches exactly. */
  const typed = createMemo(() => {
    const text = query().trim();
    if (!TYPED_TARGET.test(text) || props.exclude.has(text)) return null;
    return props.options.some((option) => option.value === text) ? null : text;
  });

  const shown = createMemo<PickerOption[]>(() => {
    const list = matches().slice(0, MAX_SHOWN);
    const extra = typed();
    return extra ? [...list, { value: extra, detail: t("combos.picker.typedDetail") }] : list;
  });

  const optionId = (index: number) => `${listId}-option-${index}`;
  const activeIndex = () => Math.min(active(), shown().length - 1);

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
        // Never submits the surrounding form: Enter here means "add this target".
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
    <div class="model-picker field">
      <label for={inputId}>{t("combos.picker.label")}</label>
      <div class="model-picker__box">
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
          placeholder={t("combos.picker.placeholder")}
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
        <ul
          id={listId}
          class="model-picker__list"
          role="listbox"
          aria-label={t("combos.picker.listLabel")}
          hidden={!open() || shown().length === 0}
        >
          <For each={shown()}>
            {(option, index) => (
              <li
                id={optionId(index())}
                role="option"
                class="model-picker__option"
                classList={{ "model-picker__option--active": index() === activeIndex() }}
                aria-selected={index() === activeIndex()}
                // mousedown would blur the input (closing the list) before the click lands.
                onMouseDown={(event) => event.preventDefault()}
                onMouseMove={() => setActive(index())}
                onClick={() => pick(option)}
              >
                <code class="model-picker__value">{option.value}</code>
                <span class="model-picker__detail">{option.detail}</span>
              </li>
            )}
          </For>
        </ul>
      </div>
      <p id={hintId} class="field__hint">
        {t("combos.picker.hint")}
      </p>
      <Show when={open() && query().trim() && shown().length === 0}>
        <p class="field__hint" role="status">
          {t("combos.picker.noMatch")}
        </p>
      </Show>
      <Show when={open() && matches().length > MAX_SHOWN}>
        <p class="field__hint">{t("combos.picker.more", { shown: MAX_SHOWN, total: matches().length })}</p>
      </Show>
    </div>
  );
}
