/**
 * The run journal on the farm's start() hooks (`observe`, `finished`, `abandon`: the port in
 * solver/farm/journal-port.ts). The one path every shell records and resumes through:
 *
 * ```ts
 * // record a new run in <root>/runs/<run id>/ (or an exact folder: { dir })
 * await farm.start(request, { observe: recordInto({ root }) });
 *
 * // resume a recorded run: exactly its unfinished tasks, appended to the same journal
 * const resume = await prepareResume(dir, kinds, { retryFailed });
 * await farm.start(resume.request, resume.options); // a failed start lets go of the run itself
 * ```
 * A Farm given a journal (farm-journal.ts) does both for runs under its data folder.
 */
import type { RunInfo } from '../api.ts';
import { type FailurePolicy, parseFailurePolicy } from '../farm/failure-policy.ts';
import { type LoadedJob, loadJob } from '../farm/job.ts';
import type { ResumeAccess, ResumeStart, RunContext, StartOptions } from '../farm/journal-port.ts';
import type { ResumeSteps } from '../farm/run-types.ts';
import { specHash, taskIdHasher } from '../farm/task-id.ts';
import { JOB_FILE_ACCESS, type JobAccess } from '../problems/job-access.ts';
import type { AnyProblemKind } from '../problems/types.ts';
import { type RecorderOptions, RunRecorder } from './recorder.ts';
import { type ResumePlan, resumeRun, resumeStepRun } from './resume.ts';
import { type RunJob, readRunJob } from './run-dir.ts';

/** Where a new run is recorded: under a data root (`<root>/runs/<run id>/`) or in an exact folder. */
export type RecordTarget = { root: string } | { dir: string };

/** What a new recording needs. */
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

/**
 * An `observe` hook for Farm.start that records the run in a new run directory and sets
 * the run's `info.dir`. Start rejects (before any solver starts) when the folder cannot be
 * used, e.g. an --out folder that already holds a run.
 */
export function recordInto(
  target: RecordTarget,
  options: RecorderOptions = {},
): (context: RunContext) => Promise<RunRecorder> {
  return async ({ info, job }) => {
    const recorder = await recordNewRun(
      { target, runId: info.runId, doc: job.doc, job, baseDir: job.baseDir, cores: info.cores },
      options,
    );
    info.dir = recorder.dir;
    return recorder;
  };
}

/** A run directory re-loaded for resume, locked, with its recorder appending to the same journal. */
export interface LoadedResume {
  runJob: RunJob;
  job: LoadedJob;
  policy: FailurePolicy;
  resumed: {
    recorder: RunRecorder;
    /** Problems found in the journal, in words ('' when clean). */
    warnings: string;
    /** Task jobs: which tasks run (absent for step jobs). */
    plan?: ResumePlan;
  };
  /**
   * Per plan index: 0 = to run, 1 = done, 2 = failed and staying failed. Failed tasks that
   * are retried (retryFailed) are 0 here. Empty for step jobs.
   */
  finished: Uint8Array;
  /** Tasks (task jobs) or steps (step jobs) done before. */
  done: number;
  failed: number;
  /** Step jobs: where the run goes on (Farm.start's `resumeSteps`), and its number of steps. */
  steps?: ResumeSteps & { total: number };
}

/** Options of loadRunForResume / prepareResume. */
export interface ResumeOptions extends RecorderOptions {
  retryFailed?: boolean;
  /** Resolve the job's relative paths here instead of job.json's baseDir (the job folder moved). */
  baseDir?: string;
  /**
   * What the job may read and load, by who asked for the resume (default: a job file's rules,
   * for a run folder the user named): fixed, or decided from what job.json records.
   */
  access?: JobAccess | ResumeAccess;
}

/** The access of a resume, decided on the job.json it loads (never on another read of it). */
function accessFor(runJob: RunJob, access: JobAccess | ResumeAccess | undefined): JobAccess {
  if (access === undefined) return JOB_FILE_ACCESS;
  if (typeof access !== 'function') return access;
  return access({ source: runJob.source, baseDir: runJob.baseDir, job: runJob.job });
}

/**
 * Re-loads a run for resume: reads job.json, decides what its job may do, re-parses and
 * re-plans it with the same kinds (a module the access refuses is refused before it is
 * imported), checks that the spec is unchanged, cuts a torn journal tail and works out which
 * tasks still have to run. Throws (with the file and the reason) when the run cannot be
 * resumed; the run's lock is released again in that case.
 */
export async function loadRunForResume(
  dir: string,
  kinds: ReadonlyMap<string, AnyProblemKind>,
  options: ResumeOptions = {},
): Promise<LoadedResume> {
  const runJob = readRunJob(dir);
  const access = accessFor(runJob, options.access);
  const job = await loadJob(runJob.job, runJob.source, options.baseDir ?? runJob.baseDir, kinds, access);
  const plan = job.plan;
  const policy = parseFailurePolicy(runJob.job, runJob.source);
  const hash = specHash(job.kindName, job.spec);
  if (plan.type === 'steps') {
    // A step job goes on after its last recorded step, from that step's output.
    const stepped = await resumeStepRun(dir, { ...options, specHash: hash, initial: plan.initial });
    const steps: ResumeSteps & { total: number } = { done: stepped.done, input: stepped.input, total: stepped.total };
    if (stepped.best !== undefined) steps.best = stepped.best;
    return {
      runJob,
      job,
      policy,
      resumed: { recorder: stepped.recorder, warnings: stepped.warnings },
      finished: new Uint8Array(0),
      done: stepped.done,
      failed: 0,
      steps,
    };
  }
  const idOf = taskIdHasher(job.kindName, job.spec);
  const resumed = await resumeRun(dir, {
    ...options,
    count: plan.count,
    idOf: (i) => idOf(plan.task(i)),
    specHash: hash,
    retryFailed: options.retryFailed ?? false,
  });
  return {
    runJob,
    job,
    policy,
    resumed,
    finished: resumed.plan.finished,
    done: resumed.plan.done,
    failed: resumed.plan.failed,
  };
}

