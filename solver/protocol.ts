/**
 * Messages between the farm (parent) and one solver process (child).
 * Tagged unions on `t`. Kept compact because they are serialized on the hot path
 * (DESIGN 'Performance rules'): the base model goes once in `setup`, a task carries
 * only its parameters, many tasks travel in one `tasks` message.
 */
import type { SerializedError, TaskResult } from './api.ts';

/** One task inside a batch: its plan index and its parameters only. */
export interface WireTask {
  /** Plan index. */
  i: number;
  /** Task parameters as the problem kind's plan produced them. */
  p: unknown;
}

/** A task result as a solver sends it: the farm adds id, label and params from the plan. */
export type WireResult = Omit<TaskResult, 'id' | 'label' | 'solver' | 'params' | 'index'> & { i: number };

/** Farm → solver. */
export type ToSolver =
  /** Once per process: the job kind and its parsed spec (the base model travels here, once). */
  | { t: 'setup'; kind: string; spec: unknown; solver: number; seed: number }
  /** A batch of independent tasks. */
  | { t: 'tasks'; batch: number; tasks: WireTask[] }
  /** Barrier step k (1-based) with the reduced input of step k-1. */
  | { t: 'step'; k: number; input: unknown }
  /** Finish what you are doing, then exit. */
  | { t: 'shutdown' };

/** Solver → farm. `rss` (bytes) rides on messages when the process measured it. */
export type FromSolver =
  /** The process is up and listening. */
  | { t: 'ready'; pid: number }
  /** Setup finished (ok) or failed (the process stays up so the farm can report it). */
  | { t: 'setup-done'; rss?: number }
  | { t: 'setup-failed'; error: SerializedError }
  /** Results of tasks of a batch; a long batch sends several of these. `done` = batch complete. */
  | { t: 'results'; batch: number; results: WireResult[]; done: boolean; rss?: number }
  /** Output of barrier step k. */
  | { t: 'step-done'; k: number; output: unknown; rss?: number }
  /** A batch of log lines (GLPK's terminal output and our own lines). */
  | { t: 'log'; lines: string[]; rss?: number }
  /** Something went wrong outside any task (e.g. an uncaught exception). `fatal` = the process will exit. */
  | { t: 'error'; error: SerializedError; fatal: boolean };

export type ToSolverType = ToSolver['t'];
export type FromSolverType = FromSolver['t'];

/** Turn anything thrown into a SerializedError. */
export function serializeError(err: unknown): SerializedError {
  if (err instanceof Error) {
    const out: SerializedError = { name: err.name, message: err.message };
    if (err.stack !== undefined) out.stack = err.stack;
    return out;
  }
  return { name: 'Error', message: typeof err === 'string' ? err : JSON.stringify(err) };
}
