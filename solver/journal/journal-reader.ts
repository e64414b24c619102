/**
 * Reads a results journal (`results.jsonl`: one TaskResult per line) as a stream, in
 * chunks, so a journal of millions of lines never sits in memory as text.
 *
 * What it tolerates, and how (a journal must survive power cuts and stray edits):
 * - a torn last line, as an interrupted write leaves it — bytes without a newline at the
 *   end, NUL bytes (what some file systems leave after a power cut), empty lines or JSON cut
 *   short at the very end — is ignored and described in `torn`; `repairJournal` truncates
 *   it away so that appending again keeps the file valid JSONL. The rule only looks at the
 *   end, and a repaired journal has no torn tail, so repairing twice changes nothing;
 * - an invalid line in the middle is reported with its line number and skipped; the file is
 *   never rewritten there, so nothing a user might still want is destroyed;
 * - several lines for one task id: the last one counts. A line after an `error` line is a
 *   retry (`superseded`); a line after a successful one is a `duplicate` (a bug to report:
 *   exactly-once means duplicates stay 0).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { TaskResult, TaskStatus } from '../api.ts';

/** Every TaskStatus, for validation and counting. */
export const TASK_STATUSES: readonly TaskStatus[] = [
  'optimal',
  'feasible',
  'time-limit',
  'infeasible',
  'unbounded',
  'error',
];

/** How many invalid lines are kept with details (all are counted). */
export const MAX_REPORTED_PROBLEMS = 100;

const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

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

/** What a journal holds. Counts are over the latest line of each task id. */
export interface JournalScan {
  path: string;
  exists: boolean;
  /** File size in bytes when read. */
  size: number;
  /** Bytes up to the end of the last good line (size minus the torn tail). */
  validBytes: number;
  /** Valid result lines read (every line, including superseded and duplicate ones). */
  lines: number;
  torn: TornTail | null;
  /** Invalid lines in the middle, the first MAX_REPORTED_PROBLEMS of them. */
  invalid: JournalProblem[];
  invalidCount: number;
  /** Lines for an id whose previous line was an error (a retry replaced it). */
  superseded: number;
  /** Lines for an id that already had a successful result (should never happen). */
  duplicates: number;
  /** The status of each task id's latest line (`error` = failed, anything else = done). */
  latest: Map<string, TaskStatus>;
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

/** The line-by-line core of the readers, fed with chunks of the file in order. */
/** The scan of a journal with no lines yet (also what a new journal writer starts from). */
export function emptyScan(file: string): JournalScan {
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
    latest: new Map(),
    byStatus: emptyCounts(),
  };
}

class Scanner {
  readonly scan: JournalScan;
  #carry: Buffer[] = [];
  #carryBytes = 0;
  #position = 0;
  #takeLine: (text: string, offset: number, bytes: number) => void;
  #trailing: () => JournalProblem[];
  #lineNo: () => number;

  constructor(file: string, options: ReadJournalOptions) {
    const scan = emptyScan(file);
    this.scan = scan;
    const latestStatus = scan.latest;
    let lineNo = 0;
    // Lines that look like an interrupted write (empty, NUL bytes, JSON cut short), since the
    // last line that did not: if nothing else follows them they are the torn tail.
    let trailing: JournalProblem[] = [];

    const report = (problem: JournalProblem): void => {
      scan.invalidCount++;
      if (scan.invalid.length < MAX_REPORTED_PROBLEMS) scan.invalid.push(problem);
    };
    const settleTrailing = (): void => {
      for (const p of trailing) report(p);
      trailing = [];
    };

    const takeLine = (text: string, offset: number, bytes: number): void => {
      lineNo++;
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
        const problem = { line: lineNo, offset, reason, excerpt: excerptOf(text) };
        if (looksTorn) trailing.push(problem);
        else {
          settleTrailing();
          report(problem);
        }
        return;
      }
      settleTrailing();
      const result = value as TaskResult;
      scan.lines++;
      const previous = latestStatus.get(result.id);
      if (previous !== undefined) {
        // The latest line of an id decides; status counts cover latest lines only.
        if (previous === 'error') scan.superseded++;
        else scan.duplicates++;
        scan.byStatus[previous]--;
      }
      latestStatus.set(result.id, result.status);
      scan.byStatus[result.status]++;
      options.onResult?.(result, lineNo, offset, bytes);
    };
    this.#takeLine = takeLine;
    this.#trailing = () => trailing;
    this.#lineNo = () => lineNo;
  }

  /** Takes the next `bytesRead` bytes of the file (the buffer may be reused afterwards). */
  chunk(buffer: Buffer, bytesRead: number): void {
    const position = this.#position;
    let start = 0;
    for (;;) {
      const nl = buffer.indexOf(NEWLINE, start);
      if (nl === -1 || nl >= bytesRead) break;
      const lineOffset = position + start - this.#carryBytes;
      let text: string;
      if (this.#carryBytes > 0) {
        this.#carry.push(buffer.subarray(start, nl));
        text = Buffer.concat(this.#carry).toString('utf8');
        this.#carry = [];
        this.#carryBytes = 0;
      } else {
        text = buffer.toString('utf8', start, nl);
      }
      this.#takeLine(text, lineOffset, position + nl - lineOffset);
      start = nl + 1;
    }
    if (start < bytesRead) {
      // Copy: the buffer is reused by the next read.
      this.#carry.push(Buffer.from(buffer.subarray(start, bytesRead)));
      this.#carryBytes += bytesRead - start;
    }
    this.#position += bytesRead;
  }

  /** The end of the file: settles the torn tail. */
  end(): JournalScan {
    const scan = this.scan;
    const position = this.#position;
    const carryBytes = this.#carryBytes;
    const trailing = this.#trailing();
    scan.size = position;
    scan.validBytes = position;
    const first = trailing[0];
    if (first !== undefined || carryBytes > 0) {
      const offset = first?.offset ?? position - carryBytes;
      let reason: string;
      if (carryBytes > 0) {
        const allNul = this.#carry.every((b) => b.every((byte) => byte === 0));
        reason = allNul
          ? 'NUL bytes at the end (a write lost in a power cut)'
          : 'no newline at the end (an interrupted write)';
      } else reason = first?.reason ?? '';
      const tornLines = trailing.length + (carryBytes > 0 ? 1 : 0);
      if (tornLines > 1) reason += `; ${tornLines} lines`;
      scan.torn = { line: first?.line ?? this.#lineNo() + 1, offset, bytes: position - offset, reason };
      scan.validBytes = offset;
    }
    return scan;
  }
}

/** Reads a journal file; a missing file reads as an empty journal (`exists: false`). */
export async function readJournal(file: string, options: ReadJournalOptions = {}): Promise<JournalScan> {
  const scanner = new Scanner(file, options);
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return scanner.scan;
    throw err;
  }
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
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return scanner.scan;
    throw err;
  }
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
    const handle = await open(file, 'r+');
    try {
      const { size } = await handle.stat();
      // The file grew since the scan: someone else is writing it. Cutting now would destroy
      // their lines, so refuse (the run lock should have prevented this).
      if (size !== scan.size) {
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
