import { describe, expect, test } from "bun:test";
import { findCliTool } from "../../../src/cli-tools/tool-registry";
import { ConfigMergeError, type ToolSettings } from "../../../src/cli-tools/tool-types";

/** Each tool's merge against realistic existing files: OmniRoute's settings land, the user's others stay. */

const SETTINGS: ToolSettings = { origin: "http://127.0.0.1:20128", apiKey: "omr_testkey123", model: "coding" };
const CONTEXT = { home: "/home/dev", platform: "linux" as const };

function merge(toolId: string, existing: string | null, fileIndex = 0, settings = SETTINGS): string {
  const tool = findCliTool(toolId);
  if (!tool) throw new Error(`no tool ${toolId}`);
  return tool.files[fileIndex]!.merge(existing, settings);
}

describe("Claude Code ~/.claude/settings.json", () => {
  const existing = `{
    "$schema": "https://json.schemastore.org/claude-code-settings.json",
    "permissions": {
        "allow": ["Bash(npm run test:*)", "Read(~/.zshrc)"],
        "deny": ["Read(./.env)"]
    },
    "env": {
        "CLAUDE_CODE_ENABLE_TELEMETRY": "0",
        "ANTHROPIC_API_KEY": "sk-ant-old"
    },
    "model": "opus",
    "hooks": {"PostToolUse": [{"matcher": "Edit", "hooks": [{"type": "command", "command": "prettier --write"}]}]}
}
`;

  test("sets the env block, drops a competing ANTHROPIC_API_KEY and keeps everything else, in the file's indentation", () => {
    const after = merge("claude-code", existing);
    const parsed = JSON.parse(after);
    expect(parsed.env).toEqual({
      CLAUDE_CODE_ENABLE_TELEMETRY: "0",
      ANTHROPIC_BASE_URL: "http://127.0.0.1:20128",
      ANTHROPIC_AUTH_TOKEN: "omr_testkey123",
      ANTHROPIC_MODEL: "coding",
      ANTHROPIC_DEFAULT_HAIKU_MODEL: "coding",
    });
    expect(parsed.permissions).toEqual(JSON.parse(existing).permissions);
    expect(parsed.hooks).toEqual(JSON.parse(existing).hooks);
    expect(parsed.model).toBe("opus");
    expect(Object.keys(parsed)).toEqual(["$schema", "permissions", "env", "model", "hooks"]);
    expect(after).toContain('\n    "env": {\n        "CLAUDE_CODE_ENABLE_TELEMETRY"');
    expect(after.endsWith("}\n")).toBe(true);
  });

  test("a missing or empty file becomes just the env block", () => {
    expect(JSON.parse(merge("claude-code", null))).toEqual({
      env: { ANTHROPIC_BASE_URL: "http://127.0.0.1:20128", ANTHROPIC_AUTH_TOKEN: "omr_testkey123", ANTHROPIC_MODEL: "coding", ANTHROPIC_DEFAULT_HAIKU_MODEL: "coding" },
    });
    expect(JSON.parse(merge("claude-code", "  \n")).env.ANTHROPIC_MODEL).toBe("coding");
  });

  test("merging twice gives the same file", () => {
    const once = merge("claude-code", existing);
    expect(merge("claude-code", once)).toBe(once);
  });

  test("comments are never stripped silently: the merge refuses", () => {
    const withComments = `{\n  // my settings\n  "model": "opus",\n}\n`;
    expect(() => merge("claude-code", withComments)).toThrow(ConfigMergeError);
    expect(() => merge("claude-code", withComments)).toThrow(/comments/);
  });

  test("broken JSON, a top-level array and a non-object env are refused", () => {
    expect(() => merge("claude-code", `{"env": `)).toThrow(/not valid JSON/);
    expect(() => merge("claude-code", `[1, 2]`)).toThrow(/JSON object/);
    expect(() => merge("claude-code", `{"env": "nope"}`)).toThrow(/"env" is not an object/);
  });
});

