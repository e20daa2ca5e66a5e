import { randomBytes } from "node:crypto";
import type { Logger } from "../logging/console-log";
import { createLogger } from "../logging/logger";
import type { ProviderRegistry } from "../providers/provider-registry";
import { redact } from "../security/redact";
import type { ConnectionService, ConnectionView } from "../services/connection-service";
import { LoopbackListeners, type CallbackOutcome } from "./loopback-listener";
import type { OAuthRegistry } from "./oauth-registry";
import { OAuthTransientError, type AuthorizationStart, type DeviceStart, type OAuthAccountInfo, type OAuthProviderModule, type TokenSet } from "./oauth-types";
import type { TokenManager } from "./token-manager";

export type FlowKind = "authorization-code" | "device-code";
export type FlowStatus = "pending" | "done" | "failed" | "expired";

export const FLOW_TTL_MS = 10 * 60_000;
export const MAX_PENDING_FLOWS = 50;
/** Device codes live longer than our 10 minutes at some providers (GitHub: 15); never wait longer than this. */
const MAX_DEVICE_FLOW_MS = 30 * 60_000;
/** Finished flows stay readable this long after their end, for the dashboard's last status poll. */
const KEEP_FINISHED_MS = 10 * 60_000;
const MAX_FLOWS = 500;
/** RFC 8628 §3.5: `slow_down` adds 5 s to the polling interval. */
const SLOW_DOWN_MS = 5_000;

export type FlowStart =
  | { flowId: string; flow: "authorization-code"; authorizeUrl: string; mode: "manual" | "loopback"; expiresAt: string }
  | { flowId: string; flow: "device-code"; userCode: string; verificationUri: string; verificationUriComplete?: string; expiresAt: string; intervalSeconds: number };

export interface FlowState {
  status: FlowStatus;
  connectionId?: string;
  error?: string;
}

/** A refusal the management API answers with `status` and `code`. Messages never carry a secret. */
export class OAuthFlowError extends Error {
  override name = "OAuthFlowError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Flow {
  id: string;
  kind: FlowKind;
  module: OAuthProviderModule;
  name: string | null;
  /** Reconnect: the connection whose tokens the result replaces. */
  reconnectId: string | null;
  expiresAt: number;
  status: FlowStatus;
  finishedAt: number | null;
  connectionId: string | null;
  error: string | null;
  busy: boolean;
  auth: AuthorizationStart | null;
  loopbackPort: number | null;
  device: DeviceStart | null;
  pollMs: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export interface OAuthFlowsOptions {
  registry: OAuthRegistry;
  connections: ConnectionService;
  providers: ProviderRegistry;
  tokens: TokenManager;
  now?: () => number;
  ttlMs?: number;
  maxPending?: number;
  /** The shortest device polling interval honoured (a provider saying 0 is not polled in a busy loop). */
  minPollIntervalMs?: number;
  loopbackHost?: string;
  log?: Logger;
}

/** What the user pasted back: `code#state`, a bare code, or the whole redirected URL. */
export function parseAuthorizationInput(input: string): { code: string; state: string | null } | { error: string } {
  const text = input.trim();
  const queryStart = text.indexOf("?");
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text) || (queryStart !== -1 && /[?&]code=/.test(text))) {
    const params = new URLSearchParams(text.slice(queryStart + 1).split("#")[0]);
    const fragment = text.includes("#") ? new URLSearchParams(text.slice(text.indexOf("#") + 1)) : null;
    const code = params.get("code") ?? fragment?.get("code") ?? null;
    const state = params.get("state") ?? fragment?.get("state") ?? null;
    const error = params.get("error") ?? fragment?.get("error");
    if (error) return { error: `The provider refused the sign-in (${/^[A-Za-z0-9_.-]{1,64}$/.test(error) ? error : "error"}).` };
    if (!code) return { error: "The pasted URL has no code. Paste the whole address the browser was sent to, or the code it shows." };
    return { code, state };
  }
  const hash = text.indexOf("#");
  if (hash !== -1) {
    const code = text.slice(0, hash).trim();
    const state = text.slice(hash + 1).trim();
    if (!code) return { error: "The pasted text has no code before '#'." };
    return { code, state: state || null };
  }
  if (!text) return { error: "Paste the code (or the whole redirected URL)." };
  return { code: text, state: null };
}

/**
 * Sign-in flows in memory: started by the management API, completed by a pasted code (manual mode), the local
 * callback (loopback mode) or background polling (device flows). At most `maxPending` pending at once; each
 * expires after 10 minutes (device flows: when their code does). Completion creates the connection — or, for a
 * reconnect, replaces that connection's tokens and clears its re-auth state.
 */
