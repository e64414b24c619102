/**
 * Resume: run exactly the tasks of a run that have no result yet (plus the failed ones with
 * `retryFailed`), appending to the same journal.
 *
 * Tasks are matched by id (solver/farm/task-id.ts), not by position: the farm re-parses the job stored
 * in job.json, plans it, and gives `idOf(i)`; a journal line counts for plan index i only if
 * its id is the id of task i. Two steps, because parsing and planning belong to the farm:
 *
 * ```ts
 * const job = readRunJob(dir);                   // job document, source, baseDir, kind …
 * // … the farm parses job.job, plans it, builds its task id function …
 * const { recorder, plan } = await resumeRun(dir, { count, idOf, specHash, retryFailed });
 * // run plan.remaining; recorder.result(...) for each result; recorder.finish(...)
 * ```
 */
import type { StepSummary, TaskStatus } from '../api.ts';
import { describeJournalProblems, type JournalScan } from './journal-reader.ts';
import { JournalWriter } from './journal-writer.ts';
import { type RecorderOptions, RunRecorder, TASK_DONE, TASK_FAILED } from './recorder.ts';
import { RunDir, readStepInput, readStepSummaries } from './run-dir.ts';

/** Which tasks a resumed run still has to run. */
export interface ResumePlan {
  /** Tasks in the plan. */
  total: number;
  /** Plan indices to run, ascending. */
  remaining: Uint32Array;
  /** Tasks with a successful result already. */
  done: number;
  /** Tasks whose latest result is an error and that stay failed (no retryFailed). */
  failed: number;
  /** Failed tasks that run again (retryFailed). */
  retried: number;
  /** Distinct task ids in the journal that are not in this plan (the job changed?). */
  unknown: number;
  /** Per plan index: 0 = no result, TASK_DONE, TASK_FAILED. */
  state: Uint8Array;
  /** Latest results of plan tasks by status. */
  byStatus: Record<TaskStatus, number>;
}

/** Pure: compares a plan (count + ids) with what a journal holds. */
export function planResume(
  latest: ReadonlyMap<string, TaskStatus>,
  count: number,
  idOf: (index: number) => string,
  options: { retryFailed?: boolean } = {},
): ResumePlan {
  const state = new Uint8Array(count);
  const byStatus: Record<TaskStatus, number> = {
    optimal: 0,
    feasible: 0,
    'time-limit': 0,
    infeasible: 0,
    unbounded: 0,
    error: 0,
  };
  const remaining: number[] = [];
  let done = 0;
  let failed = 0;
  let retried = 0;
  let matched = 0;
  const seen = new Set<string>();
  for (let i = 0; i < count; i++) {
    const id = idOf(i);
    const status = seen.has(id) ? undefined : latest.get(id);
    // Two plan entries with equal inputs share an id; the journal's line counts for the first.
    seen.add(id);
    if (status === undefined) {
      remaining.push(i);
      continue;
    }
    matched++;
    byStatus[status]++;
    if (status !== 'error') {
      state[i] = TASK_DONE;
      done++;
    } else {
      state[i] = TASK_FAILED;
      if (options.retryFailed === true) {
        remaining.push(i);
        retried++;
      } else failed++;
    }
  }
  return {
    total: count,
    remaining: Uint32Array.from(remaining),
    done,
    failed,
    retried,
    unknown: latest.size - matched,
    state,
    byStatus,
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
    journal = await JournalWriter.open(run.file('journal'), request.writer);
    const scan = journal.opened;
    const plan = planResume(scan.latest, request.count, request.idOf, { retryFailed: request.retryFailed ?? false });
    const warnings = [describeJournalProblems(scan)];
    if (plan.unknown > 0) {
      warnings.push(
        `${scan.path}: ${plan.unknown} task ids in the journal are not in this job's plan; they are kept but not counted`,
      );
    }
    const recorder = new RunRecorder(
      { run, journal, state: plan.state, byStatus: plan.byStatus, previous: run.readSummary() },
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
