import { createEffect, createRoot, createSignal } from "solid-js";
import { isAuthenticated } from "../../stores/session-store";
import { readPreference, writePreference } from "../../stores/local-preference";

/** Set when the user skips or finishes the wizard; it is then never offered again in this browser. */
export const ONBOARDING_DISMISSED_KEY = "omniroute.onboarding.dismissed";

export function isOnboardingDismissed(): boolean {
  return readPreference(ONBOARDING_DISMISSED_KEY) === "1";
}

export function dismissOnboarding(): void {
  writePreference(ONBOARDING_DISMISSED_KEY, "1");
}

/**
 * True once the session was seen signed out in this page: the next time a signed-in page opens, it follows a sign-in.
 * A reload with an existing session never sets it.
 */
const [signInPending, setSignInPending] = createSignal(false);

createRoot(() => {
  createEffect(() => {
    if (isAuthenticated() === false) setSignInPending(true);
  });
});

/** Whether the signed-in pages open right after a sign-in; clears the flag, so the decision is made once per sign-in. */
export function consumeJustSignedIn(): boolean {
  const value = signInPending();
  setSignInPending(false);
  return value;
}
