/**
 * One log file per solver slot (`logs/solver-N.log`), capped by rotation: when a file would
 * grow past `maxBytes` (default 5 MiB) it is renamed to `solver-N.log.1` (replacing the
 * previous `.1`) and a fresh file starts. A slot's logs therefore never take more than
 * 2 × maxBytes on disk, and the newest maxBytes..2×maxBytes of output are always kept.
 *
 * Lines are buffered and written in batches (every `maxDelayMs` or `maxBufferBytes`); logs
 * are not fsynced — they help explain a run, the journal is what must survive.
 *
 * A log never stops a run. If its file cannot be opened, or a rotation fails (the folder made
 * read-only, the disk gone), or the file is not at its path any more (logs/ removed or
 * replaced: checked at each flush and at close, since writes to a removed file "work" and are
 * lost), the log stops for good: a last line in the file says why, the
 * descriptor is closed once, and `onProblem` hears about it once. It does not keep writing to
 * the old file instead, because that file would then grow past the cap without end.
 * This object is the only owner of its descriptor: it closes it exactly once and never uses
 * the number afterwards (it could by then belong to another file or a solver's IPC socket).
 */
import { closeSync, constants, fstatSync, openSync, renameSync, statSync, writeSync } from 'node:fs';
import { type FileIdentity, identityOf, stillAt } from './file-identity.ts';
import { describeOsError } from './os-error.ts';

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
  /** Told once, in words, when the log stops because its file cannot be opened or rotated. */
  onProblem?: (message: string) => void;
}

/** A rotating, buffered log file for one solver slot. */
export class SolverLog {
  readonly path: string;
  readonly maxBytes: number;
  readonly #maxDelayMs: number;
  readonly #maxBufferBytes: number;
  readonly #onProblem: ((message: string) => void) | undefined;
  /** The open file; null once the log stopped or closed (then the number is never used again). */
  #fd: number | null = null;
  /** Device and inode of the open file (changes at each rotation). */
  #id: FileIdentity | null = null;
  #size = 0;
  #buffer: string[] = [];
  #bufferBytes = 0;
  #timer: NodeJS.Timeout | null = null;
  #closed = false;
  /** How many times the file was rotated. */
  rotations = 0;
  /** Why the log stopped (file and reason), or null while it works. */
  problem: string | null = null;

  constructor(file: string, options: SolverLogOptions = {}) {
    this.path = file;
    this.maxBytes = Math.max(1024, options.maxBytes ?? DEFAULT_LOG_MAX_BYTES);
    this.#maxDelayMs = options.maxDelayMs ?? 250;
    this.#maxBufferBytes = options.maxBufferBytes ?? 64 * 1024;
    this.#onProblem = options.onProblem;
    let fd: number | null = null;
    try {
      fd = openForAppend(file);
      this.#size = fstatSync(fd).size;
      this.#id = identityOf(fd);
      this.#fd = fd;
    } catch (err) {
      if (fd !== null) closeQuietly(fd);
      this.#stop(`cannot open the log: ${describeOsError(err)}`);
    }
  }

  /** Queues lines (a newline is added to each). */
  write(lines: readonly string[]): void {
    if (this.#closed || this.#fd === null) return;
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

  /** Writes buffered lines now, rotating as needed. Write errors lose those lines: logs must not stop a run. */
  flush(): void {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    const lines = this.#buffer;
    this.#buffer = [];
    this.#bufferBytes = 0;
    if (lines.length === 0 || this.#fd === null || !this.#inPlace()) return;
    try {
      let chunk: string[] = [];
      let chunkBytes = 0;
      for (const text of lines) {
        const n = Buffer.byteLength(text);
        if (this.#size + chunkBytes + n > this.maxBytes && this.#size + chunkBytes > 0) {
          this.#writeOut(chunk);
          chunk = [];
          chunkBytes = 0;
          if (!this.#rotate()) return;
        }
        chunk.push(text);
        chunkBytes += n;
      }
      this.#writeOut(chunk);
    } catch {
      // A full disk must not kill the run: these lines are lost, the next flush tries again
      // (the journal reports its own write errors).
    }
  }

  #writeOut(chunk: string[]): void {
    if (chunk.length === 0 || this.#fd === null) return;
    const data = Buffer.from(chunk.join(''), 'utf8');
    let off = 0;
    while (off < data.length) off += writeSync(this.#fd, data, off, data.length - off);
    this.#size += data.length;
  }

  /**
   * Renames the file to `.1` while it is still open, then opens a fresh one, and only then
   * closes the old descriptor: a failure at any step leaves exactly one descriptor to close.
   */
  #rotate(): boolean {
    try {
      renameSync(this.path, `${this.path}.1`);
    } catch (err) {
      this.#stop(`cannot rotate the log: ${describeOsError(err)}`);
      return false;
    }
    let fresh: number;
    try {
      fresh = openForAppend(this.path);
    } catch (err) {
      // The old descriptor now writes to .1; keeping it would grow .1 past the cap.
      this.#stop(`cannot open a new log after rotating it: ${describeOsError(err)}`);
      return false;
    }
    const old = this.#fd;
    this.#fd = fresh;
    this.#size = 0;
    try {
      this.#id = identityOf(fresh);
    } catch {
      this.#id = null;
    }
    this.rotations++;
    if (old !== null) closeQuietly(old);
    return true;
  }

  /** Whether the file is still at its path; if not, the log stops (its lines would be lost unseen). */
  #inPlace(): boolean {
    if (this.#id === null || stillAt(this.path, this.#id)) return true;
    this.#stop('the log file was removed or replaced');
    return false;
  }

  /** Stops logging for good: says why in a last line, gives up the descriptor, tells onProblem once. */
  #stop(reason: string): void {
    if (this.problem !== null) return;
    this.problem = `${this.path}: ${reason}; logging for this solver stops here`;
    const fd = this.#fd;
    this.#fd = null;
    if (fd !== null) {
      try {
        writeSync(fd, `solver-farm: ${this.problem}\n`);
      } catch {
        // the reason still reaches onProblem
      }
      closeQuietly(fd);
    }
    this.#buffer = [];
    this.#bufferBytes = 0;
    this.#onProblem?.(this.problem);
  }

  /** Flushes and closes. Safe to call twice; never throws. */
  close(): void {
    if (this.#closed) return;
    this.flush();
    // Nothing waited: still say that the file went, once, rather than list it as written.
    if (this.#fd !== null) this.#inPlace();
    this.#closed = true;
    const fd = this.#fd;
    this.#fd = null;
    if (fd !== null) closeQuietly(fd);
  }
}

/** Closes a descriptor this code owns. On error (EIO) the number is released all the same. */
/**
 * Opens a log for appending, if it is (or will be) a regular file: a FIFO put in its place
 * would block a plain open until a reader comes (the farm would stop answering), a device
 * would take the lines. Checked on the path first and on the descriptor again; non-blocking.
 */
function openForAppend(file: string): number {
  let st: ReturnType<typeof statSync> | undefined;
  try {
    st = statSync(file);
  } catch {
    // none yet: created below
  }
  if (st !== undefined && !st.isFile())
    throw new Error(`not a regular file (${st.isFIFO() ? 'a FIFO' : 'not a file'})`);
  const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NONBLOCK ?? 0);
  const fd = openSync(file, flags, 0o666);
  if (!fstatSync(fd).isFile()) {
    closeQuietly(fd);
    throw new Error('not a regular file');
  }
  return fd;
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // nothing left to do: the descriptor is not ours any more either way
  }
}
