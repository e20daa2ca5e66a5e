import { For } from "solid-js";
import { t } from "../../i18n/locale-store";

export interface WizardStep {
  id: string;
  title: string;
}

interface WizardProgressProps {
  steps: readonly WizardStep[];
  current: number;
  /** Steps up to this index can be opened (the ones reached so far). */
  reachable: number;
  done: (index: number) => boolean;
  onSelect: (index: number) => void;
}

/**
 * The steps as a list of buttons: Tab reaches the current one, arrow keys (and Home / End) move between the steps
 * reached so far, Enter or Space opens one. Later steps are shown but not focusable.
 */
export function WizardProgress(props: WizardProgressProps) {
  const buttons: HTMLButtonElement[] = [];

  function onKeyDown(event: KeyboardEvent, index: number) {
    const rtl = document.documentElement.dir === "rtl";
    const forward = rtl ? "ArrowLeft" : "ArrowRight";
    const backward = rtl ? "ArrowRight" : "ArrowLeft";
    let target: number | undefined;
    if (event.key === forward || event.key === "ArrowDown") target = Math.min(index + 1, props.reachable);
    else if (event.key === backward || event.key === "ArrowUp") target = Math.max(index - 1, 0);
    else if (event.key === "Home") target = 0;
    else if (event.key === "End") target = props.reachable;
    if (target === undefined) return;
    event.preventDefault();
    buttons[target]?.focus();
  }

  return (
    <nav aria-label={t("onboarding.progressLabel")}>
      <p class="wizard-progress__count">{t("onboarding.stepOf", { current: props.current + 1, total: props.steps.length })}</p>
      <ol class="wizard-progress">
        <For each={props.steps}>
          {(step, index) => (
            <li
              class="wizard-progress__item"
              classList={{ "wizard-progress__item--current": index() === props.current, "wizard-progress__item--done": props.done(index()) }}
            >
              <button
                ref={(element) => (buttons[index()] = element)}
                type="button"
                class="wizard-progress__button"
                aria-current={index() === props.current ? "step" : undefined}
                disabled={index() > props.reachable}
                tabindex={index() === props.current ? 0 : -1}
                onKeyDown={(event) => onKeyDown(event, index())}
                onClick={() => props.onSelect(index())}
              >
                <span class="wizard-progress__number" aria-hidden="true">
                  {props.done(index()) ? "✓" : index() + 1}
                </span>
                <span class="wizard-progress__title">{step.title}</span>
                <span class="visually-hidden">
                  {index() === props.current ? ` (${t("onboarding.state.current")})` : props.done(index()) ? ` (${t("onboarding.state.done")})` : ""}
                </span>
              </button>
            </li>
          )}
        </For>
      </ol>
    </nav>
  );
}
