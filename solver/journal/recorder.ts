/**
 * RunRecorder: the one object the farm talks to while a run is recorded. It owns the run
 * directory (lock, job.json, logs, summary) and the journal writer, keeps exactly-once
 * accounting by plan index (one byte per task, never the results themselves), and writes
 * summary.json at the start, every few seconds while running, and at the end.
 *
 * ```ts
 * const rec = await RunRecorder.create({ root, job, source, baseDir, kind, name, taskCount, steps, specHash });
 * rec.result(taskResult);        // appended to results.jsonl (batched, fsynced)
 * rec.log(slot, lines);          // logs/solver-<slot>.log (rotated)
 * rec.finish({ status: 'done' }); // flush, fsync, summary.json, release the lock
 * ```
 * For a resumed run see resume.ts (`resumeRun`), which returns a recorder prefilled with
 * what the journal already holds.
 *
 * Once the journal cannot be written (a full disk, its folder removed or replaced: see
 * journal-writer.ts), every call that would record something throws its JournalFailure, so the
 * farm stops the run (run-news.ts), and the counts keep only what the journal holds. At the
 * end, summary.json and the lock are handled where the run folder really is: in its place,
 * where it was moved to, or nowhere when it is gone (never in a folder that took its path).
 */
import { dirname } from 'node:path';
import type { StepSummary, TaskResult, TaskStatus } from '../api.ts';
import { type FileIdentity, identityAt, stillAt } from './file-identity.ts';
import { JournalWriter, type JournalWriterOptions } from './journal-writer.ts';
import { type NewRun, RunDir, type RunStatus, type RunSummary, SUMMARY_FORMAT } from './run-dir.ts';
import type { SolverLogOptions } from './solver-log.ts';

/** How often summary.json is refreshed while a run goes on (so an interrupted run shows its counts). */
export const SUMMARY_REFRESH_MS = 2000;

/** Per-task state in the recorder's accounting. */
export const TASK_NONE = 0;
export const TASK_DONE = 1;
export const TASK_FAILED = 2;

/** Options shared by new and resumed recorders. */
export interface RecorderOptions {
  writer?: JournalWriterOptions;
  /** The per-solver log files (rotation size, batching) of a new run. */
  logs?: SolverLogOptions;
  /** Refresh period of summary.json while running; 0 disables the refresh. */
  summaryRefreshMs?: number;
}

/**
 * What the farm's Run calls while it runs (RunRecorder implements it). Every call is
 * synchronous: the Run never waits for the disk.
 */
export interface RunSink {
  /** The run directory. */
  readonly dir: string;
  /** Journal a result; false when it was refused (duplicate or outside the plan). */
  result(r: TaskResult): boolean;
  log(slot: number, lines: readonly string[]): void;
  /** A barrier step ended; `next` (the input of the following step) is kept for a resume. */
  step(summary: StepSummary, next?: unknown): void;
  /** Final flush, summary.json, lock released. Throws if the journal could not be written. */
  finish(info: FinishInfo): RunSummary;
}

/** What finish() records. */
export interface FinishInfo {
  status: Exclude<RunStatus, 'running'>;
  reason?: string;
  stepsDone?: number;
  best?: number;
}

/**
 * Thrown by RunRecorder.log (after it did its work) when a solver's log file stopped: news for
 * the user, once per log, that the run goes on without that log. The farm reports an error
 * named `RecorderWarning` as such, not as a failure to record the run (solver/farm/run.ts).
 */
export class RecorderWarning extends Error {
  override name = 'RecorderWarning';
}

/** Internal start state (new run or resume). */
export interface RecorderStart {
  run: RunDir;
  journal: JournalWriter<TaskResult>;
  /** Per plan index: TASK_NONE / TASK_DONE / TASK_FAILED (length = task count; empty for step jobs). */
  state: Uint8Array;
  byStatus: Record<TaskStatus, number>;
  previous: RunSummary | null;
  /** Resume of a step job: the steps recorded so far and steps.jsonl opened for appending. */
  steps?: { done: StepSummary[]; writer: JournalWriter<StepSummary> };
  /** TASK_DONE and TASK_FAILED entries of `state`, when known: spares a walk over every task. */
  counts?: { done: number; failed: number };
}

