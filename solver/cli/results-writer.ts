/**
 * Writes a run's files into its output folder while the run goes on:
 * - `results.jsonl`: one TaskResult per line, appended as batches arrive (never held in memory);
 * - `steps.jsonl`: one StepSummary per barrier step (step jobs);
 * - at the end, `results.csv` in plan order (index), `best-tour.tour` (TSPLIB, tour jobs)
 *   and `summary.json`.
 * The CSV is made from results.jsonl: while appending we remember only each line's byte
 * offset and length by plan index (12 bytes a task), then copy the lines in index order.
 */
import { closeSync, mkdirSync, openSync, readSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { RunInfo, StepSummary, TaskResult } from '../api.ts';
import { csvRow } from './csv.ts';

/** Files a finished run left behind (absolute or as given by the output folder). */
export interface RunFiles {
  dir: string;
  results: string;
  csv: string;
  steps?: string;
  tour?: string;
  summary: string;
}

/** Streams results and steps of one run to disk. */
export class ResultsWriter {
  readonly dir: string;
  private readonly info: RunInfo;
  private readonly jsonl: number;
  private steps: number | null = null;
  private bytes = 0;
  /** Per plan index: byte offset (+1; 0 = no result yet) and byte length in results.jsonl. */
  private offsets: Float64Array;
  private lengths: Uint32Array;
  /** Results whose index is outside the planned range (should not happen; kept, written last). */
  private extra: { offset: number; length: number }[] = [];
  private readonly paramKeys = new Set<string>();
  private readonly valueKeys = new Set<string>();
  private readonly dualKeys = new Set<string>();
  private bestStep: StepSummary | null = null;

  constructor(dir: string, info: RunInfo, job: unknown) {
    this.dir = dir;
    this.info = info;
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'job.json'), `${JSON.stringify(job, null, 2)}\n`);
    // 'w+': the CSV pass reads the lines back through the same descriptor.
    this.jsonl = openSync(join(dir, 'results.jsonl'), 'w+');
    const n = info.total ?? 0;
    this.offsets = new Float64Array(n);
    this.lengths = new Uint32Array(n);
    for (const p of info.params ?? []) this.paramKeys.add(p);
  }

  /** Append a batch of results (one write call per batch). */
  writeResults(results: readonly TaskResult[]): void {
    if (results.length === 0) return;
    let chunk = '';
    let at = this.bytes;
    for (const r of results) {
      const line = `${JSON.stringify(r)}\n`;
      const length = Buffer.byteLength(line);
      if (Number.isInteger(r.index) && r.index >= 0 && r.index < this.offsets.length) {
        this.offsets[r.index] = at + 1;
        this.lengths[r.index] = length;
      } else {
        this.extra.push({ offset: at, length });
      }
      chunk += line;
      at += length;
      if (r.params) for (const k of Object.keys(r.params)) this.paramKeys.add(k);
      if (r.values) for (const k of Object.keys(r.values)) this.valueKeys.add(k);
      if (r.duals) for (const k of Object.keys(r.duals)) this.dualKeys.add(k);
    }
    writeSync(this.jsonl, chunk);
    this.bytes = at;
  }

  /** Append one step summary to steps.jsonl; remember the best for the tour file. */
  writeStep(summary: StepSummary): void {
    if (this.steps === null) this.steps = openSync(join(this.dir, 'steps.jsonl'), 'w');
    writeSync(this.steps, `${JSON.stringify(summary)}\n`);
    if (summary.tour !== undefined || this.bestStep === null) this.bestStep = summary;
  }

  /** Close the streams and write results.csv, the best tour and summary.json. */
  finish(summary: Record<string, unknown>): RunFiles {
    const files: RunFiles = {
      dir: this.dir,
      results: join(this.dir, 'results.jsonl'),
      csv: join(this.dir, 'results.csv'),
      summary: join(this.dir, 'summary.json'),
    };
    this.writeCsv(files.csv);
    closeSync(this.jsonl);
    if (this.steps !== null) {
      closeSync(this.steps);
      files.steps = join(this.dir, 'steps.jsonl');
    }
    const tour = this.bestStep?.tour;
    if (tour !== undefined && this.info.view.kind === 'tour') {
      files.tour = join(this.dir, 'best-tour.tour');
      writeFileSync(files.tour, tsplibTour(this.info.view.name, tour, this.bestStep?.best ?? null, this.info.runId));
    }
    writeFileSync(files.summary, `${JSON.stringify({ ...summary, files }, null, 2)}\n`);
    return files;
  }

  private writeCsv(path: string): void {
    const params = [...this.paramKeys];
    const fixed = new Set(['index', 'id', 'label', 'solver', 'status', 'objective', 'timeMs', 'error', ...params]);
    // A value named like a parameter or a fixed column gets a suffix so headers stay unique.
    const values = [...this.valueKeys].map((k) => ({ key: k, header: fixed.has(k) ? `${k} (value)` : k }));
    const duals = [...this.dualKeys].map((k) => ({ key: k, header: `dual ${k}` }));
    const out = openSync(path, 'w');
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
        'error',
      ]);
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
          r.error?.message,
        ]);
      const flush = (force: boolean): void => {
        if (chunk.length > (force ? 0 : 1 << 16)) {
          writeSync(out, chunk);
          chunk = '';
        }
      };
      const lines = new LineReader(this.jsonl);
      const read = (offset: number, length: number): TaskResult => JSON.parse(lines.read(offset, length)) as TaskResult;
      for (let i = 0; i < this.offsets.length; i++) {
        const at = this.offsets[i] ?? 0;
        if (at === 0) continue;
        chunk += row(read(at - 1, this.lengths[i] ?? 0));
        flush(false);
      }
      for (const e of this.extra) {
        chunk += row(read(e.offset, e.length));
        flush(false);
      }
      flush(true);
    } finally {
      closeSync(out);
    }
  }
}

/**
 * Reads lines of results.jsonl by offset through a 1 MB window. Results arrive in batches,
 * roughly in plan order, so walking the plan in index order stays inside the window most
 * of the time (one read per thousands of lines instead of one per line). If the order is
 * so scattered that windows serve few lines each, it switches to exact reads.
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
