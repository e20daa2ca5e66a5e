import { useLocation, useNavigate } from "@solidjs/router";
import { createSignal, Show, type ParentProps } from "solid-js";
import { managementApi } from "../../api/management-api";
import { STATUS_PATH, WELCOME_PATH } from "../../route-paths";
import { LoadingNotice } from "../loading-notice";
import { consumeJustSignedIn, isOnboardingDismissed } from "./onboarding-state";

/**
 * After a sign-in that lands on the status page, a gateway without any connection opens the setup wizard instead.
 * Once a connection exists, or once the user skipped or finished the wizard, this never happens again.
 */
export function OnboardingGate(props: ParentProps) {
  const navigate = useNavigate();
  const location = useLocation();
  const [deciding, setDeciding] = createSignal(consumeJustSignedIn() && !isOnboardingDismissed() && location.pathname === STATUS_PATH);

  if (deciding()) {
    managementApi
      .listConnections()
      .then((connections) => {
        if (connections.length === 0 && location.pathname === STATUS_PATH) navigate(WELCOME_PATH, { replace: true });
      })
      // Without an answer the dashboard simply opens as usual; the wizard stays in the menu.
      .catch(() => undefined)
      .finally(() => setDeciding(false));
  }

  return (
    <Show when={!deciding()} fallback={<LoadingNotice />}>
      {props.children}
    </Show>
  );
}
