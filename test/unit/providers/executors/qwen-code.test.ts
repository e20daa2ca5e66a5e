import { describe, expect, test } from "bun:test";
import { parseClientProfiles } from "../../../../src/providers/executors/client-profiles";
import type { ShapeInput } from "../../../../src/providers/executors/provider-executor";
import { QwenCodeExecutor } from "../../../../src/providers/executors/qwen-code";

const UA = "QwenCode/9.9.9 (linux; x64)";
const profile = parseClientProfiles({
  "qwen-code": {
    headers: {
      "user-agent": UA,
      "x-dashscope-useragent": UA,
      "x-dashscope-authtype": "qwen-oauth",
      "x-dashscope-cachecontrol": "enable",
      "x-stainless-lang": "js",
      "x-stainless-os": "Linux",
    },
    ownClient: { userAgentPrefix: "QwenCode/", headers: ["user-agent", "x-dashscope-useragent"], headerPrefixes: ["x-stainless-"] },
  },
}).get("qwen-code")!;
const executor = new QwenCodeExecutor(profile);

const CONNECTION_HEADERS = Object.freeze({ "content-type": "application/json", Authorization: "Bearer qwen-access-token" });
const URL = "https://portal.qwen.ai/v1/chat/completions";
const clientBody = { model: "qwen3-coder-plus", messages: [{ role: "user", content: "hi" }] };

function request(clientHeaders?: Headers, stream = false): ShapeInput {
  return { url: URL, headers: CONNECTION_HEADERS, body: JSON.stringify(clientBody), clientHeaders, clientBody, stream, model: "qwen3-coder-plus" };
}

describe("Qwen Code executor", () => {
  test("any client: the profile's headers over the connection's, lowercase; URL and body bytes unchanged", () => {
    const input = request(new Headers({ "user-agent": "OpenAI/JS 5.0.0", "x-stainless-os": "Windows", "x-dashscope-authtype": "openai" }));
    const shaped = executor.shape(input);
    expect(shaped).toEqual({
      url: URL,
      body: input.body,
      headers: {
        "content-type": "application/json",
        authorization: "Bearer qwen-access-token",
        "user-agent": UA,
        "x-dashscope-useragent": UA,
        "x-dashscope-authtype": "qwen-oauth",
        "x-dashscope-cachecontrol": "enable",
        "x-stainless-lang": "js",
        "x-stainless-os": "Linux",
      },
    });
    expect(shaped.body).toBe(input.body);
    // The connection's shared header object is never mutated.
    expect(CONNECTION_HEADERS).toEqual({ "content-type": "application/json", Authorization: "Bearer qwen-access-token" });
  });

  test("Qwen Code as the client: its user agent and Stainless headers go up as sent; the auth type stays qwen-oauth", () => {
    const ua = "QwenCode/0.20.0 (darwin; arm64)";
    const shaped = executor.shape(
      request(new Headers({ "user-agent": ua, "x-dashscope-useragent": ua, "x-stainless-os": "MacOS", "x-stainless-retry-count": "1", "x-dashscope-authtype": "openai", cookie: "secret=1" })),
    );
    expect(shaped.headers["user-agent"]).toBe(ua);
    expect(shaped.headers["x-dashscope-useragent"]).toBe(ua);
    expect(shaped.headers["x-stainless-os"]).toBe("MacOS");
    expect(shaped.headers["x-stainless-retry-count"]).toBe("1");
    expect(shaped.headers["x-stainless-lang"]).toBe("js");
    expect(shaped.headers["x-dashscope-authtype"]).toBe("qwen-oauth");
    expect(shaped.headers.cookie).toBeUndefined();
    expect(shaped.headers.authorization).toBe("Bearer qwen-access-token");
  });

  test("no client headers (the connection test): the profile's set", () => {
    expect(executor.shape(request(undefined, true)).headers["user-agent"]).toBe(UA);
  });
});
