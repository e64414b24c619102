/**
 * The one way files of a run folder are read (DESIGN 'Trust boundaries': only regular files,
 * every limit enforced before allocating). A run folder sits in a data folder other people
 * and programs can write in, so none of its files is trusted to be what the farm wrote: a FIFO
 * would block a plain read until a writer comes (the server stops answering), a link to
 * /dev/zero never ends (memory fills), a folder is no document.
 *
 * - The path is stat'ed before it is opened, so a device or a FIFO is never opened (with its
 *   side effects); the descriptor is fstat'ed again, since the path may be swapped in between;
 *   the open is non-blocking, so even a FIFO swapped in at that moment cannot hang it.
 * - A whole-file read has a size limit, checked on the size before allocating, and never
 *   reads past it even if the file grows (or claims 0 bytes, as /proc files do).
 * - Big files (the results journal, logs) are not read whole: their readers take the open
 *   descriptor and read in bounded chunks, or only the tail.
 *
 * Refusals name the file: `<run>/summary.json: not a regular file (a FIFO)`.
 */
import { closeSync, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import { CHECKED_READ_FLAGS, kindOf, mib } from '../formats/read-file.ts';
import { fileError } from './os-error.ts';

const MiB = 1024 * 1024;

/**
 * Largest job.json read back. A job file is at most 16 MiB (farm/job-file-text.ts), and
 * job.json keeps the job pretty-printed, which can make it a few times longer; RunDir.create
 * refuses to write a bigger one, so every run it writes can be read back.
 */
export const MAX_RUN_JOB_BYTES = 64 * MiB;
/** Largest summary.json read back: counts, times and a reason, a few KiB at most. */
export const MAX_SUMMARY_BYTES = 1 * MiB;
/** Largest run.lock read back: a pid, a host name and a time. */
export const MAX_LOCK_BYTES = 64 * 1024;
/** Largest step-input.json read back: a step's input, e.g. the best tour of a large TSP instance. */
export const MAX_STEP_INPUT_BYTES = 64 * MiB;
/** Largest steps.jsonl read back: one short summary line per barrier step. */
export const MAX_STEPS_BYTES = 64 * MiB;

/** A file of a run folder that is not what the farm writes there (not a regular file, too big). */
export class RunFileError extends Error {
  override name = 'RunFileError';
}

/** Throws unless `st` is a regular file. */
function checkRegular(file: string, st: Stats): void {
  if (!st.isFile()) throw new RunFileError(`${file}: not a regular file (${kindOf(st)})`);
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException).code === 'ENOENT';
}

/** An open regular file of a run folder: its descriptor (the caller closes it) and size when opened. */
export interface OpenRunFile {
  fd: number;
  size: number;
}

/**
 * Opens a file of a run folder for reading, if it is a regular file; null when there is none.
 * Throws a RunFileError naming the file when it is something else, or an Error saying
 * `cannot read <file>: CODE (meaning)`.
 */
export function openRunFile(file: string): OpenRunFile | null {
  try {
    checkRegular(file, statSync(file));
  } catch (err) {
    if (isMissing(err)) return null;
    throw err instanceof RunFileError ? err : fileError('read', file, err);
  }
  let fd: number;
  try {
    fd = openSync(file, CHECKED_READ_FLAGS);
  } catch (err) {
    if (isMissing(err)) return null;
    throw fileError('read', file, err);
  }
  try {
    const st = fstatSync(fd);
    checkRegular(file, st);
    return { fd, size: st.size };
  } catch (err) {
    closeSync(fd);
    throw err instanceof RunFileError ? err : fileError('read', file, err);
  }
}

/** openRunFile for asynchronous readers: the same checks, a FileHandle. */
export async function openRunFileAsync(file: string): Promise<{ handle: FileHandle; size: number } | null> {
  try {
    checkRegular(file, await stat(file));
  } catch (err) {
    if (isMissing(err)) return null;
    throw err instanceof RunFileError ? err : fileError('read', file, err);
  }
  let handle: FileHandle;
  try {
    handle = await open(file, CHECKED_READ_FLAGS);
  } catch (err) {
    if (isMissing(err)) return null;
    throw fileError('read', file, err);
  }
  try {
    const st = await handle.stat();
    checkRegular(file, st);
    return { handle, size: st.size };
  } catch (err) {
    await handle.close();
    throw err instanceof RunFileError ? err : fileError('read', file, err);
  }
}

/** The refusal of a file over its limit, naming the file and what it is. */
function tooBig(file: string, size: string, maxBytes: number, what: string): RunFileError {
  return new RunFileError(`${file}: ${size}, more than the ${mib(maxBytes)} ${what} may be`);
}

/**
 * The text of a small file of a run folder (job.json, summary.json …), read whole, at most
 * `maxBytes` of it; null when there is none. `what` names the file in a refusal ("a summary").
 */
export function readRunFile(file: string, maxBytes: number, what: string): string | null {
  const opened = openRunFile(file);
  if (opened === null) return null;
  const { fd, size } = opened;
  try {
    if (size > maxBytes) throw tooBig(file, `the file is ${mib(size)}`, maxBytes, what);
    // One byte more than the limit tells a file that grew past it while being read.
    let buf = Buffer.allocUnsafe(Math.min(Math.max(size + 1, 4096), maxBytes + 1));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > maxBytes) throw tooBig(file, 'it grew', maxBytes, what);
        const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, maxBytes + 1));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) return buf.toString('utf8', 0, n);
      n += got;
    }
  } catch (err) {
    throw err instanceof RunFileError ? err : fileError('read', file, err);
  } finally {
    closeSync(fd);
  }
}

/**
 * The last `maxBytes` (or fewer) of a file of a run folder, and whether the file is longer;
 * null when there is none. For logs, which may be many MiB: only their tail is shown.
 */
export function readRunFileTail(file: string, maxBytes: number): { text: string; cut: boolean } | null {
  const opened = openRunFile(file);
  if (opened === null) return null;
  const { fd, size } = opened;
  try {
    const length = Math.min(size, maxBytes);
    const buf = Buffer.allocUnsafe(length);
    let n = 0;
    while (n < length) {
      const got = readSync(fd, buf, n, length - n, size - length + n);
      if (got === 0) break;
      n += got;
    }
    return { text: buf.toString('utf8', 0, n), cut: length < size };
  } catch (err) {
    throw fileError('read', file, err);
  } finally {
    closeSync(fd);
  }
}

/** Reads exactly `length` bytes at `position` of an open run file into `buffer` (a line indexed before). */
export function readRunFileAt(file: string, fd: number, buffer: Buffer, length: number, position: number): void {
  let n = 0;
  while (n < length) {
    const got = readSync(fd, buffer, n, length - n, position + n);
    if (got === 0) throw new RunFileError(`${file}: shorter than when it was read a moment ago (changed meanwhile?)`);
    n += got;
  }
}

/** Why `dir` cannot be a run folder (it is not a folder), or null when it is one or does not exist. */
export function notAFolder(dir: string): string | null {
  let st: Stats;
  try {
    st = statSync(dir);
  } catch {
    return null;
  }
  return st.isDirectory() ? null : `${dir}: not a run folder (it is ${st.isFile() ? 'a file' : kindOf(st)})`;
}
