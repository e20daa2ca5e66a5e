import { createSignal, onCleanup, type Accessor } from "solid-js";

/** Date.now(), ticking every second while the owner lives: drives the countdowns. */
export function createClock(): Accessor<number> {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), 1_000);
  onCleanup(() => clearInterval(timer));
  return now;
}

/**
 * Calls `refresh` every `intervalMs` while the page is visible, and once at once when it becomes visible again.
 * A refresh still running is not started again.
 */
export function createVisiblePolling(refresh: () => Promise<unknown>, intervalMs: number): void {
  let running = false;
  const tick = async () => {
    if (running || document.visibilityState !== "visible") return;
    running = true;
    try {
      await refresh();
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void tick(), intervalMs);
  const onVisibility = () => {
    if (document.visibilityState === "visible") void tick();
  };
  document.addEventListener("visibilitychange", onVisibility);
  onCleanup(() => {
    clearInterval(timer);
    document.removeEventListener("visibilitychange", onVisibility);
  });
}
