import { describe, expect, test } from "bun:test";
import { isSensitiveKey, redact, redactValue } from "../../../src/security/redact";

describe("redact", () => {
  test.each([
    ["Authorization: Bearer abcdefgh12345678", "Authorization: Bearer [REDACTED]"],
    ["authorization: bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOjF9.c2ln", "authorization: bearer [REDACTED]"],
    ["upstream rejected key sk-proj-abcdefghijklmnop", "upstream rejected key sk-pr[REDACTED]"],
    ["client used omr_AbCdEfGh1234_-xyz today", "client used omr_[REDACTED] today"],
    ["key=AIzaSyA1234567890abcdefghijk", "key=AIza[REDACTED]"],
    ['{"apiKey":"abc123secretvalue"}', '{"apiKey":"[REDACTED]"}'],
    ['{"api_key": "abc123secretvalue", "n": 1}', '{"api_key": "[REDACTED]", "n": 1}'],
    ["x-api-key: abcdef123456", "x-api-key: [REDACTED]"],
    ["password=hunter2hunter2", "password=[REDACTED]"],
    ["secret: 'opensesame99'", "secret: '[REDACTED]'"],
  ])("masks %j", (input, expected) => {
    expect(redact(input)).toBe(expected);
  });

  test("masks every occurrence, not only the first", () => {
    const out = redact("a sk-abcdefghijklmn b sk-zyxwvutsrqpon c");
    expect(out).toBe("a sk-ab[REDACTED] b sk-zy[REDACTED] c");
  });

  test("known secret values are replaced exactly, wherever they appear", () => {
    const secret = "my-custom-upstream-credential";
    const out = redact(`401 for ${secret} (key ${secret})`, [secret]);
    expect(out).toBe("401 for [REDACTED] (key [REDACTED])");
    expect(out).not.toContain(secret);
  });

  test("known secrets without a recognisable shape are still removed", () => {
    expect(redact("token was 9f8e7d6c", ["9f8e7d6c"])).toBe("token was [REDACTED]");
  });

  test("empty and very short known secrets are ignored instead of shredding the text", () => {
    expect(redact("a b c abc", ["", "a", "abc"])).toBe("a b c abc");
  });

  test("plain text and usage numbers are left untouched", () => {
    const texts = [
      "The model gpt-6.2-sol returned 24 prompt tokens and 8 completion tokens in 1.2s.",
      '{"usage":{"prompt_tokens":1234567,"completion_tokens":8,"total_tokens":1234575},"max_tokens":4096}',
      "tokens: 1234567, disk-usage-report and task-management-system are fine",
      "Connection refused (ECONNREFUSED 127.0.0.1:11434)",
      "",
    ];
    for (const text of texts) expect(redact(text)).toBe(text);
  });

  test("is idempotent", () => {
    const once = redact('Bearer abcdefgh12345678 {"apiKey":"abc123secretvalue"} omr_AbCdEfGh1234');
    expect(redact(once)).toBe(once);
  });
});

describe("redact: more credential shapes", () => {
  test.each([
    ["Authorization: Basic dXNlcjpwYXNzd29yZA==", "Authorization: Basic [REDACTED]"],
    ['{"authorization":"Token abcdef123456"}', '{"authorization":"Token [REDACTED]"}'],
    ["cookie: omniroute_session=abc123def456; theme=dark", "cookie: [REDACTED]"],
    ['{"set-cookie":"omniroute_session=abc; Path=/"}', '{"set-cookie":"[REDACTED]"}'],
    ["session omniroute_session=abc123def456 expired", "session omniroute_session=[REDACTED] expired"],
    ["access_token=ya29.abcdefghijkl&x=1", "access_token=[REDACTED]"], // greedy on purpose: a secret may contain &
    ['{"refresh_token": "1//0abcdefghijk"}', '{"refresh_token": "[REDACTED]"}'],
    ['clientSecret: "GOCSPX-abcdefgh"', 'clientSecret: "[REDACTED]"'],
    ["x-goog-api-key: abcdefghij12", "x-goog-api-key: [REDACTED]"],
    ["GET /v1beta/models/x?key=notAIzaShaped123&alt=sse", "GET /v1beta/models/x?key=[REDACTED]&alt=sse"],
    ["proxy at https://bob:hunter2@proxy.local:3128/", "proxy at https://bob:[REDACTED]@proxy.local:3128/"],
    ["groq said gsk_abcdefghijklmnopqrstuvwxyz012345", "groq said gsk_[REDACTED]"],
    ["jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N", "jwt [REDACTED]"],
    ["-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----", "[REDACTED]"],
  ])("masks %j", (input, expected) => {
    expect(redact(input)).toBe(expected);
    expect(redact(expected)).toBe(expected);
  });

  test("usage figures, URLs without credentials and ordinary prose survive", () => {
    for (const text of [
      '{"max_tokens":4096,"prompt_tokens":12,"budget_tokens":1024}',
      "Listening on http://127.0.0.1:20128 (dashboard http://localhost:20128/)",
      "Basic information about the cookie policy",
    ]) {
      expect(redact(text)).toBe(text);
    }
  });

  test("stays linear on long inputs without separators", () => {
    const started = performance.now();
    redact("x-".repeat(50_000) + "a".repeat(100_000) + "ab_".repeat(30_000));
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe("isSensitiveKey", () => {
  test.each(["authorization", "Cookie", "set-cookie", "x-api-key", "apiKey", "api_key", "password", "clientSecret", "access_token", "refreshToken", "privateKey", "key"])(
    "%s is sensitive",
    (name) => expect(isSensitiveKey(name)).toBe(true),
  );
  test.each(["maxTokens", "prompt_tokens", "model", "status", "keyId", "requestId", "provider"])("%s is not", (name) => expect(isSensitiveKey(name)).toBe(false));
});

describe("redactValue", () => {
  test("masks values under sensitive keys, redacts every string, keeps numbers", () => {
    const out = redactValue({
      headers: { authorization: "Bearer abcdefgh12345678", "content-type": "application/json" },
      note: "used sk-proj-abcdefghijklmnop",
      nested: [{ password: "hunter2hunter2", tokens: 12 }],
      maxTokens: 100,
    });
    expect(out).toEqual({
      headers: { authorization: "[REDACTED]", "content-type": "application/json" },
      note: "used sk-pr[REDACTED]",
      nested: [{ password: "[REDACTED]", tokens: 12 }],
      maxTokens: 100,
    });
  });

  test("errors, known secrets, cycles and depth", () => {
    const error = new Error("upstream refused my-custom-credential-value");
    const cyclic: Record<string, unknown> = { name: "a" };
    cyclic.self = cyclic;
    const out = redactValue({ error, cyclic, deep: { a: { b: { c: { d: { e: { f: 1 } } } } } } }, { knownSecrets: ["my-custom-credential-value"] }) as Record<string, any>;
    expect(out.error.name).toBe("Error");
    expect(out.error.message).toBe("upstream refused [REDACTED]");
    expect(JSON.stringify(out)).not.toContain("my-custom-credential-value");
    expect(out.cyclic.self).toBe("[circular]");
    expect(JSON.stringify(out.deep)).toContain("[object]");
  });
});
