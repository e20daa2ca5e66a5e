import { createSignal, onCleanup, type Accessor } from "solid-js";
import { logsApi } from "../../api/logs-api";

export type StreamStatus = "connecting" | "live" | "reconnecting" | "stopped";

export interface EventStreamOptions {
  /** Called for every connection attempt, so a reconnect can resume from the latest cursor. */
  url: () => string;
  /** Named events to listen for; "message" is the unnamed one. */
  events: Record<string, (data: string, event: MessageEvent<string>) => void>;
  /** `event: ready` from the server: the subscription is live. */
  onReady?: (data: string) => void;
  /** false: wait for `restart()` (e.g. until an initial page has loaded). Default true. */
  startNow?: boolean;
}

export interface EventStream {
  status: Accessor<StreamStatus>;
  /** Closes the current connection and opens a new one (e.g. after the filters changed). */
  restart: () => void;
  /** Closes the connection; `status` says why (default "stopped"; "connecting" when a restart follows). */
  stop: (status?: StreamStatus) => void;
}

const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

/**
 * A server-sent-event subscription that survives drops. EventSource retries by itself after a network error;
 * when it gives up (a non-200 answer, e.g. the gateway restarted or the session ended) we check the session —
 * a 401 there signs the user out — and open a new one with a growing delay. Closed when the owner is disposed.
 */
export function createEventStream(options: EventStreamOptions): EventStream {
  const [status, setStatus] = createSignal<StreamStatus>("connecting");
  let source: EventSource | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let retryDelay = FIRST_RETRY_MS;
  let stopped = false;

  function close() {
    clearTimeout(retryTimer);
    retryTimer = undefined;
    source?.close();
    source = undefined;
  }

  function open() {
    close();
    if (stopped) return;
    const current = new EventSource(options.url());
    source = current;
    current.addEventListener("ready", (event) => {
      retryDelay = FIRST_RETRY_MS;
      setStatus("live");
      options.onReady?.((event as MessageEvent<string>).data);
    });
    for (const [name, handler] of Object.entries(options.events)) {
      current.addEventListener(name, (event) => {
        const message = event as MessageEvent<string>;
        handler(message.data, message);
      });
    }
    current.onerror = () => {
      if (source !== current) return;
      if (current.readyState === EventSource.CONNECTING) {
        setStatus("reconnecting");
        return;
      }
      // Closed for good by the browser: find out why, then try again ourselves.
      setStatus("reconnecting");
      current.close();
      const delay = retryDelay;
      retryDelay = Math.min(retryDelay * 2, MAX_RETRY_MS);
      void logsApi
        .checkSession()
        .catch(() => undefined)
        .then(() => {
          if (source !== current || stopped) return;
          retryTimer = setTimeout(open, delay);
        });
    };
  }

  if (options.startNow !== false) open();
  onCleanup(() => {
    stopped = true;
    close();
  });

  return {
    status,
    restart: () => {
      stopped = false;
      retryDelay = FIRST_RETRY_MS;
      setStatus("connecting");
      open();
    },
    stop: (status = "stopped") => {
      stopped = true;
      close();
      setStatus(status);
    },
  };
}