function zeroCounts(): Record<TaskStatus, number> {
  return { optimal: 0, feasible: 0, 'time-limit': 0, infeasible: 0, unbounded: 0, error: 0 };
}

/** Records one run into its run directory. */
export class RunRecorder implements RunSink {
  readonly run: RunDir;
  readonly journal: JournalWriter<TaskResult>;
  readonly #state: Uint8Array;
  readonly #byStatus: Record<TaskStatus, number>;
  #done = 0;
  #failed = 0;
  /** Results refused because their task already had a successful result. */
  duplicatesIgnored = 0;
  /** Results whose index is outside the plan (ignored). */
  outOfPlan = 0;
  readonly #startedAt: string;
  readonly #sessionStart = Date.now();
  readonly #previousMs: number;
  readonly #resumes: number;
  #steps: StepSummary[] = [];
  #stepWriter: JournalWriter<StepSummary> | null = null;
  #timer: NodeJS.Timeout | null = null;
  #dirty = true;
  #finished: RunSummary | null = null;
  #abandoned = false;
  /** The run folder's identity, to tell at the end whether its path still names it. */
  readonly #home: FileIdentity | null;
  /** The journal's unwritten results were taken out of the counts. */
  #tookBack = false;
  /** Told once when the journal is found failed between calls (RunObserver.watch). */
  #onFailure: ((err: Error) => void) | null = null;
  #told = false;

