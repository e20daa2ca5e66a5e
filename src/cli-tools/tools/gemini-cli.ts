import { join } from "node:path";
import { setDotenvValues } from "../dotenv-edit";
import { objectAt, parseJsonConfig, stringifyJsonConfig } from "../json-config";
import type { CliTool, PathContext, ToolSettings } from "../tool-types";

/**
 * Gemini CLI takes its base URL and key from environment variables only (GOOGLE_GEMINI_BASE_URL — the origin, the
 * bundled SDK adds /v1beta — and GEMINI_API_KEY), which it also loads from ~/.gemini/.env when no project folder
 * has a .env of its own. With a base URL set, headless runs need `security.auth.selectedType = "gemini-api-key"`
 * in ~/.gemini/settings.json; `model.name` there picks the default model.
 */
const settingsPath = (context: PathContext) => join(context.home, ".gemini", "settings.json");
const envPath = (context: PathContext) => join(context.home, ".gemini", ".env");

const envValues = (settings: ToolSettings) => ({ GOOGLE_GEMINI_BASE_URL: settings.origin, GEMINI_API_KEY: settings.apiKey });

function mergeSettings(existing: string | null, settings: ToolSettings): string {
  const label = "~/.gemini/settings.json";
  const root = parseJsonConfig(existing, label);
  objectAt(root, ["security", "auth"], label).selectedType = "gemini-api-key";
  objectAt(root, ["model"], label).name = settings.model;
  return stringifyJsonConfig(root, existing);
}

export const geminiCli: CliTool = {
  id: "gemini-cli",
  name: "Gemini CLI",
  docsUrl: "https://geminicli.com/docs/reference/configuration",
  api: "gemini",
  files: [
    { format: "json", path: settingsPath, merge: mergeSettings },
    { format: "dotenv", path: envPath, merge: (existing, settings) => setDotenvValues(existing, envValues(settings)) },
  ],
  snippets: (settings, context) => [
    { language: "dotenv", target: envPath(context), text: setDotenvValues(null, envValues(settings)) },
    { language: "json", target: settingsPath(context), text: mergeSettings(null, settings) },
  ],
};
