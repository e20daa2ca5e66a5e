import { Navigate, type RouteSectionProps } from "@solidjs/router";
import { Match, Switch } from "solid-js";
import { LOGIN_PATH } from "../route-paths";
import { isAuthenticated } from "../stores/session-store";
import { AppLayout } from "./app-layout";
import { LoadingNotice } from "./loading-notice";
import { OnboardingGate } from "./onboarding/onboarding-gate";

/** Guards every signed-in page: an unknown session waits, a missing one goes to the login page. */
export function AuthenticatedLayout(props: RouteSectionProps) {
  return (
    <Switch fallback={<LoadingNotice />}>
      <Match when={isAuthenticated() === false}>
        <Navigate href={LOGIN_PATH} />
      </Match>
      <Match when={isAuthenticated() === true}>
        <OnboardingGate>
          <AppLayout>{props.children}</AppLayout>
        </OnboardingGate>
      </Match>
    </Switch>
  );
}
