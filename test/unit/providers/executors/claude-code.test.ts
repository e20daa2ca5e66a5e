import { describe, expect, test } from "bun:test";
import { ClaudeCodeExecutor } from "../../../../src/providers/executors/claude-code";
import { parseClientProfiles } from "../../../../src/providers/executors/client-profiles";
import type { ShapeInput } from "../../../../src/providers/executors/provider-executor";

// A fixed profile, so the expectations below do not move when client-profiles.json gets new versions.
const profile = parseClientProfiles({
  "claude-code": {
    headers: {
      "user-agent": "claude-cli/9.9.9 (external, cli)",
      "x-app": "cli",
      "anthropic-version": "2023-06-01",
      "anthropic-dangerous-direct-browser-access": "true",
      "x-stainless-lang": "js",
      "x-stainless-os": "Linux",
      "x-stainless-retry-count": "0",
    },
    streamHeaders: { "x-stainless-helper-method": "stream" },
    betas: ["claude-code-20250219", "oauth-2025-04-20", "interleaved-thinking-2025-05-14"],
    requiredBetas: ["oauth-2025-04-20"],
    urlQuery: { beta: "true" },
    ownClient: { userAgentPrefix: "claude-cli/", headers: ["anthropic-beta", "x-app", "user-agent", "x-claude-code-session-id"], headerPrefixes: ["x-stainless-"] },
  },
}).get("claude-code")!;
const executor = new ClaudeCodeExecutor(profile);

const CONNECTION_HEADERS = { "content-type": "application/json", authorization: "Bearer sk-ant-oat-access" };
const CHAT_URL = "https://api.anthropic.com/v1/messages?beta=true";

function input(overrides: Partial<ShapeInput> = {}): ShapeInput {
  return { url: CHAT_URL, headers: CONNECTION_HEADERS, body: '{"model":"claude-sonnet-4-6"}', clientHeaders: undefined, clientBody: {}, stream: false, model: "claude-sonnet-4-6", ...overrides };
}

/** What Claude Code itself sends, plus headers of the gateway's own that must never go up. */
const claudeCodeClient = (beta: string | null) =>
  new Headers({
    "user-agent": "claude-cli/2.1.400 (external, cli)",
    "x-app": "cli",
    ...(beta === null ? {} : { "anthropic-beta": beta }),
    "anthropic-version": "2023-06-01",
    "x-stainless-lang": "js",
    "x-stainless-os": "MacOS",
    "x-stainless-arch": "arm64",
    "x-stainless-package-version": "0.200.0",
    "x-stainless-helper-method": "stream",
    "x-claude-code-session-id": "5b1c3f9e-0000-4000-8000-000000000001",
    "x-api-key": "omniroute-client-key",
    authorization: "Bearer omniroute-client-key",
    cookie: "session=1",
    accept: "application/json",
  });

