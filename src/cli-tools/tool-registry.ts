import { claudeCode } from "./tools/claude-code";
import { cline } from "./tools/cline";
import { codex } from "./tools/codex";
import { continueDev } from "./tools/continue";
import { cursor } from "./tools/cursor";
import { geminiCli } from "./tools/gemini-cli";
import { kiloCode } from "./tools/kilo-code";
import { openclaw } from "./tools/openclaw";
import { opencode } from "./tools/opencode";
import type { CliTool } from "./tool-types";

/** Every coding tool the CLI tools page knows, in the order it shows them. */
export const CLI_TOOLS: readonly CliTool[] = [claudeCode, codex, geminiCli, openclaw, opencode, cline, kiloCode, cursor, continueDev];

export function findCliTool(id: string): CliTool | undefined {
  return CLI_TOOLS.find((tool) => tool.id === id);
}
