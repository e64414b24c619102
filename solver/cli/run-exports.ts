/**
 * What `solver-farm run` adds to a run directory at the end, next to the journal's own
 * files (results.jsonl, steps.jsonl, job.json, summary.json, logs/ — see
 * solver/journal/run-dir.ts):
 * - `results.csv`: every task's latest result in plan order, RFC 4180;
 * - `best-tour.tour`: the best tour in TSPLIB TOUR format (tour jobs).
 * The CSV is made from results.jsonl without holding results in memory: one scan notes each
 * task's line (offset and length; a retried task's later line wins) and the column names,
 * then the lines are read back in index order through a 1 MB window.
 *
 * These files are copies of what the journal holds, so a failure to write one (a folder made
 * read-only mid-run, a full disk) is reported in one line naming the file, the reason and
 * where the results are, never thrown as a crash. The files listed are those that are there:
 * a logs/ folder removed mid-run is not named as written.
 */
import { closeSync, existsSync, openSync, readSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { RunInfo, StepSummary, TaskResult } from '../api.ts';
import { readJournalSync } from '../journal/journal-reader.ts';
import { describeOsError } from '../journal/os-error.ts';
import { csvRow } from './csv.ts';

/** What writeRunExports did. */
export interface RunExports {
  /** The run folder's files to list for the user, in order (the journal's own files included). */
  files: string[];
  /** One line per export that could not be written: `cannot write <file>: CODE (meaning); …`. */
  problems: string[];
}

/**
 * Writes results.csv (task jobs) and best-tour.tour (tour jobs) into the run folder `dir`;
 * `shown` is how messages name that folder (as the user sees it).
 */
export function writeRunExports(dir: string, shown: string, info: RunInfo, last: StepSummary | null): RunExports {
  const files = ['results.jsonl'];
  const problems: string[] = [];
  const attempt = (name: string, where: string, write: () => boolean): void => {
    try {
      if (write()) files.push(name);
    } catch (err) {
      try {
        // Half a CSV would look like a complete one with rows missing.
        rmSync(join(dir, name), { force: true });
      } catch {
        // a read-only folder refuses this too; the message below says what happened
      }
      problems.push(`cannot write ${shown}/${name}: ${describeOsError(err)}; ${where}`);
    }
  };
  if (info.total !== null) {
    attempt('results.csv', `every result is in ${shown}/results.jsonl`, () => {
      writeResultsCsv(join(dir, 'results.jsonl'), join(dir, 'results.csv'), info);
      return true;
    });
  }
  if (last !== null) files.push('steps.jsonl');
  attempt('best-tour.tour', `the best tour is in ${shown}/steps.jsonl`, () =>
    writeBestTour(join(dir, 'best-tour.tour'), info, last),
  );
  files.push('summary.json', 'job.json', 'logs/');
  return { files: files.filter((name) => isThere(dir, name)), problems };
}

/** The journal's own files of the run folder `dir` that are there (when no exports are written). */
export function listedFiles(dir: string): string[] {
  return ['results.jsonl', 'steps.jsonl', 'summary.json', 'job.json', 'logs/'].filter((name) => isThere(dir, name));
}

/** Whether `name` is in `dir`: a file, or a folder when it ends in `/`. */
function isThere(dir: string, name: string): boolean {
  const folder = name.endsWith('/');
  const at = join(dir, folder ? name.slice(0, -1) : name);
  try {
    return folder ? statSync(at).isDirectory() : existsSync(at) && statSync(at).isFile();
  } catch {
    return false;
  }
}

/** Write `csvPath` from the journal at `journalPath`; returns the number of rows. */
export function writeResultsCsv(journalPath: string, csvPath: string, info: RunInfo): number {
  const n = info.total ?? 0;
  // Per plan index: byte offset + 1 (0 = no result) and length of its latest line.
  const offsets = new Float64Array(n);
  const lengths = new Uint32Array(n);
  const extra: { offset: number; length: number }[] = [];
  const paramKeys = new Set<string>(info.params ?? []);
  const valueKeys = new Set<string>();
  const dualKeys = new Set<string>();
  // Engine and MIP gap columns appear only when some result carries them (batch, race).
  let hasEngine = false;
  let hasGap = false;
  readJournalSync(journalPath, {
    onResult(r, _line, offset, bytes) {
      if (Number.isInteger(r.index) && r.index >= 0 && r.index < n) {
        offsets[r.index] = offset + 1;
        lengths[r.index] = bytes;
      } else {
        extra.push({ offset, length: bytes });
      }
      if (r.params) for (const k of Object.keys(r.params)) paramKeys.add(k);
      if (r.values) for (const k of Object.keys(r.values)) valueKeys.add(k);
      if (r.duals) for (const k of Object.keys(r.duals)) dualKeys.add(k);
      if (r.engine !== undefined) hasEngine = true;
      if (r.gap !== undefined) hasGap = true;
    },
  });

  const params = [...paramKeys];
  const fixed = new Set([
    'index',
    'id',
    'label',
    'solver',
    'status',
    'objective',
    'timeMs',
    'engine',
    'gap',
    'error',
    ...params,
  ]);
  // A value named like a parameter or a fixed column gets a suffix so headers stay unique.
  const values = [...valueKeys].map((k) => ({ key: k, header: fixed.has(k) ? `${k} (value)` : k }));
  const duals = [...dualKeys].map((k) => ({ key: k, header: `dual ${k}` }));
  const row = (r: TaskResult): string =>
    csvRow([
      r.index,
      r.id,
      r.label,
      r.solver,
      r.status,
      r.objective,
      r.timeMs,
      ...params.map((p) => r.params?.[p]),
      ...values.map((v) => r.values?.[v.key]),
      ...duals.map((d) => r.duals?.[d.key]),
      ...(hasEngine ? [r.engine] : []),
      ...(hasGap ? [r.gap] : []),
      r.error?.message,
    ]);

  const out = openSync(csvPath, 'w');
  const inFd = openSync(journalPath, 'r');
  let rows = 0;
  try {
    let chunk = csvRow([
      'index',
      'id',
      'label',
      'solver',
      'status',
      'objective',
      'timeMs',
      ...params,
      ...values.map((v) => v.header),
      ...duals.map((d) => d.header),
      ...(hasEngine ? ['engine'] : []),
      ...(hasGap ? ['gap'] : []),
      'error',
    ]);
    const lines = new LineReader(inFd);
    const add = (offset: number, length: number): void => {
      chunk += row(JSON.parse(lines.read(offset, length)) as TaskResult);
      rows++;
      if (chunk.length > 1 << 16) {
        writeSync(out, chunk);
        chunk = '';
      }
    };
    for (let i = 0; i < n; i++) {
      const at = offsets[i] ?? 0;
      if (at !== 0) add(at - 1, lengths[i] ?? 0);
    }
    for (const e of extra) add(e.offset, e.length);
    if (chunk.length > 0) writeSync(out, chunk);
  } finally {
    closeSync(inFd);
    closeSync(out);
  }
  return rows;
}

/** Write the best tour of a tour job as TSPLIB TOUR; false when there is none. */
export function writeBestTour(path: string, info: RunInfo, last: StepSummary | null): boolean {
  if (info.view.kind !== 'tour' || last?.tour === undefined) return false;
  writeFileSync(path, tsplibTour(info.view.name, last.tour, last.best, info.runId));
  return true;
}

/**
 * Reads lines by offset through a 1 MB window. Results arrive in batches roughly in plan
 * order, so walking the plan in index order stays inside the window most of the time (one
 * read per thousands of lines). If the order is so scattered that windows serve few lines
 * each, it switches to exact reads.
 */
class LineReader {
  private readonly fd: number;
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private start = 0;
  private end = 0;
  private windows = 0;
  private served = 0;

  constructor(fd: number) {
    this.fd = fd;
  }

  read(offset: number, length: number): string {
    if (offset < this.start || offset + length > this.end) {
      const scattered = this.windows >= 16 && this.served < 8 * this.windows;
      if (length > this.buf.length || scattered) {
        const one = Buffer.allocUnsafe(length);
        readSync(this.fd, one, 0, length, offset);
        return one.toString('utf8');
      }
      this.start = offset;
      this.end = offset + readSync(this.fd, this.buf, 0, this.buf.length, offset);
      this.windows++;
    }
    this.served++;
    return this.buf.toString('utf8', offset - this.start, offset - this.start + length);
  }
}

/** A tour in TSPLIB's TOUR format (1-based node numbers, -1 then EOF). */
export function tsplibTour(name: string, tour: readonly number[], length: number | null, runId: string): string {
  const lines = [
    `NAME : ${name}.tour`,
    `COMMENT : ${length === null ? 'best tour' : `length ${length}`} (solver-farm run ${runId})`,
    'TYPE : TOUR',
    `DIMENSION : ${tour.length}`,
    'TOUR_SECTION',
    ...tour.map((c) => String(c + 1)),
    '-1',
    'EOF',
  ];
  return `${lines.join('\n')}\n`;
}
