import { join } from "node:path";
import { redact, redactValue } from "../security/redact";
import { formatJsonLine, formatTerminalLine } from "./log-format";
import { levelAtLeast, type LogLevel } from "./log-level";
import { LogRing, type ConsoleLogEntry, type ConsoleLogPage, type ConsoleLogQuery } from "./log-ring";
import { RotatingFile } from "./rotating-file";

export type LogFields = Record<string, unknown>;

/** Where a logger's entries go. */
export interface LogSink {
  enabled(level: LogLevel): boolean;
  write(level: LogLevel, component: string, msg: string, fields?: LogFields): void;
}

/** A component's handle on a sink: `log.info("listening", { url })`; `log.child("router")` names a part of it. */
export class Logger {
  constructor(
    private readonly sink: () => LogSink,
    readonly component: string,
    private readonly bindings?: LogFields,
  ) {}

  child(component: string, bindings?: LogFields): Logger {
    const name = this.component ? `${this.component}.${component}` : component;
    return new Logger(this.sink, name, this.bindings || bindings ? { ...this.bindings, ...bindings } : undefined);
  }

  enabled(level: LogLevel): boolean {
    return this.sink().enabled(level);
  }

  debug(msg: string, fields?: LogFields): void {
    this.#log("debug", msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.#log("info", msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.#log("warn", msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.#log("error", msg, fields);
  }

  #log(level: LogLevel, msg: string, fields: LogFields | undefined): void {
    const sink = this.sink();
    if (!sink.enabled(level)) return;
    sink.write(level, this.component, msg, this.bindings ? { ...this.bindings, ...fields } : fields);
  }
}

export interface TerminalWriter {
  /** debug and info lines. */
  out(text: string): void;
  /** warn and error lines. */
  err(text: string): void;
}

export const processTerminal: TerminalWriter = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};

/** Told about every entry as it is recorded, and when the log stops serving subscribers. */
export interface ConsoleLogSubscriber {
  entry(entry: ConsoleLogEntry): void;
  end(): void;
}

export interface ConsoleLogSettings {
  level: LogLevel;
  /** The JSON file is rotated before it would grow past this. */
  fileMaxBytes: number;
  /** Rotated files kept (`omniroute.log.1` … `.N`). */
  fileCount: number;
}

export interface ConsoleLogOptions extends Partial<ConsoleLogSettings> {
  /** The JSON-lines file; null keeps entries in memory and on the terminal only. */
  filePath?: string | null;
  /** Entries kept in memory for the API. */
  ringSize?: number;
  /** Queued file lines are written at least this often. */
  flushIntervalMs?: number;
  /** …and at once when this many bytes are queued. */
  flushBytes?: number;
  /** Beyond this many bytes waiting for the disk, entries are dropped from the file (and counted). */
  maxQueuedBytes?: number;
  /** false: no terminal output. */
  terminal?: TerminalWriter | false;
  /** Exact values to remove wherever they appear (provider keys in use). */
  knownSecrets?: () => readonly string[];
  now?: () => Date;
}

export const CONSOLE_LOG_FILE = "omniroute.log";
/** `<dataDir>/logs/omniroute.log` */
export function consoleLogPath(dataDir: string): string {
  return join(dataDir, "logs", CONSOLE_LOG_FILE);
}

const MAX_MSG_CHARS = 8192;
const FILE_ERROR_REPORT_MS = 60_000;

/**
 * The gateway's structured log. Each entry is redacted once, then kept in a ring buffer (for the API and its
 * live stream), printed as one line to stdout (debug, info) or stderr (warn, error), and queued as one JSON
 * line for the size-rotated file. The file is written asynchronously in batches — on a timer, or early when
 * enough is queued — so logging never waits on the disk; `flush()`/`close()` write what is left.
 */
export class ConsoleLog implements LogSink {
  #level: LogLevel;
  readonly #ring: LogRing;
  readonly #file: RotatingFile | undefined;
  readonly #terminal: TerminalWriter | false;
  readonly #subscribers = new Set<ConsoleLogSubscriber>();
  readonly #options: ConsoleLogOptions;
  readonly #now: () => Date;
  #queue: string[] = [];
  #queuedBytes = 0;
  #inFlightBytes = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #droppedSinceReport = 0;
  #lastFileErrorReport = 0;
  /** File lines lost because the disk could not keep up. */
  dropped = 0;
  /** Batches the file refused (disk full, permissions). */
  fileErrors = 0;

