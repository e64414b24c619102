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
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { TaskResult } from '../api.ts';
import { emptyScan, type JournalScan, repairJournal } from './journal-reader.ts';
import { fileError } from './os-error.ts';

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
  readonly #maxLines: number;
  readonly #maxDelayMs: number;
  readonly #fsync: boolean;
  #pending: string[] = [];
  #oldestAt = 0;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  #error: Error | null = null;
  readonly stats: JournalWriterStats = { lines: 0, bytes: 0, flushes: 0, fsyncs: 0, flushMs: 0 };

  private constructor(file: string, fd: number, opened: JournalScan, options: JournalWriterOptions) {
    this.path = file;
    this.#fd = fd;
    this.opened = opened;
    this.#maxLines = Math.max(1, Math.floor(options.maxLines ?? 4096));
    this.#maxDelayMs = Math.max(0, options.maxDelayMs ?? 100);
    this.#fsync = options.fsync ?? true;
  }

  /**
   * Opens a journal for appending, creating it if needed. An existing journal is read first
   * and its torn tail cut off, so new lines never glue onto half a line.
   */
  static async open<R = TaskResult>(file: string, options: JournalWriterOptions = {}): Promise<JournalWriter<R>> {
    const scan = await repairJournal(file);
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

  /** Queues one record; may flush (synchronously) when the batch is full or old enough. */
  append(record: T): void {
    if (this.#closed) throw new Error(`${this.path}: journal is closed`);
    if (this.#error !== null) throw this.#error;
    const now = Date.now();
    if (this.#pending.length === 0) this.#oldestAt = now;
    this.#pending.push(`${JSON.stringify(record)}\n`);
    if (this.#pending.length >= this.#maxLines || now - this.#oldestAt >= this.#maxDelayMs) {
      this.flush();
    } else if (this.#timer === null) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        try {
          this.flush();
        } catch {
          // Kept in #error and thrown by the next append/flush/close, where someone can handle it.
        }
      }, this.#maxDelayMs);
      this.#timer.unref();
    }
  }

  /** Writes and fsyncs every waiting line now. Throws if the disk refuses (full, gone). */
  flush(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#error !== null) throw this.#error;
    if (this.#pending.length === 0) return;
    const text = this.#pending.join('');
    const lines = this.#pending.length;
    this.#pending = [];
    const t0 = performance.now();
    try {
      const data = Buffer.from(text, 'utf8');
      let off = 0;
      while (off < data.length) off += writeSync(this.#fd, data, off, data.length - off);
      if (this.#fsync) {
        fsyncSync(this.#fd);
        this.stats.fsyncs++;
      }
      this.stats.bytes += data.length;
    } catch (err) {
      // Kept: every later append/flush/close throws it, so no result is silently dropped.
      this.#error = fileError('write the results journal', this.path, err);
      throw this.#error;
    } finally {
      this.stats.flushMs += performance.now() - t0;
    }
    this.stats.lines += lines;
    this.stats.flushes++;
  }

  /** Flushes, fsyncs and closes. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    try {
      this.flush();
    } finally {
      this.#closed = true;
      closeSync(this.#fd);
    }
  }
}
