/**
 * Reads a results journal (`results.jsonl`: one TaskResult per line) as a stream, in
 * chunks, so a journal of millions of lines never sits in memory as text: memory is one
 * chunk, one line (at most MAX_LINE_BYTES) and a byte per task (task-statuses.ts). The file
 * is opened through run-file.ts: only a regular file, never a blocking open.
 *
 * What it tolerates, and how (a journal must survive power cuts and stray edits):
 * - a torn last line, as an interrupted write leaves it — bytes without a newline at the
 *   end, NUL bytes (what some file systems leave after a power cut), empty lines or JSON cut
 *   short at the very end — is ignored and described in `torn`; `repairJournal` truncates
 *   it away so that appending again keeps the file valid JSONL. The rule only looks at the
 *   end, and a repaired journal has no torn tail, so repairing twice changes nothing;
 * - an invalid line in the middle (or one longer than MAX_LINE_BYTES) is reported with its
 *   line number and skipped; the file is never rewritten there, so nothing a user might
 *   still want is destroyed;
 * - several lines for one task (plan index): the last one counts. A line after an `error`
 *   line is a retry (`superseded`); a line after a successful one is a `duplicate` (a bug to
 *   report: exactly-once means duplicates stay 0). A line that is no task of the plan (its
 *   index is outside it, or the caller's `belongs` says its id is another task's) is counted
 *   in `foreign` and nowhere else.
 */
import { closeSync, constants, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { TaskResult, TaskStatus } from '../api.ts';
import { openRunFile, openRunFileAsync } from './run-file.ts';
import { TASK_STATUSES, TaskStatuses } from './task-statuses.ts';

export { TASK_STATUSES } from './task-statuses.ts';

/** How many invalid lines are kept with details (all are counted). */
export const MAX_REPORTED_PROBLEMS = 100;

const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/**
 * Longest journal line read. A line is one task's result (its values and duals as asked for,
 * rarely more than a few MiB); a longer one is skipped as invalid without being kept, so a
 * file of one endless line costs a chunk of memory, not its size.
 */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** An invalid line in the middle of a journal. */
export interface JournalProblem {
  /** 1-based line number. */
  line: number;
  /** Byte offset where the line starts. */
  offset: number;
  reason: string;
  /** The start of the line, for the message. */
  excerpt: string;
}

/** The torn end of a journal, ignored on read and cut off by repairJournal. */
export interface TornTail {
  line: number;
  offset: number;
  bytes: number;
  reason: string;
}

/** What a journal holds. Counts are over the latest line of each task (plan index). */
export interface JournalScan {
  path: string;
  exists: boolean;
  /** File size in bytes when read. */
  size: number;
  /** Bytes up to the end of the last good line (size minus the torn tail). */
  validBytes: number;
  /** Valid result lines read (every line, including superseded, duplicate and foreign ones). */
  lines: number;
  torn: TornTail | null;
  /** Invalid lines in the middle, the first MAX_REPORTED_PROBLEMS of them. */
  invalid: JournalProblem[];
  invalidCount: number;
  /** Lines for a task whose previous line was an error (a retry replaced it). */
  superseded: number;
  /** Lines for a task that already had a successful result (should never happen). */
  duplicates: number;
  /** Valid lines that are no task of the plan (index outside it, or another task's id). */
  foreign: number;
  /** The status of each task's latest line (`error` = failed, anything else = done). */
  latest: TaskStatuses;
  /** Latest results by status. */
  byStatus: Record<TaskStatus, number>;
}

/** Options of readJournal. */
export interface ReadJournalOptions {
  /**
   * Called with every valid line's result, in file order, with its 1-based line number and
   * where the line is in the file (byte offset and length, newline excluded), so a caller can
   * read lines back later without keeping them (e.g. a CSV in plan order).
   */
  onResult?: (result: TaskResult, line: number, offset: number, bytes: number) => void;
  /** Tasks in the plan: lines of a higher index are foreign. Default: any index up to MAX_PLANNED_TASKS. */
  count?: number;
  /**
   * Whether a line within the plan is that task's (e.g. its id is the id of the task at its
   * index); a line for which it is false is foreign. Default: every line within the plan.
   */
  belongs?: (result: TaskResult) => boolean;
}

/**
 * Why a parsed journal line is not a task result, or null when it is one. Only what
 * resume and accounting rely on is required: `id`, `index` and `status`.
 */
export function resultProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const r = value as Record<string, unknown>;
  if (typeof r.id !== 'string' || r.id === '') return '$.id: expected a non-empty string';
  if (typeof r.index !== 'number' || !Number.isInteger(r.index) || r.index < 0) {
    return '$.index: expected a non-negative integer';
  }
  if (typeof r.status !== 'string' || !TASK_STATUSES.includes(r.status as TaskStatus)) {
    return `$.status: expected one of ${TASK_STATUSES.join(', ')}`;
  }
  return null;
}

function emptyCounts(): Record<TaskStatus, number> {
  return { optimal: 0, feasible: 0, 'time-limit': 0, infeasible: 0, unbounded: 0, error: 0 };
}

