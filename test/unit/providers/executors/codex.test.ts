import { describe, expect, test } from "bun:test";
import { clientProfile, parseClientProfiles } from "../../../../src/providers/executors/client-profiles";
import { CodexExecutor, DEFAULT_INSTRUCTIONS } from "../../../../src/providers/executors/codex";
import { executorFor } from "../../../../src/providers/executors/index";
import type { ShapeInput } from "../../../../src/providers/executors/provider-executor";

const profile = parseClientProfiles({
  codex: {
    headers: { "user-agent": "codex_cli_rs/9.9.9 (Linux; x64)", originator: "codex_cli_rs", version: "9.9.9", "openai-beta": "responses=experimental" },
    ownClient: { userAgentPrefix: "codex_cli_rs/", headers: ["user-agent", "originator", "version"], headerPrefixes: ["x-codex-"] },
  },
}).get("codex")!;
const executor = new CodexExecutor(profile);

const CONNECTION_HEADERS = { "content-type": "application/json", authorization: "Bearer codex-access" };
const URL = "https://chatgpt.com/backend-api/codex/responses";
const ACCOUNT = { accountId: "acct-123", plan: "pro", email: "a@example.com" };

function request(body: Record<string, unknown>, options: { clientHeaders?: Headers; stream?: boolean; account?: Record<string, string> } = {}): ShapeInput {
  return {
    url: URL,
    headers: CONNECTION_HEADERS,
    body: JSON.stringify(body),
    clientHeaders: options.clientHeaders,
    clientBody: body,
    stream: options.stream ?? false,
    model: "gpt-5.5",
    ...(options.account !== undefined ? { account: options.account } : { account: ACCOUNT }),
  };
}

describe("Codex executor", () => {
  test("registered for codex, streams always, and the shipped profile is valid", () => {
    expect(executorFor("codex")).toBeInstanceOf(CodexExecutor);
    expect(executorFor("codex")!.streamsAlways).toBe(true);
    expect(executorFor("openai-responses")).toBeNull();
    const shipped = clientProfile("codex");
    expect(shipped.headers.originator).toBe("codex_cli_rs");
    expect(shipped.headers["user-agent"]).toStartWith("codex_cli_rs/");
    expect(shipped.headers["openai-beta"]).toBe("responses=experimental");
  });

  test("any client: the profile's headers, the account id from the token set, Accept SSE; session_id from prompt_cache_key", () => {
    const shaped = executor.shape(request({ model: "gpt-5.5", input: [], prompt_cache_key: "conv-42" }));
    expect(shaped.url).toBe(URL);
    expect(shaped.headers).toEqual({
      "content-type": "application/json",
      authorization: "Bearer codex-access",
      "user-agent": "codex_cli_rs/9.9.9 (Linux; x64)",
      originator: "codex_cli_rs",
      version: "9.9.9",
      "openai-beta": "responses=experimental",
      "chatgpt-account-id": "acct-123",
      accept: "text/event-stream",
      session_id: "conv-42",
    });
  });

  test("session_id is never the account id: absent without a conversation id, from the client's header otherwise", () => {
    const none = executor.shape(request({ input: [] }));
    expect(none.headers.session_id).toBeUndefined();
    expect(JSON.parse(none.body).prompt_cache_key).toBeUndefined();
    const fromHeader = executor.shape(request({ input: [] }, { clientHeaders: new Headers({ conversation_id: "conv-7" }) }));
    expect(fromHeader.headers.session_id).toBe("conv-7");
    // The body's cache key agrees with the header.
    expect(JSON.parse(fromHeader.body).prompt_cache_key).toBe("conv-7");
    const odd = executor.shape(request({ input: [], prompt_cache_key: "has space\r\n" }));
    expect(odd.headers.session_id).toBeUndefined();
  });

  test("the client cannot name the account: a chatgpt-account-id it forwarded is replaced, or dropped with no account", () => {
    const headers = { ...CONNECTION_HEADERS, "chatgpt-account-id": "someone-else" };
    expect(executor.shape({ ...request({ input: [] }), headers }).headers["chatgpt-account-id"]).toBe("acct-123");
    expect(executor.shape({ ...request({ input: [] }, { account: {} }), headers }).headers["chatgpt-account-id"]).toBeUndefined();
  });

  test("the Codex CLI as the client: its own identifying headers go up as it sent them", () => {
    const clientHeaders = new Headers({
      "user-agent": "codex_cli_rs/0.200.0 (Mac OS 15.6.1; arm64) iTerm.app",
      version: "0.200.0",
      originator: "codex_cli_rs",
      session_id: "sess-cli",
      "x-codex-beta-features": "responses_websockets",
      "x-unrelated": "no",
    });
    const shaped = executor.shape(request({ input: [], prompt_cache_key: "sess-cli" }, { clientHeaders, stream: true }));
    expect(shaped.headers["user-agent"]).toBe("codex_cli_rs/0.200.0 (Mac OS 15.6.1; arm64) iTerm.app");
    expect(shaped.headers.version).toBe("0.200.0");
    expect(shaped.headers.session_id).toBe("sess-cli");
    expect(shaped.headers["x-codex-beta-features"]).toBe("responses_websockets");
    expect(shaped.headers["openai-beta"]).toBe("responses=experimental");
    expect(shaped.headers["x-unrelated"]).toBeUndefined();
    expect(shaped.headers["chatgpt-account-id"]).toBe("acct-123");
  });

  test("body rules: store false, stream true always, instructions default, sampling fields stripped, encrypted reasoning included", () => {
    const body = {
      model: "gpt-5.5",
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "hi" }] }],
      stream: false,
      store: true,
      temperature: 0.2,
      top_p: 0.9,
      max_output_tokens: 100,
      max_tokens: 100,
      frequency_penalty: 0,
      presence_penalty: 0,
      logprobs: true,
      top_logprobs: 2,
      n: 1,
      seed: 7,
      user: "u",
      metadata: { a: "b" },
      stream_options: { include_usage: true },
      safety_identifier: "s",
      prompt_cache_retention: "24h",
      include: ["file_search_call.results"],
      reasoning: { effort: "high" },
      tools: [{ type: "function", name: "ls", parameters: {} }],
    };
    const sent = JSON.parse(executor.shape(request(body)).body) as Record<string, unknown>;
    expect(sent).toEqual({
      model: "gpt-5.5",
      input: body.input,
      stream: true,
      store: false,
      instructions: DEFAULT_INSTRUCTIONS,
      include: ["file_search_call.results", "reasoning.encrypted_content"],
      reasoning: { effort: "high" },
      tools: body.tools,
    });
  });

  test("the client's instructions stay; a bare string input becomes one user message; include not doubled", () => {
    const sent = JSON.parse(executor.shape(request({ instructions: "be terse", input: "hello", include: ["reasoning.encrypted_content"] })).body) as Record<string, unknown>;
    expect(sent.instructions).toBe("be terse");
    expect(sent.input).toEqual([{ type: "message", role: "user", content: [{ type: "input_text", text: "hello" }] }]);
    expect(sent.include).toEqual(["reasoning.encrypted_content"]);
    expect(DEFAULT_INSTRUCTIONS.length).toBeLessThan(80);
  });

  test("a body that is not a JSON object goes up unchanged (the upstream judges it)", () => {
    expect(executor.shape({ ...request({}), body: "" }).body).toBe("");
    expect(executor.shape({ ...request({}), body: "[1]" }).body).toBe("[1]");
  });
});
