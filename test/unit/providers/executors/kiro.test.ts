import { describe, expect, test } from "bun:test";
import { clientProfile } from "../../../../src/providers/executors/client-profiles";
import { KiroExecutor } from "../../../../src/providers/executors/kiro";
import { isTokenRefusal } from "../../../../src/providers/executors/provider-executor";
import { conversationIdOf, toKiroRequest } from "../../../../src/providers/executors/kiro-request";
import { KiroSseConverter, kiroEventStreamToSse } from "../../../../src/providers/executors/kiro-stream";
import { encodeEventStreamMessage } from "../../../../src/upstream/aws-event-stream";
import { conversationStateProblem, kiroTextFrames, kiroToolFrames } from "../../../fakes/oauth-mock-kiro";

const MODEL = "claude-sonnet-4.5";
const frame = (type: string, payload: unknown, messageType = "event") =>
  encodeEventStreamMessage({ ":event-type": type, ":content-type": "application/json", ":message-type": messageType }, JSON.stringify(payload));

/** SSE text → the JSON of each data line ("[DONE]" kept as a string). */
function dataLines(text: string): unknown[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: "))
    .map((line) => line.slice(6))
    .map((data) => (data === "[DONE]" ? data : (JSON.parse(data) as unknown)));
}

async function convert(frames: Uint8Array[], cut = 5): Promise<unknown[]> {
  const all = new Uint8Array(frames.reduce((n, f) => n + f.length, 0));
  let at = 0;
  for (const f of frames) {
    all.set(f, at);
    at += f.length;
  }
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let i = 0; i < all.length; i += cut) controller.enqueue(all.slice(i, i + cut));
      controller.close();
    },
  });
  return dataLines(await new Response(kiroEventStreamToSse(body, MODEL)).text());
}

