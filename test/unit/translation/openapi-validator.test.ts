import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES } from "../../fakes/openai-mock-upstream";
import { openAPIValidator } from "../../support/openapi-validator";

/** The validator the translation suite relies on: it must accept what OpenAI accepts and reject what it rejects. */

const chat = openAPIValidator("CreateChatCompletionRequest");
const responses = openAPIValidator("CreateResponse");

function fixture(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, path), "utf8"));
}

const validChat = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };

describe("openAPIValidator accepts real requests", () => {
  test("every recorded Chat request (all were answered 200 except one rejected for a *value*) validates", () => {
    for (const name of readdirSync(join(FIXTURES, "openai-chat"))) {
      if (!name.endsWith(".request.json")) continue;
      expect({ name, problems: chat.check(fixture(`openai-chat/${name}`)) }).toEqual({ name, problems: null });
    }
  });

  test("recorded Responses requests with complete tools validate", () => {
    for (const name of ["text-nonstream", "instructions-nonstream", "image-url-input-nonstream", "reasoning-tool-nonstream.turn2", "structured-output-nonstream", "tool-stream-raw.turn1"]) {
      expect({ name, problems: responses.check(fixture(`openai-responses/${name}.request.json`)) }).toEqual({ name, problems: null });
    }
  });

  test("nullable fields accept null (OpenAPI 3.0 `nullable` is honoured)", () => {
    expect(chat.check({ ...validChat, max_completion_tokens: null, temperature: null })).toBeNull();
  });
});

describe("openAPIValidator rejects invalid bodies (it cannot pass vacuously)", () => {
  test("the recorded request OpenAI answered 400 (temperature out of range) fails", () => {
    const problems = responses.check(fixture("openai-responses/error-400-invalid-value.request.json"));
    expect(problems).not.toBeNull();
    expect(problems!.join("\n")).toContain("/temperature");
  });

  test("wrong content type, unknown role, missing messages, bad tool call", () => {
    expect(chat.check({ model: "gpt-4o", messages: [{ role: "user", content: 5 }] })).not.toBeNull();
    expect(chat.check({ model: "gpt-4o", messages: [{ role: "robot", content: "hi" }] })).not.toBeNull();
    expect(chat.check({ model: "gpt-4o" })).not.toBeNull();
    expect(chat.check({ model: "gpt-4o", messages: [] })).not.toBeNull();
    expect(chat.check({ ...validChat, messages: [{ role: "assistant", tool_calls: [{ id: "c", type: "function", function: { name: "f" } }] }] })).not.toBeNull();
    expect(chat.check({ ...validChat, messages: [{ role: "tool", content: "result" }] })).not.toBeNull();
    expect(chat.check({ ...validChat, tools: [{ type: "function", function: { parameters: {} } }] })).not.toBeNull();
  });

  test("fields of other formats leaking to the top level are rejected", () => {
    expect(chat.check({ ...validChat, thinking: { type: "enabled", budget_tokens: 2000 } })).not.toBeNull();
    expect(chat.check({ ...validChat, system: "be brief" })).not.toBeNull();
    expect(responses.check({ model: "gpt-5", input: "hi", max_tokens: 10 })).not.toBeNull();
    expect(responses.check({ model: "gpt-5", input: "hi", generationConfig: {} })).not.toBeNull();
  });

  test("Responses: bad items and incomplete function tools are rejected", () => {
    expect(responses.check({ model: "gpt-5", input: [{ type: "function_call_output", call_id: "", output: "x" }] })).not.toBeNull();
    expect(responses.check({ model: "gpt-5", input: [{ type: "function_call_output", call_id: "c".repeat(65), output: "x" }] })).not.toBeNull();
    expect(responses.check({ model: "gpt-5", input: [{ type: "function_call_output", call_id: "call_1", output: 5 }] })).not.toBeNull();
    expect(responses.check({ model: "gpt-5", input: [{ role: "user", content: [{ type: "text", text: "chat-style part" }] }] })).not.toBeNull();
    // `strict` is required by the spec: without it Responses silently normalises the schema to strict mode.
    expect(responses.check({ model: "gpt-5", input: "hi", tools: [{ type: "function", name: "f", parameters: { type: "object" } }] })).not.toBeNull();
    expect(responses.check({ model: "gpt-5", input: "hi", tools: [{ type: "function", name: "f", parameters: { type: "object" }, strict: false }] })).toBeNull();
  });
});
