import { clientAddressOf } from "../../security/client-address";
import { Elysia } from "elysia";
import { z } from "zod";
import { CliToolConfigs, ConfigChangedError } from "../../cli-tools/config-writer";
import { findCliTool } from "../../cli-tools/tool-registry";
import { ConfigMergeError, type ToolSettings } from "../../cli-tools/tool-types";
import { constantTimeEqualHex, hashApiKey } from "../../security/api-key";
import { isLoopbackHost } from "../../util/is-loopback";
import type { GatewayRuntime } from "../gateway-runtime";
import { ApiError } from "./api-error";

/** Shown in snippets until the user gives a key; the page replaces it with the real one. */
export const KEY_PLACEHOLDER = "YOUR_OMNIROUTE_API_KEY";
const MODEL_PLACEHOLDER = "YOUR_MODEL_OR_COMBO";

const modelSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[^\s"'\\`]+$/, "a model id or combo name has no spaces or quotes")
  .describe("Model id or combo name the tool should use");

const writeBodySchema = z
  .object({
    key: z.string().min(1).max(512).describe("A client API key of this gateway (shown once at creation; never stored by this call)"),
    model: modelSchema,
    expected: z
      .record(z.string(), z.string().nullable())
      .optional()
      .describe("apply only: path → beforeSha256 from the preview; a file changed since is not overwritten (409)"),
  })
  .strict();

const snippetSchema = z.object({ language: z.string(), target: z.string().nullable(), text: z.string() });
const toolSchema = z.object({
  id: z.string(),
  name: z.string(),
  docsUrl: z.string(),
  api: z.string(),
  oneClick: z.boolean(),
  files: z.array(z.object({ path: z.string(), format: z.string(), exists: z.boolean() })),
  blockedReason: z.string().nullable(),
  snippets: z.array(snippetSchema),
});
const previewSchema = z.object({
  path: z.string(),
  format: z.string(),
  exists: z.boolean(),
  before: z.string().nullable(),
  after: z.string(),
  diff: z.string(),
  beforeSha256: z.string().nullable(),
});

/** The gateway's address as a local tool reaches it: a wildcard bind is reached on loopback. */
function gatewayOrigin(runtime: GatewayRuntime): string {
  const host = runtime.listen.host;
  const reachable = host === "0.0.0.0" || host === "::" || host === "" ? "127.0.0.1" : host;
  return `http://${reachable.includes(":") && !reachable.startsWith("[") ? `[${reachable}]` : reachable}:${runtime.listen.port}`;
}

export function cliToolsRoutes(runtime: GatewayRuntime) {
  const configs = new CliToolConfigs(runtime.toolsHome);

  /**
   * Reading and writing the user's config files is for someone at this machine: the request must come over loopback
   * and the gateway must listen on loopback only (so no other machine can be the one asking).
   */
  function localOnlyReason(request: Request, server: { requestIP(request: Request): { address: string } | null } | null): string | null {
    if (!runtime.loopbackOnly) {
      return `OmniRoute listens on ${runtime.listen.host}, reachable from other machines, so it does not read or write config files from the dashboard. Copy the snippet instead.`;
    }
    // The address the gateway decided (never a header read here). A request relayed by any proxy — trusted or one
    // that merely added X-Forwarded-For on this machine — may come from anywhere, so it is not "at this machine".
    const { ip, viaProxy } = clientAddressOf(request);
    const address = ip ?? server?.requestIP(request)?.address;
    if (viaProxy || request.headers.has("x-forwarded-for") || request.headers.has("forwarded") || !address || !isLoopbackHost(address)) {
      return "This dashboard is not open on the machine OmniRoute runs on, so it does not read or write config files there. Copy the snippet instead.";
    }
    return null;
  }

  function settingsFor(body: { key: string; model: string }): ToolSettings {
    const hash = hashApiKey(body.key);
    const active = runtime.services.apiKeys.rows().some((row) => row.revokedAt === null && constantTimeEqualHex(row.keyHash, hash));
    if (!active) throw new ApiError(400, "That is not an active client API key of this gateway. Create one on the API keys page and paste it here.", "invalid_key");
    return { origin: gatewayOrigin(runtime), apiKey: body.key, model: body.model };
  }

  function toolOr404(id: string) {
    const tool = findCliTool(id);
    if (!tool) throw new ApiError(404, `Unknown tool "${id}". GET /api/cli-tools lists them.`, "not_found");
    return tool;
  }

  function guarded<T>(action: () => T): T {
    try {
      return action();
    } catch (error) {
      if (error instanceof ApiError) throw error;
      if (error instanceof ConfigMergeError) throw new ApiError(409, error.message, "config_not_mergeable");
      if (error instanceof ConfigChangedError) throw new ApiError(409, error.message, "config_changed");
      const code = (error as NodeJS.ErrnoException | undefined)?.code;
      if (typeof code === "string" && error instanceof Error) throw new ApiError(500, `Could not read or write the config file: ${error.message}`, "config_io_failed");
      throw error;
    }
  }

  return new Elysia({ name: "admin:cli-tools", detail: { tags: ["CLI tools"] } })
    .get(
      "/api/cli-tools",
      ({ query, request, server }) => {
        const blocked = localOnlyReason(request, server);
        const settings: ToolSettings = { origin: gatewayOrigin(runtime), apiKey: KEY_PLACEHOLDER, model: query.model ?? MODEL_PLACEHOLDER };
        return {
          origin: settings.origin,
          keyPlaceholder: KEY_PLACEHOLDER,
          canWrite: blocked === null,
          writeBlockedReason: blocked,
          tools: configs.summaries(settings),
        };
      },
      {
        query: z.object({ model: modelSchema.optional() }),
        response: z.object({
          origin: z.string(),
          keyPlaceholder: z.string(),
          canWrite: z.boolean().describe("Preview and write are allowed for this request (loopback client, loopback-only gateway)"),
          writeBlockedReason: z.string().nullable(),
          tools: z.array(toolSchema),
        }),
        detail: {
          summary: "Coding tools (Claude Code, Codex CLI, Gemini CLI, OpenClaw, opencode, Cline, Kilo Code, Cursor, Continue): config paths, ready-to-paste snippets",
        },
      },
    )
    .post(
      "/api/cli-tools/:id/preview",
      ({ params, body, request, server }) => {
        const blocked = localOnlyReason(request, server);
        if (blocked) throw new ApiError(403, blocked, "not_local");
        const tool = toolOr404(params.id);
        const files = guarded(() => configs.preview(tool, settingsFor(body)));
        return { ...files[0]!, files };
      },
      {
        params: z.object({ id: z.string().min(1).max(50) }),
        body: writeBodySchema,
        response: previewSchema.extend({ files: z.array(previewSchema).describe("Every file the write touches (Gemini CLI: two); the top level repeats the first") }),
        detail: { summary: "What writing a tool's config would change: each file before and after, with a unified diff (loopback only)" },
      },
    )
    .post(
      "/api/cli-tools/:id/apply",
      ({ params, body, request, server }) => {
        const blocked = localOnlyReason(request, server);
        if (blocked) throw new ApiError(403, blocked, "not_local");
        const tool = toolOr404(params.id);
        const settings = settingsFor(body);
        const files = guarded(() => configs.apply(tool, settings, body.expected));
        runtime.consoleLog.child("cli-tools").info(`wrote the ${tool.name} config`, { files: files.map((file) => file.path) });
        return { files };
      },
      {
        params: z.object({ id: z.string().min(1).max(50) }),
        body: writeBodySchema,
        response: z.object({ files: z.array(z.object({ path: z.string(), written: z.boolean(), backupPath: z.string().nullable() })) }),
        detail: {
          summary: "Write a tool's config files (loopback only): the old file is copied to <file>.omniroute-backup-<time> first, the new one written atomically with its mode kept",
        },
      },
    );
}