describe("OpenAI Chat body → conversationState", () => {
  test("one user message with a system prompt: no history, the system text in <system-reminder>", () => {
    const body = toKiroRequest({ model: MODEL, messages: [{ role: "system", content: "Be brief." }, { role: "developer", content: "No lists." }, { role: "user", content: "Hi" }], max_tokens: 100, temperature: 0.2 }, MODEL);
    expect(conversationStateProblem(body)).toBeNull();
    expect(body.conversationState.history).toEqual([]);
    expect(body.conversationState.currentMessage.userInputMessage).toEqual({ content: "<system-reminder>\nBe brief.\n\nNo lists.\n</system-reminder>\n\nHi", modelId: MODEL, origin: "AI_EDITOR" });
    expect(body.inferenceConfig).toEqual({ maxTokens: 100, temperature: 0.2 });
    expect(Object.keys(body)).toEqual(["conversationState", "inferenceConfig"]);
  });

  test("a multi-turn conversation alternates; adjacent turns of one role merge; the system prompt goes into the first user turn", () => {
    const body = toKiroRequest(
      {
        messages: [
          { role: "system", content: "S" },
          { role: "user", content: "a" },
          { role: "user", content: [{ type: "text", text: "b" }, { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } }] },
          { role: "assistant", content: "c" },
          { role: "assistant", content: "d" },
          { role: "user", content: "e" },
        ],
      },
      MODEL,
    );
    expect(conversationStateProblem(body)).toBeNull();
    expect(body.conversationState.history).toEqual([
      { userInputMessage: { content: "<system-reminder>\nS\n</system-reminder>\n\na\n\nb", modelId: MODEL, origin: "AI_EDITOR", images: [{ format: "png", source: { bytes: "iVBORw0KGgo=" } }] } },
      { assistantResponseMessage: { content: "c\n\nd" } },
    ]);
    expect(body.conversationState.currentMessage.userInputMessage.content).toBe("e");
  });

  test("tools → toolSpecification on the current message; tool calls → toolUses; tool results → toolResults", () => {
    const parameters = { type: "object", properties: { city: { type: "string" } } };
    const body = toKiroRequest(
      {
        tools: [
          { type: "function", function: { name: "get_weather", description: "Weather", parameters } },
          { type: "function", function: { name: "noop" } },
        ],
        messages: [
          { role: "user", content: "Weather in Paris and Rome?" },
          {
            role: "assistant",
            content: null,
            tool_calls: [
              { id: "t1", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
              { id: "t2", type: "function", function: { name: "get_weather", arguments: "not json" } },
            ],
          },
          { role: "tool", tool_call_id: "t1", content: "18C" },
          { role: "tool", tool_call_id: "t2", content: [{ type: "text", text: "20C" }] },
        ],
      },
      MODEL,
    );
    expect(conversationStateProblem(body)).toBeNull();
    expect(body.conversationState.history[1]).toEqual({
      assistantResponseMessage: { content: "", toolUses: [{ toolUseId: "t1", name: "get_weather", input: { city: "Paris" } }, { toolUseId: "t2", name: "get_weather", input: { input: "not json" } }] },
    });
    expect(body.conversationState.currentMessage.userInputMessage).toEqual({
      content: "",
      modelId: MODEL,
      origin: "AI_EDITOR",
      userInputMessageContext: {
        tools: [
          { toolSpecification: { name: "get_weather", description: "Weather", inputSchema: { json: parameters } } },
          { toolSpecification: { name: "noop", description: "noop", inputSchema: { json: { type: "object", properties: {} } } } },
        ],
        toolResults: [
          { toolUseId: "t1", content: [{ text: "18C" }], status: "success" },
          { toolUseId: "t2", content: [{ text: "20C" }], status: "success" },
        ],
      },
    });
    // Tools ride only on the current message.
    expect(JSON.stringify(body.conversationState.history)).not.toContain("toolSpecification");
  });

  test("a conversation ending on the assistant (prefill) gets a user turn; one opening with the assistant gets one first", () => {
    const body = toKiroRequest({ messages: [{ role: "assistant", content: "Hello" }, { role: "user", content: "x" }, { role: "assistant", content: "y" }] }, MODEL);
    expect(conversationStateProblem(body)).toBeNull();
    expect(body.conversationState.currentMessage.userInputMessage.content).toBe("Continue.");
    expect(body.conversationState.history.map((h) => Object.keys(h)[0])).toEqual(["userInputMessage", "assistantResponseMessage", "userInputMessage", "assistantResponseMessage"]);
  });

  test("the conversation id is stable across turns of one conversation and differs between conversations", () => {
    const turn1 = toKiroRequest({ messages: [{ role: "user", content: "A" }] }, MODEL);
    const turn2 = toKiroRequest({ messages: [{ role: "user", content: "A" }, { role: "assistant", content: "B" }, { role: "user", content: "C" }] }, MODEL);
    const other = toKiroRequest({ messages: [{ role: "user", content: "Z" }] }, MODEL);
    expect(turn1.conversationState.conversationId).toBe(turn2.conversationState.conversationId);
    expect(other.conversationState.conversationId).not.toBe(turn1.conversationState.conversationId);
    expect(conversationIdOf("x")).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe("executor", () => {
  const executor = new KiroExecutor(clientProfile("kiro"));

  test("a 403 naming the token as invalid or expired is a token refusal (refresh and retry); other refusals are not", () => {
    const refusal = (status: number, message: string) => isTokenRefusal(executor, { status, type: "permission_error", message });
    expect(refusal(403, "The bearer token included in the request is invalid.")).toBe(true);
    expect(refusal(403, "The security token included in the request is expired")).toBe(true);
    expect(refusal(401, "anything")).toBe(true);
    expect(refusal(403, "User is not authorized to access this resource")).toBe(false);
    expect(refusal(400, "The bearer token included in the request is invalid.")).toBe(false);
    // Without the executor's signal only a 401 counts.
    expect(isTokenRefusal(null, { status: 403, type: "permission_error", message: "The bearer token included in the request is invalid." })).toBe(false);
  });

  test("shape: Kiro's body and the IDE's headers on a generation call; a fresh invocation id each time", () => {
    const input = {
      url: "https://codewhisperer.us-east-1.amazonaws.com/chat/completions",
      headers: { Authorization: "Bearer at", "content-type": "application/json" },
      body: "{}",
      clientHeaders: undefined,
      clientBody: { model: MODEL, messages: [{ role: "user", content: "hi" }], stream: true, stream_options: { include_usage: true } },
      stream: true,
      model: MODEL,
    };
    const a = executor.shape(input);
    const b = executor.shape(input);
    expect(a.url).toBe("https://codewhisperer.us-east-1.amazonaws.com/generateAssistantResponse");
    expect(executor.shape({ ...input, url: "https://codewhisperer.us-east-1.amazonaws.com/models" }).body).toBe("{}");
    expect(a.headers).toMatchObject({ authorization: "Bearer at", "x-amz-target": "AmazonCodeWhispererStreamingService.GenerateAssistantResponse", accept: "application/vnd.amazon.eventstream" });
    expect(a.headers["amz-sdk-invocation-id"]).not.toBe(b.headers["amz-sdk-invocation-id"]!);
    const body = JSON.parse(a.body);
    expect(conversationStateProblem(body)).toBeNull();
    expect(JSON.stringify(body)).not.toContain("stream");
    expect(executor.streamsAlways).toBe(true);
  });

  test("adaptResponse converts a 200 event stream and leaves an error answer alone", async () => {
    const error = new Response('{"message":"no"}', { status: 400, headers: { "content-type": "application/json" } });
    expect(executor.adaptResponse(error, MODEL)).toBe(error);
    const frames = kiroTextFrames();
    const ok = new Response(new Blob(frames.map((f) => f.slice())), { status: 200, headers: { "content-type": "application/vnd.amazon.eventstream", "content-length": "1" } });
    const adapted = executor.adaptResponse(ok, MODEL);
    expect(adapted.headers.get("content-type")).toBe("text/event-stream");
    expect(adapted.headers.get("content-length")).toBeNull();
    expect(await adapted.text()).toEndWith("data: [DONE]\n\n");
  });
});

describe("event stream → OpenAI Chat SSE", () => {
  test("text: role on the first delta, stop, an estimated usage chunk, [DONE] — whatever the chunking", async () => {
    for (const cut of [1, 3, 7, 1000]) {
      const lines = await convert(kiroTextFrames(), cut);
      expect(lines.at(-1)).toBe("[DONE]");
      const chunks = lines.slice(0, -1) as Array<{ object: string; choices: Array<{ delta: Record<string, unknown>; finish_reason: string | null }>; usage?: Record<string, number> }>;
      expect(chunks.every((c) => c.object === "chat.completion.chunk")).toBe(true);
      expect(chunks[0]!.choices[0]!.delta).toEqual({ role: "assistant", content: "Hello" });
      expect(chunks.flatMap((c) => c.choices.map((ch) => ch.delta.content ?? "")).join("")).toBe("Hello from Kiro");
      expect(chunks.at(-2)!.choices[0]!.finish_reason).toBe("stop");
      // contextUsagePercentage 0.5 of a 200k window; completion ≈ 15 chars / 4.
      expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: 1000, completion_tokens: 4, total_tokens: 1004 });
    }
  });

  test("a tool use over several events: id/name on the first delta, the input fragments in order, finish tool_calls", async () => {
    const lines = (await convert(kiroToolFrames(), 11)).slice(0, -1) as Array<{ choices: Array<{ delta: { tool_calls?: Array<Record<string, any>> }; finish_reason: string | null }> }>;
    const calls = lines.flatMap((l) => l.choices.flatMap((c) => c.delta.tool_calls ?? []));
    expect(calls[0]).toEqual({ index: 0, id: "tooluse_kiro1", type: "function", function: { name: "get_weather", arguments: "" } });
    expect(calls.slice(1).every((c) => c.index === 0 && c.id === undefined)).toBe(true);
    expect(calls.map((c) => c.function.arguments).join("")).toBe('{"city": "Paris"}');
    expect(lines.flatMap((l) => l.choices.map((c) => c.finish_reason)).filter(Boolean)).toEqual(["tool_calls"]);
  });

  test("growing snapshots of the input are deduplicated; two tools get two indexes", () => {
    const converter = new KiroSseConverter(MODEL, "id");
    let text = "";
    for (const input of ['{"a"', '{"a":1', '{"a":1', '{"a":1}']) text += converter.message({ headers: { ":event-type": "toolUseEvent", ":message-type": "event" }, payload: new TextEncoder().encode(JSON.stringify({ toolUseId: "t1", name: "f", input })) });
    text += converter.message({ headers: { ":event-type": "toolUseEvent" }, payload: new TextEncoder().encode(JSON.stringify({ toolUseId: "t2", name: "g", input: { b: 2 } })) });
    text += converter.end();
    const calls = (dataLines(text).slice(0, -1) as Array<{ choices: Array<{ delta: { tool_calls?: Array<Record<string, any>> } }> }>).flatMap((l) => l.choices.flatMap((c) => c.delta.tool_calls ?? []));
    expect(calls.filter((c) => c.index === 0).map((c) => c.function.arguments).join("")).toBe('{"a":1}');
    expect(calls.filter((c) => c.index === 1)[0]).toMatchObject({ id: "t2", function: { name: "g" } });
    expect(calls.filter((c) => c.index === 1).map((c) => c.function.arguments).join("")).toBe('{"b":2}');
  });

  test("an exception frame becomes an error chunk; a corrupt frame errors the stream", async () => {
    const lines = await convert([frame("assistantResponseEvent", { content: "x" }), encodeEventStreamMessage({ ":message-type": "exception", ":exception-type": "ThrottlingException" }, JSON.stringify({ message: "slow down" }))]);
    expect(lines).toContainEqual({ error: { message: "slow down", type: "api_error", code: "ThrottlingException" } });
    const bad = frame("assistantResponseEvent", { content: "x" });
    bad[bad.length - 1]! ^= 1;
    await expect(convert([bad])).rejects.toThrow(/checksum/);
  });
});
