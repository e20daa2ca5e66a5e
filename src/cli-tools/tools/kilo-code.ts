import { settingsFields } from "../settings-screen";
import { openAIBaseUrl, type CliTool } from "../tool-types";

/** Kilo Code (VS Code extension): settings panel → API Provider "OpenAI Compatible". Its settings live in VS Code's extension storage. */
export const kiloCode: CliTool = {
  id: "kilo-code",
  name: "Kilo Code",
  docsUrl: "https://kilo.ai/docs/providers/openai-compatible",
  api: "openai-chat",
  files: [],
  snippets: (settings) => [
    {
      language: "text",
      target: null,
      text: settingsFields([["API Provider", "OpenAI Compatible"], ["Base URL", openAIBaseUrl(settings)], ["API Key", settings.apiKey], ["Model", settings.model]]),
    },
  ],
};
