/**
 * Reads a job file for `solver-farm run`. Every failure becomes one UserError line that
 * names the file and says what to fix: a missing file, a folder, unreadable bytes, or a
 * JSON syntax error with line and column. (What the document means is checked later by
 * its kind's `parse`, which throws a ValidationError naming the JSON path.)
 */
import { JobFileError, readJobFileText } from '../farm/job-file-text.ts';
import { UserError } from './errors.ts';
import { findJsonSyntaxError } from './json-syntax.ts';

/** Read and parse the job file at `file` (as the user typed it; shown in messages). */
export function readJobFile(file: string): unknown {
  let text: string;
  try {
    text = readJobFileText(file);
  } catch (err) {
    if (err instanceof JobFileError) throw new UserError(err.message);
    throw new UserError(`${file}: cannot read the job file (${(err as Error).message})`);
  }
  if (text.trim() === '') throw new UserError(`${file}: the job file is empty, expected a JSON object`);
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    const problem = findJsonSyntaxError(text);
    if (problem === null) throw new UserError(`${file}: invalid JSON (${(err as Error).message})`);
    throw new UserError(
      `${file}:${problem.line}:${problem.column}: invalid JSON: expected ${problem.expected}, got ${problem.got}`,
    );
  }
}
