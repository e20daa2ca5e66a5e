import { createUniqueId, onMount } from "solid-js";
import type { CreatedApiKey } from "../api/management-types";
import { t } from "../i18n/locale-store";
import { CopyButton } from "./copy-button";

interface NewApiKeySecretProps {
  created: CreatedApiKey;
  onDismiss: () => void;
}

/** The only place the full key is ever shown; the server cannot return it again. */
export function NewApiKeySecret(props: NewApiKeySecretProps) {
  const headingId = createUniqueId();
  const secretId = createUniqueId();
  const warningId = createUniqueId();
  let secretInput!: HTMLInputElement;

  onMount(() => {
    secretInput.focus();
    secretInput.select();
  });

  return (
    <section class="secret-panel" aria-labelledby={headingId}>
      <h2 id={headingId}>{t("apiKeys.secretHeading", { name: props.created.name })}</h2>
      <p id={warningId} class="secret-panel__warning">
        <strong>{t("apiKeys.secretWarning")}</strong>
      </p>
      <label for={secretId}>{t("apiKeys.secretLabel")}</label>
      <div class="secret-panel__row">
        <input
          ref={secretInput}
          id={secretId}
          class="input input--mono"
          type="text"
          readonly
          spellcheck={false}
          aria-describedby={warningId}
          data-testid="new-api-key-secret"
          value={props.created.key}
          onFocus={(event) => event.currentTarget.select()}
        />
        <CopyButton text={props.created.key} />
      </div>
      <div>
        <button type="button" class="button" onClick={() => props.onDismiss()}>
          {t("apiKeys.secretDone")}
        </button>
      </div>
    </section>
  );
}
