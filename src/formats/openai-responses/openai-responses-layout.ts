import type { IRRequest } from "../../ir/ir-types";
import { isObject, type JsonObject } from "../shared/json";

/**
 * What a Responses request carried that the IR has no place for but a Responses upstream needs back verbatim.
 * It rides in `IRRequest.extensions.fields` under LAYOUT_KEY (never sent as a wire field); every other key of
 * `extensions.fields` is a top-level wire field restored as is (store, include, prompt_cache_key, …).
 */
export const LAYOUT_KEY = "omr:responses-layout";

export type SystemSource =
  | { source: "instructions" }
  /** A leading system/developer input item holding `parts` of IR.system; `text` when its content was a string. */
  | { source: "item"; role: string; parts: number; text: boolean; id?: string };

/**
 * Pins something to an IR position so it survives a history prefix added in front (previous_response_id):
 * `fromEnd` = messages.length − message index (0 = after the last message), `part` = index in that message.
 */
export interface Anchor {
  fromEnd: number;
  part: number;
  /** An input item the IR cannot express (item_reference, hosted tool calls, compaction, id-only reasoning, …). */
  item?: JsonObject;
  /** An assistant message item starts here; its extra fields (`phase`, …) go back on it. */
  message?: JsonObject;
}

export interface ResponsesLayout {
  system?: SystemSource[];
  anchors?: Anchor[];
  /** The client's tools list when it held more than flat function tools (namespaces, hosted tools, extra keys). */
  tools?: unknown[];
  /** The client's tool_choice when the IR cannot express it (allowed_tools, hosted, custom, mcp). */
  toolChoice?: unknown;
  /** The client's `reasoning` object (summary style, mode, context …); IR reasoning still decides effort. */
  reasoning?: JsonObject;
  /** The client's `text` object minus `format` (verbosity). */
  text?: JsonObject;
}

export function readLayout(request: IRRequest): ResponsesLayout | undefined {
  const extensions = request.extensions;
  if (!extensions || extensions.format !== "openai-responses") return undefined;
  const layout = extensions.fields[LAYOUT_KEY];
  return isObject(layout) ? (layout as ResponsesLayout) : undefined;
}

/**
 * Function name → namespace for every function declared inside a `type:"namespace"` tool of the request.
 * IR tool names are the bare function names; a Responses client (Codex) needs the `namespace` field back on
 * the function_call items it receives, so the pipeline can pass this to the Responses client encoders.
 */
export function responsesToolNamespaces(request: IRRequest): Record<string, string> | undefined {
  const tools = readLayout(request)?.tools;
  if (!tools) return undefined;
  let map: Record<string, string> | undefined;
  for (const tool of tools) {
    if (!isObject(tool) || tool.type !== "namespace" || typeof tool.name !== "string" || !Array.isArray(tool.tools)) continue;
    for (const inner of tool.tools) {
      if (isObject(inner) && typeof inner.name === "string") (map ??= {})[inner.name] = tool.name;
    }
  }
  return map;
}
