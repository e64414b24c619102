/**
 * File system errors in words a user can act on: `EACCES (permission denied)`, not Node's
 * `EACCES: permission denied, open '/long/path'` (the caller names the file its own way).
 */
import { getSystemErrorMessage } from 'node:util';

/** `CODE (what it means)` for an OS error; the message of any other error. */
export function describeOsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code === 'string' && typeof e.errno === 'number') {
    let meaning: string;
    try {
      meaning = getSystemErrorMessage(e.errno);
    } catch {
      return e.code;
    }
    return `${e.code} (${meaning})`;
  }
  return err instanceof Error ? err.message : String(err);
}

/** An Error saying `cannot <what> <file>: CODE (meaning)`, keeping the OS error as its cause. */
export function fileError(what: string, file: string, err: unknown): Error {
  return new Error(`cannot ${what} ${file}: ${describeOsError(err)}`, { cause: err });
}
