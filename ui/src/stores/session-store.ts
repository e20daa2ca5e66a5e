import { createSignal } from "solid-js";
import { onUnauthorized } from "../api/client";
import { managementApi } from "../api/management-api";

/** undefined while the first session check is in flight. */
const [authenticated, setAuthenticated] = createSignal<boolean | undefined>(undefined);

export const isAuthenticated = authenticated;

onUnauthorized(() => setAuthenticated(false));

export async function checkSession(): Promise<void> {
  try {
    const session = await managementApi.getSession();
    setAuthenticated(session.authenticated);
  } catch {
    // The login page reports an unreachable gateway when the user tries to sign in.
    setAuthenticated(false);
  }
}

export async function logIn(password: string): Promise<void> {
  await managementApi.login(password);
  setAuthenticated(true);
}

export async function logOut(): Promise<void> {
  try {
    await managementApi.logout();
  } finally {
    setAuthenticated(false);
  }
}
