/**
 * Supervises one recorded run for `run` and `resume`: progress display, `--logs`, Ctrl-C
 * (first: graceful, second: kill the solvers, third: exit at once), SIGTERM (graceful for at
 * most the grace, then kill), then results.csv and the best tour next to the journal's files,
 * a summary on stdout and the exit code (0 every task succeeded, 1 a task failed or the run
 * was stopped or failed, or could not be recorded).
 *
 * A journal that could not be written (the farm then stops the run: `RecorderError` with a
 * `journal-…` code) gets no exports: they would be copies of a journal that lacks results, or
 * files written into a folder that is not the run's any more. The summary says how many
 * results were journaled and how to go on.
 */
import { relative } from 'node:path';
import type { FarmEvent, Progress, RunInfo, RunState, SerializedError, StepSummary, TaskResult } from '../api.ts';
import type { Farm } from '../farm/farm.ts';
import { EXIT } from './errors.ts';
import { cleanLine, formatCount, formatDuration, formatValue } from './format.ts';
import { createReporter } from './progress-bar.ts';
import { listedFiles, writeRunExports } from './run-exports.ts';
import { formatGrace, graceMs, stopLadder } from './stop-signals.ts';

/** Where a session writes; process streams by default (tests may pass others). */
export interface SessionIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; columns?: number; isTTY?: boolean };
}

/** What a session needs. */
export interface SessionOptions {
  farm: Farm;
  cores: number;
  logs: boolean;
  io: SessionIo;
  /**
   * Starts the run with the journal recording it (`info.dir` is its folder); rejects for a job
   * or folder that cannot run.
   */
  start(): Promise<RunInfo>;
  /** What the start line names, e.g. the job file as typed. */
  label: string;
  /** Whether a bigger objective is better (from the job), for the summary. */
  sense: 'min' | 'max' | null;
  /** Tasks already done / failed before this session (resume). */
  before?: { done: number; failed: number };
  /** `--grace`: seconds a SIGTERM lets running tasks finish before the solvers are killed (default 10). */
  grace?: number | undefined;
}

const FINAL: ReadonlySet<RunState> = new Set(['done', 'stopped', 'failed']);

/** What to do about a journal that could not be written, by its code (solver/journal/journal-writer.ts). */
const JOURNAL_REMEDY: Readonly<Record<string, string>> = {
  'journal-full': 'once there is space',
  'journal-write': 'once the disk works again',
};

interface RunEnd {
  state: RunState;
  error?: SerializedError;
  reason?: string;
}

/** Counts kept while the run goes on (the results themselves go straight to the journal). */
class Tally {
  done = 0;
  failed = 0;
  minObjective = Number.POSITIVE_INFINITY;
  maxObjective = Number.NEGATIVE_INFINITY;
  minLabel = '';
  maxLabel = '';
  lastStep: StepSummary | null = null;
  progress: Progress | null = null;

  add(results: readonly TaskResult[]): void {
    for (const r of results) {
      if (r.status === 'error') this.failed++;
      else this.done++;
      if (r.objective !== null && Number.isFinite(r.objective)) {
        if (r.objective < this.minObjective) {
          this.minObjective = r.objective;
          this.minLabel = r.label;
        }
        if (r.objective > this.maxObjective) {
          this.maxObjective = r.objective;
          this.maxLabel = r.label;
        }
      }
    }
  }
}

