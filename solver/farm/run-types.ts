/**
 * The types other rooms share with a run (the journal records it, the failure policy limits
 * it, shells resume it). A leaf: it imports only types from the contracts (api.ts), so
 * solver/journal can use them without importing the run itself.
 */
import type { StepSummary, TaskResult } from '../api.ts';

/** How many tasks of a resumed plan are done and failed already (see journal-port.ts StartOptions.finishedCounts). */
export interface FinishedCounts {
  done: number;
  failed: number;
}

/** Failure counts a halt rule looks at (earlier sessions of a resumed run included). */
export interface RunCounts {
  done: number;
  failed: number;
  total: number;
}

/**
 * Per-run limits (a job's `policy` block). A solver killed by a limit is replaced; the task
 * it was on is recorded as an error at once (not retried: it would only hit the limit again).
 */
export interface RunLimits {
  /** A task that runs longer than this (ms) has its solver killed; the task is `TaskTimedOut`. */
  taskTimeoutMs?: number;
  /** Where taskTimeoutMs comes from, for the message (default: the job's policy.taskTimeoutSec). */
  taskTimeoutSource?: string;
  /** Resident memory cap per solver process (bytes); over it the solver is killed, its task `OutOfMemory`. */
  memoryLimitBytes?: number;
  /** Asked after every failure: a reason (plain words) ends the run as failed with it. */
  halt?(counts: RunCounts): string | null;
}

/** How a run ended, for an observer (e.g. the run journal). */
export interface RunEnd {
  status: 'done' | 'stopped' | 'failed';
  reason?: string;
  stepsDone?: number;
  best?: number;
}

/** Where a resumed step job goes on: after step `done`, from `input`. */
export interface ResumeSteps {
  done: number;
  input: unknown;
  best?: number;
}

/**
 * Something that records a run as it happens (the run journal implements this). Called
 * synchronously, before the same news goes out as events; exceptions become `error` events:
 * `RecorderError` (recording failed, reported once), or, for an Error named
 * `RecorderWarning`, a warning passed on as it is (e.g. a solver's log file stopped).
 */
export interface RunObserver {
  result(result: TaskResult): unknown;
  log(solver: number, lines: readonly string[]): void;
  /** A barrier step ended; `next` is the input of the step after it (what a resume starts from). */
  step(summary: StepSummary, next: unknown): void;
  finish(end: RunEnd): unknown;
  /**
   * The run it was made for never began (Farm.start failed after the observer was made): let
   * go of what it opened (a run folder's lock) without recording an end. Called by the Farm, not the Run.
   */
  abandon?(): void;
  /**
   * Hands the observer a way to say, between calls, that it cannot record any more (e.g. the
   * journal's folder found removed while no result came): the run then stops as if a call had
   * thrown `err`. Called once, when the run is made.
   */
  watch?(failed: (err: Error) => void): void;
}
