import { describe, expect, test } from "bun:test";
import {
  buildUpstreamChatBody,
  openAIChatRequestSchema,
  type OpenAIChatRequest,
} from "../../../../src/formats/openai-chat/openai-chat-request";
import type { ProviderQuirks } from "../../../../src/providers/provider-schema";

const NO_QUIRKS: ProviderQuirks = {};
const DEVELOPER_AS_SYSTEM: ProviderQuirks = { developerRoleAsSystem: true };
const COMPLETION_TOKENS: ProviderQuirks = { maxCompletionTokensModelPrefixes: ["o1", "gpt-5"] };

function parse(raw: string): OpenAIChatRequest {
  return openAIChatRequestSchema.parse(JSON.parse(raw));
}

function firstIssue(body: unknown): { path: string; message: string } {
  const result = openAIChatRequestSchema.safeParse(body);
  if (result.success) throw new Error("expected the body to be rejected");
  const issue = result.error.issues[0]!;
  return { path: issue.path.join("."), message: issue.message };
}

const user = [{ role: "user", content: "hi" }];

describe("openAIChatRequestSchema", () => {
  test.each([
    [{ messages: user }, "model", "'model' is required"],
    [{ model: 42, messages: user }, "model", "'model' is required and must be a string"],
    [{ model: "", messages: user }, "model", "'model' must not be empty"],
    [{ model: "ds/x" }, "messages", "'messages' is required"],
    [{ model: "ds/x", messages: "hi" }, "messages", "'messages' is required and must be an array"],
    [{ model: "ds/x", messages: [] }, "messages", "'messages' must contain at least one message"],
    [{ model: "ds/x", messages: [{ content: "hi" }] }, "messages.0.role", "every message needs a string 'role'"],
    [{ model: "ds/x", messages: user, stream: "yes" }, "stream", "'stream' must be true or false"],
  ])("rejects %j naming the field", (body, path, message) => {
    const issue = firstIssue(body);
    expect(issue.path).toBe(path);
    expect(issue.message).toContain(message);
  });

  test("rejects negative or fractional token limits at their field", () => {
    expect(firstIssue({ model: "ds/x", messages: user, max_tokens: -1 }).path).toBe("max_tokens");
    expect(firstIssue({ model: "ds/x", messages: user, max_completion_tokens: 1.5 }).path).toBe("max_completion_tokens");
  });

  test("keeps unknown top-level and message fields", () => {
    const parsed = openAIChatRequestSchema.parse({
      model: "ds/x",
      messages: [{ role: "user", content: "hi", name: "bob" }],
      temperature: 0.2,
      tools: [{ type: "function" }],
      max_tokens: null,
    });
    expect(parsed).toMatchObject({ temperature: 0.2, tools: [{ type: "function" }], max_tokens: null });
    expect(parsed.messages[0]).toEqual({ role: "user", content: "hi", name: "bob" });
  });
});

