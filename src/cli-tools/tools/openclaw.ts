import { join } from "node:path";
import { isPlainObject, objectAt, parseJsonConfig, stringifyJsonConfig } from "../json-config";
import { ConfigMergeError, openAIBaseUrl, PROVIDER_ID, type CliTool, type PathContext, type ToolSettings } from "../tool-types";

/**
 * OpenClaw reads ~/.openclaw/openclaw.json (JSON5). A custom OpenAI-compatible provider goes under
 * `models.providers.<id>` (`baseUrl`, `apiKey`, `api: "openai-completions"`, `models: [{id, name}]`) and the agents'
 * default model is `agents.defaults.model.primary = "<provider>/<model>"`. A file using JSON5 syntax (comments,
 * unquoted keys) is refused rather than rewritten without them.
 */
const configPath = (context: PathContext) => join(context.home, ".openclaw", "openclaw.json");

function mergeConfig(existing: string | null, settings: ToolSettings): string {
  const label = "~/.openclaw/openclaw.json";
  const root = parseJsonConfig(existing, label);
  const provider = objectAt(root, ["models", "providers", PROVIDER_ID], label);
  const models = provider.models === undefined ? [] : provider.models;
  if (!Array.isArray(models)) throw new ConfigMergeError(`In ${label}, "models.providers.${PROVIDER_ID}.models" is not a list; edit it by hand.`);
  Object.assign(provider, {
    baseUrl: openAIBaseUrl(settings),
    apiKey: settings.apiKey,
    api: "openai-completions",
    models: models.some((entry) => isPlainObject(entry) && entry.id === settings.model) ? models : [...models, { id: settings.model, name: settings.model }],
  });

  const ref = `${PROVIDER_ID}/${settings.model}`;
  const defaults = objectAt(root, ["agents", "defaults"], label);
  // `model` is either "provider/model" or { primary, fallbacks }; keep the fallbacks.
  if (isPlainObject(defaults.model)) defaults.model.primary = ref;
  else if (defaults.model === undefined || typeof defaults.model === "string") defaults.model = { primary: ref };
  else throw new ConfigMergeError(`In ${label}, "agents.defaults.model" has an unexpected form; edit it by hand.`);
  // Where the user keeps a per-model list, the new model joins it.
  if (isPlainObject(defaults.models) && !(ref in defaults.models)) defaults.models[ref] = {};
  return stringifyJsonConfig(root, existing);
}

export const openclaw: CliTool = {
  id: "openclaw",
  name: "OpenClaw",
  docsUrl: "https://docs.openclaw.ai/concepts/model-providers",
  api: "openai-chat",
  files: [{ format: "json", path: configPath, merge: mergeConfig }],
  snippets: (settings, context) => [{ language: "json", target: configPath(context), text: mergeConfig(null, settings) }],
};
