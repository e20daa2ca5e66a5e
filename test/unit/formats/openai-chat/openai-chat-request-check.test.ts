import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { isWellFormedChatRequest, openAIChatRequestSchema } from "../../../../src/formats/openai-chat/openai-chat-request";
import { FIXTURES } from "../../../fakes/openai-mock-upstream";

/** Recorded OpenAI Chat request bodies: the fixtures' own and those real clients sent (opencode, SDKs). */
function recordedBodies(): Array<[string, Record<string, unknown>]> {
  const found: Array<[string, Record<string, unknown>]> = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (entry.name.endsWith(".request.json") || (dir.includes("clients") && entry.name.endsWith(".json"))) {
        try {
          const json = JSON.parse(readFileSync(path, "utf8")) as unknown;
          const body = (json as { body?: unknown }).body ?? json;
          if (body && typeof body === "object" && !Array.isArray(body) && "messages" in body) found.push([path.slice(FIXTURES.length + 1), body as Record<string, unknown>]);
        } catch {
          // not a JSON request body
        }
      }
    }
  };
  visit(join(FIXTURES, "openai-chat"));
  visit(join(FIXTURES, "clients"));
  return found;
}

/** Every field value the checked fields might carry, well-formed or not. */
const ODD_VALUES: unknown[] = [undefined, null, 0, -1, 1.5, 2 ** 60, "", "x", true, [], {}, [{}], [{ role: 1 }], [null], [[]], [{ role: "user" }]];
const FIELDS = ["model", "messages", "stream", "max_tokens", "max_completion_tokens"];

describe("isWellFormedChatRequest (the hand check in front of the zod schema)", () => {
  const bodies = recordedBodies();

  test("recorded client requests are recognised without zod", () => {
    expect(bodies.length).toBeGreaterThan(5);
    for (const [name, body] of bodies) {
      expect(openAIChatRequestSchema.safeParse(body).success, name).toBe(true);
      expect(isWellFormedChatRequest(body), name).toBe(true);
    }
  });

  test("never accepts a body the schema rejects, and accepts what the schema accepts for these fields", () => {
    let rejected = 0;
    for (const [, body] of bodies.slice(0, 4)) {
      for (const field of FIELDS) {
        for (const value of ODD_VALUES) {
          const mutated: Record<string, unknown> = { ...body };
          if (value === undefined) delete mutated[field];
          else mutated[field] = value;
          const schemaAccepts = openAIChatRequestSchema.safeParse(mutated).success;
          const checkAccepts = isWellFormedChatRequest(mutated);
          if (checkAccepts) expect(schemaAccepts, `${field}=${JSON.stringify(value)}`).toBe(true);
          // Agreement both ways keeps the check from sending good bodies through the slow path.
          expect(checkAccepts, `${field}=${JSON.stringify(value)}`).toBe(schemaAccepts);
          if (!schemaAccepts) rejected++;
        }
      }
    }
    expect(rejected).toBeGreaterThan(50);
  });
});