export class OAuthFlows {
  readonly #flows = new Map<string, Flow>();
  readonly #loopback: LoopbackListeners;
  readonly #registry: OAuthRegistry;
  readonly #connections: ConnectionService;
  readonly #providers: ProviderRegistry;
  readonly #tokens: TokenManager;
  readonly #now: () => number;
  readonly #ttlMs: number;
  readonly #maxPending: number;
  readonly #log: Logger;
  /** Tests may lower it (a mock device endpoint answering `interval: 0`). */
  minPollIntervalMs: number;

  constructor(options: OAuthFlowsOptions) {
    this.#registry = options.registry;
    this.#connections = options.connections;
    this.#providers = options.providers;
    this.#tokens = options.tokens;
    this.#now = options.now ?? Date.now;
    this.#ttlMs = options.ttlMs ?? FLOW_TTL_MS;
    this.#maxPending = options.maxPending ?? MAX_PENDING_FLOWS;
    this.minPollIntervalMs = options.minPollIntervalMs ?? 1_000;
    this.#loopback = new LoopbackListeners(options.loopbackHost);
    this.#log = options.log ?? createLogger("oauth");
  }

  /** Starts a sign-in for a provider; with `reconnect`, for an existing OAuth connection of it. */
  async start(providerId: string, options: { flow?: FlowKind; name?: string; reconnect?: string } = {}): Promise<FlowStart> {
    const module = this.#registry.get(providerId);
    if (!module || !this.#providers.get(providerId)) {
      throw new OAuthFlowError(404, "not_found", `Provider ${providerId} has no OAuth sign-in. GET /api/providers lists the providers (those with "oauth" sign in this way).`);
    }
    const kind: FlowKind = options.flow ?? (module.startAuthorization ? "authorization-code" : "device-code");
    if (kind === "authorization-code" ? !module.startAuthorization || !module.exchangeCode : !module.startDevice || !module.pollDevice) {
      throw new OAuthFlowError(400, "unsupported_flow", `Provider ${providerId} does not sign in with a ${kind} flow.`);
    }
    this.#prune();
    let pending = 0;
    for (const flow of this.#flows.values()) if (flow.status === "pending") pending++;
    if (pending >= this.#maxPending) {
      throw new OAuthFlowError(429, "too_many_flows", `${pending} sign-ins are already waiting; finish or let them expire (10 minutes) before starting another.`);
    }
    const now = this.#now();
    const flow: Flow = {
      id: `flow_${randomBytes(16).toString("base64url")}`,
      kind,
      module,
      name: options.name ?? null,
      reconnectId: options.reconnect ?? null,
      expiresAt: now + this.#ttlMs,
      status: "pending",
      finishedAt: null,
      connectionId: null,
      error: null,
      busy: false,
      auth: null,
      loopbackPort: null,
      device: null,
      pollMs: 0,
      timer: undefined,
    };
    const ctx = this.#registry.context(providerId, this.#now);
    if (kind === "authorization-code") {
      const auth = module.startAuthorization!(ctx);
      flow.auth = auth;
      let mode = auth.mode;
      if (mode === "loopback") {
        const port = auth.loopbackPort;
        const path = safePath(auth.redirectUri);
        // A port we cannot open (another program, another provider's flow) leaves the manual mode: the user pastes
        // the address the browser failed to load.
        if (port !== null && path !== null && this.#loopback.open(port, path, auth.state, (params) => this.#fromCallback(flow, params))) flow.loopbackPort = port;
        else mode = "manual";
      }
      this.#flows.set(flow.id, flow);
      this.#log.info(`OAuth sign-in started: ${providerId}`, { flowId: flow.id, flow: kind, mode, reconnect: flow.reconnectId });
      return { flowId: flow.id, flow: "authorization-code", authorizeUrl: auth.authorizeUrl, mode, expiresAt: new Date(flow.expiresAt).toISOString() };
    }
    let device: DeviceStart;
    try {
      device = await module.startDevice!(ctx);
    } catch (error) {
      throw new OAuthFlowError(502, "oauth_provider_error", `Could not start the device sign-in: ${messageOf(error)}`);
    }
    flow.device = device;
    flow.expiresAt = Math.min(Math.max(device.expiresAt, now + 1_000), now + MAX_DEVICE_FLOW_MS);
    flow.pollMs = Math.max(this.minPollIntervalMs, device.intervalSeconds * 1000);
    this.#flows.set(flow.id, flow);
    this.#schedulePoll(flow);
    this.#log.info(`OAuth sign-in started: ${providerId}`, { flowId: flow.id, flow: kind, reconnect: flow.reconnectId });
    return {
      flowId: flow.id,
      flow: "device-code",
      userCode: device.userCode,
      verificationUri: device.verificationUri,
      ...(device.verificationUriComplete ? { verificationUriComplete: device.verificationUriComplete } : {}),
      expiresAt: new Date(flow.expiresAt).toISOString(),
      intervalSeconds: Math.ceil(flow.pollMs / 1000),
    };
  }

  /** Completes an authorization-code flow with what the user pasted. */
  async complete(flowId: string, input: string): Promise<ConnectionView> {
    const flow = this.#open(flowId);
    if (flow.kind !== "authorization-code") {
      throw new OAuthFlowError(400, "device_flow", "A device sign-in completes by itself once the code is entered at the provider; poll GET /api/oauth/flows/{flowId}.");
    }
    const parsed = parseAuthorizationInput(input);
    if ("error" in parsed) throw new OAuthFlowError(400, "invalid_input", parsed.error);
    if (parsed.state !== null && parsed.state !== flow.auth!.state) {
      throw new OAuthFlowError(400, "state_mismatch", "The pasted code belongs to another sign-in (its state does not match this one). Paste the code of this sign-in, or start again.");
    }
    return this.#exchange(flow, parsed.code);
  }

  /** Where a flow stands (the dashboard polls it; device flows finish in the background). */
  status(flowId: string): FlowState {
    this.#prune();
    const flow = this.#flows.get(flowId);
    if (!flow) throw new OAuthFlowError(404, "not_found", `Sign-in ${flowId} does not exist (or ended more than 10 minutes ago).`);
    return {
      status: flow.status,
      ...(flow.connectionId ? { connectionId: flow.connectionId } : {}),
      ...(flow.error ? { error: flow.error } : {}),
    };
  }

  /** Pending flows (tests, the cap). */
  pendingCount(): number {
    this.#prune();
    let pending = 0;
    for (const flow of this.#flows.values()) if (flow.status === "pending") pending++;
    return pending;
  }

  /** Loopback ports listened on now (tests). */
  loopbackPorts(): number[] {
    return this.#loopback.ports();
  }

  stop(): void {
    for (const flow of this.#flows.values()) if (flow.timer !== undefined) clearTimeout(flow.timer);
    this.#flows.clear();
    this.#loopback.closeAll();
  }

  // ---------------------------------------------------------------------------------------------------------------

  #open(flowId: string): Flow {
    this.#prune();
    const flow = this.#flows.get(flowId);
    if (!flow) throw new OAuthFlowError(404, "not_found", `Sign-in ${flowId} does not exist (or ended more than 10 minutes ago). Start it again.`);
    if (flow.status === "expired") throw new OAuthFlowError(410, "flow_expired", "This sign-in expired (10 minutes). Start it again.");
    if (flow.status !== "pending") throw new OAuthFlowError(409, "flow_finished", `This sign-in has already ${flow.status === "done" ? "completed" : "failed"}.`);
    if (flow.busy) throw new OAuthFlowError(409, "flow_busy", "This sign-in is being completed already.");
    return flow;
  }

  /** The loopback callback: the same checks as a paste, answered with a small page. */
  async #fromCallback(flow: Flow, params: URLSearchParams): Promise<CallbackOutcome> {
    const error = params.get("error");
    const code = params.get("code");
    if (flow.status !== "pending" || flow.busy) return { ok: false, message: "This sign-in is no longer waiting." };
    if (error || !code) {
      this.#fail(flow, `The provider refused the sign-in (${error && /^[A-Za-z0-9_.-]{1,64}$/.test(error) ? error : "no code"}).`);
      return { ok: false, message: flow.error! };
    }
    if (params.get("state") !== flow.auth!.state) return { ok: false, message: "The sign-in state does not match." };
    try {
      await this.#exchange(flow, code);
      return { ok: true };
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : "The sign-in failed." };
    }
  }

  async #exchange(flow: Flow, code: string): Promise<ConnectionView> {
    const auth = flow.auth!;
    flow.busy = true;
    let tokens: TokenSet;
    try {
      tokens = await flow.module.exchangeCode!(this.#registry.context(flow.module.providerId, this.#now), {
        code,
        state: auth.state,
        verifier: auth.verifier,
        redirectUri: auth.redirectUri,
      });
    } catch (error) {
      flow.busy = false;
      const message = messageOf(error);
      // A network failure may not have reached the provider: the same code may be tried again. Anything else used it up.
      if (error instanceof OAuthTransientError && flow.status === "pending") {
        throw new OAuthFlowError(502, "oauth_provider_error", `The provider could not be reached to finish the sign-in: ${message} Try again.`);
      }
      this.#fail(flow, `The provider refused the code: ${message}`);
      throw new OAuthFlowError(400, "oauth_exchange_failed", `${flow.error} Start the sign-in again.`);
    }
    try {
      return this.#finish(flow, tokens);
    } finally {
      flow.busy = false;
    }
  }

  /** Tokens obtained: a new connection, or the reconnected one's tokens replaced. */
  #finish(flow: Flow, tokens: TokenSet): ConnectionView {
    if (flow.status !== "pending") throw new OAuthFlowError(409, "flow_finished", "This sign-in has already ended.");
    const module = flow.module;
    let account: OAuthAccountInfo;
    try {
      account = module.describe(tokens);
    } catch {
      account = {};
    }
    let view: ConnectionView;
    try {
      if (flow.reconnectId !== null) {
        if (!this.#connections.storeOAuthTokens(flow.reconnectId, tokens, account, { clearAuthState: true })) {
          throw new OAuthFlowError(404, "not_found", `Connection ${flow.reconnectId} no longer exists.`);
        }
        view = this.#connections.get(flow.reconnectId)!;
      } else {
        const provider = this.#providers.get(module.providerId)!;
        const who = account.email ?? account.accountId;
        view = this.#connections.createOAuth({ providerId: module.providerId, name: flow.name ?? (who ? `${provider.name} (${who})` : provider.name), tokens, account });
      }
    } catch (error) {
      this.#fail(flow, error instanceof OAuthFlowError ? error.message : `The account could not be saved: ${messageOf(error)}`);
      throw error;
    }
    flow.status = "done";
    flow.finishedAt = this.#now();
    flow.connectionId = view.id;
    this.#end(flow);
    this.#tokens.connected(view.id);
    this.#log.info(`OAuth account ${flow.reconnectId ? "reconnected" : "connected"}: ${view.name}`, { flowId: flow.id, connectionId: view.id, providerId: module.providerId });
    return view;
  }

  #fail(flow: Flow, message: string): void {
    if (flow.status !== "pending") return;
    flow.status = "failed";
    flow.finishedAt = this.#now();
    flow.error = redact(message).slice(0, 500);
    this.#end(flow);
    this.#log.warn(`OAuth sign-in failed: ${flow.module.providerId}`, { flowId: flow.id, error: flow.error });
  }

  /** Stops whatever a flow keeps running (its poll timer, its share of a loopback port). */
  #end(flow: Flow): void {
    if (flow.timer !== undefined) clearTimeout(flow.timer);
    flow.timer = undefined;
    if (flow.loopbackPort !== null) this.#loopback.close(flow.loopbackPort, flow.auth!.state);
    flow.loopbackPort = null;
  }

  #schedulePoll(flow: Flow): void {
    flow.timer = setTimeout(() => void this.#poll(flow), flow.pollMs);
    flow.timer.unref?.();
  }

  async #poll(flow: Flow): Promise<void> {
    flow.timer = undefined;
    if (flow.status !== "pending") return;
    if (this.#now() >= flow.expiresAt) {
      this.#expire(flow);
      return;
    }
    let result: Awaited<ReturnType<NonNullable<OAuthProviderModule["pollDevice"]>>>;
    try {
      result = await flow.module.pollDevice!(this.#registry.context(flow.module.providerId, this.#now), flow.device!);
    } catch (error) {
      if (error instanceof OAuthTransientError) {
        if (flow.status === "pending") this.#schedulePoll(flow);
      } else this.#fail(flow, `The device sign-in failed: ${messageOf(error)}`);
      return;
    }
    if (flow.status !== "pending") return;
    switch (result.status) {
      case "pending":
        this.#schedulePoll(flow);
        return;
      case "slow-down":
        // RFC 8628: +5 s; a module that raised the device's interval itself is honoured too.
        flow.pollMs = Math.max(flow.pollMs + SLOW_DOWN_MS, flow.device!.intervalSeconds * 1000);
        this.#schedulePoll(flow);
        return;
      case "failed":
        this.#fail(flow, result.message);
        return;
      case "done":
        try {
          this.#finish(flow, result.tokens);
        } catch {
          // #finish recorded the failure on the flow.
        }
        return;
    }
  }

  #expire(flow: Flow): void {
    if (flow.status !== "pending") return;
    flow.status = "expired";
    flow.finishedAt = this.#now();
    flow.error = "The sign-in expired before it was completed.";
    this.#end(flow);
  }

  /** Expires pending flows past their time and forgets finished ones after a while (bounded memory). */
  #prune(): void {
    const now = this.#now();
    for (const [id, flow] of this.#flows) {
      if (flow.status === "pending" && now >= flow.expiresAt) this.#expire(flow);
      if (flow.finishedAt !== null && now - flow.finishedAt > KEEP_FINISHED_MS) this.#flows.delete(id);
    }
    if (this.#flows.size > MAX_FLOWS) {
      for (const [id, flow] of this.#flows) {
        if (this.#flows.size <= MAX_FLOWS) break;
        if (flow.status !== "pending") this.#flows.delete(id);
      }
    }
  }
}

function safePath(redirectUri: string): string | null {
  try {
    return new URL(redirectUri).pathname;
  } catch {
    return null;
  }
}

function messageOf(error: unknown): string {
  return redact(error instanceof Error ? error.message : String(error)).slice(0, 300);
}
