import { afterAll, describe, expect, test } from "bun:test";
import { OAuthRegistry } from "../../../../src/oauth/oauth-registry";
import type { TokenSet } from "../../../../src/oauth/oauth-types";
import { claudeCodeOAuth } from "../../../../src/oauth/providers/claude-code";
import { githubCopilotOAuth } from "../../../../src/oauth/providers/github-copilot";
import { startOAuthMocks } from "../../../fakes/oauth-mock-servers";

// The shared mocks themselves: the e2e tests rely on the upstreams accepting exactly the tokens the OAuth mocks
// currently consider valid, and on the recorded headers.
const mocks = startOAuthMocks();
afterAll(() => mocks.stop());

const registry = new OAuthRegistry();
registry.overrideEndpoints("claude-code", mocks.claude.endpoints);
registry.overrideEndpoints("github-copilot", mocks.copilot.endpoints);

async function claudeTokens(): Promise<TokenSet> {
  const ctx = registry.context("claude-code");
  const start = claudeCodeOAuth.startAuthorization!(ctx);
  const [code, state] = mocks.claude.approve(start.authorizeUrl).split("#") as [string, string];
  return claudeCodeOAuth.exchangeCode!(ctx, { code, state, verifier: start.verifier, redirectUri: start.redirectUri });
}

async function copilotTokens(): Promise<TokenSet> {
  const ctx = registry.context("github-copilot");
  const device = await githubCopilotOAuth.startDevice!(ctx);
  for (;;) {
    const poll = await githubCopilotOAuth.pollDevice!(ctx, device);
    if (poll.status === "done") return poll.tokens;
    if (poll.status === "failed") throw new Error(poll.message);
  }
}

const post = (url: string, token: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json", "x-probe": "1" }, body: JSON.stringify(body) });

describe("mock upstreams for OAuth accounts", () => {
  test("Anthropic: the current access token works (JSON and SSE), an expired or unknown one gets 401; headers are recorded", async () => {
    const tokens = await claudeTokens();
    const url = `${mocks.upstreams.anthropic.url}/v1/messages`;
    const ok = await post(url, tokens.accessToken, { model: "claude-sonnet-4-5", max_tokens: 10, messages: [{ role: "user", content: "hi" }] });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { content: Array<{ text: string }> }).content[0]!.text).toBe("ok");
    const seen = mocks.upstreams.anthropic.requests.at(-1)!;
    expect(seen.headers.authorization).toBe(`Bearer ${tokens.accessToken}`);
    expect(seen.headers["x-probe"]).toBe("1");

    const stream = await post(url, tokens.accessToken, { model: "m", stream: true, max_tokens: 10, messages: [] });
    expect(stream.headers.get("content-type")).toBe("text/event-stream");
    const text = await stream.text();
    expect(text).toContain("event: message_start");
    expect(text).toContain("event: message_stop");

    expect((await post(url, "sk-ant-oat01-unknown", {})).status).toBe(401);
    mocks.claude.expireAccessTokens();
    const expired = await post(url, tokens.accessToken, {});
    expect(expired.status).toBe(401);
    expect(((await expired.json()) as { error: { type: string } }).error.type).toBe("authentication_error");
  });

  test("Copilot: the current Copilot token works at /chat/completions (JSON and SSE); the GitHub token itself does not", async () => {
    const tokens = await copilotTokens();
    const url = `${mocks.upstreams.copilot.url}/chat/completions`;
    const ok = await post(url, tokens.accessToken, { model: "gpt-4.1", messages: [{ role: "user", content: "hi" }] });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { choices: Array<{ message: { content: string } }> }).choices[0]!.message.content).toBe("ok");
    const stream = await (await post(url, tokens.accessToken, { model: "gpt-4.1", stream: true, messages: [] })).text();
    expect(stream).toEndWith("data: [DONE]\n\n");

    expect((await post(url, tokens.refreshToken!, {})).status).toBe(401);
    mocks.copilot.expireCopilotTokens();
    expect((await post(url, tokens.accessToken, {})).status).toBe(401);
    const refreshed = await githubCopilotOAuth.refresh(registry.context("github-copilot"), tokens);
    expect((await post(url, refreshed.accessToken, { model: "gpt-4.1", messages: [] })).status).toBe(200);
  });
});
