import type { IRRequest } from "../../ir/ir-types";

const OPENAPI_KEYS: Record<string, string> = {
  any_of: "anyOf",
  one_of: "oneOf",
  all_of: "allOf",
  property_ordering: "propertyOrdering",
  max_items: "maxItems",
  min_items: "minItems",
  max_length: "maxLength",
  min_length: "minLength",
  max_properties: "maxProperties",
  min_properties: "minProperties",
};

/**
 * Gemini clients write schemas in Gemini's OpenAPI dialect: upper-case types ("OBJECT"), `nullable`,
 * snake_case keys — Gemini CLI does so even in `responseJsonSchema`. Other upstreams want plain JSON Schema,
 * so schemas are rewritten into it before a Gemini request is translated elsewhere. Values inside `enum`,
 * `properties` names and `default`/`example` data are left alone.
 */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (schema === null || typeof schema !== "object") return schema;
  const source = schema as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(source)) {
    const key = OPENAPI_KEYS[rawKey] ?? rawKey;
    if (key === "propertyOrdering" || key === "nullable") continue;
    if (key === "type" && typeof value === "string") out.type = value.toLowerCase();
    else if (key === "properties" && value && typeof value === "object" && !Array.isArray(value)) {
      out.properties = Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, sub]) => [name, toJsonSchema(sub)]));
    } else if (key === "enum" || key === "default" || key === "example" || key === "const") out[key] = value;
    else out[key] = typeof value === "object" ? toJsonSchema(value) : value;
  }
  if (source.nullable === true && typeof out.type === "string") out.type = [out.type, "null"];
  return out;
}

/** Rewrites the request's tool and response schemas into plain JSON Schema (see toJsonSchema). */
export function normalizeGeminiSchemas(request: IRRequest): void {
  for (const tool of request.tools) tool.parameters = toJsonSchema(tool.parameters) as Record<string, unknown>;
  if (request.responseFormat?.type === "json_schema") request.responseFormat.schema = toJsonSchema(request.responseFormat.schema) as Record<string, unknown>;
}
