/**
 * Reads a job file for `solver-farm run`. Every failure becomes one UserError line that
 * names the file and says what to fix: a missing file, a folder, unreadable bytes, or a
 * JSON syntax error with line and column. (What the document means is checked later by
 * its kind's `parse`, which throws a ValidationError naming the JSON path.)
 */
import { readFileSync } from 'node:fs';
import { UserError } from './errors.ts';
import { findJsonSyntaxError } from './json-syntax.ts';

/** Read and parse the job file at `file` (as the user typed it; shown in messages). */
export function readJobFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new UserError(`${file}: no such job file (check the path; it is relative to ${process.cwd()})`);
    if (code === 'EISDIR') throw new UserError(`${file}: is a folder, expected a job file (.json)`);
    if (code === 'EACCES' || code === 'EPERM') throw new UserError(`${file}: permission denied reading the job file`);
    throw new UserError(`${file}: cannot read the job file (${(err as Error).message})`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
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
