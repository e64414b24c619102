/**
 * The glue between the farm and the run journal, kept here so that the farm itself only
 * gains small optional hooks: open a recording for a new run, or re-load a run directory
 * for resume (job re-parsed from job.json, tasks matched by id, failure policy re-read).
 */
import type { LoadedJob } from '../farm/job.ts';
import { loadJob } from '../farm/job.ts';
import { specHash, taskIdHasher } from '../farm/task-id.ts';
import type { AnyProblemKind, TaskPlan } from '../problems/types.ts';
import { type FailurePolicy, parseFailurePolicy } from './failure-policy.ts';
import { type RecorderOptions, RunRecorder } from './recorder.ts';
import { type ResumedRun, resumeRun } from './resume.ts';
import { type JobFile, readJobFile } from './run-dir.ts';

/** Where a new run is recorded: under a data root (`<root>/runs/<run id>/`) or in an exact folder. */
export type RecordTarget = { root: string } | { dir: string };

/** What a new recording needs from the farm's start. */
export interface NewRecording {
  target: RecordTarget;
  runId: string;
  /** The job document as given (stored in job.json, re-parsed on resume). */
  doc: unknown;
  job: LoadedJob;
  baseDir: string;
  cores: number;
}

/** Opens the run directory of a new run and starts recording into it. */
export async function recordNewRun(r: NewRecording, options: RecorderOptions = {}): Promise<RunRecorder> {
  const plan = r.job.plan;
  return RunRecorder.create(
    {
      ...r.target,
      runId: r.runId,
      job: r.doc,
      source: r.job.source,
      baseDir: r.baseDir,
      kind: r.job.kindName,
      name: r.job.name,
      taskCount: plan.type === 'tasks' ? plan.count : null,
      steps: plan.type === 'steps' ? plan.steps : null,
      specHash: specHash(r.job.kindName, r.job.spec),
      cores: r.cores,
    },
    options,
  );
}

/** A run directory re-loaded for resume, locked, with its recorder appending to the same journal. */
export interface LoadedResume {
  jobFile: JobFile;
  job: LoadedJob & { plan: TaskPlan<unknown> };
  policy: FailurePolicy;
  resumed: ResumedRun;
  /**
   * Per plan index: 0 = to run, 1 = done, 2 = failed and staying failed. Failed tasks that
   * are retried (retryFailed) are 0 here.
   */
  finished: Uint8Array;
  done: number;
  failed: number;
}

/** Options of loadRunForResume. */
export interface ResumeOptions extends RecorderOptions {
  retryFailed?: boolean;
  /** Resolve the job's relative paths here instead of job.json's baseDir (the job folder moved). */
  baseDir?: string;
}

/**
 * Re-loads a run for resume: reads job.json, re-parses and re-plans its job with the same
 * kinds, checks that the spec is unchanged, cuts a torn journal tail and works out which
 * tasks still have to run. Throws (with the file and the reason) when the run cannot be
 * resumed; the run's lock is released again in that case.
 */
export async function loadRunForResume(
  dir: string,
  kinds: ReadonlyMap<string, AnyProblemKind>,
  options: ResumeOptions = {},
): Promise<LoadedResume> {
  const jobFile = readJobFile(dir);
  const job = await loadJob(jobFile.job, jobFile.source, options.baseDir ?? jobFile.baseDir, kinds);
  const plan = job.plan;
  if (plan.type !== 'tasks') {
    throw new Error(
      `${dir}: a ${job.kindName} run is made of barrier steps, not tasks; it cannot be resumed, start it again`,
    );
  }
  const policy = parseFailurePolicy(jobFile.job, jobFile.source);
  const idOf = taskIdHasher(job.kindName, job.spec);
  const resumed = await resumeRun(dir, {
    ...options,
    count: plan.count,
    idOf: (i) => idOf(plan.task(i)),
    specHash: specHash(job.kindName, job.spec),
    retryFailed: options.retryFailed ?? false,
  });
  const finished = Uint8Array.from(resumed.plan.state);
  for (const i of resumed.plan.remaining) finished[i] = 0;
  return {
    jobFile,
    job: { ...job, plan },
    policy,
    resumed,
    finished,
    done: resumed.plan.done,
    failed: resumed.plan.failed,
  };
}