describe("Codex CLI ~/.codex/config.toml", () => {
  const existing = `# Codex configuration
model = "gpt-5.4" # the default
approval_policy = "on-request"
sandbox_mode = "workspace-write"
notify = [
  "notify-send",
  "Codex",
]

[model_providers.azure]
name = "Azure"
base_url = "https://example.openai.azure.com/openai"
env_key = "AZURE_OPENAI_API_KEY"
query_params = { api-version = "2025-04-01-preview" }

[model_providers.omniroute]
name = "Old name"
base_url = "http://127.0.0.1:9999/v1"
env_key = "OMNIROUTE_KEY"
request_max_retries = 4

[mcp_servers.docs]
command = "npx"
args = ["-y", "docs-mcp"]

[projects."/home/dev/work"]
trust_level = "trusted"
`;

  test("edits only model, model_provider and the [model_providers.omniroute] keys it owns", () => {
    const after = merge("codex", existing);
    const parsed = Bun.TOML.parse(after) as Record<string, any>;
    const before = Bun.TOML.parse(existing) as Record<string, any>;
    expect(parsed.model).toBe("coding");
    expect(parsed.model_provider).toBe("omniroute");
    expect(parsed.model_providers.omniroute).toEqual({
      name: "OmniRoute",
      base_url: "http://127.0.0.1:20128/v1",
      wire_api: "responses",
      experimental_bearer_token: "omr_testkey123",
      request_max_retries: 4,
    });
    expect(parsed.model_providers.azure).toEqual(before.model_providers.azure);
    expect(parsed.mcp_servers).toEqual(before.mcp_servers);
    expect(parsed.projects).toEqual(before.projects);
    expect(parsed.notify).toEqual(before.notify);
    // Comments and layout survive.
    expect(after).toContain("# Codex configuration\n");
    expect(after).toContain('model = "coding" # the default\n');
    // New top-level keys go before the first table, never into a table.
    expect(after.indexOf('model_provider = "omniroute"')).toBeLessThan(after.indexOf("[model_providers.azure]"));
  });

  test("a file without our table gets one appended, and a new file is complete", () => {
    const after = merge("codex", `model = "o3"\n\n[tui]\nnotifications = true\n`);
    expect(after).toBe(
      `model = "coding"\nmodel_provider = "omniroute"\n\n[tui]\nnotifications = true\n\n[model_providers.omniroute]\nname = "OmniRoute"\nbase_url = "http://127.0.0.1:20128/v1"\nwire_api = "responses"\nexperimental_bearer_token = "omr_testkey123"\n`,
    );
    const fresh = Bun.TOML.parse(merge("codex", null)) as Record<string, any>;
    expect(fresh.model_provider).toBe("omniroute");
    expect(fresh.model_providers.omniroute.base_url).toBe("http://127.0.0.1:20128/v1");
  });

  test("a header-like line inside a multi-line array or string is not mistaken for a table", () => {
    const tricky = `model = "x"\nmatrix = [\n  [1, 2]\n]\ndescription = """\n[model_providers.omniroute]\n"""\n`;
    const parsed = Bun.TOML.parse(merge("codex", tricky)) as Record<string, any>;
    expect(parsed.matrix).toEqual([[1, 2]]);
    expect(parsed.description).toBe("[model_providers.omniroute]\n");
    expect(parsed.model_providers.omniroute.wire_api).toBe("responses");
  });

  test("CRLF files stay CRLF, and merging twice is stable", () => {
    const crlf = `model = "o3"\r\n\r\n[tui]\r\nnotifications = true\r\n`;
    const once = merge("codex", crlf);
    expect(once.split("\r\n").length).toBeGreaterThan(5);
    expect(once.replace(/\r\n/g, "")).not.toContain("\n");
    expect(merge("codex", once)).toBe(once);
  });

  test("our table written inline or with dotted keys, and invalid TOML, are refused", () => {
    expect(() => merge("codex", `model_providers = { omniroute = { name = "x" } }\n`)).toThrow(ConfigMergeError);
    expect(() => merge("codex", `[model_providers]\nomniroute.name = "x"\n`)).toThrow(/inline table or dotted keys/);
    expect(() => merge("codex", `model = \n`)).toThrow(/not valid TOML/);
  });
});

