import type { ReportedLimit } from "../../../src/quota/provider-limits";
import {
  OAuthRefreshRejected,
  OAuthTransientError,
  type DevicePoll,
  type OAuthContext,
  type OAuthProviderModule,
  type TokenSet,
} from "../../../src/oauth/oauth-types";

/**
 * A scriptable OAuth module for the core's tests (no network): tokens are numbered, each refresh can be made to
 * succeed, be refused for good, fail for now, or wait on a gate the test opens.
 */
export interface FakeModule extends OAuthProviderModule {
  refreshCalls: TokenSet[];
  exchangeCalls: Array<{ code: string; state: string; verifier: string | null }>;
  /** What the next refreshes do. */
  refreshMode: "ok" | "rejected" | "transient";
  /** When set, refreshes wait for it before answering (to hold 50 callers on one refresh). */
  gate: Promise<void> | null;
  /** Lifetime of issued access tokens. */
  lifetimeMs: number;
  devicePolls: DevicePoll["status"][];
  quota: ReportedLimit[];
  /** Overlapping refreshes seen (rotation-group serialisation). */
  concurrent: number;
  maxConcurrent: number;
}

export function fakeModule(options: { providerId?: string; rotationGroup?: string; now: () => number; mode?: "manual" | "loopback"; loopbackPort?: number }): FakeModule {
  let issued = 0;
  const tokens = (ctx: OAuthContext, extra: Record<string, string> = {}): TokenSet => {
    issued++;
    return { accessToken: `fake-access-${issued}`, refreshToken: `fake-refresh-${issued}`, expiresAt: ctx.now() + module.lifetimeMs, extra: { email: "user@example.com", ...extra } };
  };
  const module: FakeModule = {
    providerId: options.providerId ?? "deepseek",
    endpoints: { token: "http://127.0.0.1:9/token" },
    ...(options.rotationGroup ? { rotationGroup: options.rotationGroup } : {}),
    refreshCalls: [],
    exchangeCalls: [],
    refreshMode: "ok",
    gate: null,
    lifetimeMs: 3600_000,
    devicePolls: [],
    quota: [],
    concurrent: 0,
    maxConcurrent: 0,
    startAuthorization: () => ({
      authorizeUrl: "https://auth.example/authorize?state=s-123",
      state: "s-123",
      verifier: "v".repeat(43),
      redirectUri: options.mode === "loopback" ? `http://localhost:${options.loopbackPort}/auth/callback` : "https://auth.example/callback",
      mode: options.mode ?? "manual",
      loopbackPort: options.mode === "loopback" ? (options.loopbackPort ?? null) : null,
    }),
    async exchangeCode(ctx, input) {
      module.exchangeCalls.push({ code: input.code, state: input.state, verifier: input.verifier });
      if (input.code === "bad-code") throw new Error("invalid_grant");
      return tokens(ctx);
    },
    async startDevice(ctx) {
      return { deviceCode: "dev-code", userCode: "ABCD-1234", verificationUri: "https://auth.example/device", intervalSeconds: 0, expiresAt: ctx.now() + 900_000 };
    },
    async pollDevice(ctx) {
      const next = module.devicePolls.shift() ?? "pending";
      if (next === "done") return { status: "done", tokens: tokens(ctx) };
      if (next === "failed") return { status: "failed", message: "access_denied" };
      return { status: next };
    },
    async refresh(ctx, current) {
      module.refreshCalls.push(current);
      module.concurrent++;
      module.maxConcurrent = Math.max(module.maxConcurrent, module.concurrent);
      try {
        if (module.gate) await module.gate;
        else await Bun.sleep(1);
        if (module.refreshMode === "rejected") throw new OAuthRefreshRejected("token refresh failed: HTTP 400 (invalid_grant)");
        if (module.refreshMode === "transient") throw new OAuthTransientError("token refresh failed: HTTP 503");
        return tokens(ctx);
      } finally {
        module.concurrent--;
      }
    },
    describe: (set) => ({ ...(set.extra.email ? { email: set.extra.email } : {}) }),
    async fetchQuota() {
      return module.quota;
    },
  };
  void options.now;
  return module;
}

/** A promise and the function that settles it. */
export function deferred(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
