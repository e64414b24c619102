/**
 * `solver-farm run <job.json>`: start a job on the farm, show progress, stream results to
 * the output folder, handle Ctrl-C (first: graceful, second: kill the solvers), print a
 * summary and return the exit code (0 all tasks succeeded, 1 failures or stopped, 2 job error).
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { FarmEvent, Progress, RunInfo, RunState, SerializedError, StepSummary, TaskResult } from '../api.ts';
import { EXIT, oneLine, UserError } from './errors.ts';
import { cleanLine, formatCount, formatDuration, formatValue } from './format.ts';
import { readJobFile } from './job-file.ts';
import { createReporter } from './progress-bar.ts';
import { ResultsWriter, type RunFiles } from './results-writer.ts';

/** Options of `run` as parsed by commander. */
export interface RunOptions {
  cores?: number;
  out?: string;
  logs?: boolean;
}

/** Where the command writes; process streams by default (tests may pass others). */
export interface RunIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; columns?: number; isTTY?: boolean };
}

const FINAL: ReadonlySet<RunState> = new Set(['done', 'stopped', 'failed']);

interface RunEnd {
  state: RunState;
  error?: SerializedError;
  reason?: string;
}

/** Counts kept while the run goes on (results themselves go straight to disk). */
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

/** Run a job file; resolves with the process exit code. User errors are printed as one line. */
export async function runCommand(jobPath: string, options: RunOptions, io: RunIo = process): Promise<number> {
  const cores = options.cores ?? availableParallelism();
  const job = readJobFile(jobPath);
  const absolute = resolve(jobPath);
  // Check the output folder before any solver starts: failing after the work began would waste it.
  checkFolder(options.out ?? 'runs', options.out === undefined ? 'the runs folder' : '--out');
  // Loaded after the job file is read, so a missing or broken file costs no solver process.
  const { openFarm } = await import('./open-farm.ts');
  const farm = openFarm(cores);
  const tally = new Tally();
  const reporter = createReporter({
    streams: { out: io.stdout, err: io.stderr },
    tty: io.stderr.isTTY === true,
    cores,
  });
  let writer: ResultsWriter | null = null;
  let info: RunInfo | null = null;
  const early: FarmEvent[] = [];
  let endRun: (end: RunEnd) => void = () => {};
  const ended = new Promise<RunEnd>((r) => {
    endRun = r;
  });

  const handle = (events: readonly FarmEvent[]): void => {
    const notes: string[] = [];
    for (const ev of events) {
      switch (ev.type) {
        case 'results':
          writer?.writeResults(ev.results);
          tally.add(ev.results);
          break;
        case 'progress':
          tally.progress = ev.progress;
          reporter.update(ev.progress);
          break;
        case 'step':
          writer?.writeStep(ev.summary);
          tally.lastStep = ev.summary;
          notes.push(
            `step ${ev.summary.step}/${ev.summary.steps}: best ${formatValue(ev.summary.best)} (core ${ev.summary.winner + 1} won this step)`,
          );
          break;
        case 'log':
          if (options.logs === true && ev.lines.length > 0) {
            reporter.print(
              ev.lines.map((l) => `[core ${ev.solver + 1}] ${cleanLine(l)}`),
              'out',
            );
          }
          break;
        case 'error':
          notes.push(
            `${ev.solver === undefined ? 'farm' : `core ${ev.solver + 1}`}: ${ev.error.name}: ${ev.error.message}`,
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
  const unsubscribe = farm.subscribe((events) => {
    if (writer === null) early.push(...events);
    else handle(events);
  });

  // Ctrl-C: first press drains (running tasks finish, results kept), second kills the solvers.
  let interrupts = 0;
  const interrupt = (): void => {
    interrupts++;
    if (interrupts === 1) {
      reporter.print(['Stopping: finishing running tasks… press Ctrl-C again to kill the solvers'], 'err');
    } else if (interrupts === 2) {
      reporter.print(['Killing the solvers…'], 'err');
    } else {
      // A third press: the user wants out now. results.jsonl is already on disk (written per batch).
      reporter.stop();
      io.stderr.write('Exiting at once; results.jsonl has every result received so far\n');
      process.exit(130);
    }
    if (info !== null && interrupts <= 2) void farm.terminate({ force: interrupts > 1 }).catch(() => {});
  };
  process.on('SIGINT', interrupt);
  process.on('SIGTERM', interrupt);

  try {
    try {
      // An absolute source: the farm resolves the job's relative paths (a TSP instance, a
      // custom kind module) against the folder of an absolute source, not of a relative one.
      info = await farm.start({ job, source: absolute, cores });
    } catch (err) {
      // start() rejects only for jobs it cannot run: the located ValidationError of the kind.
      // Name the file as the user typed it.
      throw new UserError(oneLine(err).replaceAll(absolute, jobPath));
    }
    const dir = options.out ?? join('runs', info.runId);
    try {
      writer = new ResultsWriter(dir, info, job);
    } catch (err) {
      await farm.terminate({ force: true }).catch(() => 'none');
      throw new UserError(`cannot write the results to ${dir}: ${oneLine(err)}`);
    }
    handle(early.splice(0));
    if (interrupts > 0) void farm.terminate({ force: interrupts > 1 }).catch(() => {});
    const startedAt = Date.now();
    reporter.print([startLine(info, jobPath, dir)], 'err');

    const end = await ended;
    const wallMs = Date.now() - startedAt;
    reporter.stop();
    // The farm may count failures that never produced a result (e.g. lost with a crashed solver).
    const failed = Math.max(tally.failed, tally.progress?.failed ?? 0);
    const files = writer.finish({
      runId: info.runId,
      job: absolute,
      kind: info.kind,
      name: info.name,
      state: end.state,
      reason: end.reason ?? null,
      error: end.error?.message ?? null,
      cores: info.cores,
      startedAt: new Date(info.startedAt).toISOString(),
      wallMs,
      total: info.total,
      done: tally.done,
      failed,
      objective: tally.done > 0 ? objectiveSummary(tally, objectiveSense(job)) : null,
      best: tally.lastStep?.best ?? null,
      steps: tally.lastStep === null ? null : { done: tally.lastStep.step, of: tally.lastStep.steps },
    });
    io.stdout.write(summary(info, end, tally, failed, wallMs, files, objectiveSense(job)));
    return end.state === 'done' && failed === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    reporter.stop();
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    unsubscribe();
    await farm.close();
  }
}

/**
 * Check that `dir` can be created or written, without creating anything yet (a job that
 * then fails validation leaves no empty folder): `dir` or its nearest existing ancestor
 * must be a writable folder. A UserError naming `what` if not.
 */
function checkFolder(dir: string, what: string): void {
  let at = resolve(dir);
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  let why: string | null = null;
  if (!statSync(at).isDirectory()) why = `${at} is a file, expected a folder`;
  else {
    try {
      accessSync(at, constants.W_OK);
    } catch {
      why = `no permission to write in ${at}`;
    }
  }
  if (why !== null) throw new UserError(`${what} ${dir}: cannot create or write this folder: ${why}`);
}

function finite(n: number): number | null {
  return Number.isFinite(n) ? n : null;
}

function objectiveSummary(tally: Tally, sense: 'min' | 'max' | null): Record<string, unknown> {
  const out: Record<string, unknown> = { min: finite(tally.minObjective), max: finite(tally.maxObjective) };
  if (sense !== null && Number.isFinite(tally.minObjective)) {
    out.sense = sense;
    out.best = sense === 'max' ? tally.maxObjective : tally.minObjective;
    out.bestLabel = sense === 'max' ? tally.maxLabel : tally.minLabel;
  }
  return out;
}

function startLine(info: RunInfo, jobPath: string, dir: string): string {
  const what = info.total !== null ? `${formatCount(info.total)} tasks` : `${info.steps ?? '?'} steps`;
  return `Running ${jobPath} (${info.kind}: ${info.name}): ${what} on ${info.cores} core${info.cores === 1 ? '' : 's'}, results in ${dir}`;
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

function summary(
  info: RunInfo,
  end: RunEnd,
  tally: Tally,
  failed: number,
  wallMs: number,
  files: RunFiles,
  sense: 'min' | 'max' | null,
): string {
  const lines: string[] = [];
  const head =
    end.state === 'done'
      ? 'Finished'
      : end.state === 'stopped'
        ? 'Stopped'
        : `Run ${end.state === 'failed' ? 'failed' : end.state}`;
  const counts =
    info.total !== null
      ? `${formatCount(tally.done)} of ${formatCount(info.total)} tasks done, ${formatCount(failed)} failed`
      : `${tally.lastStep?.step ?? 0} of ${info.steps ?? '?'} steps done`;
  lines.push(`${head}: ${counts} in ${formatDuration(wallMs)} on ${info.cores} core${info.cores === 1 ? '' : 's'}`);
  if (end.error !== undefined) lines.push(`Error: ${end.error.message}`);
  else if (end.reason !== undefined && end.state !== 'done') lines.push(`Reason: ${end.reason}`);
  if (tally.done > 0 && Number.isFinite(tally.minObjective)) {
    const range =
      tally.minObjective === tally.maxObjective
        ? formatValue(tally.minObjective)
        : `from ${formatValue(tally.minObjective)} to ${formatValue(tally.maxObjective)}`;
    if (sense === null) lines.push(`Objective: ${range}`);
    else {
      const best = sense === 'max' ? tally.maxObjective : tally.minObjective;
      const label = sense === 'max' ? tally.maxLabel : tally.minLabel;
      lines.push(`Best objective (${sense}): ${formatValue(best)} at ${label}; objective ${range}`);
    }
  }
  if (tally.lastStep !== null) {
    const label = info.view.kind === 'tour' ? 'Best tour length' : 'Best value';
    lines.push(`${label}: ${formatValue(tally.lastStep.best)}`);
  }
  const extra = [files.steps, files.tour]
    .filter((f): f is string => f !== undefined)
    .map((f) => f.slice(files.dir.length + 1));
  lines.push(`Files: ${files.dir}/ (results.jsonl, results.csv, ${[...extra, 'summary.json'].join(', ')})`);
  return `${lines.join('\n')}\n`;
}