  constructor(start: RecorderStart, options: RecorderOptions = {}) {
    this.run = start.run;
    this.journal = start.journal;
    this.#state = start.state;
    this.#byStatus = start.byStatus;
    if (start.counts !== undefined) {
      this.#done = start.counts.done;
      this.#failed = start.counts.failed;
    } else {
      const state = start.state;
      for (let i = 0; i < state.length; i++) {
        if (state[i] === TASK_DONE) this.#done++;
        else if (state[i] === TASK_FAILED) this.#failed++;
      }
    }
    this.#startedAt = start.previous?.startedAt ?? new Date(this.#sessionStart).toISOString();
    this.#previousMs = start.previous?.durationMs ?? 0;
    if (start.steps) {
      this.#steps = [...start.steps.done];
      this.#stepWriter = start.steps.writer;
    }
    this.#resumes = start.previous === null ? 0 : start.previous.resumes + 1;
    this.#home = identityAt(this.run.dir);
    this.run.writeSummary(this.summary('running'));
    const every = options.summaryRefreshMs ?? SUMMARY_REFRESH_MS;
    if (every > 0) {
      this.#timer = setInterval(() => {
        // Also how a folder removed (or a timed flush that failed) while no result comes is
        // noticed, and told at once; a summary is never written into whatever took its path.
        const failure = this.journal.check();
        if (failure !== null) {
          this.#tell(failure);
          return;
        }
        if (!this.#dirty) return;
        this.#dirty = false;
        try {
          this.run.writeSummary(this.summary('running'));
        } catch {
          // A refresh is a convenience; finish() reports real write errors.
        }
      }, every);
      this.#timer.unref();
    }
  }

  /** Creates a run directory for a new run and starts recording. */
  static async create(newRun: NewRun, options: RecorderOptions = {}): Promise<RunRecorder> {
    // Allocated before the folder is made: a plan too big for memory leaves nothing behind.
    const state = new Uint8Array(newRun.taskCount ?? 0);
    const logs = newRun.logs ?? options.logs;
    const run = RunDir.create(logs === undefined ? newRun : { ...newRun, logs });
    try {
      const journal = await JournalWriter.open<TaskResult>(run.file('journal'), options.writer);
      const counts = { done: 0, failed: 0 };
      return new RunRecorder({ run, journal, state, byStatus: zeroCounts(), previous: null, counts }, options);
    } catch (err) {
      run.release();
      throw err;
    }
  }

  get dir(): string {
    return this.run.dir;
  }

  /** RunObserver.watch: how to tell the farm, between calls, that the journal failed. */
  watch(failed: (err: Error) => void): void {
    this.#onFailure = failed;
  }

  /** Tells the watcher (once) that the journal failed; the calls that follow throw it too. */
  #tell(failure: Error): void {
    if (this.#told || this.#onFailure === null) return;
    this.#told = true;
    this.#takeBackUnwritten();
    this.#onFailure(failure);
  }

  get runId(): string {
    return this.run.runId;
  }

  /** Tasks whose latest result is a success / an error (over the whole run, resumes included). */
  get done(): number {
    return this.#done;
  }

  get failed(): number {
    return this.#failed;
  }

  /** Whether task i already has a successful result. */
  isDone(index: number): boolean {
    return this.#state[index] === TASK_DONE;
  }

  /**
   * Journals one result. Returns false (and writes nothing) when that task already has a
   * successful result — the exactly-once guard against a result arriving twice (e.g. from
   * a solver that was presumed dead) — or when its index is outside the plan.
   */
  result(r: TaskResult): boolean {
    // Nothing is counted that the journal cannot keep: the run stops on this (run-news.ts).
    const failure = this.journal.failure;
    if (failure !== null) {
      this.#takeBackUnwritten();
      throw failure;
    }
    const i = r.index;
    if (this.#state.length > 0) {
      if (!(i >= 0 && i < this.#state.length)) {
        this.outOfPlan++;
        return false;
      }
      const prev = this.#state[i];
      if (prev === TASK_DONE) {
        this.duplicatesIgnored++;
        return false;
      }
      if (prev === TASK_FAILED) {
        // A retry replaces the earlier error (the reader does the same: the last line counts).
        this.#failed--;
        this.#byStatus.error--;
      }
      const ok = r.status !== 'error';
      this.#state[i] = ok ? TASK_DONE : TASK_FAILED;
      if (ok) this.#done++;
      else this.#failed++;
    } else if (r.status === 'error') this.#failed++;
    else this.#done++;
    this.#byStatus[r.status]++;
    try {
      this.journal.append(r);
    } catch (err) {
      this.#takeBackUnwritten();
      throw err;
    }
    this.#dirty = true;
    return true;
  }

  /**
   * Takes the results that never reached a failed journal out of the counts (once): a resume
   * runs them again. A lost retry of a failed task counts as not run, though the journal
   * holds its earlier error (the resume reads the journal, not these counts).
   */
  #takeBackUnwritten(): void {
    if (this.#tookBack || this.journal.failure === null) return;
    this.#tookBack = true;
    for (const r of this.journal.unwritten) {
      if (this.#state.length > 0 && r.index >= 0 && r.index < this.#state.length) this.#state[r.index] = TASK_NONE;
      if (r.status === 'error') this.#failed--;
      else this.#done--;
      this.#byStatus[r.status]--;
    }
  }

  /** Journals several results; returns how many were written. */
  results(rs: readonly TaskResult[]): number {
    let n = 0;
    for (const r of rs) if (this.result(r)) n++;
    return n;
  }

  /**
   * Appends log lines of a solver slot to its log file. Throws a RecorderWarning, once per log
   * file, when one stopped (cannot be opened or rotated): the run goes on, without that log.
   */
  log(slot: number, lines: readonly string[]): void {
    this.run.log(slot).write(lines);
    const problems = this.run.takeLogProblems();
    if (problems.length > 0) throw new RecorderWarning(problems.join('; '));
  }

  /**
   * Records a barrier step's summary (step jobs) in steps.jsonl, fsynced at once (steps are
   * few), then the next step's input in step-input.json: a resume goes on from there. In that
   * order, so a crash between the two leaves a resume that runs the step again, not one that
   * skips it (readStepSummaries keeps the last line of a step).
   */
  step(summary: StepSummary, next?: unknown): void {
    // Not into a folder that took the run's path (the results journal tells).
    const failure = this.journal.check();
    if (failure !== null) throw failure;
    if (this.#stepWriter === null) {
      this.#stepWriter = JournalWriter.create<StepSummary>(this.run.file('steps'), {
        maxLines: 1,
        noun: ['step', 'steps'],
      });
    }
    this.#steps.push(summary);
    this.#stepWriter.append(summary);
    if (next !== undefined) this.run.writeStepInput(summary.step, next);
    this.#dirty = true;
  }

  /** The summary as of now. */
  summary(status: RunStatus, info: Omit<FinishInfo, 'status'> = {}): RunSummary {
    const now = Date.now();
    const s: RunSummary = {
      format: SUMMARY_FORMAT,
      runId: this.run.runId,
      status,
      total: this.run.job.taskCount,
      done: this.#done,
      failed: this.#failed,
      byStatus: { ...this.#byStatus },
      startedAt: this.#startedAt,
      endedAt: status === 'running' ? null : new Date(now).toISOString(),
      durationMs: this.#previousMs + (now - this.#sessionStart),
      resumes: this.#resumes,
    };
    if (info.reason !== undefined) s.reason = info.reason;
    const last = this.#steps.at(-1);
    const stepsDone = info.stepsDone ?? last?.step;
    if (stepsDone !== undefined) s.stepsDone = stepsDone;
    const best = info.best ?? last?.best;
    if (best !== undefined) s.best = best;
    return s;
  }

  /** Flushes everything now (journal fsynced, logs written). */
  flush(): void {
    this.journal.flush();
    this.#stepWriter?.flush();
  }

  /**
   * Lets go of the run without ending it (the resume that would have continued it could not
   * start): journal flushed and closed, logs closed, lock released, summary.json untouched.
   */
  abandon(): void {
    if (this.#finished !== null || this.#abandoned) return;
    this.#abandoned = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    try {
      this.journal.close();
      this.#stepWriter?.close();
    } finally {
      this.run.release();
    }
  }

  /**
   * Ends the recording: journal flushed, fsynced and closed; logs closed; summary.json
   * written with the final status; lock released. Returns the summary. Safe to call twice.
   */
  finish(info: FinishInfo): RunSummary {
    if (this.#finished !== null) return this.#finished;
    // Abandoned: the run belongs to nobody here any more; report, write nothing.
    if (this.#abandoned) return this.summary(info.status, info);
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    // Every step is tried whatever failed before it (the lock is always let go); the errors
    // are thrown together at the end, each naming its file.
    const errors: Error[] = [];
    const attempt = (step: () => void): void => {
      try {
        step();
      } catch (err) {
        errors.push(err instanceof Error ? err : new Error(String(err)));
      }
    };
    attempt(() => this.journal.close());
    attempt(() => this.#stepWriter?.close());
    this.#takeBackUnwritten();
    const extra: Omit<FinishInfo, 'status'> = { ...info };
    let status = info.status;
    if (errors.length > 0) {
      status = 'failed';
      extra.reason = errors.map((e) => e.message).join('; ');
    }
    const summary = this.summary(status, extra);
    const home = this.#whereIsHome();
    if (home !== this.run.dir) this.run.relocate(home);
    if (home !== null) attempt(() => this.run.writeSummary(summary));
    attempt(() => this.run.release());
    this.#finished = summary;
    if (errors.length > 0) throw new Error(errors.map((e) => e.message).join('; '), { cause: errors[0] });
    // Logs that stopped at the very end (e.g. found gone when closed): news, once, not a failure.
    const logProblems = this.run.takeLogProblems();
    if (logProblems.length > 0) throw new RecorderWarning(logProblems.join('; '));
    return summary;
  }

  /**
   * Where the run folder is now: its own path if that still names it, the folder its journal
   * was moved with, or null when it is gone (removed, or its path taken by something else).
   */
  #whereIsHome(): string | null {
    const home = this.#home;
    if (home === null || stillAt(this.run.dir, home)) return this.run.dir;
    const moved = this.journal.failure?.movedTo;
    if (moved !== null && moved !== undefined && stillAt(dirname(moved), home)) return dirname(moved);
    return null;
  }
}
