import { apiRequest } from "./client";

/** The CLI tools API (docs/api.md, "CLI tools"): config paths and snippets per coding tool, preview and write. */

export interface CliToolSnippet {
  /** json, toml, yaml, dotenv, shell, or text (fields for the tool's settings screen). */
  language: string;
  /** The file it goes in; null for a settings screen. */
  target: string | null;
  text: string;
}

export interface CliToolFile {
  path: string;
  format: string;
  exists: boolean;
}

export interface CliTool {
  id: string;
  name: string;
  docsUrl: string;
  api: string;
  oneClick: boolean;
  files: CliToolFile[];
  blockedReason: string | null;
  snippets: CliToolSnippet[];
}

export interface CliToolsOverview {
  origin: string;
  /** Snippets carry this in place of the key until the page knows one. */
  keyPlaceholder: string;
  canWrite: boolean;
  writeBlockedReason: string | null;
  tools: CliTool[];
}

export interface CliToolFilePreview {
  path: string;
  format: string;
  exists: boolean;
  before: string | null;
  after: string;
  diff: string;
  beforeSha256: string | null;
}

export interface CliToolPreview extends CliToolFilePreview {
  files: CliToolFilePreview[];
}

export interface CliToolWriteResult {
  files: Array<{ path: string; written: boolean; backupPath: string | null }>;
}

export interface CliToolWriteInput {
  key: string;
  model: string;
  /** path → beforeSha256 of the preview the user saw. */
  expected?: Record<string, string | null>;
}

const encodeId = encodeURIComponent;

export const cliToolsApi = {
  list: (model?: string) => apiRequest<CliToolsOverview>("GET", `/api/cli-tools${model ? `?model=${encodeURIComponent(model)}` : ""}`),
  preview: (id: string, input: CliToolWriteInput) =>
    apiRequest<CliToolPreview>("POST", `/api/cli-tools/${encodeId(id)}/preview`, { body: { key: input.key, model: input.model } }),
  apply: (id: string, input: CliToolWriteInput) => apiRequest<CliToolWriteResult>("POST", `/api/cli-tools/${encodeId(id)}/apply`, { body: input }),
};

/** A snippet with the real key in place of the placeholder, once the user gave one. */
export function snippetWithKey(text: string, placeholder: string, key: string): string {
  return key ? text.split(placeholder).join(key) : text;
}