describe("Gemini CLI ~/.gemini/settings.json and ~/.gemini/.env", () => {
  test("settings: auth type and model set, the rest kept", () => {
    const existing = JSON.stringify({ general: { vimMode: true }, security: { auth: { selectedType: "oauth-personal" }, folderTrust: { enabled: true } }, ui: { theme: "GitHub" } }, null, 2);
    const parsed = JSON.parse(merge("gemini-cli", existing, 0));
    expect(parsed.security).toEqual({ auth: { selectedType: "gemini-api-key" }, folderTrust: { enabled: true } });
    expect(parsed.model).toEqual({ name: "coding" });
    expect(parsed.general).toEqual({ vimMode: true });
    expect(parsed.ui).toEqual({ theme: "GitHub" });
  });

  test(".env: our variables replaced in place or appended, other lines and comments kept", () => {
    const existing = "# Gemini env\nGEMINI_API_KEY=AIza-old\nexport DEBUG=1\n\nGOOGLE_CLOUD_PROJECT=my-project\n";
    const after = merge("gemini-cli", existing, 1);
    expect(after).toBe("# Gemini env\nGEMINI_API_KEY=omr_testkey123\nexport DEBUG=1\n\nGOOGLE_CLOUD_PROJECT=my-project\nGOOGLE_GEMINI_BASE_URL=http://127.0.0.1:20128\n");
    expect(merge("gemini-cli", null, 1)).toBe("GOOGLE_GEMINI_BASE_URL=http://127.0.0.1:20128\nGEMINI_API_KEY=omr_testkey123\n");
  });
});

describe("OpenClaw ~/.openclaw/openclaw.json", () => {
  const existing = JSON.stringify(
    {
      gateway: { port: 18789, auth: { token: "gw-token" } },
      channels: { telegram: { enabled: true } },
      models: { mode: "merge", providers: { ollama: { baseUrl: "http://127.0.0.1:11434", api: "ollama" }, omniroute: { baseUrl: "old", models: [{ id: "fast", name: "Fast" }], headers: { "X-A": "1" } } } },
      agents: { defaults: { model: { primary: "anthropic/claude-opus-4-6", fallbacks: ["ollama/llama3.3"] }, models: { "anthropic/claude-opus-4-6": { alias: "Opus" } }, workspace: "~/work" } },
    },
    null,
    2,
  );

  test("adds the provider and the default model, keeping fallbacks, other providers and per-model entries", () => {
    const parsed = JSON.parse(merge("openclaw", existing));
    expect(parsed.models.providers.omniroute).toEqual({
      baseUrl: "http://127.0.0.1:20128/v1",
      apiKey: "omr_testkey123",
      api: "openai-completions",
      models: [
        { id: "fast", name: "Fast" },
        { id: "coding", name: "coding" },
      ],
      headers: { "X-A": "1" },
    });
    expect(parsed.models.providers.ollama).toEqual({ baseUrl: "http://127.0.0.1:11434", api: "ollama" });
    expect(parsed.agents.defaults.model).toEqual({ primary: "omniroute/coding", fallbacks: ["ollama/llama3.3"] });
    expect(parsed.agents.defaults.models).toEqual({ "anthropic/claude-opus-4-6": { alias: "Opus" }, "omniroute/coding": {} });
    expect(parsed.gateway).toEqual({ port: 18789, auth: { token: "gw-token" } });
    expect(parsed.channels).toEqual({ telegram: { enabled: true } });
  });

  test("a string default model becomes { primary }", () => {
    const parsed = JSON.parse(merge("openclaw", JSON.stringify({ agents: { defaults: { model: "openai/gpt-5.5" } } })));
    expect(parsed.agents.defaults.model).toEqual({ primary: "omniroute/coding" });
  });

  test("a JSON5 file (comments, unquoted keys) is refused rather than rewritten without them", () => {
    const json5 = `{\n  // gateway\n  gateway: { port: 18789 },\n}\n`;
    expect(() => merge("openclaw", json5)).toThrow(/comments or other non-JSON syntax/);
  });
});

describe("opencode ~/.config/opencode/opencode.json", () => {
  test("adds the openai-compatible provider and selects it, keeping other providers, options and models", () => {
    const existing = JSON.stringify({
      $schema: "https://opencode.ai/config.json",
      theme: "tokyonight",
      autoupdate: false,
      provider: { anthropic: { options: { timeout: 600000 } }, omniroute: { options: { headers: { "X-Team": "a" } }, models: { fast: { name: "Fast" } } } },
      model: "anthropic/claude-sonnet-4-5",
      small_model: "anthropic/claude-haiku-4-5",
    });
    const parsed = JSON.parse(merge("opencode", existing));
    expect(parsed.provider.omniroute).toEqual({
      options: { headers: { "X-Team": "a" }, baseURL: "http://127.0.0.1:20128/v1", apiKey: "omr_testkey123" },
      models: { fast: { name: "Fast" }, coding: { name: "coding" } },
      npm: "@ai-sdk/openai-compatible",
      name: "OmniRoute",
    });
    expect(parsed.provider.anthropic).toEqual({ options: { timeout: 600000 } });
    expect(parsed.model).toBe("omniroute/coding");
    expect(parsed.small_model).toBe("anthropic/claude-haiku-4-5");
    expect(parsed.theme).toBe("tokyonight");
  });

  test("a new file carries the schema", () => {
    expect(JSON.parse(merge("opencode", null)).$schema).toBe("https://opencode.ai/config.json");
  });
});

