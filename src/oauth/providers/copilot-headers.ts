import { z } from "zod";
import profiles from "../../providers/client-profiles.json";

/**
 * The editor headers GitHub's Copilot endpoints on api.github.com expect (token exchange, quota, user), taken from
 * the Copilot client profile in src/providers/client-profiles.json — the versions are data, updated there. Only the
 * identifying headers go to api.github.com; the chat-only ones (integration id, intent) stay with the executor.
 */
const GITHUB_API_HEADERS = ["editor-version", "editor-plugin-version", "user-agent", "x-github-api-version", "x-vscode-user-agent-library-version"];

const profileSchema = z.object({ "github-copilot": z.object({ headers: z.record(z.string(), z.string()) }) });

let cached: Readonly<Record<string, string>> | null = null;

export function copilotGitHubHeaders(): Record<string, string> {
  if (!cached) {
    const parsed = profileSchema.safeParse(profiles);
    const headers: Record<string, string> = { accept: "application/json" };
    if (parsed.success) {
      for (const name of GITHUB_API_HEADERS) {
        const value = parsed.data["github-copilot"].headers[name];
        if (value) headers[name] = value;
      }
    }
    // api.github.com refuses a request without a User-Agent.
    headers["user-agent"] ??= "OmniRoute";
    cached = Object.freeze(headers);
  }
  return { ...cached };
}