describe("buildUpstreamChatBody", () => {
  test("returns the raw text itself when the model id does not change", () => {
    const raw = '{ "model": "llama3",\n "messages": [{"role":"user","content":"caf\\u00e9"}], "temperature": 1.0 }';
    expect(buildUpstreamChatBody(raw, parse(raw), "llama3", NO_QUIRKS)).toBe(raw);
  });

  test("splices the upstream model id and keeps every other byte", () => {
    const raw = '{"temperature":1.0,"model" : "ds/deepseek-chat","messages":[{"role":"user","content":"caf\\u00e9 1e2"}],"z":[]}';
    const out = buildUpstreamChatBody(raw, parse(raw), "deepseek-chat", NO_QUIRKS);
    expect(out).toBe('{"temperature":1.0,"model" : "deepseek-chat","messages":[{"role":"user","content":"caf\\u00e9 1e2"}],"z":[]}');
  });

  test("re-serialises with the new model when splicing is ambiguous", () => {
    const raw = '{"model":"ds/x","metadata":{"model":"ds/x"},"messages":[{"role":"user","content":"hi"}]}';
    const out = JSON.parse(buildUpstreamChatBody(raw, parse(raw), "x", NO_QUIRKS));
    expect(out.model).toBe("x");
    expect(out.metadata).toEqual({ model: "ds/x" });
    expect(out.messages).toEqual([{ role: "user", content: "hi" }]);
  });

  test("rewrites developer messages to system only when the quirk is on", () => {
    const raw = JSON.stringify({
      model: "ds/x",
      messages: [
        { role: "developer", content: "be terse" },
        { role: "user", content: "hi" },
      ],
      temperature: 0.3,
    });
    const rewritten = JSON.parse(buildUpstreamChatBody(raw, parse(raw), "x", DEVELOPER_AS_SYSTEM));
    expect(rewritten).toEqual({
      model: "x",
      messages: [
        { role: "system", content: "be terse" },
        { role: "user", content: "hi" },
      ],
      temperature: 0.3,
    });

    const untouched = JSON.parse(buildUpstreamChatBody(raw, parse(raw), "x", NO_QUIRKS));
    expect(untouched.messages[0].role).toBe("developer");
    expect(untouched.model).toBe("x");
  });

  test("with the developer quirk on but no developer message, the body is only spliced", () => {
    const raw = '{"model":"ds/x","messages":[{"role":"system","content":"a"},{"role":"user","content":"b"}]}';
    expect(buildUpstreamChatBody(raw, parse(raw), "x", DEVELOPER_AS_SYSTEM)).toBe(raw.replace('"ds/x"', '"x"'));
  });

  test("the developer rewrite does not mutate the parsed request", () => {
    const raw = '{"model":"ds/x","messages":[{"role":"developer","content":"a"}]}';
    const request = parse(raw);
    buildUpstreamChatBody(raw, request, "x", DEVELOPER_AS_SYSTEM);
    expect(request.messages[0]!.role).toBe("developer");
  });

  test.each(["o1-mini", "gpt-5.5"])("renames max_tokens to max_completion_tokens for the listed prefix (%s)", (model) => {
    const raw = JSON.stringify({ model: `oai/${model}`, messages: user, max_tokens: 256 });
    const out = JSON.parse(buildUpstreamChatBody(raw, parse(raw), model, COMPLETION_TOKENS));
    expect(out.max_completion_tokens).toBe(256);
    expect("max_tokens" in out).toBe(false);
    expect(out.model).toBe(model);
  });

  test("keeps max_tokens for models outside the listed prefixes", () => {
    const raw = JSON.stringify({ model: "oai/gpt-4o", messages: user, max_tokens: 256 });
    const out = buildUpstreamChatBody(raw, parse(raw), "gpt-4o", COMPLETION_TOKENS);
    expect(out).toBe(raw.replace('"oai/gpt-4o"', '"gpt-4o"'));
  });

  test("keeps max_tokens when the provider lists no prefixes", () => {
    const raw = JSON.stringify({ model: "x/gpt-5.5", messages: user, max_tokens: 256 });
    expect(JSON.parse(buildUpstreamChatBody(raw, parse(raw), "gpt-5.5", NO_QUIRKS)).max_tokens).toBe(256);
  });

  test("does not touch max_tokens when max_completion_tokens is already set", () => {
    const raw = JSON.stringify({ model: "oai/o1", messages: user, max_tokens: 100, max_completion_tokens: 200 });
    const out = JSON.parse(buildUpstreamChatBody(raw, parse(raw), "o1", COMPLETION_TOKENS));
    expect(out).toMatchObject({ max_tokens: 100, max_completion_tokens: 200 });
  });

  test("a null max_tokens is not renamed", () => {
    const raw = JSON.stringify({ model: "oai/o1", messages: user, max_tokens: null });
    const out = buildUpstreamChatBody(raw, parse(raw), "o1", COMPLETION_TOKENS);
    expect(out).toBe(raw.replace('"oai/o1"', '"o1"'));
  });

  test("both quirks apply together", () => {
    const raw = JSON.stringify({ model: "oai/o1", messages: [{ role: "developer", content: "x" }], max_tokens: 9 });
    const out = JSON.parse(buildUpstreamChatBody(raw, parse(raw), "o1", { ...DEVELOPER_AS_SYSTEM, ...COMPLETION_TOKENS }));
    expect(out).toEqual({ model: "o1", messages: [{ role: "system", content: "x" }], max_completion_tokens: 9 });
  });
});
