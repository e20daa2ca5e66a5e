import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FIXTURES } from "../fakes/openai-mock-upstream";

/**
 * A strict JSON-Schema validator for OpenAI request bodies, compiled from the recorded OpenAPI 3.1 spec
 * (shared/fixtures/specs/openai-openapi.yaml). Every components/schema is registered so `$ref`s resolve; the
 * OpenAPI-only annotations (`discriminator`, `example`, `x-*`) are declared as no-op keywords so Ajv's strict
 * mode still flags anything else it does not understand; `nullable` and overlapping `oneOf`s are rewritten (see
 * rewriteOpenAPI) so bodies the real API accepts pass. Recorded requests OpenAI accepted validate; the recorded
 * one it rejected (negative temperature) does not.
 *
 * `unknownTopLevel: "reject"` adds `unevaluatedProperties: false` around the root schema: a top-level field the
 * spec does not define (say a leaked Anthropic `thinking`) fails instead of passing silently. Fields real
 * clients send that the spec has not caught up with can be allowed by name.
 */
export const OPENAI_SPEC_PATH = join(FIXTURES, "specs", "openai-openapi.yaml");

export type OpenAIRequestSchema = "CreateChatCompletionRequest" | "CreateResponse";

export interface OpenAPIValidator {
  /** Returns null when `body` is valid, else readable error lines. */
  check(body: unknown): string[] | null;
}

