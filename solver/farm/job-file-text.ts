/**
 * The text of a job file the user named (command line, a file the desktop app was asked to
 * open), read as carefully as a model file: only a regular file (a FIFO would hang the read,
 * /dev/zero would fill memory), at most 16 MiB, checked before anything is allocated. Shared by
 * the CLI and the desktop shell, which may import solver/farm only.
 */
import { FormatError } from '../formats/format-error.ts';
import { readUserFile } from '../formats/read-file.ts';

/** A job is a small document; its models go in files of their own. */
export const MAX_JOB_FILE_BYTES = 16 * 1024 * 1024;

const JOB_FILE = {
  noun: 'a job file',
  raise: 'a job is a small JSON document; put big models in files of their own',
};

/** Why a job file could not be read, in words that name it (`file` as the user gave it). */
export class JobFileError extends Error {
  override name = 'JobFileError';
}

/** The job file's text (UTF-8, without a byte-order mark). Throws a JobFileError naming the file. */
export function readJobFileText(file: string, cwd = process.cwd()): string {
  let bytes: Buffer;
  try {
    bytes = readUserFile(file, file, { maxBytes: MAX_JOB_FILE_BYTES, what: JOB_FILE });
  } catch (err) {
    if (!(err instanceof FormatError)) throw err;
    if (err.reason === 'no such file') {
      throw new JobFileError(`${file}: no such job file (check the path; it is relative to ${cwd})`);
    }
    if (err.reason.includes('(a folder)')) throw new JobFileError(`${file}: is a folder, expected a job file (.json)`);
    if (/\((EACCES|EPERM)\)/.test(err.reason))
      throw new JobFileError(`${file}: permission denied reading the job file`);
    throw new JobFileError(`${file}: ${err.reason}`);
  }
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