describe("Continue ~/.continue/config.yaml", () => {
  const existing = `name: My Config
version: 0.0.1
schema: v1
models:
  # the main chat model
  - name: Claude Sonnet
    provider: anthropic
    model: claude-sonnet-4-6
    apiKey: \${{ secrets.ANTHROPIC_API_KEY }}
    roles:
      - chat
      - edit

  - name: Qwen autocomplete
    provider: ollama
    model: qwen2.5-coder:1.5b
    roles: [autocomplete]
context:
  - provider: code
  - provider: docs
rules:
  - Always write tests
`;

  test("appends the OmniRoute model after the last entry, comments and other sections untouched", () => {
    const after = merge("continue", existing);
    expect(after).toContain("  # the main chat model\n");
    const parsed = Bun.YAML.parse(after) as Record<string, any>;
    const before = Bun.YAML.parse(existing) as Record<string, any>;
    expect(parsed.models.slice(0, 2)).toEqual(before.models);
    expect(parsed.models[2]).toEqual({ name: "OmniRoute", provider: "openai", model: "coding", apiBase: "http://127.0.0.1:20128/v1", apiKey: "omr_testkey123", roles: ["chat", "edit", "apply"] });
    expect(parsed.context).toEqual(before.context);
    expect(parsed.rules).toEqual(before.rules);
  });

  test("the next write replaces the OmniRoute entry in place", () => {
    const once = merge("continue", existing);
    const twice = merge("continue", once, 0, { ...SETTINGS, model: "fast" });
    const parsed = Bun.YAML.parse(twice) as Record<string, any>;
    expect(parsed.models).toHaveLength(3);
    expect(parsed.models[2].model).toBe("fast");
    expect(merge("continue", once)).toBe(once);
  });

  test("column-0 list items, an empty list and a file without models are handled", () => {
    const column0 = "name: c\nversion: 1.0.0\nschema: v1\nmodels:\n- name: A\n  provider: openai\n  model: a\n";
    const parsed = Bun.YAML.parse(merge("continue", column0)) as Record<string, any>;
    expect(parsed.models.map((m: { name: string }) => m.name)).toEqual(["A", "OmniRoute"]);
    expect((Bun.YAML.parse(merge("continue", "name: c\nmodels: []\n")) as any).models).toHaveLength(1);
    expect((Bun.YAML.parse(merge("continue", "name: c\nversion: 1.0.0\n")) as any).models[0].name).toBe("OmniRoute");
    expect(Bun.YAML.parse(merge("continue", null))).toMatchObject({ name: "Local Config", schema: "v1" });
  });

  test("flow-style lists are refused", () => {
    expect(() => merge("continue", "name: c\nmodels: [{name: A, provider: openai, model: a}]\n")).toThrow(/flow style/);
  });

  test("a legacy config.json without config.yaml blocks the write", () => {
    const file = findCliTool("continue")!.files[0]!;
    const onlyJson = (path: string) => path.endsWith("config.json");
    expect(file.conflicts!(CONTEXT, onlyJson)).toMatch(/config\.json/);
    expect(file.conflicts!(CONTEXT, () => true)).toBeNull();
  });
});

describe("snippets", () => {
  test("every tool has one, with the gateway's URLs and the key", () => {
    for (const id of ["claude-code", "codex", "gemini-cli", "openclaw", "opencode", "cline", "kilo-code", "cursor", "continue"]) {
      const snippets = findCliTool(id)!.snippets(SETTINGS, CONTEXT);
      const text = snippets.map((snippet) => snippet.text).join("\n");
      expect({ id, key: text.includes("omr_testkey123"), url: text.includes("http://127.0.0.1:20128") }).toEqual({ id, key: true, url: true });
    }
    expect(findCliTool("claude-code")!.snippets(SETTINGS, CONTEXT)[0]!.target).toBe("/home/dev/.claude/settings.json");
    expect(findCliTool("cursor")!.snippets(SETTINGS, CONTEXT)[0]).toMatchObject({ language: "text", target: null });
  });
});
