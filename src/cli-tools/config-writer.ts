import { createHash, randomBytes } from "node:crypto";
import { closeSync, copyFileSync, chmodSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
import { CLI_TOOLS } from "./tool-registry";
import { ConfigMergeError, type CliTool, type ConfigFormat, type PathContext, type ToolSettings, type ToolSnippet } from "./tool-types";
import { unifiedDiff } from "./unified-diff";

/** Config files are small; anything larger is not one of them and is not read into memory. */
const MAX_CONFIG_BYTES = 1024 * 1024;
/** A new config file holds a client key: readable by its owner only. */
const NEW_FILE_MODE = 0o600;

export interface ToolSummary {
  id: string;
  name: string;
  docsUrl: string;
  api: CliTool["api"];
  /** The tool has files OmniRoute can write; false for tools configured in their own settings screen. */
  oneClick: boolean;
  files: Array<{ path: string; format: ConfigFormat; exists: boolean }>;
  /** Why a one-click write would be refused before any merge is tried (e.g. Continue's legacy config.json). */
  blockedReason: string | null;
  snippets: ToolSnippet[];
}

export interface FilePreview {
  path: string;
  format: ConfigFormat;
  exists: boolean;
  before: string | null;
  after: string;
  /** Unified diff; empty when the file already holds these settings. */
  diff: string;
  /** SHA-256 of `before` (null for a missing file): pass it back to apply so a file changed since is not overwritten. */
  beforeSha256: string | null;
}

export interface AppliedFile {
  path: string;
  /** False when the file already held exactly these settings (nothing written, no backup). */
  written: boolean;
  /** Where the previous content was copied; null for a new file or an unchanged one. */
  backupPath: string | null;
}

/** A file changed between the preview and the write; the user should look at the new diff first. */
export class ConfigChangedError extends Error {
  override name = "ConfigChangedError";
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Reads, merges, previews and writes the coding tools' config files under one home directory. */
export class CliToolConfigs {
  readonly #context: () => PathContext;

  constructor(home?: string, platform: NodeJS.Platform = process.platform) {
    this.#context = () => ({ home: home ?? homedir(), platform });
  }

  get home(): string {
    return this.#context().home;
  }

  summaries(settings: ToolSettings): ToolSummary[] {
    const context = this.#context();
    return CLI_TOOLS.map((tool) => ({
      id: tool.id,
      name: tool.name,
      docsUrl: tool.docsUrl,
      api: tool.api,
      oneClick: tool.files.length > 0,
      files: tool.files.map((file) => ({ path: file.path(context), format: file.format, exists: existsSync(file.path(context)) })),
      blockedReason: this.#blockedReason(tool, context),
      snippets: tool.snippets(settings, context),
    }));
  }

  #blockedReason(tool: CliTool, context: PathContext): string | null {
    for (const file of tool.files) {
      const reason = file.conflicts?.(context, existsSync);
      if (reason) return reason;
    }
    return null;
  }

  /** The files as they are and as the write would leave them. Throws ConfigMergeError when a file cannot be merged safely. */
  preview(tool: CliTool, settings: ToolSettings): FilePreview[] {
    if (tool.files.length === 0) throw new ConfigMergeError(`${tool.name} keeps its settings in its own settings screen; copy the values from the snippet.`);
    const context = this.#context();
    const blocked = this.#blockedReason(tool, context);
    if (blocked) throw new ConfigMergeError(blocked);
    return tool.files.map((file) => {
      const path = file.path(context);
      const before = readConfig(path);
      const after = file.merge(before, settings);
      return { path, format: file.format, exists: before !== null, before, after, diff: unifiedDiff(path, before, after), beforeSha256: before === null ? null : sha256(before) };
    });
  }

  /**
   * Writes every file of the tool: each merge is computed first (one refusal writes nothing), then each changed file
   * is backed up to `<file>.omniroute-backup-<time>` and replaced atomically (temp file + rename), keeping its mode.
   * `expected` maps paths to the `beforeSha256` of the preview the user confirmed.
   */
  apply(tool: CliTool, settings: ToolSettings, expected?: Record<string, string | null>): AppliedFile[] {
    const previews = this.preview(tool, settings);
    for (const preview of previews) {
      if (expected && preview.path in expected && expected[preview.path] !== preview.beforeSha256) {
        throw new ConfigChangedError(`${preview.path} changed since the preview. Preview again before writing.`);
      }
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    return previews.map((preview) => {
      if (preview.before === preview.after) return { path: preview.path, written: false, backupPath: null };
      // Write through a symlink (dotfile managers link these files) rather than replacing the link.
      const target = preview.exists ? realpathSync(preview.path) : preview.path;
      let backupPath: string | null = null;
      let mode = NEW_FILE_MODE;
      if (preview.exists) {
        mode = statSync(target).mode & 0o7777;
        backupPath = `${preview.path}.omniroute-backup-${stamp}`;
        copyFileSync(target, backupPath);
        chmodSync(backupPath, mode);
      }
      writeAtomically(target, preview.after, mode);
      return { path: preview.path, written: true, backupPath };
    });
  }
}

function readConfig(path: string): string | null {
  if (!existsSync(path)) return null;
  const stat = statSync(path);
  if (!stat.isFile()) throw new ConfigMergeError(`${path} is not a regular file; OmniRoute will not touch it.`);
  if (stat.size > MAX_CONFIG_BYTES) throw new ConfigMergeError(`${path} is larger than 1 MB; OmniRoute will not edit it.`);
  return readFileSync(path, "utf8");
}

/** Temp file in the same directory, flushed, then renamed over the target: a reader sees the old or the new file, never half. */
function writeAtomically(path: string, content: string, mode: number): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.${basename(path)}.omniroute-${randomBytes(6).toString("hex")}.tmp`);
  const fd = openSync(temp, "wx", mode);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }
  closeSync(fd);
  try {
    // The umask may have narrowed the mode given to open.
    chmodSync(temp, mode);
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