function excerptOf(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NULs and control bytes are what torn files hold.
  const clean = text.replace(/[\u0000-\u001f]/g, (c) => (c === '\u0000' ? '\\0' : '?'));
  return clean.length > 80 ? `${clean.slice(0, 80)}…` : clean;
}

/** The scan of a journal with no lines yet (also what a new journal writer starts from). */
export function emptyScan(file: string, count?: number): JournalScan {
  return {
    path: file,
    exists: false,
    size: 0,
    validBytes: 0,
    lines: 0,
    torn: null,
    invalid: [],
    invalidCount: 0,
    superseded: 0,
    duplicates: 0,
    foreign: 0,
    latest: new TaskStatuses(count),
    byStatus: emptyCounts(),
  };
}

/** The line-by-line core of the readers, fed with chunks of the file in order. */
class Scanner {
  readonly scan: JournalScan;
  readonly #options: ReadJournalOptions;
  /** The start of the line not ended yet: what comes before it was taken. */
  #carry: Buffer[] = [];
  #carryBytes = 0;
  /** The line not ended yet is longer than MAX_LINE_BYTES: its bytes are skipped, not kept. */
  #overlong = false;
  /** Byte offset where the line not ended yet starts. */
  #lineStart = 0;
  #position = 0;
  #lineNo = 0;
  /**
   * Lines that look like an interrupted write (empty, NUL bytes, JSON cut short), since the
   * last line that did not: if nothing else follows them they are the torn tail.
   */
  #trailing: JournalProblem[] = [];

  constructor(file: string, options: ReadJournalOptions) {
    this.scan = emptyScan(file, options.count);
    this.#options = options;
  }

  #report(problem: JournalProblem): void {
    this.scan.invalidCount++;
    if (this.scan.invalid.length < MAX_REPORTED_PROBLEMS) this.scan.invalid.push(problem);
  }

  #settleTrailing(): void {
    for (const p of this.#trailing) this.#report(p);
    this.#trailing = [];
  }

  #takeLine(text: string, offset: number, bytes: number): void {
    this.#lineNo++;
    let reason: string | null;
    let looksTorn = false;
    let value: unknown;
    if (text.replaceAll('\u0000', '').trim() === '') {
      reason = text.includes('\u0000') ? 'NUL bytes (a write lost in a power cut)' : 'empty line';
      looksTorn = true;
    } else {
      try {
        value = JSON.parse(text);
        reason = resultProblem(value);
      } catch (err) {
        const message = (err as Error).message;
        reason = `not valid JSON (${message})`;
        looksTorn = text.includes('\u0000') || /end of JSON input|Unterminated/i.test(message);
      }
    }
    if (reason !== null) {
      const problem = { line: this.#lineNo, offset, reason, excerpt: excerptOf(text) };
      if (looksTorn) this.#trailing.push(problem);
      else {
        this.#settleTrailing();
        this.#report(problem);
      }
      return;
    }
    this.#settleTrailing();
    const result = value as TaskResult;
    const scan = this.scan;
    scan.lines++;
    const { latest } = scan;
    if (!latest.covers(result.index) || (this.#options.belongs !== undefined && !this.#options.belongs(result))) {
      scan.foreign++;
    } else {
      const previous = latest.set(result.index, result.status);
      if (previous !== undefined) {
        // The latest line of a task decides; status counts cover latest lines only.
        if (previous === 'error') scan.superseded++;
        else scan.duplicates++;
        scan.byStatus[previous]--;
      }
      scan.byStatus[result.status]++;
    }
    this.#options.onResult?.(result, this.#lineNo, offset, bytes);
  }

  /** A line longer than MAX_LINE_BYTES ended: invalid, its bytes never kept. */
  #takeOverlong(offset: number): void {
    this.#lineNo++;
    this.#settleTrailing();
    this.#report({
      line: this.#lineNo,
      offset,
      reason: `longer than ${MAX_LINE_BYTES / 2 ** 20} MiB (no task result is that long)`,
      excerpt: '',
    });
  }

  /** Takes the next `bytesRead` bytes of the file (the buffer may be reused afterwards). */
  chunk(buffer: Buffer, bytesRead: number): void {
    const position = this.#position;
    let start = 0;
    for (;;) {
      const nl = buffer.indexOf(NEWLINE, start);
      if (nl === -1 || nl >= bytesRead) break;
      const lineOffset = this.#lineStart;
      if (this.#overlong || this.#carryBytes + nl - start > MAX_LINE_BYTES) {
        this.#takeOverlong(lineOffset);
      } else if (this.#carryBytes > 0) {
        this.#carry.push(buffer.subarray(start, nl));
        this.#takeLine(Buffer.concat(this.#carry).toString('utf8'), lineOffset, position + nl - lineOffset);
      } else {
        this.#takeLine(buffer.toString('utf8', start, nl), lineOffset, position + nl - lineOffset);
      }
      this.#carry = [];
      this.#carryBytes = 0;
      this.#overlong = false;
      start = nl + 1;
      this.#lineStart = position + start;
    }
    if (start < bytesRead) {
      if (!this.#overlong && this.#carryBytes + bytesRead - start > MAX_LINE_BYTES) {
        this.#overlong = true;
        this.#carry = [];
        this.#carryBytes = 0;
      }
      if (!this.#overlong) {
        // Copy: the buffer is reused by the next read.
        this.#carry.push(Buffer.from(buffer.subarray(start, bytesRead)));
        this.#carryBytes += bytesRead - start;
      }
    }
    this.#position += bytesRead;
  }

  /** The end of the file: settles the torn tail. */
  end(): JournalScan {
    const scan = this.scan;
    const position = this.#position;
    const unended = position - this.#lineStart;
    const trailing = this.#trailing;
    scan.size = position;
    scan.validBytes = position;
    const first = trailing[0];
    if (first !== undefined || unended > 0) {
      const offset = first?.offset ?? this.#lineStart;
      let reason: string;
      if (unended > 0) {
        const allNul = !this.#overlong && this.#carry.every((b) => b.every((byte) => byte === 0));
        reason = allNul
          ? 'NUL bytes at the end (a write lost in a power cut)'
          : 'no newline at the end (an interrupted write)';
      } else reason = first?.reason ?? '';
      const tornLines = trailing.length + (unended > 0 ? 1 : 0);
      if (tornLines > 1) reason += `; ${tornLines} lines`;
      scan.torn = { line: first?.line ?? this.#lineNo + 1, offset, bytes: position - offset, reason };
      scan.validBytes = offset;
    }
    return scan;
  }
}

