/**
 * What the farm asks of a run journal, defined here so that solver/farm never imports
 * solver/journal: the journal implements this port (solver/journal/farm-journal.ts) and the
 * shells hand one to the Farm (`new Farm({ journal })`). The journal may import the farm's
 * leaf modules (this one, job.ts, task-id.ts, run-types.ts …), never the other way round.
 *
 * A leaf: types only, from the contracts and the farm's own leaves.
 */
import type { PastRun, PastRunDetail, RunInfo } from '../api.ts';
import type { JobAccess } from '../problems/job-access.ts';
import type { AnyProblemKind } from '../problems/types.ts';
import type { LoadedJob } from './job.ts';
import type { FinishedCounts, ResumeSteps, RunObserver } from './run-types.ts';

/** What an observer is told about a run before it starts. */
export interface RunContext {
  info: RunInfo;
  job: LoadedJob;
}

/** Optional hooks of Farm.start(), for shells that record or resume runs (the run journal). */
export interface StartOptions {
  /** Resume: per plan index, 1 = done and 2 = failed in an earlier run; those tasks are not run again. */
  finished?: Uint8Array;
  /**
   * With `finished`: how many 1s and 2s it holds. The run then takes the array over as its
   * own (the caller no longer touches it) instead of copying and counting it: a resumed plan
   * may have 10^8 tasks, and the event loop that answers status would wait for both.
   */
  finishedCounts?: FinishedCounts;
  /** Resume of a step job: go on after step `done` from its recorded input. */
  resumeSteps?: ResumeSteps;
  /**
   * Folder the job's relative paths resolve against, instead of the source's folder (resume:
   * the one recorded in job.json, e.g. the examples folder of an example run).
   */
  baseDir?: string;
  /**
   * What the job may read and load, by who sent it (problems/job-access.ts). Shells that take
   * jobs from a page pass theirs on every call; default: a job file the user gave.
   */
  access?: JobAccess;
  /**
   * Called once the job is loaded, before any solver starts; the observer sees the whole run.
   * If start() fails after this, the observer's `abandon()` lets go of what it opened.
   */
  observe?(context: RunContext): RunObserver | Promise<RunObserver>;
  /**
   * Called once when start() rejects, whatever failed: lets go of what the caller prepared
   * before start (a resumed run's lock), so that no caller repeats that clean-up.
   */
  abandon?(): void;
}

/** What a run folder says about its job: where it came from, the folder it resolved in, the document. */
export interface RecordedJob {
  /** Where the job came from, as recorded: a file path or an example's file. */
  source: string;
  /** Folder its relative paths resolved against when it was recorded. */
  baseDir: string;
  /** The job document as recorded. */
  job: unknown;
}

/**
 * What a resumed job may read and load, decided by who asks for the resume from what the run
 * folder records. The run folder is no authority (anyone who can write in the data folder can
 * edit it): a shell that serves a page grants a job file's rules only when the record matches
 * what the user gave it this session (the desktop: electron/request-access.ts), otherwise the
 * page's own rules. Called with the same read of job.json that the resume then loads, before
 * any of the job's code is imported.
 */
export type ResumeAccess = (recorded: RecordedJob) => JobAccess;

/** A past run made ready to continue: the stored job as a start request, and its start hooks. */
export interface ResumeStart {
  /** The job stored with the run (the caller adds `cores`). */
  request: { job: unknown; source: string };
  /** finished, resumeSteps, baseDir, access, an observe hook appending to the same journal, abandon. */
  options: StartOptions;
}

/** How a resume is asked for. */
export interface ResumeAsk {
  kinds: ReadonlyMap<string, AnyProblemKind>;
  /** What the resumed job may read and load, decided from its recorded job. */
  access: ResumeAccess;
  /** Run the failed tasks again too. */
  retryFailed: boolean;
}

/** The run journal as the Farm uses it: recording new runs, resuming and viewing past ones. */
export interface RunJournal {
  /**
   * Opens the folder of a new run and returns what records it (and sets `info.dir`). Rejects,
   * before any solver starts, when the folder cannot be used.
   */
  record(context: RunContext): Promise<RunObserver>;
  /**
   * Re-plans the run's stored job, matches its journal and locks it, so that start() runs
   * exactly the unfinished tasks. Rejects with the reason when the run cannot be resumed.
   */
  prepareResume(runId: string, ask: ResumeAsk): Promise<ResumeStart>;
  /** Past runs, newest first. */
  runs(): Promise<PastRun[]>;
  /** A past run: a page of its results in plan order, log tails, steps and view. */
  openRun(
    runId: string,
    kinds: ReadonlyMap<string, AnyProblemKind>,
    paging: { offset?: number; limit?: number },
  ): Promise<PastRunDetail>;
}
