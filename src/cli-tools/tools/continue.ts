import { join } from "node:path";
import { upsertYamlListItem, type YamlScalarMap } from "../yaml-edit";
import { openAIBaseUrl, PROVIDER_NAME, type CliTool, type PathContext, type ToolSettings } from "../tool-types";

/**
 * Continue reads ~/.continue/config.yaml (it replaces the older config.json when both exist). OmniRoute is one entry
 * of the top-level `models` list: `provider: openai` with `apiBase` pointing here. The entry named "OmniRoute" is
 * replaced on the next write; the user's other models stay.
 */
const configPath = (context: PathContext) => join(context.home, ".continue", "config.yaml");
const legacyPath = (context: PathContext) => join(context.home, ".continue", "config.json");

function modelEntry(settings: ToolSettings): YamlScalarMap {
  return { name: PROVIDER_NAME, provider: "openai", model: settings.model, apiBase: openAIBaseUrl(settings), apiKey: settings.apiKey, roles: ["chat", "edit", "apply"] };
}

const upsert = (existing: string | null, settings: ToolSettings) =>
  upsertYamlListItem(existing, { listKey: "models", matchKey: "name", item: modelEntry(settings), newFileHeader: { name: "Local Config", version: "1.0.0", schema: "v1" } }, "~/.continue/config.yaml");

export const continueDev: CliTool = {
  id: "continue",
  name: "Continue",
  docsUrl: "https://docs.continue.dev/customize/model-providers/top-level/openai",
  api: "openai-chat",
  files: [
    {
      format: "yaml",
      path: configPath,
      merge: upsert,
      conflicts: (context, exists) =>
        exists(legacyPath(context)) && !exists(configPath(context))
          ? "Continue still uses ~/.continue/config.json here; a new config.yaml would replace it and its models. Migrate it to config.yaml first, or add the snippet yourself."
          : null,
    },
  ],
  snippets: (settings, context) => [{ language: "yaml", target: configPath(context), text: upsert(null, settings) }],
};
