import { settingsFields } from "../settings-screen";
import { openAIBaseUrl, type CliTool } from "../tool-types";

/**
 * Cursor: Settings → Models → API Keys: the OpenAI API key and "Override OpenAI Base URL", plus the model added as a
 * custom model. Stored in Cursor's own settings, not a file OmniRoute edits.
 */
export const cursor: CliTool = {
  id: "cursor",
  name: "Cursor",
  docsUrl: "https://docs.cursor.com/settings/api-keys",
  api: "openai-chat",
  files: [],
  snippets: (settings) => [
    {
      language: "text",
      target: null,
      text: settingsFields([["OpenAI API Key", settings.apiKey], ["Override OpenAI Base URL", openAIBaseUrl(settings)], ["Model", settings.model]]),
    },
  ],
};
