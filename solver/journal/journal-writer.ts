/**
 * Appends task results to a journal (`results.jsonl`), one JSON line each, in batches:
 * lines wait in a small buffer and are written with one `write` and made durable with one
 * `fsync` when the batch is full (`maxLines`, default 4096), when the oldest waiting line is
 * `maxDelayMs` old (default 100 ms; a timer, and a check on every append because a busy
 * event loop delays timers), and on flush/close. Only the waiting batch is in memory.
 *
 * What a crash costs: at most the waiting batch (≤ maxDelayMs of results), which resume
 * runs again; a power cut in the middle of a write leaves a torn last line, which the
 * reader ignores and repairJournal cuts off before the next append.
 *
 * When the journal cannot be written any more — the disk refuses (full, EIO), or its file is
 * not at its path any more (removed, moved or replaced under the run: checked at every flush
 * and at close, since writes through an open descriptor would go on "working") — the writer
 * fails for good with a JournalFailure that says how many records the file holds; the
 * records that did not reach it are kept in `unwritten` for the caller to take back.
 */
import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, writeSync } from 'node:fs';
import type { TaskResult } from '../api.ts';
import { type FileIdentity, identityOf, pathOfOpenFile, stillAt } from './file-identity.ts';
import { emptyScan, type JournalScan, type ReadJournalOptions, repairJournal } from './journal-reader.ts';
import { describeOsError } from './os-error.ts';

/** Options of JournalWriter. */
export interface JournalWriterOptions {
  /**
   * Write and fsync once this many lines wait. Default 4096: measured on the 2-core dev
   * machine, write + fsync costs ~2 µs per result in batches of 256 and ~0.3 µs in batches
   * of 4096 (a single fsync is ~0.4–1 ms); the 100 ms bound still limits what a crash loses.
   */
  maxLines?: number;
  /** Write and fsync when the oldest waiting line is this old. Default 100 ms. */
  maxDelayMs?: number;
  /** fsync after each batch write. Default true; false only for throwaway runs and benchmarks. */
  fsync?: boolean;
  /** What one record is, for messages: singular and plural. Default `['result', 'results']`. */
  noun?: readonly [string, string];
}

/** Errors of a disk with no room left for the journal: the cure is space (then resume). */
const NO_ROOM = new Set(['ENOSPC', 'EDQUOT', 'EFBIG']);

/** How a journal stopped: `journal-full` (no room), `journal-gone` (not at its path), `journal-write` (any other write error). */
export type JournalFailureCode = 'journal-full' | 'journal-gone' | 'journal-write';

/** Why a journal cannot be written any more, and what its file holds. */
export class JournalFailure extends Error {
  override name = 'JournalFailure';
  readonly code: JournalFailureCode;
  readonly file: string;
  /** Records the file holds (those of earlier sessions included): what a resume starts from. */
  readonly kept: number;
  /** Where the file is now, when it was moved (and the system could tell); else null. */
  readonly movedTo: string | null;

  constructor(
    code: JournalFailureCode,
    file: string,
    message: string,
    kept: number,
    movedTo: string | null,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.file = file;
    this.kept = kept;
    this.movedTo = movedTo;
  }
}

/** Counters of a writer, for tests, benchmarks and the summary. */
export interface JournalWriterStats {
  lines: number;
  bytes: number;
  /** Batch writes done (each followed by an fsync when `fsync` is on). */
  flushes: number;
  fsyncs: number;
  /** Total ms spent inside write + fsync. */
  flushMs: number;
}

/** Appends TaskResults (or any JSON records) to a JSONL file with batched fsync. */
export class JournalWriter<T = TaskResult> {
  readonly path: string;
  /** What the journal held when it was opened (`exists: false` for a new one); its torn tail was cut. */
  readonly opened: JournalScan;
  readonly #fd: number;
  /** Device and inode of the open file: the path must still name it (see the file comment). */
  readonly #id: FileIdentity;
  readonly #maxLines: number;
  readonly #maxDelayMs: number;
  readonly #fsync: boolean;
  readonly #noun: readonly [string, string];
  #pending: string[] = [];
  /** The records of #pending, to hand back as `unwritten` if they never reach the file. */
  #records: T[] = [];
  #oldestAt = 0;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  #failure: JournalFailure | null = null;
  #unwritten: T[] = [];
  /** Records in the file (those it held when opened, then every whole line written). */
  #kept: number;
  /** Bytes in the file: where a torn batch is cut back to. */
  #size: number;
  readonly stats: JournalWriterStats = { lines: 0, bytes: 0, flushes: 0, fsyncs: 0, flushMs: 0 };

