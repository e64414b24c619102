/**
 * One log file per solver slot (`logs/solver-N.log`), capped by rotation: when a file would
 * grow past `maxBytes` (default 5 MiB) it is renamed to `solver-N.log.1` (replacing the
 * previous `.1`) and a fresh file starts. A slot's logs therefore never take more than
 * 2 × maxBytes on disk, and the newest maxBytes..2×maxBytes of output are always kept.
 *
 * Lines are buffered and written in batches (every `maxDelayMs` or `maxBufferBytes`); logs
 * are not fsynced — they help explain a run, the journal is what must survive.
 */
import { closeSync, openSync, renameSync, statSync, writeSync } from 'node:fs';

/** Default cap of one log file before rotation: 5 MiB. */
export const DEFAULT_LOG_MAX_BYTES = 5 * 1024 * 1024;

/** Options of SolverLog. */
export interface SolverLogOptions {
  /** Rotate when the file would exceed this many bytes. Default DEFAULT_LOG_MAX_BYTES. */
  maxBytes?: number;
  /** Write buffered lines at least this often. Default 250 ms. */
  maxDelayMs?: number;
  /** Write when this many bytes wait. Default 64 KiB. */
  maxBufferBytes?: number;
}

/** A rotating, buffered log file for one solver slot. */
export class SolverLog {
  readonly path: string;
  readonly maxBytes: number;
  readonly #maxDelayMs: number;
  readonly #maxBufferBytes: number;
  #fd: number;
  #size: number;
  #buffer: string[] = [];
  #bufferBytes = 0;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  /** How many times the file was rotated. */
  rotations = 0;

  constructor(file: string, options: SolverLogOptions = {}) {
    this.path = file;
    this.maxBytes = Math.max(1024, options.maxBytes ?? DEFAULT_LOG_MAX_BYTES);
    this.#maxDelayMs = options.maxDelayMs ?? 250;
    this.#maxBufferBytes = options.maxBufferBytes ?? 64 * 1024;
    this.#fd = openSync(file, 'a');
    this.#size = statSync(file).size;
  }

  /** Queues lines (a newline is added to each). */
  write(lines: readonly string[]): void {
    if (this.#closed) return;
    for (const line of lines) {
      const text = `${line}\n`;
      this.#buffer.push(text);
      // Byte length matters for the cap; ASCII is the common case and costs nothing extra.
      this.#bufferBytes += Buffer.byteLength(text);
    }
    if (this.#bufferBytes >= this.#maxBufferBytes) this.flush();
    else if (this.#timer === null && this.#buffer.length > 0) {
      this.#timer = setTimeout(() => {
        this.#timer = null;
        this.flush();
      }, this.#maxDelayMs);
      this.#timer.unref();
    }
  }

  /** Writes buffered lines now, rotating as needed. Write errors are swallowed: logs must not stop a run. */
  flush(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#buffer.length === 0 || this.#closed) return;
    const lines = this.#buffer;
    this.#buffer = [];
    this.#bufferBytes = 0;
    try {
      let chunk: string[] = [];
      let chunkBytes = 0;
      for (const text of lines) {
        const n = Buffer.byteLength(text);
        if (this.#size + chunkBytes + n > this.maxBytes && this.#size + chunkBytes > 0) {
          this.#writeOut(chunk);
          chunk = [];
          chunkBytes = 0;
          this.#rotate();
        }
        chunk.push(text);
        chunkBytes += n;
      }
      this.#writeOut(chunk);
    } catch {
      // A full disk must not kill the run: the journal reports its own write errors.
    }
  }

  #writeOut(chunk: string[]): void {
    if (chunk.length === 0) return;
    const data = Buffer.from(chunk.join(''), 'utf8');
    let off = 0;
    while (off < data.length) off += writeSync(this.#fd, data, off, data.length - off);
    this.#size += data.length;
  }

  #rotate(): void {
    closeSync(this.#fd);
    renameSync(this.path, `${this.path}.1`);
    this.#fd = openSync(this.path, 'a');
    this.#size = 0;
    this.rotations++;
  }

  /** Flushes and closes. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    closeSync(this.#fd);
  }
}
