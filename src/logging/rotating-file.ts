import { appendFile, mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";

export interface RotationLimits {
  /** The live file is rotated before it would grow past this many bytes. */
  maxBytes: number;
  /** Rotated files kept: `<path>.1` (newest) … `<path>.<count>`; 0 keeps none. */
  count: number;
}

const MAX_KEPT_FILES_EVER = 100;

/**
 * Appends batches of lines to one file, rotating it by size. Only asynchronous file calls, one batch at a time:
 * callers hand over text and never wait on the disk.
 */
export class RotatingFile {
  #limits: RotationLimits;
  #size: number | undefined;
  #dirReady = false;
  #chain: Promise<void> = Promise.resolve();

  constructor(
    readonly path: string,
    limits: RotationLimits,
    private readonly onError: (error: unknown) => void = () => {},
  ) {
    this.#limits = { ...limits };
  }

  setLimits(limits: RotationLimits): void {
    const fewer = limits.count < this.#limits.count;
    this.#limits = { ...limits };
    if (fewer) this.#chain = this.#chain.then(() => this.#removeBeyond(limits.count)).catch(this.onError);
  }

  /** Queues one batch (each line ending in "\n"); resolves when it is written or has failed. */
  write(lines: string[]): Promise<void> {
    if (lines.length === 0) return this.#chain;
    this.#chain = this.#chain.then(() => this.#write(lines)).catch(this.onError);
    return this.#chain;
  }

  /** Resolves once every batch handed over so far is on disk (or failed). */
  idle(): Promise<void> {
    return this.#chain;
  }

  async #write(lines: string[]): Promise<void> {
    if (!this.#dirReady) {
      await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
      this.#dirReady = true;
    }
    this.#size ??= await stat(this.path).then(
      (s) => s.size,
      () => 0,
    );
    const max = Math.max(1, this.#limits.maxBytes);
    let chunk = "";
    let chunkBytes = 0;
    for (const line of lines) {
      const bytes = Buffer.byteLength(line);
      if (this.#size + chunkBytes + bytes > max && this.#size + chunkBytes > 0) {
        if (chunkBytes > 0) await this.#append(chunk, chunkBytes);
        chunk = "";
        chunkBytes = 0;
        await this.#rotate();
      }
      chunk += line;
      chunkBytes += bytes;
    }
    if (chunkBytes > 0) await this.#append(chunk, chunkBytes);
  }

  async #append(text: string, bytes: number): Promise<void> {
    try {
      await appendFile(this.path, text, { mode: 0o600 });
    } catch (error) {
      // Moved or deleted under us (logrotate, a cleanup): start over on the next batch.
      this.#size = undefined;
      this.#dirReady = false;
      throw error;
    }
    this.#size! += bytes;
  }

  async #rotate(): Promise<void> {
    const count = Math.min(this.#limits.count, MAX_KEPT_FILES_EVER);
    if (count === 0) {
      await rm(this.path, { force: true });
    } else {
      await rm(`${this.path}.${count}`, { force: true });
      for (let i = count - 1; i >= 1; i--) await renameIfExists(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      await renameIfExists(this.path, `${this.path}.1`);
    }
    this.#size = 0;
  }

  async #removeBeyond(count: number): Promise<void> {
    for (let i = count + 1; i <= MAX_KEPT_FILES_EVER; i++) {
      if (!(await exists(`${this.path}.${i}`))) break;
      await rm(`${this.path}.${i}`, { force: true });
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if ((error as { code?: string }).code !== "ENOENT") throw error;
  }
}
