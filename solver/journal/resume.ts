/**
 * Resume: run exactly the tasks of a run that have no result yet (plus the failed ones with
 * `retryFailed`), appending to the same journal.
 *
 * Tasks are matched by id (solver/farm/task-id.ts), not by position alone: the farm re-parses
 * the job stored in job.json, plans it, and gives `idOf(i)`; a journal line counts for plan
 * index i only if it says index i and its id is the id of task i. Two steps, because parsing
 * and planning belong to the farm:
 *
 * ```ts
 * const job = readRunJob(dir);                   // job document, source, baseDir, kind …
 * // … the farm parses job.job, plans it, builds its task id function …
 * const { recorder, plan } = await resumeRun(dir, { count, idOf, specHash, retryFailed });
 * // run the tasks plan.finished leaves at 0; recorder.result(...) for each; recorder.finish(...)
 * ```
 * What it costs does not grow with the ids: one pass over the journal, checking each line's id
 * against the task at its index, and a byte or two per task of the plan (never a Set or Map of
 * ids, which hold at most 2^24 entries, while a plan may have MAX_PLANNED_TASKS tasks). Both
 * the pass and the walk over the plan yield to the event loop as they go.
 */
import type { StepSummary, TaskResult, TaskStatus } from '../api.ts';
import { describeJournalProblems, type JournalScan } from './journal-reader.ts';
import { JournalWriter } from './journal-writer.ts';
import { type RecorderOptions, RunRecorder, TASK_DONE, TASK_FAILED } from './recorder.ts';
import { RunDir, readStepInput, readStepSummaries } from './run-dir.ts';
import { ERROR_CODE } from './task-statuses.ts';

/** Plan indices walked between two looks at the event loop (a few ms of work). */
const SLICE = 1 << 22;

/** Which tasks a resumed run still has to run. */
export interface ResumePlan {
  /** Tasks in the plan. */
  total: number;
  /** Tasks to run: those without a result, and the retried failed ones. */
  toRun: number;
  /** Tasks with a successful result already. */
  done: number;
  /** Tasks whose latest result is an error and that stay failed (no retryFailed). */
  failed: number;
  /** Failed tasks that run again (retryFailed). */
  retried: number;
  /** Journal lines that are no task of this plan (another id at their index, or past its end: the job changed?). */
  unknown: number;
  /** Per plan index, as the recorder counts: 0 = no result, TASK_DONE, TASK_FAILED. */
  state: Uint8Array;
  /**
   * Per plan index, as Farm.start skips: 0 = to run, 1 = done, 2 = failed and staying failed.
   * Its own array, for the farm to take over (`done` and `failed` are its counts).
   */
  finished: Uint8Array;
  /** Latest results of plan tasks by status. */
  byStatus: Record<TaskStatus, number>;
}

/** The indices a plan runs, ascending (walks the whole plan: for tests and small plans). */
export function* remainingTasks(plan: ResumePlan): Generator<number> {
  for (let i = 0; i < plan.total; i++) if (plan.finished[i] === 0) yield i;
}

