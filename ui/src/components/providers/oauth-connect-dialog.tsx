import { createEffect, createSignal, createUniqueId, For, Match, on, onCleanup, Show, Switch } from "solid-js";
import { ApiError } from "../../api/client";
import { describeApiError } from "../../api/describe-api-error";
import { oauthApi, oauthAuth, type AuthorizationCodeStart, type DeviceCodeStart, type OAuthFlowKind, type OAuthStart, type ProviderOAuth } from "../../api/oauth-api";
import type { CatalogProvider, ProviderConnection } from "../../api/providers-api";
import { t } from "../../i18n/locale-store";
import { localizedTermsNote } from "../../i18n/oauth-terms";
import { OAuthConnectCodeStep, OAuthConnectDeviceStep } from "./oauth-connect-steps";
import { FormError } from "../form-error";

/** How often a loopback flow is asked whether the browser came back (the device flow uses its own interval). */
export const LOOPBACK_POLL_MS = 2_000;

/** What the dialog connects: a new account of `provider`, or `connection` signed in again. */
export interface OAuthConnectTarget {
  provider: CatalogProvider;
  oauth: ProviderOAuth;
  /** Set for a reconnect: completing the flow replaces this connection's tokens. */
  connection?: ProviderConnection;
}

type Phase =
  | { step: "intro" }
  | { step: "starting" }
  | { step: "code"; start: AuthorizationCodeStart }
  | { step: "device"; start: DeviceCodeStart }
  | { step: "done"; connection: ProviderConnection | undefined }
  | { step: "failed"; message: string };

interface OAuthConnectDialogProps {
  /** Opens the dialog when set (a new object each time); closes it when unset. */
  target: OAuthConnectTarget | undefined;
  /** Date.now(), ticking: drives the expiry countdowns. */
  now: number;
  /** The flow finished: the page reads the connections again and returns the connected one. */
  onConnected: (connectionId: string | undefined) => Promise<ProviderConnection | undefined>;
  onClose: () => void;
}

/**
 * Signs a subscription account in (or an existing one again): the provider's terms note first, then either the
 * authorization-code steps (sign-in link, pasted code) or the device-code steps (user code, live approval status).
 */
