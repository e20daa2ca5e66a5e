import { join } from "node:path";
import { objectAt, parseJsonConfig, stringifyJsonConfig } from "../json-config";
import { openAIBaseUrl, PROVIDER_ID, PROVIDER_NAME, type CliTool, type PathContext, type ToolSettings } from "../tool-types";

/**
 * opencode's global config is ~/.config/opencode/opencode.json. OmniRoute is a provider using the bundled
 * `@ai-sdk/openai-compatible` package (`options.baseURL`, `options.apiKey`, the models listed under `models`), and
 * `model` is "<provider>/<model>". The provider's other options (headers…) and models are kept.
 */
const configPath = (context: PathContext) => join(context.home, ".config", "opencode", "opencode.json");

function mergeConfig(existing: string | null, settings: ToolSettings): string {
  const label = "~/.config/opencode/opencode.json";
  const root = parseJsonConfig(existing, label);
  if (existing === null || existing.trim() === "") root.$schema = "https://opencode.ai/config.json";
  const provider = objectAt(root, ["provider", PROVIDER_ID], label);
  provider.npm = "@ai-sdk/openai-compatible";
  provider.name = PROVIDER_NAME;
  Object.assign(objectAt(root, ["provider", PROVIDER_ID, "options"], label), { baseURL: openAIBaseUrl(settings), apiKey: settings.apiKey });
  const models = objectAt(root, ["provider", PROVIDER_ID, "models"], label);
  if (models[settings.model] === undefined) models[settings.model] = { name: settings.model };
  root.model = `${PROVIDER_ID}/${settings.model}`;
  return stringifyJsonConfig(root, existing);
}

export const opencode: CliTool = {
  id: "opencode",
  name: "opencode",
  docsUrl: "https://opencode.ai/docs/config",
  api: "openai-chat",
  files: [{ format: "json", path: configPath, merge: mergeConfig }],
  snippets: (settings, context) => [{ language: "json", target: configPath(context), text: mergeConfig(null, settings) }],
};
