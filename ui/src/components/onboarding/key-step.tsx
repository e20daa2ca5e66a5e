import { Show } from "solid-js";
import type { CreatedApiKey } from "../../api/management-types";
import { t } from "../../i18n/locale-store";
import { CreateApiKeyForm } from "../create-api-key-form";
import { NewApiKeySecret } from "../new-api-key-secret";

interface KeyStepProps {
  created: CreatedApiKey | undefined;
  /** The user confirmed saving the secret: it is not shown again, even when coming back to this step. */
  saved: boolean;
  onCreated: (created: CreatedApiKey) => void;
  onSaved: () => void;
}

/** Step 3: a client key, shown once; the wizard keeps it in memory only, for the next step. */
export function KeyStep(props: KeyStepProps) {
  return (
    <>
      <p>{t("onboarding.key.intro")}</p>
      <Show when={props.created} fallback={<CreateApiKeyForm onCreated={props.onCreated} />}>
        {(created) => (
          <>
            <Show when={!props.saved}>
              <NewApiKeySecret created={created()} onDismiss={props.onSaved} />
            </Show>
            <p class="form-success" role="status">
              {t("onboarding.key.ready", { name: created().name })}
            </p>
          </>
        )}
      </Show>
    </>
  );
}
