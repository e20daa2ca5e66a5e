/**
 * Bun's fetch has no connect timeout: a request to a black-holed host hangs until the OS gives up.
 * For origins that have not answered recently we race a plain TCP connect against the fetch; if the
 * connect does not complete in time the fetch is aborted. Warm origins skip the probe entirely.
 */
const WARM_FOR_MS = 60_000;
const warmOrigins = new Map<string, number>();

export function markOriginWarm(origin: string, now = Date.now()): void {
  warmOrigins.set(origin, now);
}

export function isOriginWarm(origin: string, now = Date.now()): boolean {
  const at = warmOrigins.get(origin);
  return at !== undefined && now - at < WARM_FOR_MS;
}

/** Resolves true once a TCP connection to the URL's host opens, false if it did not within `timeoutMs`. */
export async function probeTcpConnect(url: URL, timeoutMs: number, signal: AbortSignal): Promise<"connected" | "timeout" | "failed"> {
  const port = Number(url.port) || (url.protocol === "https:" ? 443 : 80);
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), timeoutMs);
  });
  const connect = Bun.connect({
    hostname,
    port,
    socket: { data() {}, open(socket) { socket.end(); }, error() {}, connectError() {} },
  }).then(
    (socket) => {
      socket.end();
      return "connected" as const;
    },
    () => "failed" as const,
  );
  const aborted = new Promise<"failed">((resolve) => signal.addEventListener("abort", () => resolve("failed"), { once: true }));
  try {
    return await Promise.race([connect, timeout, aborted]);
  } finally {
    clearTimeout(timer);
  }
}
