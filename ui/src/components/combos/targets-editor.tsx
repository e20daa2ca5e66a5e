import { createSignal, createUniqueId, For, Show } from "solid-js";
import { COMBO_LIMITS } from "../../api/combos-api";
import { t } from "../../i18n/locale-store";

/** A target as the form edits it: numbers stay text until saved, so a half-typed value is not lost. */
export interface TargetDraft {
  /** Stable identity for the list, so rows (and focus) survive reordering. */
  key: number;
  model: string;
  weight: string;
  timeoutSeconds: string;
}

interface TargetsEditorProps {
  targets: readonly TargetDraft[];
  /** Models the gateway lists now; a target outside it gets a note (it may be served later). */
  listed: ReadonlySet<string>;
  onMove: (from: number, to: number) => void;
  onRemove: (index: number) => void;
  onChange: (index: number, field: "weight" | "timeoutSeconds", value: string) => void;
  /** Polite announcements (moves, additions, removals) for screen readers. */
  announce: (message: string) => void;
}

/**
 * The ordered target list. Order can be changed three ways: drag a row by its handle, the Move up / Move down
 * buttons, or Alt+Up / Alt+Down on any control of a row. Every move is announced, and focus stays on the control that
 * made it, in the row's new place.
 */
export function TargetsEditor(props: TargetsEditorProps) {
  const instructionsId = createUniqueId();
  const [dragging, setDragging] = createSignal<number | null>(null);
  const [dropAt, setDropAt] = createSignal<number | null>(null);

  function move(from: number, to: number, focusSelector?: string) {
    const count = props.targets.length;
    if (to < 0 || to >= count || from === to) return;
    const model = props.targets[from]!.model;
    const key = props.targets[from]!.key;
    props.onMove(from, to);
    props.announce(t("combos.targets.moved", { model, position: to + 1, total: count }));
    if (focusSelector) {
      // The row's DOM node moved: put focus back on the same control (or its sibling once a button is disabled).
      queueMicrotask(() => {
        const row = document.querySelector<HTMLElement>(`[data-target-key="${key}"]`);
        const wanted = row?.querySelector<HTMLElement>(focusSelector);
        const target = wanted && !(wanted as HTMLButtonElement).disabled ? wanted : row?.querySelector<HTMLElement>("[data-move]:not(:disabled)");
        (target ?? row)?.focus();
      });
    }
  }

  function onRowKeyDown(event: KeyboardEvent, index: number) {
    if (!event.altKey || (event.key !== "ArrowUp" && event.key !== "ArrowDown")) return;
    event.preventDefault();
    const focusKey = (event.target as HTMLElement).dataset.focusKey;
    move(index, event.key === "ArrowUp" ? index - 1 : index + 1, focusKey ? `[data-focus-key="${focusKey}"]` : "[data-move]");
  }

  return (
    <div class="combo-targets">
      <p id={instructionsId} class="field__hint">
        {t("combos.targets.instructions")}
      </p>
      <Show when={props.targets.length > 0} fallback={<p class="empty-state">{t("combos.targets.empty")}</p>}>
        <ol class="combo-targets__list" aria-describedby={instructionsId} aria-label={t("combos.targets.listLabel")}>
          <For each={props.targets}>
            {(target, index) => {
              const weightId = createUniqueId();
              const timeoutId = createUniqueId();
              return (
                <li
                  class="combo-target"
                  classList={{
                    "combo-target--dragging": dragging() === index(),
                    "combo-target--drop-before": dropAt() === index() && dragging() !== null && dragging()! > index(),
                    "combo-target--drop-after": dropAt() === index() && dragging() !== null && dragging()! < index(),
                  }}
                  data-target-key={target.key}
                  data-testid="combo-target"
                  onDragOver={(event) => {
                    if (dragging() === null) return;
                    event.preventDefault();
                    if (event.dataTransfer) event.dataTransfer.dropEffect = "move";
                    setDropAt(index());
                  }}
                  onDrop={(event) => {
                    event.preventDefault();
                    const from = dragging();
                    setDragging(null);
                    setDropAt(null);
                    if (from !== null) move(from, index());
                  }}
                  onKeyDown={(event) => onRowKeyDown(event, index())}
                >
                  {/* Only the handle drags, so text in the fields stays selectable; keyboard users have the Move buttons. */}
                  <span
                    class="combo-target__handle"
                    aria-hidden="true"
                    title={t("combos.targets.dragHint")}
                    data-testid="combo-target-handle"
                    draggable="true"
                    onDragStart={(event) => {
                      setDragging(index());
                      const row = event.currentTarget.closest("li");
                      if (event.dataTransfer) {
                        event.dataTransfer.setData("text/plain", target.model);
                        event.dataTransfer.effectAllowed = "move";
                        if (row) event.dataTransfer.setDragImage(row, 16, 16);
                      }
                    }}
                    onDragEnd={() => {
                      setDragging(null);
                      setDropAt(null);
                    }}
                  >
                    ⠿
                  </span>
                  <span class="combo-target__position" aria-hidden="true">
                    {index() + 1}
                  </span>
                  <div class="combo-target__model">
                    <code class="break-anywhere">{target.model}</code>
                    <Show when={!props.listed.has(target.model)}>
                      <span class="combo-target__note">{t("combos.targets.notListed")}</span>
                    </Show>
                  </div>
                  <div class="combo-target__field">
                    <label for={weightId}>{t("combos.targets.weight")}</label>
                    <input
                      id={weightId}
                      class="input combo-target__number"
                      type="number"
                      inputmode="numeric"
                      min={COMBO_LIMITS.weightMin}
                      max={COMBO_LIMITS.weightMax}
                      step="1"
                      placeholder="1"
                      data-focus-key="weight"
                      value={target.weight}
                      onInput={(event) => props.onChange(index(), "weight", event.currentTarget.value)}
                    />
                  </div>
                  <div class="combo-target__field">
                    <label for={timeoutId}>{t("combos.targets.timeout")}</label>
                    <input
                      id={timeoutId}
                      class="input combo-target__number"
                      type="number"
                      inputmode="decimal"
                      min={COMBO_LIMITS.timeoutMsMin / 1000}
                      max={COMBO_LIMITS.timeoutMsMax / 1000}
                      step="any"
                      placeholder={t("combos.targets.timeoutDefault")}
                      data-focus-key="timeout"
                      value={target.timeoutSeconds}
                      onInput={(event) => props.onChange(index(), "timeoutSeconds", event.currentTarget.value)}
                    />
                  </div>
                  <div class="combo-target__actions">
                    <button
                      type="button"
                      class="button button--small"
                      data-move="up"
                      data-focus-key="up"
                      disabled={index() === 0}
                      aria-label={t("combos.targets.moveUpNamed", { model: target.model })}
                      onClick={() => move(index(), index() - 1, "[data-focus-key=up]")}
                    >
                      <span aria-hidden="true">↑</span>
                    </button>
                    <button
                      type="button"
                      class="button button--small"
                      data-move="down"
                      data-focus-key="down"
                      disabled={index() === props.targets.length - 1}
                      aria-label={t("combos.targets.moveDownNamed", { model: target.model })}
                      onClick={() => move(index(), index() + 1, "[data-focus-key=down]")}
                    >
                      <span aria-hidden="true">↓</span>
                    </button>
                    <button
                      type="button"
                      class="button button--small button--danger-quiet"
                      data-focus-key="remove"
                      aria-label={t("combos.targets.removeNamed", { model: target.model })}
                      onClick={() => {
                        props.onRemove(index());
                        props.announce(t("combos.targets.removed", { model: target.model }));
                      }}
                    >
                      {t("combos.targets.remove")}
                    </button>
                  </div>
                </li>
              );
            }}
          </For>
        </ol>
      </Show>
    </div>
  );
}