/** Farm.start's resumeSteps from a loaded step resume (without the step count). */
export function startSteps(steps: ResumeSteps & { total: number }): ResumeSteps {
  const out: ResumeSteps = { done: steps.done, input: steps.input };
  if (steps.best !== undefined) out.best = steps.best;
  return out;
}

/** A resume ready for Farm.start. */
export interface PreparedResume extends ResumeStart {
  /**
   * start()'s hooks: the finished tasks (or steps), the recorder appending to the run's
   * journal, and `abandon`, which start() calls if it fails: the run (lock, journal) is
   * released without touching its summary.
   */
  options: Required<Pick<StartOptions, 'finished' | 'observe' | 'baseDir' | 'access' | 'abandon'>> &
    Pick<StartOptions, 'resumeSteps' | 'finishedCounts'>;
  loaded: LoadedResume;
  /** Tasks this resume runs. */
  toRun: number;
  /** Problems found in the journal, in words ('' when clean). */
  warnings: string;
}

/**
 * Prepares Farm.start to resume the run in `dir`. start() parses the stored job again; the
 * observe hook refuses to go on unless that parse has the same spec (hence the same task
 * ids) as the one the journal was matched with, and keeps the run's own id and folder.
 */
export async function prepareResume(
  dir: string,
  kinds: ReadonlyMap<string, AnyProblemKind>,
  options: ResumeOptions = {},
): Promise<PreparedResume> {
  const loaded = await loadRunForResume(dir, kinds, options);
  const recorder = loaded.resumed.recorder;
  const expected = loaded.runJob.specHash;
  const observe = ({ info, job }: RunContext): RunRecorder => {
    const now = specHash(job.kindName, job.spec);
    const plan = loaded.job.plan;
    if (now !== expected || info.total !== (plan.type === 'tasks' ? plan.count : null)) {
      throw new Error(
        `${recorder.dir}: the job parses differently here than when the run was recorded (spec hash ${now.slice(0, 12)}…, recorded ${expected.slice(0, 12)}…); resume it where it was started, or start a new run`,
      );
    }
    info.runId = loaded.runJob.runId;
    info.dir = recorder.dir;
    return recorder;
  };
  return {
    request: { job: loaded.runJob.job, source: loaded.runJob.source },
    options: {
      finished: loaded.finished,
      // The farm takes `finished` over instead of copying and counting 10^8 bytes.
      ...(loaded.resumed.plan ? { finishedCounts: { done: loaded.done, failed: loaded.failed } } : {}),
      observe,
      baseDir: loaded.job.baseDir,
      // What the stored job was loaded with: start() parses it again with the same.
      access: loaded.job.access,
      abandon: () => recorder.abandon(),
      ...(loaded.steps ? { resumeSteps: startSteps(loaded.steps) } : {}),
    },
    loaded,
    toRun: loaded.steps ? loaded.steps.total - loaded.steps.done : (loaded.resumed.plan?.toRun ?? 0),
    warnings: loaded.resumed.warnings,
  };
}

/** What resumeOnFarm started. */
export interface ResumeInfo {
  run: RunInfo;
  /** Tasks that already had a successful result. */
  done: number;
  /** Failed tasks that stay failed (no retryFailed). */
  failed: number;
  /** Tasks this resume runs (missing ones, plus failed ones with retryFailed). */
  toRun: number;
  /** Of toRun, failed tasks that run again. */
  retried: number;
  /** Problems found in the journal (a torn last line, invalid lines), in words; '' if none. */
  warnings: string;
}

/** The part of the Farm that resuming needs. */
export interface StartableFarm {
  start(request: { job: unknown; source: string; cores?: number }, options: StartOptions): Promise<RunInfo>;
}

/**
 * Resumes the run in any folder `dir` on a farm (Farm.resume does the same for a run id under
 * its data folder): exactly its unfinished tasks (and the failed ones with retryFailed) run,
 * appending to the same journal. Rejects with the reason when the run cannot be resumed (in
 * use, job changed, a broken job.json); start() then leaves the run as it was.
 */
export async function resumeOnFarm(
  farm: StartableFarm,
  dir: string,
  options: ResumeOptions & { kinds: ReadonlyMap<string, AnyProblemKind>; cores?: number },
): Promise<ResumeInfo> {
  const { kinds, cores, ...rest } = options;
  const prepared = await prepareResume(dir, kinds, rest);
  const run = await farm.start(
    cores === undefined ? prepared.request : { ...prepared.request, cores },
    prepared.options,
  );
  return {
    run,
    done: prepared.loaded.done,
    failed: prepared.loaded.failed,
    toRun: prepared.toRun,
    retried: prepared.loaded.resumed.plan?.retried ?? 0,
    warnings: prepared.warnings,
  };
}