  private constructor(file: string, fd: number, opened: JournalScan, options: JournalWriterOptions) {
    this.path = file;
    this.#fd = fd;
    this.opened = opened;
    this.#maxLines = Math.max(1, Math.floor(options.maxLines ?? 4096));
    this.#maxDelayMs = Math.max(0, options.maxDelayMs ?? 100);
    this.#fsync = options.fsync ?? true;
    this.#noun = options.noun ?? ['result', 'results'];
    this.#kept = opened.lines;
    try {
      this.#id = identityOf(fd);
      this.#size = fstatSync(fd).size;
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /**
   * Opens a journal for appending, creating it if needed. An existing journal is read first
   * (with `read`'s options: a resume matches it with its plan in the same pass) and its torn
   * tail cut off, so new lines never glue onto half a line.
   */
  static async open<R = TaskResult>(
    file: string,
    options: JournalWriterOptions = {},
    read: ReadJournalOptions = {},
  ): Promise<JournalWriter<R>> {
    const scan = await repairJournal(file, read);
    const fd = openSync(file, 'a');
    return new JournalWriter<R>(file, fd, scan, options);
  }

  /**
   * Creates a journal that must not exist yet (synchronous: nothing to repair). For files a
   * run creates for itself, e.g. steps.jsonl.
   */
  static create<R = TaskResult>(file: string, options: JournalWriterOptions = {}): JournalWriter<R> {
    const fd = openSync(file, 'wx');
    const opened = emptyScan(file);
    return new JournalWriter<R>(file, fd, opened, options);
  }

  /** Number of lines waiting for the next flush. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Why the journal cannot be written any more, or null while it can. */
  get failure(): JournalFailure | null {
    return this.#failure;
  }

  /** Records appended that never reached the file (empty unless it failed). */
  get unwritten(): readonly T[] {
    return this.#unwritten;
  }

  /** Records the file holds: those it held when opened plus every one written since. */
  get kept(): number {
    return this.#kept;
  }

  /**
   * Checks now that the file is still at its path (cheap: one stat), e.g. while no record
   * comes; returns the failure, if any. Open journals only.
   */
  check(): JournalFailure | null {
    if (this.#failure === null && !this.#closed) {
      try {
        this.#checkPlace();
      } catch {
        // kept in #failure, returned below
      }
    }
    return this.#failure;
  }

  /** Queues one record; may flush (synchronously) when the batch is full or old enough. */
  append(record: T): void {
    if (this.#closed) throw new Error(`${this.path}: journal is closed`);
    if (this.#failure !== null) throw this.#failure;
    const now = Date.now();
    if (this.#pending.length === 0) this.#oldestAt = now;
    this.#pending.push(`${JSON.stringify(record)}\n`);
    this.#records.push(record);
    if (this.#pending.length >= this.#maxLines || now - this.#oldestAt >= this.#maxDelayMs) {
      this.flush();
    } else if (this.#timer === null) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        try {
          this.flush();
        } catch {
          // Kept in #failure and thrown by the next append/flush/close, where someone can handle it.
        }
      }, this.#maxDelayMs);
      this.#timer.unref();
    }
  }

  /**
   * Writes and fsyncs every waiting line now. Throws a JournalFailure if the disk refuses
   * (full, EIO) or the file is not at its path any more; it then fails for good.
   */
  flush(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#failure !== null) throw this.#failure;
    if (this.#pending.length === 0) return;
    this.#checkPlace();
    const text = this.#pending.join('');
    const records = this.#records;
    const lines = this.#pending.length;
    this.#pending = [];
    this.#records = [];
    const t0 = performance.now();
    const data = Buffer.from(text, 'utf8');
    let off = 0;
    try {
      while (off < data.length) off += writeSync(this.#fd, data, off, data.length - off);
      if (this.#fsync) {
        fsyncSync(this.#fd);
        this.stats.fsyncs++;
      }
    } catch (err) {
      this.#writeFailed(err, data, off, records);
    } finally {
      this.stats.flushMs += performance.now() - t0;
    }
    this.stats.bytes += data.length;
    this.stats.lines += lines;
    this.stats.flushes++;
    this.#kept += lines;
    this.#size += data.length;
  }

  /** Flushes, fsyncs and closes; checks at the end that the file is still at its path. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    try {
      this.flush();
      this.#checkPlace();
    } finally {
      this.#closed = true;
      closeSync(this.#fd);
    }
  }

  /** `after 4,889 results were written to it`: how much the file holds, in words. */
  #holds(suffix: string): string {
    const n = this.#kept;
    return `after ${n.toLocaleString('en-US')} ${n === 1 ? this.#noun[0] : this.#noun[1]}${suffix}`;
  }

  /** Fails for good (throws) when the path no longer names the open file; what waits is unwritten. */
  #checkPlace(): void {
    if (stillAt(this.path, this.#id)) return;
    const movedTo = pathOfOpenFile(this.#fd, this.#id);
    const what = movedTo === null ? 'was removed or replaced' : `was moved to ${movedTo}`;
    const were = this.#kept === 1 ? ' was written to it' : ' were written to it';
    this.#unwritten = this.#records;
    this.#pending = [];
    this.#records = [];
    this.#failure = new JournalFailure(
      'journal-gone',
      this.path,
      `the journal ${this.path} ${what} ${this.#holds(were)}`,
      this.#kept,
      movedTo,
    );
    throw this.#failure;
  }

  /**
   * A write or fsync failed after `off` bytes of `data` went out: the whole lines among them
   * count as written; a torn last one is cut off again (shrinking a file needs no room), so
   * the journal ends on a whole line and says exactly how many records it holds.
   */
  #writeFailed(err: unknown, data: Buffer, off: number, records: T[]): never {
    const whole = off === 0 ? 0 : data.lastIndexOf(0x0a, off - 1) + 1;
    let lines = 0;
    for (let i = data.indexOf(0x0a); i >= 0 && i < whole; i = data.indexOf(0x0a, i + 1)) lines++;
    let size = this.#size + off;
    if (whole < off) {
      try {
        ftruncateSync(this.#fd, this.#size + whole);
        size = this.#size + whole;
      } catch {
        // The torn tail stays: the reader skips it and a resume cuts it off.
      }
    }
    this.#size = size;
    this.#kept += lines;
    this.stats.lines += lines;
    this.stats.bytes += whole;
    this.#unwritten = records.slice(lines);
    const code = NO_ROOM.has((err as NodeJS.ErrnoException)?.code ?? '') ? 'journal-full' : 'journal-write';
    this.#failure = new JournalFailure(
      code,
      this.path,
      `the journal ${this.path} could not be written ${this.#holds(`: ${describeOsError(err)}`)}`,
      this.#kept,
      null,
      err,
    );
    throw this.#failure;
  }
}
