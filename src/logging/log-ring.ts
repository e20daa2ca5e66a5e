import { levelAtLeast, type LogLevel } from "./log-level";

/** One console-log entry as kept in memory and served by the API (already redacted). */
export interface ConsoleLogEntry {
  /** Increases by one per entry for the life of the process; the API's polling cursor. */
  seq: number;
  /** ISO 8601, UTC. */
  time: string;
  level: LogLevel;
  component: string;
  msg: string;
  fields: Record<string, unknown>;
}

export interface ConsoleLogQuery {
  /** Only entries at least this severe. */
  level?: LogLevel;
  /** Case-insensitive substring of the message, the component or the fields' JSON. */
  search?: string;
  /** Most entries returned (default 200). */
  limit?: number;
  /** Only entries with a larger seq; then the oldest `limit` such entries, so a poller misses nothing. */
  after?: number;
}

export interface ConsoleLogPage {
  /** Oldest first. */
  entries: ConsoleLogEntry[];
  /** Pass as `after` on the next poll. */
  cursor: number;
  /** More entries after `cursor` match already (only with `after`). */
  hasMore: boolean;
  /** The oldest seq still held; entries before it were dropped from memory. */
  oldestSeq: number;
}

export function entryMatches(entry: ConsoleLogEntry, level: LogLevel | undefined, needle: string | undefined): boolean {
  if (level && !levelAtLeast(entry.level, level)) return false;
  if (!needle) return true;
  if (entry.msg.toLowerCase().includes(needle) || entry.component.toLowerCase().includes(needle)) return true;
  for (const _ in entry.fields) return JSON.stringify(entry.fields).toLowerCase().includes(needle);
  return false;
}

/** The latest `capacity` entries in a fixed array; seqs are contiguous, so `after` is an index, not a search. */
export class LogRing {
  readonly #slots: Array<ConsoleLogEntry | undefined>;
  #count = 0;
  #nextSeq = 1;

  constructor(readonly capacity: number) {
    this.#slots = new Array(Math.max(1, capacity));
  }

  /** Stores an entry under the next seq and returns it. */
  push(entry: Omit<ConsoleLogEntry, "seq">): ConsoleLogEntry {
    const stored: ConsoleLogEntry = { seq: this.#nextSeq++, time: entry.time, level: entry.level, component: entry.component, msg: entry.msg, fields: entry.fields };
    this.#slots[stored.seq % this.#slots.length] = stored;
    if (this.#count < this.#slots.length) this.#count++;
    return stored;
  }

  /** Seq of the newest entry (0 before the first). */
  get lastSeq(): number {
    return this.#nextSeq - 1;
  }

  get oldestSeq(): number {
    return this.#nextSeq - this.#count;
  }

  #at(seq: number): ConsoleLogEntry {
    return this.#slots[seq % this.#slots.length]!;
  }

  /** Entries with seq > after, oldest first (for replay). */
  since(after: number): ConsoleLogEntry[] {
    const out: ConsoleLogEntry[] = [];
    for (let seq = Math.max(after + 1, this.oldestSeq); seq <= this.lastSeq; seq++) out.push(this.#at(seq));
    return out;
  }

  query(query: ConsoleLogQuery = {}): ConsoleLogPage {
    const limit = Math.max(1, query.limit ?? 200);
    const needle = query.search ? query.search.toLowerCase() : undefined;
    const last = this.lastSeq;
    const oldest = this.oldestSeq;
    const entries: ConsoleLogEntry[] = [];
    if (query.after !== undefined) {
      for (let seq = Math.max(query.after + 1, oldest); seq <= last; seq++) {
        const entry = this.#at(seq);
        if (!entryMatches(entry, query.level, needle)) continue;
        if (entries.length === limit) return { entries, cursor: entries[entries.length - 1]!.seq, hasMore: true, oldestSeq: oldest };
        entries.push(entry);
      }
      // A cursor from before a restart (beyond the newest seq) comes back smaller: the poller starts over from here.
      return { entries, cursor: last, hasMore: false, oldestSeq: oldest };
    }
    for (let seq = last; seq >= oldest && entries.length < limit; seq--) {
      const entry = this.#at(seq);
      if (entryMatches(entry, query.level, needle)) entries.push(entry);
    }
    entries.reverse();
    return { entries, cursor: last, hasMore: false, oldestSeq: oldest };
  }
}
