import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { toJsonSchema } from "../../../../src/formats/gemini/gemini-schema-normalize";
import { FIXTURES } from "../../../fakes/openai-mock-upstream";

describe("Gemini schema dialect → JSON Schema", () => {
  test("upper-case types, nullable and snake_case keys become JSON Schema; data values stay", () => {
    expect(
      toJsonSchema({
        type: "OBJECT",
        property_ordering: ["a"],
        properties: { a: { type: "STRING", nullable: true, enum: ["X", "Y"] }, type: { type: "INTEGER" }, b: { any_of: [{ type: "NUMBER" }] } },
        required: ["a"],
      }),
    ).toEqual({
      type: "object",
      properties: { a: { type: ["string", "null"], enum: ["X", "Y"] }, type: { type: "integer" }, b: { anyOf: [{ type: "number" }] } },
      required: ["a"],
    });
  });

  test("Gemini CLI's router schema (upper-case types in responseJsonSchema) comes out lower-case", () => {
    const dir = join(FIXTURES, "clients/gemini-cli/0.61.0");
    const capture = JSON.parse(readFileSync(join(dir, "print-default-00-POST-v1beta_models_gemini-3.5-flash-lite_generateContent.json"), "utf8")) as {
      body: { generationConfig: { responseJsonSchema: unknown } };
    };
    const text = JSON.stringify(toJsonSchema(capture.body.generationConfig.responseJsonSchema));
    expect(text).not.toMatch(/"type":"[A-Z]+"/);
    expect(text).toContain('"type":"object"');
  });
});
