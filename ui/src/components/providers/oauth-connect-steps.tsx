import { createSignal, createUniqueId, Show } from "solid-js";
import { describeApiError } from "../../api/describe-api-error";
import { apiTimeMs, type ApiTime, type AuthorizationCodeStart, type DeviceCodeStart } from "../../api/oauth-api";
import { formatDuration } from "../../format/format-duration";
import { t } from "../../i18n/locale-store";
import { CopyButton } from "../copy-button";
import { FormError } from "../form-error";

/** "This sign-in expires in 9m 12s", or that it has expired (from the gateway's own expiry time). */
function FlowExpiry(props: { expiresAt: ApiTime; now: number }) {
  const left = () => {
    const at = apiTimeMs(props.expiresAt);
    return at === null ? null : (at - props.now) / 1000;
  };
  return (
    <Show when={left() !== null}>
      <p class="oauth-connect__expiry muted" data-testid="oauth-flow-expiry">
        {left()! > 0 ? t("providers.oauth.expiresIn", { time: formatDuration(left()!) }) : t("providers.oauth.expiredLocal")}
      </p>
    </Show>
  );
}

function StepActions(props: { onRestart: () => void; onClose: () => void }) {
  return (
    <div class="confirm-dialog__actions">
      <button type="button" class="button" onClick={() => props.onClose()}>
        {t("common.cancel")}
      </button>
      <button type="button" class="button" onClick={() => props.onRestart()}>
        {t("providers.oauth.startAgain")}
      </button>
    </div>
  );
}

interface CodeStepProps {
  start: AuthorizationCodeStart;
  providerName: string;
  now: number;
  /** Set while reading the loopback flow's status fails (the dialog keeps trying). */
  pollError: string | undefined;
  /** Completes the flow with the pasted text; rejects with the gateway's error. */
  onSubmit: (input: string) => Promise<void>;
  onRestart: () => void;
  onClose: () => void;
}

/** Authorization code: the sign-in link, then the pasted code (manual), or waiting for the browser (loopback). */
export function OAuthConnectCodeStep(props: CodeStepProps) {
  const inputId = createUniqueId();
  const hintId = createUniqueId();
  const [input, setInput] = createSignal("");
  const [submitting, setSubmitting] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const loopback = () => props.start.mode === "loopback";

  async function submit(event: SubmitEvent) {
    event.preventDefault();
    const value = input().trim();
    if (!value || submitting()) return;
    setSubmitting(true);
    setError(undefined);
    try {
      await props.onSubmit(value);
    } catch (failure) {
      setError(describeApiError(failure));
    } finally {
      setSubmitting(false);
    }
  }

  return (
    <div class="oauth-connect__body" data-testid="oauth-code-step">
      <ol class="oauth-connect__steps">
        <li>
          <a href={props.start.authorizeUrl} target="_blank" rel="noopener noreferrer" data-step-focus data-testid="oauth-authorize-link">
            {t("providers.oauth.openSignIn", { name: props.providerName })}
          </a>{" "}
          <span class="muted">{t("providers.oauth.newTab")}</span>
          <div class="oauth-connect__copy">
            <CopyButton
              text={props.start.authorizeUrl}
              label={t("providers.oauth.copyLink")}
              failedText={t("providers.oauth.copyFailed")}
              buttonClass="button button--small"
            />
          </div>
        </li>
        <li>{loopback() ? t("providers.oauth.loopbackStep") : t("providers.oauth.manualStep")}</li>
      </ol>
      <Show when={loopback()}>
        <p class="oauth-connect__status" role="status" data-testid="oauth-flow-status">
          <span class="oauth-connect__spinner" aria-hidden="true" />
          {t("providers.oauth.waitingBrowser")}
        </p>
        <p class="muted">{t("providers.oauth.loopbackFallback")}</p>
      </Show>
      <Show when={props.pollError}>
        {(message) => <p class="form-error">{t("providers.oauth.statusUnreadable", { error: message() })}</p>}
      </Show>
      <form class="oauth-connect__paste" onSubmit={submit}>
        <div class="field">
          <label for={inputId}>{t("providers.oauth.codeField")}</label>
          <input
            id={inputId}
            class="input input--mono"
            type="text"
            autocomplete="off"
            autocapitalize="off"
            spellcheck={false}
            required
            aria-describedby={hintId}
            aria-invalid={error() !== undefined}
            value={input()}
            onInput={(event) => setInput(event.currentTarget.value)}
          />
          <p id={hintId} class="field__hint">
            {t("providers.oauth.codeHint")}
          </p>
        </div>
        <FormError message={error()} />
        <div>
          <button type="submit" class="button button--primary" disabled={submitting()} aria-busy={submitting()}>
            {submitting() ? t("providers.oauth.submitting") : t("providers.oauth.submit")}
          </button>
        </div>
      </form>
      <FlowExpiry expiresAt={props.start.expiresAt} now={props.now} />
      <StepActions onRestart={props.onRestart} onClose={props.onClose} />
    </div>
  );
}

interface DeviceStepProps {
  start: DeviceCodeStart;
  providerName: string;
  now: number;
  pollError: string | undefined;
  onRestart: () => void;
  onClose: () => void;
}

/** Device code: the code to type on the provider's page, its link, and the live approval status. */
export function OAuthConnectDeviceStep(props: DeviceStepProps) {
  const link = () => props.start.verificationUriComplete ?? props.start.verificationUri;
  return (
    <div class="oauth-connect__body" data-testid="oauth-device-step">
      <p>{t("providers.oauth.deviceStep")}</p>
      <p class="oauth-connect__link">
        <a href={link()} target="_blank" rel="noopener noreferrer" class="break-anywhere" data-step-focus data-testid="oauth-verification-link">
          {props.start.verificationUri}
        </a>{" "}
        <span class="muted">{t("providers.oauth.newTab")}</span>
      </p>
      <div class="oauth-connect__user-code-row">
        <code class="oauth-connect__user-code" data-testid="oauth-user-code">
          {props.start.userCode}
        </code>
        <CopyButton text={props.start.userCode} label={t("providers.oauth.copyCode")} failedText={t("providers.oauth.copyFailed")} />
      </div>
      <p class="oauth-connect__status" role="status" data-testid="oauth-flow-status">
        <span class="oauth-connect__spinner" aria-hidden="true" />
        {t("providers.oauth.waitingApproval", { name: props.providerName })}
      </p>
      <Show when={props.pollError}>
        {(message) => <p class="form-error">{t("providers.oauth.statusUnreadable", { error: message() })}</p>}
      </Show>
      <FlowExpiry expiresAt={props.start.expiresAt} now={props.now} />
      <StepActions onRestart={props.onRestart} onClose={props.onClose} />
    </div>
  );
}
