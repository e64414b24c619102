/**
 * Messages between the farm (parent) and one solver process (child).
 * Tagged unions on `t`. Kept compact because they are serialized on the hot path
 * (DESIGN 'Performance rules'): the base model goes once in `setup`; every solver — the
 * farm's own and a remote worker's alike — gets batches of plan indices (`run`) and answers
 * in columns (`rows`). A remote worker relays those rows to the farm unchanged
 * (solver/remote/topology.ts).
 */
import type { SerializedError, TaskStatus } from './api.ts';

/**
 * Status codes of a `rows` message, by position (the order is part of the protocol: append
 * only). A status not in this list travels in the row's `x` entry.
 */
export const STATUS_CODES: readonly TaskStatus[] = [
  'optimal',
  'feasible',
  'time-limit',
  'infeasible',
  'unbounded',
  'error',
];

/** Per-row fields that are rare or irregular in a `rows` message (sparse, by row position `r`). */
export interface RowExtra {
  /** Position of the row in the message (not the plan index). */
  r: number;
  /** A status not in STATUS_CODES (its `s` code is -1). */
  status?: string;
  /** The engine, when it differs from the message's `e` (null: none). */
  engine?: string | null;
  /** Values whose names differ from the message's `vn`. */
  values?: Record<string, number>;
  duals?: Record<string, number>;
  gap?: number;
  error?: SerializedError;
}

/**
 * Results of tasks of a `run` batch in columns (DESIGN 'Performance rules'): one array per
 * field instead of one object per task, so field names, the engine and the value names go
 * once per message (~14 bytes a tiny task instead of ~118, and 5× cheaper to parse).
 * A solver runs a batch's tasks in order and reports each exactly once, so the rows of a
 * message are consecutive tasks of its batch: row r is the batch's task at position
 * `at + r` (its plan index travels only in the `run` message). Row r has status
 * `STATUS_CODES[s[r]]`, objective `o[r]` and solve time `us[r]` (whole microseconds).
 * Values: rows listed in `vr` (every row when `vr` is absent) have `vn.length` numbers in
 * `v`, in row order, named by `vn`. Every row has the engine `e` (none when absent) unless
 * its `x` entry says otherwise; `x` holds everything rare (duals, gap, error, odd values).
 */
export interface ResultRows {
  t: 'rows';
  batch: number;
  /** The batch is complete. */
  done: boolean;
  rss?: number;
  /** Position in the batch of row 0. */
  at: number;
  s: number[];
  o: (number | null)[];
  us: number[];
  e?: string;
  vn?: string[];
  v?: number[];
  vr?: number[];
  x?: RowExtra[];
}

/** Farm → solver. */
export type ToSolver =
  /** Once per process: the job kind and its parsed spec (the base model travels here, once). */
  | { t: 'setup'; kind: string; spec: unknown; solver: number; seed: number }
  /**
   * A batch of independent tasks by plan index only: the solver makes each task's
   * parameters from its own copy of the plan (`kind.plan(spec)` at setup), so a tiny task
   * costs a few bytes. Answered with `rows` messages.
   */
  | { t: 'run'; batch: number; i: number[] }
  /** Barrier step k (1-based) with the reduced input of step k-1. */
  | { t: 'step'; k: number; input: unknown }
  /** Finish what you are doing, then exit. */
  | { t: 'shutdown' }
  /**
   * Warm pool: finish the running task, drop every queued batch and the job, then stay up
   * (engines loaded) and answer `released`; the next run sends a new `setup`.
   */
  | { t: 'release' };

/** Solver → farm. `rss` (bytes) rides on messages when the process measured it. */
export type FromSolver =
  /** The process is up and listening. */
  | { t: 'ready'; pid: number }
  /** After `release`: everything of the last job was sent, the process is idle and reusable. */
  | { t: 'released' }
  /** Setup finished (ok) or failed (the process stays up so the farm can report it). */
  | { t: 'setup-done'; rss?: number }
  | { t: 'setup-failed'; error: SerializedError }
  /** Results of tasks of a `run` batch, in columns; a long batch sends several. */
  | ResultRows
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
