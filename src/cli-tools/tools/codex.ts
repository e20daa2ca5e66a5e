import { join } from "node:path";
import { editToml, type TomlEdit } from "../toml-edit";
import { openAIBaseUrl, PROVIDER_ID, PROVIDER_NAME, type CliTool, type PathContext, type ToolSettings } from "../tool-types";

/**
 * Codex CLI reads ~/.codex/config.toml. It speaks only the Responses API (`wire_api = "responses"`) and ignores
 * OPENAI_BASE_URL, so OmniRoute is a custom provider selected with `model_provider`. The key goes in the provider's
 * `experimental_bearer_token`; an `env_key` in that table would make Codex look for an environment variable instead.
 */
const configPath = (context: PathContext) => join(context.home, ".codex", "config.toml");

function codexEdit(settings: ToolSettings): TomlEdit {
  return {
    topLevel: { model: settings.model, model_provider: PROVIDER_ID },
    table: {
      path: ["model_providers", PROVIDER_ID],
      values: { name: PROVIDER_NAME, base_url: openAIBaseUrl(settings), wire_api: "responses", experimental_bearer_token: settings.apiKey },
      remove: ["env_key"],
    },
  };
}

export const codex: CliTool = {
  id: "codex",
  name: "Codex CLI",
  docsUrl: "https://developers.openai.com/codex/config-advanced",
  api: "openai-responses",
  files: [{ format: "toml", path: configPath, merge: (existing, settings) => editToml(existing, codexEdit(settings), "~/.codex/config.toml") }],
  snippets: (settings, context) => [{ language: "toml", target: configPath(context), text: editToml(null, codexEdit(settings), "config.toml") }],
};
