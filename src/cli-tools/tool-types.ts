/** What the CLI tools page knows about each coding tool: where its config lives and how OmniRoute's part is merged in. */

/** OmniRoute's settings, as one tool gets them. */
export interface ToolSettings {
  /** The gateway's root URL without a path, e.g. `http://127.0.0.1:20128`. Tools add `/v1` themselves or not (see `baseUrl`). */
  origin: string;
  /** The client API key (or the placeholder, for snippets shown before a key is known). */
  apiKey: string;
  /** A model id or combo name, as clients send it. */
  model: string;
}

export type ConfigFormat = "json" | "toml" | "yaml" | "dotenv";

/** Where a file lives, per platform where it differs. */
export interface PathContext {
  home: string;
  platform: NodeJS.Platform;
}

/** One file a tool's one-click write edits. */
export interface ToolFile {
  format: ConfigFormat;
  path(context: PathContext): string;
  /**
   * The new file content: `existing` (null when the file does not exist) with OmniRoute's settings merged in and
   * everything else kept. Pure. Throws ConfigMergeError when it cannot do that safely.
   */
  merge(existing: string | null, settings: ToolSettings): string;
  /** Other files whose presence makes writing this one unsafe (e.g. Continue's legacy config.json); a reason to refuse. */
  conflicts?(context: PathContext, exists: (path: string) => boolean): string | null;
}

export interface CliTool {
  id: string;
  name: string;
  /** The tool's own documentation for the settings used here. */
  docsUrl: string;
  /** Which API the tool speaks to OmniRoute. */
  api: "anthropic" | "openai-chat" | "openai-responses" | "gemini";
  /** Files of the one-click write; empty when the tool keeps its settings where they cannot be edited safely. */
  files: readonly ToolFile[];
  /** Ready-to-paste settings: one per file, or one list of fields for tools configured in their own settings screen. */
  snippets(settings: ToolSettings, context: PathContext): ToolSnippet[];
}

export interface ToolSnippet {
  /** `json`, `toml`, `yaml`, `dotenv`, `shell`, or `text` for settings typed into the tool's own settings screen. */
  language: ConfigFormat | "shell" | "text";
  /** Where it goes: a file path, or null for a settings screen. */
  target: string | null;
  text: string;
}

/** The merge would lose or misread something of the user's; the message says what and what to do instead. */
export class ConfigMergeError extends Error {
  override name = "ConfigMergeError";
}

/** `http://host:port/v1`: the OpenAI-style base URL most tools take. */
export function openAIBaseUrl(settings: ToolSettings): string {
  return `${settings.origin}/v1`;
}

/** The name OmniRoute's entries carry in tools that list several providers. */
export const PROVIDER_ID = "omniroute";
export const PROVIDER_NAME = "OmniRoute";