/** Lets the event loop run (timers, sockets: a status request) before going on. */
function breather(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Turns a scan of the journal against a plan of `count` tasks (readJournal with that count and
 * a `belongs` that checks each line's id) into what to run. Walks the plan once, in slices
 * that let the event loop run between them.
 */
export async function planResume(
  scan: Pick<JournalScan, 'latest' | 'byStatus' | 'foreign'>,
  count: number,
  options: { retryFailed?: boolean } = {},
): Promise<ResumePlan> {
  const codes = scan.latest.codes;
  const retry = options.retryFailed === true;
  // Two arrays: the recorder's and the one the farm takes over (StartOptions.finishedCounts).
  // Written only where the journal has a result: pages of neither are touched elsewhere.
  const state = new Uint8Array(count);
  const finished = new Uint8Array(count);
  let done = 0;
  let failed = 0;
  const end = Math.min(count, codes.length);
  for (let from = 0; from < end; from += SLICE) {
    if (from > 0) await breather();
    const to = Math.min(end, from + SLICE);
    for (let i = from; i < to; i++) {
      const code = codes[i] as number;
      if (code === 0) continue;
      if (code === ERROR_CODE) {
        state[i] = TASK_FAILED;
        if (!retry) finished[i] = TASK_FAILED;
        failed++;
      } else {
        state[i] = TASK_DONE;
        finished[i] = TASK_DONE;
        done++;
      }
    }
  }
  return {
    total: count,
    toRun: count - done - (retry ? 0 : failed),
    done,
    failed: retry ? 0 : failed,
    retried: retry ? failed : 0,
    unknown: scan.foreign,
    state,
    finished,
    byStatus: { ...scan.byStatus },
  };
}

/** What resumeRun needs from the farm, which re-parsed and re-planned job.json's job. */
export interface ResumeRequest extends RecorderOptions {
  /** Tasks in the plan. */
  count: number;
  /** Id of task i: the farm's task id of plan.task(i). */
  idOf: (index: number) => string;
  /** specHash of the re-parsed spec: must equal job.json's, or the inputs changed. */
  specHash: string;
  retryFailed?: boolean;
}

/** A resumed run, ready to go. */
export interface ResumedRun {
  recorder: RunRecorder;
  plan: ResumePlan;
  /** The journal as found (its torn tail, if any, already cut off). */
  scan: JournalScan;
  /** Problems found in the journal, in words ('' when clean), for the user. */
  warnings: string;
}

/**
 * Locks the run, repairs its journal (cuts a torn last line), compares it with the plan and
 * returns a recorder that appends to the same journal. Refuses when the job's inputs changed
 * since the run started (the spec hash differs), because then no old result can be trusted
 * to belong to the new tasks.
 */
export async function resumeRun(dir: string, request: ResumeRequest): Promise<ResumedRun> {
  const run = RunDir.open(dir);
  let journal: JournalWriter | null = null;
  try {
    if (request.specHash !== run.job.specHash) {
      throw new Error(
        `${run.dir}: the job's inputs changed since this run started (spec hash ${run.job.specHash.slice(0, 12)}…, now ${request.specHash.slice(0, 12)}…); start a new run instead of resuming`,
      );
    }
    if (run.job.taskCount === null) {
      throw new Error(`${run.dir}: a ${run.job.kind} run has barrier steps, not tasks; resume it with resumeStepRun`);
    }
    // One pass: the journal's lines are matched with the plan as it is read (and its torn tail cut).
    const { count, idOf } = request;
    journal = await JournalWriter.open(run.file('journal'), request.writer, {
      count,
      belongs: (r: TaskResult) => idOf(r.index) === r.id,
    });
    const scan = journal.opened;
    const plan = await planResume(scan, count, { retryFailed: request.retryFailed ?? false });
    const warnings = [describeJournalProblems(scan)];
    if (plan.unknown > 0) {
      warnings.push(
        `${scan.path}: ${plan.unknown} lines in the journal are no task of this job's plan; they are kept but not counted`,
      );
    }
    const recorder = new RunRecorder(
      {
        run,
        journal,
        state: plan.state,
        byStatus: plan.byStatus,
        previous: run.readSummary(),
        // The recorder counts what state holds: a retried failure is failed until it succeeds.
        counts: { done: plan.done, failed: plan.failed + plan.retried },
      },
      request,
    );
    return { recorder, plan, scan, warnings: warnings.filter((w) => w !== '').join('\n') };
  } catch (err) {
    journal?.close();
    run.release();
    throw err;
  }
}

/** A resumed step job (a barrier-stepped run such as tsp), ready to go on. */
export interface ResumedStepRun {
  recorder: RunRecorder;
  /** Steps completed in earlier sessions: the run goes on with step `done + 1`. */
  done: number;
  /** Steps of the job. */
  total: number;
  /** The input of step `done + 1` (the plan's initial input when `done` is 0). */
  input: unknown;
  /** Best value recorded so far, if any. */
  best?: number;
  /** Problems found, in words ('' when clean). */
  warnings: string;
}

/**
 * Locks a step job's run and works out where it goes on: after the last step whose next
 * input was recorded (step-input.json), from that input. Step summaries recorded after it
 * (a crash between the summary and the input) are dropped from the count and run again.
 */
export async function resumeStepRun(
  dir: string,
  request: { specHash: string; initial: unknown; writer?: RecorderOptions['writer'] } & RecorderOptions,
): Promise<ResumedStepRun> {
  const run = RunDir.open(dir);
  let journal: JournalWriter | null = null;
  let stepWriter: JournalWriter<StepSummary> | null = null;
  try {
    if (request.specHash !== run.job.specHash) {
      throw new Error(
        `${run.dir}: the job's inputs changed since this run started (spec hash ${run.job.specHash.slice(0, 12)}…, now ${request.specHash.slice(0, 12)}…); start a new run instead of resuming`,
      );
    }
    const total = run.job.steps;
    if (total === null)
      throw new Error(`${run.dir}: a ${run.job.kind} run has tasks, not steps; resume it with resumeRun`);
    const saved = readStepInput(run.dir);
    const done = Math.min(saved?.step ?? 0, total);
    const steps = readStepSummaries(run.dir).filter((st) => st.step <= done);
    const warnings: string[] = [];
    if (saved === null && steps.length > 0) {
      warnings.push(`${run.file('stepInput')}: missing, so the run starts again from step 1`);
    }
    journal = await JournalWriter.open(run.file('journal'), request.writer);
    stepWriter = await JournalWriter.open<StepSummary>(run.file('steps'), { ...request.writer, maxLines: 1 });
    const previous = run.readSummary();
    const recorder = new RunRecorder(
      {
        run,
        journal,
        state: new Uint8Array(0),
        byStatus: { optimal: 0, feasible: 0, 'time-limit': 0, infeasible: 0, unbounded: 0, error: 0 },
        previous,
        steps: { done: steps, writer: stepWriter },
      },
      request,
    );
    const out: ResumedStepRun = {
      recorder,
      done,
      total,
      input: saved === null ? request.initial : saved.input,
      warnings: warnings.join('\n'),
    };
    const best = steps.at(-1)?.best;
    if (best !== undefined && done > 0) out.best = best;
    return out;
  } catch (err) {
    journal?.close();
    stepWriter?.close();
    run.release();
    throw err;
  }
}