describe("Claude Code executor", () => {
  test("another client gets the profile's headers and betas, merged with the betas it asked for", () => {
    const shaped = executor.shape(
      input({
        headers: { ...CONNECTION_HEADERS, "anthropic-beta": "context-management-2025-06-27,interleaved-thinking-2025-05-14" },
        clientHeaders: new Headers({ "user-agent": "Anthropic/JS 0.60.0", "anthropic-beta": "context-management-2025-06-27,interleaved-thinking-2025-05-14" }),
        stream: true,
      }),
    );
    expect(shaped.headers).toEqual({
      "content-type": "application/json",
      authorization: "Bearer sk-ant-oat-access",
      "user-agent": "claude-cli/9.9.9 (external, cli)",
      "x-app": "cli",
      "anthropic-version": "2023-06-01",
      "anthropic-dangerous-direct-browser-access": "true",
      "x-stainless-lang": "js",
      "x-stainless-os": "Linux",
      "x-stainless-retry-count": "0",
      "x-stainless-helper-method": "stream",
      "anthropic-beta": "claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14,context-management-2025-06-27",
    });
    expect(shaped.url).toBe(CHAT_URL);
  });

  test("the stream-only header is left out of non-stream requests, and a client without betas gets the profile's", () => {
    const shaped = executor.shape(input({ clientHeaders: new Headers({ "user-agent": "python-httpx/0.28" }) }));
    expect(shaped.headers["x-stainless-helper-method"]).toBeUndefined();
    expect(shaped.headers["anthropic-beta"]).toBe("claude-code-20250219,oauth-2025-04-20,interleaved-thinking-2025-05-14");
    expect(shaped.headers["user-agent"]).toBe("claude-cli/9.9.9 (external, cli)");
  });

  test("Claude Code's own headers pass through as sent; only the oauth beta is added to its list", () => {
    const beta = "claude-code-20250219,interleaved-thinking-2025-05-14,effort-2025-11-24";
    const shaped = executor.shape(input({ headers: { ...CONNECTION_HEADERS, "anthropic-beta": beta }, clientHeaders: claudeCodeClient(beta), stream: true }));
    expect(shaped.headers).toEqual({
      "content-type": "application/json",
      authorization: "Bearer sk-ant-oat-access",
      // From the profile: not among the client's own kinds.
      "anthropic-version": "2023-06-01",
      "anthropic-dangerous-direct-browser-access": "true",
      // The client's, untouched (its stainless set, not the profile's).
      "user-agent": "claude-cli/2.1.400 (external, cli)",
      "x-app": "cli",
      "x-stainless-lang": "js",
      "x-stainless-os": "MacOS",
      "x-stainless-arch": "arm64",
      "x-stainless-package-version": "0.200.0",
      "x-stainless-helper-method": "stream",
      "x-claude-code-session-id": "5b1c3f9e-0000-4000-8000-000000000001",
      "anthropic-beta": `${beta},oauth-2025-04-20`,
    });
  });

  test("Claude Code's beta list that already holds the oauth beta goes up byte for byte", () => {
    const beta = "oauth-2025-04-20, claude-code-20250219,  interleaved-thinking-2025-05-14";
    const shaped = executor.shape(input({ clientHeaders: claudeCodeClient(beta) }));
    expect(shaped.headers["anthropic-beta"]).toBe(beta);
  });

  test("Claude Code without any beta header still gets the oauth beta", () => {
    const shaped = executor.shape(input({ clientHeaders: claudeCodeClient(null) }));
    expect(shaped.headers["anthropic-beta"]).toBe("oauth-2025-04-20");
  });

  test("betas are merged without duplicates, and never two anthropic-beta headers whatever their case", () => {
    const shaped = executor.shape(
      input({ headers: { "content-type": "application/json", "Anthropic-Beta": "oauth-2025-04-20, effort-2025-11-24,claude-code-20250219" }, clientHeaders: new Headers() }),
    );
    const betaNames = Object.keys(shaped.headers).filter((name) => name.toLowerCase() === "anthropic-beta");
    expect(betaNames).toEqual(["anthropic-beta"]);
    const betas = shaped.headers["anthropic-beta"]!.split(",");
    expect(betas).toEqual(["claude-code-20250219", "oauth-2025-04-20", "interleaved-thinking-2025-05-14", "effort-2025-11-24"]);
    expect(new Set(betas).size).toBe(betas.length);
  });

  test("count_tokens gets the same ?beta=true; a URL that has it is left alone", () => {
    expect(executor.shape(input({ url: "https://api.anthropic.com/v1/messages/count_tokens" })).url).toBe("https://api.anthropic.com/v1/messages/count_tokens?beta=true");
    expect(executor.shape(input({ url: "https://api.anthropic.com/v1/models?limit=5" })).url).toBe("https://api.anthropic.com/v1/models?limit=5&beta=true");
    expect(executor.shape(input()).url).toBe(CHAT_URL);
  });

  test("the body is never touched and the input headers are never mutated", () => {
    const headers = { ...CONNECTION_HEADERS };
    const request = input({ headers, body: '{"model":"claude-sonnet-4-6","system":"mine","messages":[]}', clientHeaders: claudeCodeClient("x-1") });
    const shaped = executor.shape(request);
    expect(shaped.body).toBe(request.body);
    expect(headers).toEqual(CONNECTION_HEADERS);
    expect(shaped.headers).not.toBe(headers);
  });
});