export interface ValidatorOptions {
  /** "reject" fails on top-level fields the schema does not define (except `allowTopLevel`). Default "reject". */
  unknownTopLevel?: "reject" | "allow";
  allowTopLevel?: readonly string[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const FORMATS = ["binary", "unixtime", "int64", "uri", "double", "float", "date", "int32", "byte", "date-time", "email", "password"];
// `components` only holds the schemas so the spec's own `#/components/schemas/…` pointers resolve.
const NO_OP_KEYWORDS = ["discriminator", "example", "components"];

let shared: Ajv2020 | null = null;
const compiled = new Map<string, ValidateFunction>();

/**
 * Makes the spec say what the API accepts, in place: `nullable: true` (OpenAPI 3.0) becomes a null alternative,
 * and `oneOf` becomes `anyOf` — the spec's unions overlap (a Responses `{role, content}` input item matches both
 * EasyInputMessage and InputMessage), and OpenAPI reads them as "one of these shapes", not "exactly one".
 */
function rewriteOpenAPI(node: Json): void {
  if (Array.isArray(node)) {
    for (const item of node) rewriteOpenAPI(item);
    return;
  }
  if (node === null || typeof node !== "object") return;
  for (const value of Object.values(node)) rewriteOpenAPI(value);
  if (Array.isArray(node.oneOf) && node.anyOf === undefined) {
    node.anyOf = node.oneOf;
    delete node.oneOf;
  }
  if (!("nullable" in node)) return;
  const nullable = node.nullable === true;
  delete node.nullable;
  if (!nullable) return;
  if (typeof node.type === "string") {
    node.type = [node.type, "null"];
    if (Array.isArray(node.enum) && !node.enum.includes(null)) node.enum.push(null);
  } else if (Array.isArray(node.type)) {
    if (!node.type.includes("null")) node.type.push("null");
  } else {
    // `$ref` / composition with nullable: allow null next to whatever the schema says.
    const copy: { [key: string]: Json } = { ...node };
    for (const key of Object.keys(node)) if (key !== "description") delete node[key];
    node.anyOf = [copy, { type: "null" }];
  }
}

function ajvForSpec(): Ajv2020 {
  if (shared) return shared;
  const doc = Bun.YAML.parse(readFileSync(OPENAI_SPEC_PATH, "utf8")) as { components: { schemas: Record<string, Json> } };
  const schemas = doc.components.schemas;
  rewriteOpenAPI(schemas as Json);
  components = schemas;
  const ajv = new Ajv2020({ strict: true, strictRequired: false, strictTypes: false, strictTuples: false, allErrors: true, verbose: true, validateFormats: false });
  for (const keyword of NO_OP_KEYWORDS) ajv.addKeyword({ keyword });
  // Vendor extensions: collect every x-* key the spec uses and accept it as an annotation.
  const vendor = new Set<string>();
  const collect = (node: Json, parentKey: string | null): void => {
    if (Array.isArray(node)) return node.forEach((item) => collect(item, null));
    if (node === null || typeof node !== "object") return;
    for (const [key, value] of Object.entries(node)) {
      if (key.startsWith("x-") && parentKey !== "properties") vendor.add(key);
      collect(value, key);
    }
  };
  collect(schemas as Json, null);
  for (const keyword of vendor) ajv.addKeyword({ keyword });
  for (const format of FORMATS) ajv.addFormat(format, true);
  ajv.addSchema({ $id: "openai", components: { schemas } } as Record<string, unknown>);
  shared = ajv;
  return ajv;
}

let components: Record<string, Json> | null = null;

/**
 * The component schemas of a failed union that accept objects of this `type` (the spec's discriminator), looking
 * through nested unions (InputItem → Item → OutputMessage).
 */
function alternativesForType(branches: Json, value: string, depth = 0): string[] {
  if (!Array.isArray(branches) || depth > 3) return [];
  const out: string[] = [];
  for (const branch of branches) {
    const ref = branch && typeof branch === "object" && !Array.isArray(branch) ? branch.$ref : undefined;
    if (typeof ref !== "string" || !ref.includes("#/components/schemas/")) continue;
    const name = ref.slice(ref.lastIndexOf("/") + 1);
    const schema = components?.[name];
    if (!schema || typeof schema !== "object" || Array.isArray(schema)) continue;
    const type = (schema.properties as { type?: Json } | undefined)?.type;
    const options = type && typeof type === "object" && !Array.isArray(type) && Array.isArray(type.anyOf) ? type.anyOf : [type];
    if (options.some((o) => o && typeof o === "object" && !Array.isArray(o) && Array.isArray(o.enum) && o.enum.includes(value))) out.push(name);
    else if (Array.isArray(schema.anyOf)) out.push(...alternativesForType(schema.anyOf, value, depth + 1));
  }
  return out;
}

function componentValidator(name: string): ValidateFunction {
  const key = `component:${name}`;
  let fn = compiled.get(key);
  if (!fn) {
    fn = ajvForSpec().compile({ $ref: `openai#/components/schemas/${name}` });
    compiled.set(key, fn);
  }
  return fn;
}

function at(instance: unknown, pointer: string): unknown {
  let node = instance;
  for (const raw of pointer.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    node = node !== null && typeof node === "object" ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

function line(e: ErrorObject, prefix: string, label = ""): string {
  const params = e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : "";
  return `${prefix}${e.instancePath || (prefix ? "" : "/")}${label} ${e.message ?? e.keyword}${params}`;
}

/**
 * Readable errors. With allErrors, a failed union lists a complaint from every alternative ("type must be
 * file_search", "required vector_store_ids", …). Where the failing object names its `type`, the union is explained
 * by the alternative(s) of that type instead (the spec's discriminator), e.g. "/tools/0 (FunctionTool) must have
 * required property 'strict'".
 */
function describe(errors: ErrorObject[] | null | undefined, instance: unknown, prefix = "", depth = 0): string[] {
  const all = errors ?? [];
  const explained: string[] = [];
  const lines: string[] = [];
  const unions = all.filter((e) => e.keyword === "anyOf").sort((a, b) => a.instancePath.length - b.instancePath.length);
  for (const union of unions) {
    if (explained.some((p) => union.instancePath === p || union.instancePath.startsWith(`${p}/`))) continue;
    const value = at(instance, union.instancePath);
    const type = value !== null && typeof value === "object" ? (value as Record<string, unknown>).type : undefined;
    const candidates = typeof type === "string" && depth < 4 ? alternativesForType(union.schema as Json, type) : [];
    let best: { name: string; errors: ErrorObject[]; score: number } | null = null;
    for (const name of candidates) {
      const fn = componentValidator(name);
      if (fn(value)) {
        best = null; // this alternative accepts it: the failure lies elsewhere
        break;
      }
      const errs = [...(fn.errors ?? [])];
      // An alternative whose own role/type the object does not have is the wrong one to explain with.
      const score = errs.length + 100 * errs.filter((e) => e.keyword === "enum" && (e.instancePath === "/role" || e.instancePath === "/type")).length;
      if (!best || score < best.score) best = { name, errors: errs, score };
    }
    if (!best) continue;
    explained.push(union.instancePath);
    for (const text of describe(best.errors, value, `${prefix}${union.instancePath}`, depth + 1)) lines.push(text.replace(/^(\S*)/, `$1 (${best.name})`));
  }
  const rest = all.filter(
    (e) =>
      !explained.some((p) => e.instancePath === p || e.instancePath.startsWith(`${p}/`)) &&
      e.keyword !== "anyOf" &&
      !(e.keyword === "enum" && /\/(type|role)$/.test(e.instancePath)),
  );
  for (const e of rest.length > 0 || lines.length > 0 ? rest : all) lines.push(line(e, prefix));
  return [...new Set(lines)].slice(0, 25);
}

export function openAPIValidator(schema: OpenAIRequestSchema, options: ValidatorOptions = {}): OpenAPIValidator {
  const reject = (options.unknownTopLevel ?? "reject") === "reject";
  const allow = [...(options.allowTopLevel ?? [])].sort();
  const key = `${schema}|${reject}|${allow.join(",")}`;
  let validate = compiled.get(key);
  if (!validate) {
    const ajv = ajvForSpec();
    const root: Record<string, unknown> = { $ref: `openai#/components/schemas/${schema}` };
    if (reject) {
      root.unevaluatedProperties = false;
      if (allow.length > 0) root.properties = Object.fromEntries(allow.map((name) => [name, true]));
    }
    validate = ajv.compile(root);
    compiled.set(key, validate);
  }
  const fn = validate;
  return {
    check(body) {
      return fn(body) ? null : describe(fn.errors, body);
    },
  };
}