/** Drive one run to its end; resolves with the exit code. Errors of start() propagate. */
export async function superviseRun(o: SessionOptions): Promise<number> {
  const { farm, io } = o;
  const tally = new Tally();
  /** The first `RecorderError` event: some of the run may be missing from its folder. */
  let recordingError: SerializedError | null = null;
  /** Paths under the current folder as the user typed them (messages name files absolutely). */
  const cwd = `${process.cwd()}/`;
  const shown = (text: string): string => (cwd === '//' ? text : text.replaceAll(cwd, ''));
  const reporter = createReporter({
    streams: { out: io.stdout, err: io.stderr },
    tty: io.stderr.isTTY === true,
    cores: o.cores,
  });
  let started = false;
  let endRun: (end: RunEnd) => void = () => {};
  const ended = new Promise<RunEnd>((r) => {
    endRun = r;
  });

  const handle = (events: readonly FarmEvent[]): void => {
    const notes: string[] = [];
    for (const ev of events) {
      switch (ev.type) {
        case 'results':
          tally.add(ev.results);
          break;
        case 'progress':
          tally.progress = ev.progress;
          reporter.update(ev.progress);
          break;
        case 'step':
          tally.lastStep = ev.summary;
          notes.push(
            `step ${ev.summary.step}/${ev.summary.steps}: best ${formatValue(ev.summary.best)} (core ${ev.summary.winner + 1} won this step)`,
          );
          break;
        case 'log':
          if (o.logs && ev.lines.length > 0) {
            reporter.print(
              ev.lines.map((l) => `[core ${ev.solver + 1}] ${cleanLine(l)}`),
              'out',
            );
          }
          break;
        case 'error':
          // The journal could not record everything: the run is not what it claims to be.
          // (A `RecorderWarning`, e.g. a solver's log file that stopped, is said and no more:
          // logs explain a run, the journal is the run; losing them does not fail it.)
          if (ev.error.name === 'RecorderError') recordingError ??= ev.error;
          notes.push(
            `${ev.solver === undefined ? 'farm' : `core ${ev.solver + 1}`}: ${ev.error.name}: ${shown(ev.error.message)}`,
          );
          break;
        case 'solver':
          if (ev.solver.state === 'crashed') {
            notes.push(`core ${ev.solver.id + 1} crashed${ev.solver.reason ? `: ${ev.solver.reason}` : ''}`);
          }
          break;
        case 'run':
          if (FINAL.has(ev.state)) {
            const end: RunEnd = { state: ev.state };
            if (ev.error !== undefined) end.error = ev.error;
            if (ev.reason !== undefined) end.reason = ev.reason;
            endRun(end);
          }
          break;
      }
    }
    if (notes.length > 0) reporter.print(notes, 'err');
  };
  const unsubscribe = farm.subscribe(handle);

  const terminate = (force: boolean): void => {
    if (started) void farm.terminate({ force }).catch(() => {});
  };
  const stopping = stopLadder({
    graceMs: graceMs(o.grace),
    firstInterrupt: 'drain',
    actions: {
      drain(signal, grace) {
        reporter.print(
          [
            signal === 'SIGTERM'
              ? `SIGTERM: draining running tasks for up to ${formatGrace(grace ?? 0)}, then stopping them`
              : 'Stopping: finishing running tasks… press Ctrl-C again to kill the solvers',
          ],
          'err',
        );
        terminate(false);
      },
      force(cause, first) {
        reporter.print(
          [
            cause === 'grace'
              ? 'Grace period over: killing the solvers…'
              : first
                ? `${cause}: killing the solvers (--grace 0)…`
                : 'Killing the solvers…',
          ],
          'err',
        );
        terminate(true);
      },
      exit() {
        // A third signal: the user wants out now. The journal is on disk up to its last batch.
        reporter.stop();
        io.stderr.write('Exiting at once; results.jsonl has every result journalled so far\n');
        process.exit(130);
      },
    },
  });

  try {
    const info = await o.start();
    started = true;
    // Stopped while the job was loading: act on it now.
    if (stopping.stage !== 'none') terminate(stopping.stage !== 'drain');
    const runDir = info.dir;
    if (runDir === undefined) throw new Error('the farm started a run without opening its journal');
    const dir = displayPath(runDir);
    const startedAt = Date.now();
    reporter.print([startLine(info, o.label, dir)], 'err');

    const end = await ended;
    const wallMs = Date.now() - startedAt;
    reporter.stop();
    // The farm may count failures that never produced a result (e.g. lost with a crashed solver).
    tally.failed = Math.max(tally.failed, tally.progress?.failed ?? 0);
    // The journal finished (flushed, summary.json written) before the farm announced the end.
    const journalCode = (recordingError as SerializedError | null)?.code;
    const journalFailed = journalCode?.startsWith('journal-') === true;
    const exports = journalFailed ? null : writeRunExports(runDir, dir, info, tally.lastStep);
    for (const problem of exports?.problems ?? []) io.stderr.write(`${problem}\n`);
    if (recordingError !== null) {
      const error = recordingError as SerializedError;
      end.error ??= { ...error, message: shown(error.message) };
      // Recorded or not, the run is not complete: never "Finished".
      if (end.state === 'done') end.state = 'failed';
    }
    const next = journalCode === undefined ? undefined : JOURNAL_REMEDY[journalCode];
    // A folder that was removed or replaced is not the run's: no files or resume to name there.
    const files = journalCode === 'journal-gone' ? null : (exports?.files ?? listedFiles(runDir));
    io.stdout.write(summary(info, end, tally, wallMs, dir, files, o, { journalFailed, next }));
    const failedBefore = o.before?.failed ?? 0;
    const complete = recordingError === null && exports !== null && exports.problems.length === 0;
    return complete && end.state === 'done' && tally.failed + failedBefore === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    reporter.stop();
    stopping.dispose();
    unsubscribe();
    await farm.close();
  }
}

