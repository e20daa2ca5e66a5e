import { afterAll } from "bun:test";
import { OAuthRegistry } from "../../../../src/oauth/oauth-registry";
import type { DevicePoll, OAuthContext, OAuthEndpoints, OAuthProviderModule, TokenSet } from "../../../../src/oauth/oauth-types";

/** The error a call fails with (the test fails if it succeeds). */
export async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
}

/**
 * `setup(settings)` for a provider module's unit tests: a fresh mock OAuth server (stopped after the file) and a
 * context whose endpoints point at it.
 */
export function mockSetup<Settings, Mock extends { endpoints: OAuthEndpoints; stop(): void }>(
  providerId: string,
  start: (settings: Partial<Settings>) => Mock,
): (settings?: Partial<Settings>) => { mock: Mock; ctx: OAuthContext } {
  const mocks: Mock[] = [];
  afterAll(() => {
    for (const mock of mocks) mock.stop();
  });
  return (settings = {}) => {
    const mock = start(settings);
    mocks.push(mock);
    const registry = new OAuthRegistry();
    registry.overrideEndpoints(providerId, mock.endpoints);
    return { mock, ctx: registry.context(providerId) };
  };
}

/** Device-flow steps of a module: polls until the flow ends (the mocks' interval is 0: no waiting). */
export function deviceFlow(module: OAuthProviderModule) {
  async function pollToEnd(ctx: OAuthContext, max = 10): Promise<{ states: DevicePoll["status"][]; last: DevicePoll }> {
    const device = await module.startDevice!(ctx);
    const states: DevicePoll["status"][] = [];
    for (let i = 0; i < max; i++) {
      const poll = await module.pollDevice!(ctx, device);
      states.push(poll.status);
      if (poll.status === "done" || poll.status === "failed") return { states, last: poll };
    }
    throw new Error("the device flow did not end");
  }
  async function connect(ctx: OAuthContext): Promise<TokenSet> {
    const { last } = await pollToEnd(ctx);
    if (last.status !== "done") throw new Error(`not connected: ${JSON.stringify(last)}`);
    return last.tokens;
  }
  return { pollToEnd, connect };
}
