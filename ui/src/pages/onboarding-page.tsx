import { useNavigate } from "@solidjs/router";
import { createSignal, Match, Switch } from "solid-js";
import type { CreatedApiKey } from "../api/management-types";
import { ComboStep } from "../components/onboarding/combo-step";
import { ConnectStep } from "../components/onboarding/connect-step";
import { KeyStep } from "../components/onboarding/key-step";
import { dismissOnboarding } from "../components/onboarding/onboarding-state";
import { ToolStep } from "../components/onboarding/tool-step";
import { WizardProgress, type WizardStep } from "../components/onboarding/wizard-progress";
import { PageHeading } from "../components/page-heading";
import { t } from "../i18n/locale-store";
import { STATUS_PATH } from "../route-paths";
import "../styles/cli-tools.css";
import "../styles/onboarding.css";

/** First-run wizard: connect a provider, build a combo, create a client key, set up the coding tool. Every step can be skipped. */
export function OnboardingPage() {
  const navigate = useNavigate();
  const steps = (): WizardStep[] => [
    { id: "connect", title: t("onboarding.step.connect") },
    { id: "combo", title: t("onboarding.step.combo") },
    { id: "key", title: t("onboarding.step.key") },
    { id: "tool", title: t("onboarding.step.tool") },
  ];
  const [current, setCurrent] = createSignal(0);
  const [reachable, setReachable] = createSignal(0);
  const [connected, setConnected] = createSignal(false);
  const [combo, setCombo] = createSignal<string>();
  const [createdKey, setCreatedKey] = createSignal<CreatedApiKey>();
  const [keySaved, setKeySaved] = createSignal(false);
  let heading!: HTMLHeadingElement;

  const done = (index: number) => [connected(), combo() !== undefined, createdKey() !== undefined, false][index] ?? false;
  const last = () => current() === steps().length - 1;

  /** Moves to a step and puts the focus on its heading, so keyboard and screen-reader users start there. */
  function goTo(index: number) {
    // Leaving the key step hides the secret for good: it is shown once.
    if (current() === 2 && createdKey()) setKeySaved(true);
    setCurrent(index);
    setReachable(Math.max(reachable(), index));
    queueMicrotask(() => heading.focus());
  }

  function leave() {
    dismissOnboarding();
    navigate(STATUS_PATH);
  }

  return (
    <section class="page wizard">
      <PageHeading title={t("onboarding.title")} />
      <p class="muted">{t("onboarding.intro")}</p>

      <WizardProgress steps={steps()} current={current()} reachable={reachable()} done={done} onSelect={goTo} />

      <section class="panel wizard-step" aria-labelledby="wizard-step-heading">
        <h2 id="wizard-step-heading" ref={heading} tabindex="-1" class="wizard-step__heading">
          {steps()[current()]!.title}
        </h2>
        <Switch>
          <Match when={current() === 0}>
            <ConnectStep onConnected={() => setConnected(true)} />
          </Match>
          <Match when={current() === 1}>
            <ComboStep
              created={combo()}
              onCreated={(name) => {
                setCombo(name);
                goTo(2);
              }}
            />
          </Match>
          <Match when={current() === 2}>
            <KeyStep
              created={createdKey()}
              saved={keySaved()}
              onCreated={setCreatedKey}
              onSaved={() => {
                setKeySaved(true);
                goTo(3);
              }}
            />
          </Match>
          <Match when={current() === 3}>
            <ToolStep apiKey={createdKey()?.key} combo={combo()} />
          </Match>
        </Switch>
      </section>

      <div class="wizard__actions">
        <button type="button" class="button" disabled={current() === 0} onClick={() => goTo(current() - 1)}>
          {t("onboarding.back")}
        </button>
        <button type="button" class="button button--primary" onClick={() => (last() ? leave() : goTo(current() + 1))}>
          {last() ? t("onboarding.finish") : done(current()) ? t("onboarding.next") : t("onboarding.skipStep")}
        </button>
        <button type="button" class="button button--quiet wizard__skip" onClick={leave}>
          {t("onboarding.skipAll")}
        </button>
      </div>
    </section>
  );
}
