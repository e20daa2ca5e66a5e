import { createSignal, type Accessor } from "solid-js";
import { createStore, reconcile } from "solid-js/store";

export interface ApiQuery<T> {
  data: Accessor<T | undefined>;
  error: Accessor<unknown>;
  loading: Accessor<boolean>;
  refetch: () => Promise<void>;
  /** Replace the data locally, e.g. with the object a PATCH returned, without another round trip. */
  mutate: (update: (current: T | undefined) => T | undefined) => void;
}

/**
 * Loads data outside Suspense, so a refetch keeps showing the current data instead of flashing a fallback.
 * Results are reconciled by `id`: rows that survive a refetch keep their identity, so their components
 * (and whatever has focus inside them) are not recreated.
 */
export function createApiQuery<T>(fetcher: () => Promise<T>): ApiQuery<T> {
  const [state, setState] = createStore<{ value: T | undefined }>({ value: undefined });
  const [error, setError] = createSignal<unknown>();
  const [loading, setLoading] = createSignal(true);
  let latestRequest = 0;

  const store = (value: T | undefined) => setState("value", reconcile(value, { key: "id", merge: false }));

  async function refetch(): Promise<void> {
    const request = ++latestRequest;
    setLoading(true);
    try {
      const value = await fetcher();
      if (request !== latestRequest) return;
      store(value);
      setError(undefined);
    } catch (failure) {
      if (request !== latestRequest) return;
      setError(() => failure);
    } finally {
      if (request === latestRequest) setLoading(false);
    }
  }

  void refetch();
  return {
    data: () => state.value,
    error,
    loading,
    refetch,
    mutate: (update) => store(update(state.value)),
  };
}
