/**
 * Temporary local callback servers for `loopback` authorization-code flows: the provider's registered redirect URI
 * names a fixed local port (e.g. 1455), so the gateway listens there on 127.0.0.1 only while a flow waits. One
 * server per port, shared by the flows waiting on it (told apart by `state`), closed when the last one ends.
 */

export type CallbackOutcome = { ok: true } | { ok: false; message: string };

interface PortListener {
  server: ReturnType<typeof Bun.serve>;
  path: string;
  /** state → what completes that flow. */
  flows: Map<string, (params: URLSearchParams) => Promise<CallbackOutcome>>;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(status: number, title: string, text: string): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head><body style="font-family:system-ui,sans-serif;max-width:36em;margin:4em auto"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body></html>`;
  return new Response(html, {
    status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'", "referrer-policy": "no-referrer" },
  });
}

export class LoopbackListeners {
  readonly #ports = new Map<number, PortListener>();

  constructor(private readonly host = "127.0.0.1") {}

  /**
   * Waits for `GET <path>?code&state` on `port` for the flow with `state`. False when the port cannot be opened
   * (taken by another program, or by a flow of another path): the caller falls back to the manual mode.
   */
  open(port: number, path: string, state: string, complete: (params: URLSearchParams) => Promise<CallbackOutcome>): boolean {
    let listener = this.#ports.get(port);
    if (listener && listener.path !== path) return false;
    if (!listener) {
      const flows = new Map<string, (params: URLSearchParams) => Promise<CallbackOutcome>>();
      let server: ReturnType<typeof Bun.serve>;
      try {
        server = Bun.serve({
          hostname: this.host,
          port,
          development: false,
          fetch: async (request) => {
            const url = new URL(request.url);
            if (request.method !== "GET" || url.pathname !== path) return new Response("Not found", { status: 404 });
            const handler = flows.get(url.searchParams.get("state") ?? "");
            if (!handler) return page(400, "Sign-in link not recognised", "This sign-in has expired or was already completed. Start it again from the OmniRoute dashboard.");
            const outcome = await handler(url.searchParams);
            return outcome.ok
              ? page(200, "Signed in", "OmniRoute received the sign-in. You can close this tab.")
              : page(400, "Sign-in failed", `${outcome.message} Start it again from the OmniRoute dashboard.`);
          },
        });
      } catch {
        return false;
      }
      listener = { server, path, flows };
      this.#ports.set(port, listener);
    }
    listener.flows.set(state, complete);
    return true;
  }

  /** The flow is over: stop waiting for it, and close the port when nobody else waits there. */
  close(port: number, state: string): void {
    const listener = this.#ports.get(port);
    if (!listener) return;
    listener.flows.delete(state);
    if (listener.flows.size === 0) {
      this.#ports.delete(port);
      // Let the answer to the callback that ended the flow go out first.
      setTimeout(() => void listener.server.stop(false), 100).unref?.();
    }
  }

  closeAll(): void {
    for (const listener of this.#ports.values()) void listener.server.stop(true);
    this.#ports.clear();
  }

  /** Ports listened on now (tests). */
  ports(): number[] {
    return [...this.#ports.keys()];
  }
}
