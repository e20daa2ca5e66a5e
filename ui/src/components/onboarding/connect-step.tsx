import { createSignal, Show } from "solid-js";
import { createApiQuery } from "../../api/create-api-query";
import { managementApi } from "../../api/management-api";
import type { Connection, ConnectionTestResult } from "../../api/management-types";
import { t } from "../../i18n/locale-store";
import { AddConnectionForm } from "../add-connection-form";
import { ConnectionTestSummary } from "../connection-test-summary";
import { ErrorNotice } from "../error-notice";
import { LoadingNotice } from "../loading-notice";

interface ConnectStepProps {
  onConnected: () => void;
}

/** Step 1: add a first connection, then test it right away (the test also publishes the models it finds). */
export function ConnectStep(props: ConnectStepProps) {
  const providers = createApiQuery(managementApi.listProviders);
  const connections = createApiQuery(managementApi.listConnections);
  const [added, setAdded] = createSignal<Connection>();
  const [test, setTest] = createSignal<ConnectionTestResult>();
  const [testing, setTesting] = createSignal(false);

  async function handleAdded(connection: Connection) {
    setAdded(connection);
    setTest(undefined);
    props.onConnected();
    void connections.refetch();
    setTesting(true);
    try {
      setTest(await managementApi.testConnection(connection.id));
    } catch {
      // The summary stays empty; the Providers page can test it again.
    } finally {
      setTesting(false);
    }
  }

  return (
    <>
      <p>{t("onboarding.connect.intro")}</p>
      <Show when={(connections.data()?.length ?? 0) > 0 && !added()}>
        <p class="notice">{t("onboarding.connect.existing", { count: connections.data()!.length })}</p>
      </Show>
      <Show when={providers.error()}>{(error) => <ErrorNotice error={error()} onRetry={providers.refetch} />}</Show>
      <Show when={providers.data()} fallback={<Show when={!providers.error()}><LoadingNotice /></Show>}>
        {(list) => <AddConnectionForm providers={list()} onAdded={(connection) => void handleAdded(connection)} />}
      </Show>
      <div role="status" class="wizard-step__status">
        <Show when={added()}>
          {(connection) => (
            <p>
              {t("onboarding.connect.added", { name: connection().name })}{" "}
              <Show when={testing()} fallback={<ConnectionTestSummary test={test() ?? null} />}>
                <span class="muted">{t("common.loading")}</span>
              </Show>
            </p>
          )}
        </Show>
      </div>
    </>
  );
}
