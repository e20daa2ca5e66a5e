import { describe, expect, test } from "bun:test";
import { redact } from "../../../src/security/redact";

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
