import { join } from "node:path";
import { objectAt, parseJsonConfig, stringifyJsonConfig } from "../json-config";
import type { CliTool, PathContext, ToolSettings } from "../tool-types";

/**
 * Claude Code reads environment variables from the `env` block of ~/.claude/settings.json (the same place on every
 * platform). It speaks Anthropic Messages and appends /v1/messages itself, so the base URL is the bare origin.
 * ANTHROPIC_AUTH_TOKEN goes out as a Bearer token; ANTHROPIC_API_KEY would send a second, x-api-key, header (and
 * make the TUI ask to approve a custom key), so a leftover one in `env` is removed.
 */
const settingsPath = (context: PathContext) => join(context.home, ".claude", "settings.json");

function envBlock(settings: ToolSettings): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: settings.origin,
    ANTHROPIC_AUTH_TOKEN: settings.apiKey,
    ANTHROPIC_MODEL: settings.model,
    // Background tasks (titles, summaries) use the "haiku" model; send them to the same model or combo.
    ANTHROPIC_DEFAULT_HAIKU_MODEL: settings.model,
  };
}

export const claudeCode: CliTool = {
  id: "claude-code",
  name: "Claude Code",
  docsUrl: "https://code.claude.com/docs/en/settings",
  api: "anthropic",
  files: [
    {
      format: "json",
      path: settingsPath,
      merge(existing, settings) {
        const label = "~/.claude/settings.json";
        const root = parseJsonConfig(existing, label);
        const env = objectAt(root, ["env"], label);
        delete env.ANTHROPIC_API_KEY;
        Object.assign(env, envBlock(settings));
        return stringifyJsonConfig(root, existing);
      },
    },
  ],
  snippets: (settings, context) => [
    { language: "json", target: settingsPath(context), text: JSON.stringify({ env: envBlock(settings) }, null, 2) + "\n" },
  ],
};