/**
 * Reads a journal file; a missing file reads as an empty journal (`exists: false`). Yields to
 * the event loop between chunks. Throws, naming the file, when it is not a regular file.
 */
export async function readJournal(file: string, options: ReadJournalOptions = {}): Promise<JournalScan> {
  const scanner = new Scanner(file, options);
  const opened = await openRunFileAsync(file);
  if (opened === null) return scanner.scan;
  const { handle } = opened;
  scanner.scan.exists = true;
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
      if (bytesRead === 0) break;
      scanner.chunk(buffer, bytesRead);
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return scanner.end();
}

/** readJournal, synchronously (for a caller that must not yield, e.g. at the very end of a run). */
export function readJournalSync(file: string, options: ReadJournalOptions = {}): JournalScan {
  const scanner = new Scanner(file, options);
  const opened = openRunFile(file);
  if (opened === null) return scanner.scan;
  const { fd } = opened;
  scanner.scan.exists = true;
  try {
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let position = 0;
    for (;;) {
      const bytesRead = readSync(fd, buffer, 0, CHUNK_BYTES, position);
      if (bytesRead === 0) break;
      scanner.chunk(buffer, bytesRead);
      position += bytesRead;
    }
  } finally {
    closeSync(fd);
  }
  return scanner.end();
}

/**
 * Reads a journal and, when its end is torn, truncates the torn bytes (and fsyncs), so that
 * appending again yields valid JSONL. Nothing before the torn tail is ever changed.
 * Returns the scan (its `torn` says what was cut).
 */
export async function repairJournal(file: string, options: ReadJournalOptions = {}): Promise<JournalScan> {
  const scan = await readJournal(file, options);
  if (scan.torn !== null) {
    // Non-blocking, and checked again: what was read a moment ago was a regular file.
    const handle = await open(file, constants.O_RDWR | (constants.O_NONBLOCK ?? 0));
    try {
      const st = await handle.stat();
      // The file grew since the scan (or is not the file read): someone else is writing it.
      // Cutting now would destroy their lines, so refuse (the run lock should have prevented this).
      if (!st.isFile() || st.size !== scan.size) {
        throw new Error(
          `${file}: the journal changed while it was being repaired; is another process writing this run?`,
        );
      }
      await handle.truncate(scan.validBytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  return scan;
}

/** Tasks whose latest result is not an error. */
export function doneCount(scan: JournalScan): number {
  return scan.latest.size - scan.byStatus.error;
}

/** A one-paragraph description of a scan's problems for users, or '' when it is clean. */
export function describeJournalProblems(scan: JournalScan): string {
  const parts: string[] = [];
  if (scan.torn !== null) {
    parts.push(
      `${scan.path}: line ${scan.torn.line}: ignored a torn last line (${scan.torn.bytes} bytes, ${scan.torn.reason}); its task runs again`,
    );
  }
  for (const p of scan.invalid) {
    parts.push(`${scan.path}: line ${p.line}: skipped an invalid line (${p.reason}): ${p.excerpt}`);
  }
  if (scan.invalidCount > scan.invalid.length) {
    parts.push(`${scan.path}: … and ${scan.invalidCount - scan.invalid.length} more invalid lines`);
  }
  if (scan.duplicates > 0) {
    parts.push(`${scan.path}: ${scan.duplicates} lines repeat a task that already had a result (the last one counts)`);
  }
  return parts.join('\n');
}