/** A path relative to the current folder when it is inside it, else absolute. */
function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel !== '' && !rel.startsWith('..') && !rel.startsWith('/') ? rel : path;
}

function startLine(info: RunInfo, label: string, dir: string): string {
  const what = info.total !== null ? `${formatCount(info.total)} tasks` : `${info.steps ?? '?'} steps`;
  return `Running ${label} (${info.kind}: ${info.name}): ${what} on ${info.cores} core${info.cores === 1 ? '' : 's'}, results in ${dir}`;
}

/** How a journal failure changes the summary: `next`, what must happen before a resume. */
interface JournalNews {
  journalFailed: boolean;
  next: string | undefined;
}

function summary(
  info: RunInfo,
  end: RunEnd,
  tally: Tally,
  wallMs: number,
  dir: string,
  files: readonly string[] | null,
  o: SessionOptions,
  journal: JournalNews,
): string {
  const lines: string[] = [];
  const head = end.state === 'done' ? 'Finished' : end.state === 'stopped' ? 'Stopped' : 'Run failed';
  let counts: string;
  if (info.total !== null) {
    const done = tally.done + (o.before?.done ?? 0);
    const failed = tally.failed + (o.before?.failed ?? 0);
    // Not "done" when the journal failed: the error line says how many of them it kept.
    const verb = journal.journalFailed ? 'ran' : 'done';
    counts = `${formatCount(done)} of ${formatCount(info.total)} tasks ${verb}, ${formatCount(failed)} failed`;
    if (o.before !== undefined) counts += ` (${formatCount(tally.done + tally.failed)} in this session)`;
  } else {
    counts = `${tally.lastStep?.step ?? 0} of ${info.steps ?? '?'} steps done`;
  }
  lines.push(`${head}: ${counts} in ${formatDuration(wallMs)} on ${info.cores} core${info.cores === 1 ? '' : 's'}`);
  if (end.error !== undefined) lines.push(`Error: ${end.error.message}`);
  // A finished run's reason is news too (a race names its winner there).
  else if (end.reason !== undefined) lines.push(`${end.state === 'done' ? 'Note' : 'Reason'}: ${end.reason}`);
  if (tally.done > 0 && Number.isFinite(tally.minObjective)) {
    const range =
      tally.minObjective === tally.maxObjective
        ? formatValue(tally.minObjective)
        : `from ${formatValue(tally.minObjective)} to ${formatValue(tally.maxObjective)}`;
    const session = o.before !== undefined ? ', this session' : '';
    if (o.sense === null) lines.push(`Objective${session ? ' (this session)' : ''}: ${range}`);
    else {
      const best = o.sense === 'max' ? tally.maxObjective : tally.minObjective;
      const label = o.sense === 'max' ? tally.maxLabel : tally.minLabel;
      lines.push(`Best objective (${o.sense}${session}): ${formatValue(best)} at ${label}; objective ${range}`);
    }
  }
  if (tally.lastStep !== null) {
    const label = info.view.kind === 'tour' ? 'Best tour length' : 'Best value';
    lines.push(`${label}: ${formatValue(tally.lastStep.best)}`);
  }
  if (files !== null) lines.push(`Files: ${dir}/ (${files.join(', ')})`);
  if (journal.next !== undefined) lines.push(`Continue with (${journal.next}): solver-farm resume ${dir}`);
  else if (end.state === 'stopped' && !journal.journalFailed) lines.push(`Continue with: solver-farm resume ${dir}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Whether a bigger objective is better, when the job says so in the usual place
 * (`model.objective.direction` of a sweep: "max"/"min" or GLPK's 2/1); null otherwise.
 */
export function objectiveSense(job: unknown): 'min' | 'max' | null {
  const model = (job as { model?: { objective?: { direction?: unknown } } } | null)?.model;
  const d = model?.objective?.direction;
  if (d === 'max' || d === 2) return 'max';
  if (d === 'min' || d === 1) return 'min';
  return null;
}
