import { createSignal } from "solid-js";
import { describeApiError } from "./describe-api-error";

/**
 * State for "ask, then do" actions (revoke, delete): the item awaiting confirmation, a busy flag while
 * the call runs, and the error to show in the dialog. The dialog closes only when the action succeeded.
 */
export function createConfirmedAction<T>(run: (item: T) => Promise<void>) {
  const [pending, setPending] = createSignal<T>();
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();

  function cancel() {
    setPending(undefined);
    setError(undefined);
  }

  async function confirm() {
    const item = pending();
    if (item === undefined) return;
    setBusy(true);
    setError(undefined);
    try {
      await run(item);
      cancel();
    } catch (failure) {
      setError(describeApiError(failure));
    } finally {
      setBusy(false);
    }
  }

  return { pending, request: (item: T) => setPending(() => item), busy, error, confirm, cancel };
}
