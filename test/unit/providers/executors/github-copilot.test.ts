import { describe, expect, test } from "bun:test";
import { parseClientProfiles } from "../../../../src/providers/executors/client-profiles";
import { GitHubCopilotExecutor } from "../../../../src/providers/executors/github-copilot";
import type { ShapeInput } from "../../../../src/providers/executors/provider-executor";

const profile = parseClientProfiles({
  "github-copilot": {
    headers: {
      "copilot-integration-id": "vscode-chat",
      "editor-version": "vscode/9.9.9",
      "editor-plugin-version": "copilot-chat/9.9.9",
      "user-agent": "GitHubCopilotChat/9.9.9",
      "openai-intent": "conversation-panel",
      "x-github-api-version": "2099-01-01",
    },
  },
}).get("github-copilot")!;
const executor = new GitHubCopilotExecutor(profile);

const CONNECTION_HEADERS = { "content-type": "application/json", authorization: "Bearer tid=copilot-token" };
const URL = "https://api.githubcopilot.com/chat/completions";

function chat(messages: Array<Record<string, unknown>>, clientHeaders?: Headers): ShapeInput {
  const clientBody = { model: "gpt-5.5", messages };
  return { url: URL, headers: CONNECTION_HEADERS, body: JSON.stringify(clientBody), clientHeaders, clientBody, stream: true, model: "gpt-5.5" };
}

const user = { role: "user", content: "list the files" };
const toolCall = { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "ls", arguments: "{}" } }] };
const toolResult = { role: "tool", tool_call_id: "call_1", content: "a.ts b.ts" };

describe("GitHub Copilot executor", () => {
  test("a human turn: the editor's headers, X-Initiator user, body and URL unchanged", () => {
    const request = chat([{ role: "system", content: "be brief" }, user]);
    const shaped = executor.shape(request);
    expect(shaped.headers).toEqual({
      "content-type": "application/json",
      authorization: "Bearer tid=copilot-token",
      "copilot-integration-id": "vscode-chat",
      "editor-version": "vscode/9.9.9",
      "editor-plugin-version": "copilot-chat/9.9.9",
      "user-agent": "GitHubCopilotChat/9.9.9",
      "openai-intent": "conversation-panel",
      "x-github-api-version": "2099-01-01",
      "x-initiator": "user",
    });
    expect(shaped.body).toBe(request.body);
    expect(shaped.url).toBe(URL);
  });

  test("a tool continuation (last message a tool result, or an assistant tool call) is the agent's turn", () => {
    expect(executor.shape(chat([user, toolCall, toolResult])).headers["x-initiator"]).toBe("agent");
    expect(executor.shape(chat([user, toolCall])).headers["x-initiator"]).toBe("agent");
    expect(executor.shape(chat([user, toolCall, toolResult, { role: "user", content: "thanks, now read a.ts" }])).headers["x-initiator"]).toBe("user");
  });

  test("the client's own x-initiator wins; a value that is neither user nor agent is ignored", () => {
    expect(executor.shape(chat([user], new Headers({ "x-initiator": "agent" }))).headers["x-initiator"]).toBe("agent");
    expect(executor.shape(chat([user, toolCall, toolResult], new Headers({ "X-Initiator": "user" }))).headers["x-initiator"]).toBe("user");
    expect(executor.shape(chat([user, toolCall, toolResult], new Headers({ "x-initiator": "nobody" }))).headers["x-initiator"]).toBe("agent");
  });

  test("a trailing assistant prefill is dropped; the turn sent is then the user's", () => {
    const shaped = executor.shape(chat([user, { role: "assistant", content: "Sure, " }]));
    expect(JSON.parse(shaped.body)).toEqual({ model: "gpt-5.5", messages: [user] });
    expect(shaped.headers["x-initiator"]).toBe("user");
  });

  test("nothing is dropped when that would leave no user or tool turn last", () => {
    const request = chat([{ role: "system", content: "s" }, { role: "assistant", content: "hello" }]);
    expect(executor.shape(request).body).toBe(request.body);
  });

  test("a translated body is read from the parsed upstream body and re-serialised only when something is dropped", () => {
    const body = '{"model":"gpt-5.5","messages":[{"role":"user","content":"hi"}],"stream_options":{"include_usage":true}}';
    const shaped = executor.shape({ url: URL, headers: CONNECTION_HEADERS, body, clientHeaders: undefined, clientBody: JSON.parse(body), stream: true, model: "gpt-5.5" });
    expect(shaped.body).toBe(body);
  });

  test("images flag the request as a vision request", () => {
    const shaped = executor.shape(chat([{ role: "user", content: [{ type: "text", text: "what is this" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA" } }] }]));
    expect(shaped.headers["copilot-vision-request"]).toBe("true");
    expect(executor.shape(chat([user])).headers["copilot-vision-request"]).toBeUndefined();
  });

  test("a call without messages (GET /models) carries no billing hint", () => {
    const shaped = executor.shape({ url: "https://api.githubcopilot.com/models", headers: CONNECTION_HEADERS, body: "", clientHeaders: undefined, clientBody: {}, stream: false, model: "" });
    expect(shaped.headers["x-initiator"]).toBeUndefined();
    expect(shaped.headers["editor-version"]).toBe("vscode/9.9.9");
  });
});