  constructor(options: ConsoleLogOptions = {}) {
    this.#options = options;
    this.#level = options.level ?? "info";
    this.#ring = new LogRing(options.ringSize ?? 2000);
    this.#terminal = options.terminal ?? processTerminal;
    this.#now = options.now ?? (() => new Date());
    this.#file = options.filePath
      ? new RotatingFile(options.filePath, { maxBytes: options.fileMaxBytes ?? 5 * 1024 * 1024, count: options.fileCount ?? 5 }, (error) => this.#fileFailed(error))
      : undefined;
  }

  get level(): LogLevel {
    return this.#level;
  }

  get filePath(): string | undefined {
    return this.#file?.path;
  }

  /** Applies changed settings at once (threshold, rotation). */
  configure(settings: Partial<ConsoleLogSettings>): void {
    if (settings.level) this.#level = settings.level;
    if (this.#file && (settings.fileMaxBytes !== undefined || settings.fileCount !== undefined)) {
      this.#options.fileMaxBytes = settings.fileMaxBytes ?? this.#options.fileMaxBytes;
      this.#options.fileCount = settings.fileCount ?? this.#options.fileCount;
      this.#file.setLimits({ maxBytes: this.#options.fileMaxBytes ?? 5 * 1024 * 1024, count: this.#options.fileCount ?? 5 });
    }
  }

  child(component: string, bindings?: LogFields): Logger {
    return new Logger(() => this, component, bindings);
  }

  enabled(level: LogLevel): boolean {
    return levelAtLeast(level, this.#level);
  }

  write(level: LogLevel, component: string, msg: string, fields?: LogFields): void {
    if (!levelAtLeast(level, this.#level)) return;
    const secrets = this.#options.knownSecrets?.() ?? [];
    let text = redact(String(msg), secrets);
    if (text.length > MAX_MSG_CHARS) text = `${text.slice(0, MAX_MSG_CHARS)}… (${text.length - MAX_MSG_CHARS} more characters)`;
    const raw = fields instanceof Error ? { error: fields } : fields;
    const clean = raw ? (redactValue(raw, { knownSecrets: secrets }) as LogFields) : {};
    const entry = this.#ring.push({ time: this.#now().toISOString(), level, component, msg: text, fields: clean });
    if (this.#terminal) {
      try {
        const line = formatTerminalLine(entry);
        if (level === "warn" || level === "error") this.#terminal.err(line);
        else this.#terminal.out(line);
      } catch {
        // A closed terminal (EPIPE) must not break the caller.
      }
    }
    if (this.#file && !this.#closed) this.#enqueue(formatJsonLine(entry));
    for (const subscriber of this.#subscribers) {
      try {
        subscriber.entry(entry);
      } catch {
        this.#subscribers.delete(subscriber);
      }
    }
  }

  query(query: ConsoleLogQuery = {}): ConsoleLogPage {
    return this.#ring.query(query);
  }

  /** Entries after `seq`, oldest first (replay for a reconnecting stream). */
  since(seq: number): ConsoleLogEntry[] {
    return this.#ring.since(seq);
  }

  get lastSeq(): number {
    return this.#ring.lastSeq;
  }

  subscribe(subscriber: ConsoleLogSubscriber): () => void {
    if (this.#closed) {
      subscriber.end();
      return () => {};
    }
    this.#subscribers.add(subscriber);
    return () => this.#subscribers.delete(subscriber);
  }

  /** Ends every live subscription (shutdown: streams would otherwise hold the drain open). */
  endSubscriptions(): void {
    const subscribers = [...this.#subscribers];
    this.#subscribers.clear();
    for (const subscriber of subscribers) {
      try {
        subscriber.end();
      } catch {}
    }
  }

  /** Hands the queued lines to the file now; resolves once everything logged so far is written. */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#file) return Promise.resolve();
    if (this.#queue.length > 0) {
      const batch = this.#queue;
      const bytes = this.#queuedBytes;
      this.#queue = [];
      this.#queuedBytes = 0;
      if (this.#droppedSinceReport > 0) {
        batch.push(this.#noteLine(`${this.#droppedSinceReport} console-log entries were not written to the file: the disk did not keep up`));
        this.#droppedSinceReport = 0;
      }
      this.#inFlightBytes += bytes;
      void this.#file.write(batch).then(() => {
        this.#inFlightBytes -= bytes;
      });
    }
    return this.#file.idle();
  }

  /** Writes what is queued and stops writing the file; later entries still reach the terminal and memory. */
  async close(): Promise<void> {
    this.endSubscriptions();
    const done = this.flush();
    this.#closed = true;
    await done;
  }

  #enqueue(line: string): void {
    const max = this.#options.maxQueuedBytes ?? 8 * 1024 * 1024;
    if (this.#queuedBytes + this.#inFlightBytes + line.length > max) {
      this.dropped++;
      this.#droppedSinceReport++;
      return;
    }
    this.#queue.push(line);
    this.#queuedBytes += line.length;
    if (this.#queuedBytes >= (this.#options.flushBytes ?? 64 * 1024)) {
      if (this.#timer) clearTimeout(this.#timer);
      this.#timer = setTimeout(() => void this.flush(), 0);
    } else if (!this.#timer) {
      this.#timer = setTimeout(() => void this.flush(), this.#options.flushIntervalMs ?? 250);
    } else {
      return;
    }
    this.#timer.unref?.();
  }

  #noteLine(msg: string): string {
    return formatJsonLine({ seq: 0, time: this.#now().toISOString(), level: "warn", component: "logging", msg, fields: {} });
  }

  #fileFailed(error: unknown): void {
    this.fileErrors++;
    const now = Date.now();
    if (now - this.#lastFileErrorReport < FILE_ERROR_REPORT_MS || !this.#terminal) return;
    this.#lastFileErrorReport = now;
    // Straight to the terminal: logging a failure of the log through the log could loop.
    try {
      this.#terminal.err(`${this.#now().toISOString()} ERROR [logging] cannot write ${this.#file?.path}: ${redact(String((error as Error)?.message ?? error))}\n`);
    } catch {}
  }
}
