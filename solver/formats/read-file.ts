/**
 * Reads a file a user named (a model file, a TSPLIB instance) without trusting what is at that
 * path (DESIGN 'Trust boundaries': only regular files; every limit enforced before allocating):
 *
 * - only a regular file is read: a FIFO would block until a writer comes, `/dev/zero` never
 *   ends, a folder is no model. The path is stat'ed before it is opened (so opening a device
 *   or a FIFO never happens, with its side effects) and the opened descriptor is fstat'ed
 *   again (the path may have been swapped in between); the open is non-blocking, so even a
 *   FIFO swapped in at that moment cannot hang it;
 * - at most `maxBytes` are read, whatever size the file claims (a file that grows while it is
 *   read, or says 0 like /proc files do, cannot run past the limit);
 * - a gzip file is inflated with the same limit on its output, so a 3 MB bomb that inflates to
 *   3 GB stops at the limit instead of taking the machine's memory.
 *
 * The limit defaults to 512 MiB: the readers parse a model as one JavaScript string, and V8
 * cannot make a string longer than 2^29 - 24 characters (just under 512 MiB), so a bigger
 * model could not be read anyway. `SOLVER_FARM_MAX_MODEL_MB` lowers it (or sets it anywhere up
 * to that maximum). Every refusal is a FormatError naming the file, never a stack trace.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { FormatError } from './format-error.ts';

/** Environment variable with the size limit of a model file, in MiB. */
export const MAX_MODEL_MB_ENV = 'SOLVER_FARM_MAX_MODEL_MB';
/** Default (and largest) size limit of a model file, in MiB: what one JavaScript string can hold. */
export const DEFAULT_MAX_MODEL_MB = 512;

const MiB = 1024 * 1024;
/** V8's longest string (64-bit): a model text must fit in one. */
const MAX_STRING_BYTES = 2 ** 29 - 24;

/**
 * The size limit of a model file in bytes (plain, or inflated for `.gz`), from
 * SOLVER_FARM_MAX_MODEL_MB (MiB, fractions allowed) or the default. A value that is not a
 * number in (0, 512] is an error naming the variable: a typo must not lift the limit silently.
 */
export function modelSizeLimit(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[MAX_MODEL_MB_ENV];
  if (text === undefined || text.trim() === '') return DEFAULT_MAX_MODEL_MB * MiB;
  const mb = Number(text);
  if (!Number.isFinite(mb) || mb <= 0 || mb > DEFAULT_MAX_MODEL_MB) {
    throw new Error(
      `${MAX_MODEL_MB_ENV}: expected a number of MiB greater than 0 and at most ${DEFAULT_MAX_MODEL_MB}, got ${JSON.stringify(text)}`,
    );
  }
  return Math.min(Math.floor(mb * MiB), MAX_STRING_BYTES);
}

/** Options of readUserFile. */
export interface ReadUserFileOptions {
  /** Limit on the bytes read (and on the inflated bytes with `gunzip`). Default modelSizeLimit(). */
  maxBytes?: number;
  /** Inflate the file as gzip (a `.gz` name). */
  gunzip?: boolean;
  /** What the file is, for messages (default "a model file"), and how to lift the limit (default: the variable). */
  what?: { noun: string; raise: string };
}

/** What a non-regular file is, in words (also for the run folder's own checked reads, journal/run-file.ts). */
export function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

/** A byte count in MiB for messages: whole from 10 MiB, else one decimal (`1.5 MiB`, `0.1 MiB`). */
export function mib(bytes: number): string {
  const x = bytes / MiB;
  return `${Number.isInteger(x) || x >= 10 ? Math.floor(x) : x.toFixed(1).replace(/\.0$/, '')} MiB`;
}

/**
 * Flags of every checked read: O_NONBLOCK, so a FIFO swapped in after the stat cannot block the
 * open; O_NOCTTY, so a terminal swapped in cannot become ours. (Both undefined, so 0, on Windows.)
 */
export const CHECKED_READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

const MODEL_FILE = { noun: 'a model file', raise: `set ${MAX_MODEL_MB_ENV} to raise it` };

/** An OS error of the file as a FormatError. */
function osError(label: string, err: unknown): FormatError {
  const code = (err as NodeJS.ErrnoException).code;
  return new FormatError(label, 0, code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? String(err)})`);
}

/**
 * The bytes of the regular file at `path` (inflated when `gunzip`), at most `maxBytes` of
 * them. Throws a FormatError naming `label` for a missing or unreadable file, one that is not
 * a regular file, one over the limit, or a broken or too big gzip stream.
 */
export function readUserFile(path: string, label: string, options: ReadUserFileOptions = {}): Buffer {
  const what = options.what ?? MODEL_FILE;
  let maxBytes: number;
  try {
    maxBytes = options.maxBytes ?? modelSizeLimit();
  } catch (err) {
    // A bad setting fails every read the same way: say so where the read is reported.
    throw new FormatError(label, 0, (err as Error).message);
  }
  let st: Stats;
  try {
    st = statSync(path);
  } catch (err) {
    throw osError(label, err);
  }
  if (!st.isFile()) throw new FormatError(label, 0, `not a regular file (${kindOf(st)})`);
  if (st.size > maxBytes) {
    throw new FormatError(
      label,
      0,
      `the file is ${mib(st.size)}, more than the limit of ${mib(maxBytes)} on ${what.noun} (${what.raise})`,
    );
  }
  let fd: number;
  try {
    fd = openSync(path, CHECKED_READ_FLAGS);
  } catch (err) {
    throw osError(label, err);
  }
  let bytes: Buffer;
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) throw new FormatError(label, 0, `not a regular file (${kindOf(opened)})`);
    bytes = readAtMost(fd, opened.size, maxBytes, label, what.noun);
  } catch (err) {
    throw err instanceof FormatError ? err : osError(label, err);
  } finally {
    closeSync(fd);
  }
  if (options.gunzip !== true) return bytes;
  try {
    // maxOutputLength stops inflating as soon as the output passes the limit (ERR_BUFFER_TOO_LARGE).
    return gunzipSync(bytes, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new FormatError(
        label,
        0,
        `inflates to more than ${mib(maxBytes)}, the limit on ${what.noun} (${what.raise})`,
      );
    }
    throw new FormatError(label, 0, `is not a valid gzip file (${(err as Error).message})`);
  }
}

/** Reads `fd` to its end, but never more than `maxBytes` (a file may grow, or claim size 0). */
function readAtMost(fd: number, size: number, maxBytes: number, label: string, noun: string): Buffer {
  // One byte over the expected size tells whether the file grew past what fstat said.
  let buf = Buffer.allocUnsafe(Math.min(Math.max(size + 1, 64 * 1024), maxBytes + 1));
  let n = 0;
  for (;;) {
    if (n === buf.length) {
      if (n > maxBytes) {
        throw new FormatError(label, 0, `grew past ${mib(maxBytes)} while being read, the limit on ${noun}`);
      }
      const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, maxBytes + 1));
      buf.copy(bigger, 0, 0, n);
      buf = bigger;
    }
    const got = readSync(fd, buf, n, buf.length - n, null);
    if (got === 0) return buf.subarray(0, n);
    n += got;
  }
}
