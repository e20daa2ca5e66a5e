import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestGateway, type TestGateway } from "../helpers/test-gateway";

/** The CLI tools API against a real gateway whose tools home (OMNIROUTE_TOOLS_HOME) is a temp directory. */

let gw: TestGateway;
let home: string;
let headers: Record<string, string>;
let clientKey: string;

const EXISTING_CLAUDE = `{
  "permissions": {
    "allow": ["Bash(git status)"]
  },
  "env": {
    "DISABLE_TELEMETRY": "1"
  }
}
`;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "omniroute-tools-home-"));
  gw = await startTestGateway({ env: { OMNIROUTE_TOOLS_HOME: home } });
  headers = await gw.adminHeaders();
  const created = await fetch(`${gw.url}/api/keys`, { method: "POST", headers, body: JSON.stringify({ name: "tools" }) });
  clientKey = ((await created.json()) as { key: string }).key;
});

afterAll(async () => {
  await gw?.stop();
  rmSync(home, { recursive: true, force: true });
});

const post = (path: string, body: unknown) => fetch(`${gw.url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });

describe("CLI tools API", () => {
  test("GET lists every tool with its paths in the tools home and snippets for the given model", async () => {
    const response = await fetch(`${gw.url}/api/cli-tools?model=coding`, { headers });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      origin: string;
      canWrite: boolean;
      keyPlaceholder: string;
      tools: Array<{ id: string; oneClick: boolean; files: Array<{ path: string; exists: boolean }>; snippets: Array<{ text: string }> }>;
    };
    expect(body.origin).toBe(gw.url);
    expect(body.canWrite).toBe(true);
    expect(body.tools.map((tool) => tool.id)).toEqual(["claude-code", "codex", "gemini-cli", "openclaw", "opencode", "cline", "kilo-code", "cursor", "continue"]);
    const claude = body.tools.find((tool) => tool.id === "claude-code")!;
    expect(claude.files).toEqual([{ path: join(home, ".claude", "settings.json"), format: "json", exists: false } as never]);
    expect(claude.snippets[0]!.text).toContain(`"ANTHROPIC_BASE_URL": "${gw.url}"`);
    expect(claude.snippets[0]!.text).toContain(body.keyPlaceholder);
    expect(body.tools.find((tool) => tool.id === "cursor")!.oneClick).toBe(false);
  });

  test("preview shows the diff and writes nothing; apply backs up the old file and keeps its mode", async () => {
    const path = join(home, ".claude", "settings.json");
    mkdirSync(join(home, ".claude"), { recursive: true });
    writeFileSync(path, EXISTING_CLAUDE);
    chmodSync(path, 0o640);

    const preview = await post("/api/cli-tools/claude-code/preview", { key: clientKey, model: "coding" });
    expect(preview.status).toBe(200);
    const shown = (await preview.json()) as { path: string; before: string; after: string; diff: string; beforeSha256: string; files: unknown[] };
    expect(shown.path).toBe(path);
    expect(shown.before).toBe(EXISTING_CLAUDE);
    expect(shown.diff).toContain(`+    "ANTHROPIC_AUTH_TOKEN": "${clientKey}",`);
    expect(shown.diff.startsWith(`--- a${path}\n+++ b${path}\n@@ `)).toBe(true);
    expect(shown.files).toHaveLength(1);
    expect(readFileSync(path, "utf8")).toBe(EXISTING_CLAUDE);

    const applied = await post("/api/cli-tools/claude-code/apply", { key: clientKey, model: "coding", expected: { [path]: shown.beforeSha256 } });
    expect(applied.status).toBe(200);
    const result = (await applied.json()) as { files: Array<{ path: string; written: boolean; backupPath: string }> };
    expect(result.files).toHaveLength(1);
    expect(result.files[0]!.written).toBe(true);
    expect(result.files[0]!.backupPath).toMatch(/settings\.json\.omniroute-backup-\d{4}-\d\d-\d\dT/);
    expect(readFileSync(result.files[0]!.backupPath, "utf8")).toBe(EXISTING_CLAUDE);
    expect(readFileSync(path, "utf8")).toBe(shown.after);
    const written = JSON.parse(readFileSync(path, "utf8"));
    expect(written.env).toMatchObject({ DISABLE_TELEMETRY: "1", ANTHROPIC_BASE_URL: gw.url, ANTHROPIC_AUTH_TOKEN: clientKey, ANTHROPIC_MODEL: "coding" });
    expect(written.permissions).toEqual({ allow: ["Bash(git status)"] });
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(statSync(result.files[0]!.backupPath).mode & 0o777).toBe(0o640);
    // No temp file left behind.
    expect(readdirSync(join(home, ".claude")).filter((name) => name.endsWith(".tmp"))).toEqual([]);

    // The written config really reaches this gateway with that key.
    const models = await fetch(`${written.env.ANTHROPIC_BASE_URL}/v1/models`, { headers: { authorization: `Bearer ${written.env.ANTHROPIC_AUTH_TOKEN}` } });
    expect(models.status).toBe(200);

    // Applying the same settings again changes nothing and makes no second backup.
    const again = (await (await post("/api/cli-tools/claude-code/apply", { key: clientKey, model: "coding" })).json()) as { files: Array<{ written: boolean; backupPath: string | null }> };
    expect(again.files[0]).toEqual({ path, written: false, backupPath: null } as never);
  });

  test("a file changed since the preview is not overwritten", async () => {
    const path = join(home, ".codex", "config.toml");
    mkdirSync(join(home, ".codex"), { recursive: true });
    writeFileSync(path, 'model = "o3"\n');
    const shown = (await (await post("/api/cli-tools/codex/preview", { key: clientKey, model: "coding" })).json()) as { beforeSha256: string };
    writeFileSync(path, 'model = "o4-mini"\n');
    const applied = await post("/api/cli-tools/codex/apply", { key: clientKey, model: "coding", expected: { [path]: shown.beforeSha256 } });
    expect(applied.status).toBe(409);
    expect(((await applied.json()) as { error: { code: string } }).error.code).toBe("config_changed");
    expect(readFileSync(path, "utf8")).toBe('model = "o4-mini"\n');
  });

  test("a new file is created with owner-only permissions; Gemini CLI writes both of its files", async () => {
    const applied = await post("/api/cli-tools/gemini-cli/apply", { key: clientKey, model: "coding" });
    expect(applied.status).toBe(200);
    const { files } = (await applied.json()) as { files: Array<{ path: string; written: boolean; backupPath: string | null }> };
    expect(files.map((file) => file.path)).toEqual([join(home, ".gemini", "settings.json"), join(home, ".gemini", ".env")]);
    expect(files.every((file) => file.written && file.backupPath === null)).toBe(true);
    expect(readFileSync(join(home, ".gemini", ".env"), "utf8")).toBe(`GOOGLE_GEMINI_BASE_URL=${gw.url}\nGEMINI_API_KEY=${clientKey}\n`);
    expect(statSync(join(home, ".gemini", ".env")).mode & 0o777).toBe(0o600);
  });

  test("a symlinked config is written through the link", async () => {
    const real = join(home, "dotfiles-opencode.json");
    writeFileSync(real, '{"theme": "tokyonight"}\n');
    mkdirSync(join(home, ".config", "opencode"), { recursive: true });
    symlinkSync(real, join(home, ".config", "opencode", "opencode.json"));
    expect((await post("/api/cli-tools/opencode/apply", { key: clientKey, model: "coding" })).status).toBe(200);
    expect(JSON.parse(readFileSync(real, "utf8"))).toMatchObject({ theme: "tokyonight", model: "omniroute/coding" });
  });

  test("a file with comments is refused with 409 and left untouched", async () => {
    const path = join(home, ".openclaw", "openclaw.json");
    mkdirSync(join(home, ".openclaw"), { recursive: true });
    writeFileSync(path, "{\n  // my gateway\n  gateway: { port: 18789 },\n}\n");
    const response = await post("/api/cli-tools/openclaw/apply", { key: clientKey, model: "coding" });
    expect(response.status).toBe(409);
    const error = ((await response.json()) as { error: { code: string; message: string } }).error;
    expect(error.code).toBe("config_not_mergeable");
    expect(error.message).toContain("comments");
    expect(readFileSync(path, "utf8")).toContain("// my gateway");
    expect(readdirSync(join(home, ".openclaw"))).toEqual(["openclaw.json"]);
  });

  test("an unknown key, an unknown tool and a settings-screen tool are refused", async () => {
    const badKey = await post("/api/cli-tools/codex/preview", { key: "omr_not-a-real-key", model: "coding" });
    expect(badKey.status).toBe(400);
    expect(((await badKey.json()) as { error: { code: string } }).error.code).toBe("invalid_key");
    expect((await post("/api/cli-tools/vim/preview", { key: clientKey, model: "coding" })).status).toBe(404);
    expect((await post("/api/cli-tools/cursor/apply", { key: clientKey, model: "coding" })).status).toBe(409);
    expect((await post("/api/cli-tools/codex/apply", { key: clientKey, model: "has space" })).status).toBe(400);
  });

  test("a request that did not come over loopback may not preview or write", async () => {
    const app = await gw.gateway.loadApp();
    // A request handed to the app directly has no client address, like one whose address is not loopback.
    const remote = await app.handle(
      new Request(`${gw.url}/api/cli-tools/claude-code/apply`, { method: "POST", headers, body: JSON.stringify({ key: clientKey, model: "coding" }) }),
    );
    expect(remote.status).toBe(403);
    expect(((await remote.json()) as { error: { code: string } }).error.code).toBe("not_local");
    const listed = (await (await app.handle(new Request(`${gw.url}/api/cli-tools`, { headers }))).json()) as { canWrite: boolean; writeBlockedReason: string };
    expect(listed.canWrite).toBe(false);
    expect(listed.writeBlockedReason).toContain("not open on the machine");
  });

  test("a gateway listening beyond loopback refuses preview and write even from loopback", async () => {
    const runtime = gw.gateway.runtime;
    runtime.loopbackOnly = false;
    try {
      const listed = (await (await fetch(`${gw.url}/api/cli-tools`, { headers })).json()) as { canWrite: boolean; writeBlockedReason: string };
      expect(listed.canWrite).toBe(false);
      expect(listed.writeBlockedReason).toContain("reachable from other machines");
      const before = existsSync(join(home, ".continue", "config.yaml"));
      const response = await post("/api/cli-tools/continue/apply", { key: clientKey, model: "coding" });
      expect(response.status).toBe(403);
      expect(existsSync(join(home, ".continue", "config.yaml"))).toBe(before);
      expect((await post("/api/cli-tools/continue/preview", { key: clientKey, model: "coding" })).status).toBe(403);
    } finally {
      runtime.loopbackOnly = true;
    }
  });
});