export function OAuthConnectDialog(props: OAuthConnectDialogProps) {
  const titleId = createUniqueId();
  const nameId = createUniqueId();
  const nameHintId = createUniqueId();
  const [phase, setPhase] = createSignal<Phase>({ step: "intro" });
  const [flow, setFlow] = createSignal<OAuthFlowKind>("authorization-code");
  const [name, setName] = createSignal("");
  const [error, setError] = createSignal<string>();
  const [pollError, setPollError] = createSignal<string>();
  let dialog!: HTMLDialogElement;
  let pollTimer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped whenever a flow is abandoned (closed, restarted, finished): late answers of the old one are dropped. */
  let generation = 0;

  function abandon() {
    generation++;
    clearTimeout(pollTimer);
    setPollError(undefined);
  }
  onCleanup(abandon);

  createEffect(
    on(
      () => props.target,
      (target) => {
        abandon();
        if (!target) {
          if (dialog.open) dialog.close();
          return;
        }
        setPhase({ step: "intro" });
        setFlow(target.oauth.flows[0] ?? "authorization-code");
        setName("");
        setError(undefined);
        if (!dialog.open) dialog.showModal();
      },
    ),
  );

  /** After a step change, the focus goes to the step's first useful control (the sign-in link, the close button…). */
  function focusStep() {
    dialog.querySelector<HTMLElement>("[data-step-focus]")?.focus();
  }

  async function beginFlow() {
    const target = props.target;
    if (!target) return;
    abandon();
    const run = generation;
    setError(undefined);
    setPhase({ step: "starting" });
    try {
      const options = { flow: flow() };
      const started: OAuthStart = target.connection
        ? await oauthApi.reconnect(target.connection.id, options)
        : await oauthApi.start(target.provider.id, { ...options, ...(name().trim() ? { name: name().trim() } : {}) });
      if (run !== generation) return;
      if (started.flow === "device-code") {
        setPhase({ step: "device", start: started });
        poll(run, started.flowId, Math.max(1, started.intervalSeconds) * 1000);
      } else {
        setPhase({ step: "code", start: started });
        if (started.mode === "loopback") poll(run, started.flowId, LOOPBACK_POLL_MS);
      }
      focusStep();
    } catch (failure) {
      if (run !== generation) return;
      setPhase({ step: "intro" });
      setError(describeApiError(failure));
    }
  }

  /** Asks the gateway how the flow is going (it polls the provider itself for device flows). */
  function poll(run: number, flowId: string, intervalMs: number) {
    pollTimer = setTimeout(async () => {
      if (run !== generation) return;
      try {
        const status = await oauthApi.status(flowId);
        if (run !== generation) return;
        setPollError(undefined);
        if (status.status === "pending") poll(run, flowId, intervalMs);
        else if (status.status === "done") await finish(run, status.connectionId);
        else fail(status.status === "expired" ? t("providers.oauth.expired") : t("providers.oauth.failed", { error: status.error || t("providers.oauth.failedUnknown") }));
      } catch (failure) {
        if (run !== generation) return;
        if (failure instanceof ApiError && failure.status === 404) fail(t("providers.oauth.flowGone"));
        else {
          setPollError(describeApiError(failure));
          poll(run, flowId, intervalMs);
        }
      }
    }, intervalMs);
  }

  function fail(message: string) {
    abandon();
    setPhase({ step: "failed", message });
    focusStep();
  }

  async function finish(run: number, connectionId: string | undefined, connection?: ProviderConnection) {
    if (run !== generation) return;
    abandon();
    setPhase({ step: "done", connection });
    focusStep();
    const listed = await props.onConnected(connectionId ?? connection?.id);
    const current = phase();
    if (current.step === "done" && listed) setPhase({ step: "done", connection: listed });
  }

  async function complete(start: AuthorizationCodeStart, input: string) {
    const run = generation;
    const connection = await oauthApi.complete(start.flowId, input);
    await finish(run, connection.id, connection);
  }

  const target = () => props.target;
  const reconnecting = () => target()?.connection !== undefined;
  const providerName = () => target()?.provider.name ?? "";
  const title = () =>
    reconnecting()
      ? t("providers.oauth.reconnectTitle", { name: target()?.connection?.name ?? "" })
      : t("providers.oauth.connectTitle", { name: providerName() });
  const busy = () => phase().step === "starting";
  const codeStart = () => {
    const current = phase();
    return current.step === "code" ? current.start : undefined;
  };
  const deviceStart = () => {
    const current = phase();
    return current.step === "device" ? current.start : undefined;
  };
  const donePhase = () => {
    const current = phase();
    return current.step === "done" ? current : undefined;
  };
  const failedPhase = () => {
    const current = phase();
    return current.step === "failed" ? current : undefined;
  };
  const doneMessage = (connection: ProviderConnection | undefined) => {
    const named = connection?.name ?? target()?.connection?.name ?? providerName();
    const account = connection ? oauthAuth(connection)?.account.email : undefined;
    const text = t(reconnecting() ? "providers.oauth.reconnected" : "providers.oauth.connected", { name: named });
    return account && account !== named ? `${text} ${account}` : text;
  };

  return (
    <dialog
      ref={dialog}
      class="confirm-dialog oauth-connect"
      aria-labelledby={titleId}
      data-testid="oauth-connect-dialog"
      onCancel={(event) => {
        event.preventDefault();
        props.onClose();
      }}
    >
      <h2 id={titleId} class="confirm-dialog__title">
        {title()}
      </h2>
      <Switch>
        <Match when={phase().step === "intro" || phase().step === "starting"}>
          <form
            class="oauth-connect__body"
            onSubmit={(event) => {
              event.preventDefault();
              void beginFlow();
            }}
          >
            <Show when={reconnecting()}>
              <p class="muted">{t("providers.oauth.reconnectIntro")}</p>
            </Show>
            <Show when={target()?.oauth.termsNote ? localizedTermsNote(target()!.provider.id, target()!.oauth.termsNote) : null}>
              {(note) => (
                <section class="oauth-connect__terms" aria-label={t("providers.oauth.termsHeading")} data-testid="oauth-terms">
                  <h3 class="oauth-connect__terms-heading">{t("providers.oauth.termsHeading")}</h3>
                  <p lang={note().lang}>{note().text}</p>
                </section>
              )}
            </Show>
            <Show when={(target()?.oauth.flows.length ?? 0) > 1}>
              <fieldset class="oauth-connect__flows">
                <legend>{t("providers.oauth.flowLegend")}</legend>
                <For each={target()?.oauth.flows ?? []}>
                  {(kind) => (
                    <label class="oauth-connect__flow">
                      <input type="radio" name="oauth-flow" value={kind} checked={flow() === kind} onChange={() => setFlow(kind)} />
                      {t(`providers.oauth.flow.${kind}`)}
                    </label>
                  )}
                </For>
              </fieldset>
            </Show>
            <p class="muted">{t(`providers.oauth.explain.${flow()}`)}</p>
            <Show when={!reconnecting()}>
              <div class="field">
                <label for={nameId}>{t("providers.oauth.nameField")}</label>
                <input
                  id={nameId}
                  class="input"
                  type="text"
                  autocomplete="off"
                  maxlength="100"
                  aria-describedby={nameHintId}
                  value={name()}
                  onInput={(event) => setName(event.currentTarget.value)}
                />
                <p id={nameHintId} class="field__hint">
                  {t("providers.oauth.nameHint")}
                </p>
              </div>
            </Show>
            <FormError message={error()} />
            <div class="confirm-dialog__actions">
              <button type="button" class="button" onClick={() => props.onClose()}>
                {t("common.cancel")}
              </button>
              <button type="submit" class="button button--primary" disabled={busy()} aria-busy={busy()}>
                {busy() ? t("providers.oauth.starting") : t("providers.oauth.start")}
              </button>
            </div>
          </form>
        </Match>
        <Match when={codeStart()}>
          {(start) => (
            <OAuthConnectCodeStep
              start={start()}
              providerName={providerName()}
              now={props.now}
              pollError={pollError()}
              onSubmit={(input) => complete(start(), input)}
              onRestart={() => void beginFlow()}
              onClose={() => props.onClose()}
            />
          )}
        </Match>
        <Match when={deviceStart()}>
          {(start) => (
            <OAuthConnectDeviceStep
              start={start()}
              providerName={providerName()}
              now={props.now}
              pollError={pollError()}
              onRestart={() => void beginFlow()}
              onClose={() => props.onClose()}
            />
          )}
        </Match>
        <Match when={donePhase()}>
          {(done) => (
            <div class="oauth-connect__body">
              <p class="form-success" role="status" data-testid="oauth-connect-result">
                {doneMessage(done().connection)}
              </p>
              <p class="muted">{t("providers.oauth.connectedHint")}</p>
              <div class="confirm-dialog__actions">
                <button type="button" class="button button--primary" data-step-focus onClick={() => props.onClose()}>
                  {t("providers.oauth.close")}
                </button>
              </div>
            </div>
          )}
        </Match>
        <Match when={failedPhase()}>
          {(failed) => (
            <div class="oauth-connect__body">
              <p class="form-error" role="alert" data-testid="oauth-connect-result">
                {failed().message}
              </p>
              <div class="confirm-dialog__actions">
                <button type="button" class="button" onClick={() => props.onClose()}>
                  {t("providers.oauth.close")}
                </button>
                <button type="button" class="button button--primary" data-step-focus onClick={() => void beginFlow()}>
                  {t("common.retry")}
                </button>
              </div>
            </div>
          )}
        </Match>
      </Switch>
    </dialog>
  );
}
