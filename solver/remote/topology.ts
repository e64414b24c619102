/**
 * The RabbitMQ topology and the messages of remote solving (AMQP 0-9-1, JSON bodies).
 *
 * - `solver-farm.runs` (durable fanout exchange): the farm announces an active run every
 *   {@link ANNOUNCE_INTERVAL_MS} and its end; each worker binds its own exclusive inbox queue.
 * - `solver-farm.run.<runId>.tasks` (durable queue, persistent messages): task batches of the
 *   run, plan indices only (a worker's solvers make each task's parameters from their own
 *   plan, as local ones do). Workers consume with a prefetch limit and acknowledge a batch
 *   only after its results are confirmed by the broker, so a worker that dies hands its
 *   batches back (at-least-once; the farm keeps each task's first result).
 * - `solver-farm.run.<runId>.farm` (durable queue): the farm's inbox — hellos, results (the
 *   solvers' own `rows`, relayed as they are), crashes, logs and solver states from every
 *   worker. Durable so results confirmed while the farm is reconnecting are not lost.
 * - a worker's inbox (exclusive, server-named): announcements plus the farm's `setup` reply
 *   to the worker's `hello` (the base model travels once per worker, not per batch), and, for
 *   barrier-step jobs, each step's input per solver slot (`step`; answered by `step-done`).
 *
 * Per-run queues expire ({@link RUN_QUEUE_EXPIRES_MS}) when nobody uses them, so a farm that
 * crashed leaves nothing behind for long.
 */
import type { SolverState } from '../api.ts';
import type { ResultRows } from '../protocol.ts';

export const RUNS_EXCHANGE = 'solver-farm.runs';
export const ANNOUNCE_INTERVAL_MS = 1000;
/**
 * How often a worker in a run re-sends its solvers' states: the remote heartbeat. The farm
 * shows a worker silent for {@link LOST_AFTER_MS} as lost (several beats missed).
 */
export const HEARTBEAT_MS = 2000;
/** A worker silent this long (no heartbeat) has its solvers shown as lost. */
export const LOST_AFTER_MS = 10_000;
/** Unused per-run queues are deleted by the broker after this long. */
export const RUN_QUEUE_EXPIRES_MS = 60 * 60 * 1000;

/** Queue of a run's task batches. */
export function tasksQueue(runId: string): string {
  return `solver-farm.run.${runId}.tasks`;
}

/** The farm's inbox for a run. */
export function farmQueue(runId: string): string {
  return `solver-farm.run.${runId}.farm`;
}

/** Arguments of the per-run durable queues. */
export const RUN_QUEUE_ARGS = { 'x-expires': RUN_QUEUE_EXPIRES_MS } as const;

/** On the runs exchange. */
export type Announcement =
  | { t: 'run'; runId: string; kind: string; name: string; tasks: string; farm: string }
  | { t: 'end'; runId: string };

/** Farm → one worker's inbox, in reply to its hello. */
export interface SetupMessage {
  t: 'setup';
  runId: string;
  kind: string;
  spec: unknown;
  /** Farm-wide solver slot numbers given to this worker's local solvers, in order. */
  slots: number[];
  /** Random seed per slot, aligned with `slots`. */
  seeds: number[];
  /** The run's crash retries: the worker restarts or retires its solver slots by the farm's rule. */
  crashRetries: number;
}

/**
 * Farm → one worker's inbox: barrier step k for one of its solver slots, with the reduced
 * input of step k-1. The worker answers with a `step-done` on the farm's inbox.
 */
export interface StepMessage {
  t: 'step';
  runId: string;
  slot: number;
  k: number;
  input: unknown;
}

/** One task batch on the tasks queue: plan indices, as a local solver's `run` carries them. */
export interface TaskBatchMessage {
  runId: string;
  batch: number;
  i: number[];
}

/** What a remote solver is doing (the farm turns it into a SolverStatus). */
export interface RemoteSolverState {
  slot: number;
  pid?: number;
  state: SolverState;
  /** Plan index of the first task of the batch being solved. */
  task?: number;
  since: number;
  tasksDone: number;
  tasksFailed: number;
  memory?: number;
  reason?: string;
}

/** Worker → farm inbox. `worker` identifies the worker process (`host:pid:random`). */
export type WorkerMessage =
  | { t: 'hello'; runId: string; worker: string; host: string; pid: number; cores: number }
  | { t: 'solver'; runId: string; worker: string; host: string; solver: RemoteSolverState }
  /** A solver's `rows`, as it sent them, for task batch `rows.batch` of the tasks queue. */
  | { t: 'rows'; runId: string; worker: string; slot: number; rows: ResultRows }
  /**
   * The solver process died in task batch `batch`; its tasks from position `at` on have no
   * result. The worker acknowledges the batch once this is confirmed: the farm's crash policy
   * decides what happens to them, not the broker's redelivery.
   */
  | { t: 'crashed'; runId: string; worker: string; slot: number; batch: number; at: number; reason: string }
  | { t: 'log'; runId: string; worker: string; slot: number; lines: string[] }
  | { t: 'step-done'; runId: string; worker: string; slot: number; k: number; output: unknown }
  | { t: 'bye'; runId: string; worker: string; reason: string };

/** JSON body of a message. */
export function encode(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/** Parse a JSON body; null when it is not JSON (a stranger's message on our queue). */
export function decode(content: Buffer): unknown {
  try {
    return JSON.parse(content.toString('utf8'));
  } catch {
    return null;
  }
}

/** Narrow an unknown value to an object with a string tag `t`. */
export function tagged(value: unknown): (Record<string, unknown> & { t: string }) | null {
  if (typeof value !== 'object' || value === null) return null;
  const t = (value as { t?: unknown }).t;
  return typeof t === 'string' ? (value as Record<string, unknown> & { t: string }) : null;
}
