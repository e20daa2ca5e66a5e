import { settingsFields } from "../settings-screen";
import { openAIBaseUrl, type CliTool } from "../tool-types";

/** Cline (VS Code extension): settings panel → API Provider "OpenAI Compatible". Its settings live in VS Code's extension storage. */
export const cline: CliTool = {
  id: "cline",
  name: "Cline",
  docsUrl: "https://docs.cline.bot/provider-config/openai-compatible",
  api: "openai-chat",
  files: [],
  snippets: (settings) => [
    {
      language: "text",
      target: null,
      text: settingsFields([["API Provider", "OpenAI Compatible"], ["Base URL", openAIBaseUrl(settings)], ["API Key", settings.apiKey], ["Model ID", settings.model]]),
    },
  ],
};
