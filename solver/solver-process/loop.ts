/**
 * The command loop of a solver process: `ready` → `setup` (once) → `run` batches or
 * barrier `step`s → `shutdown`. Solves are synchronous by design; between them the loop
 * reports results at least every ~16 ms and yields to the event loop so that new
 * batches and `shutdown` are read while a long batch is still running.
 */

import type { AnyProblemKind, SolveResult, SolverContext, TaskPlan } from '../problems/types.ts';
import type { FromSolver, ToSolver } from '../protocol.ts';
import { serializeError } from '../protocol.ts';
import type { SolverChannel } from './channel.ts';
import { LOG_FLUSH_MS, LogCapture } from './log-capture.ts';
import { RowsWriter } from './rows.ts';

/** Results are sent at least this often during a batch, and after any task this long. */
const RESULTS_FLUSH_MS = 16;
const LONG_TASK_MS = 4;
/** `rss` rides on messages at most this often (measuring is cheap, sending it every time is not free). */
const RSS_EVERY_MS = 250;

/** A `run` batch waiting or running: plan indices; the parameters come from this process's own plan. */
interface QueuedBatch {
  batch: number;
  indices: number[];
  /** Position of the next task to run. */
  pos: number;
}

/** Finds a job kind by name (a Map, or an on-demand loader). */
export type KindSource =
  | ReadonlyMap<string, AnyProblemKind>
  | { load(name: string): Promise<AnyProblemKind | undefined>; names: readonly string[] };

/** Options of the loop; `exit` ends the process (injected so the loop can be tested in-process). */
export interface SolverLoopOptions {
  channel: SolverChannel;
  kinds: KindSource;
  exit(code: number): void;
}

/**
 * Let messages that arrived during a solve in (`shutdown`, new batches). One setImmediate
 * is not enough: called from a message handler (the poll phase), it runs in the SAME loop
 * turn's check phase, before the next poll reads the pipe, so a graceful stop sent during
 * a long task was only seen after one more task. An immediate queued from the check phase
 * runs in the next turn, after a poll: two hops guarantee the pipe was read.
 */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

export class SolverLoop {
  readonly #channel: SolverChannel;
  readonly #kinds: KindSource;
  readonly #exit: (code: number) => void;
  readonly logs: LogCapture;
  #kind: AnyProblemKind | undefined;
  #state: unknown;
  #ctx: SolverContext | undefined;
  #queue: QueuedBatch[] = [];
  #running = false;
  #stopping = false;
  /** `release` asked: stop after the running task, forget the job, stay up. */
  #releasing = false;
  #settingUp = false;
  #exiting = false;
  #lastRss = Number.NEGATIVE_INFINITY;
  /** The job's task plan, made here from the spec at setup (task parameters by index). */
  #plan: TaskPlan<unknown> | undefined;
  readonly #rows = new RowsWriter();
  #lastResultsFlush = 0;

  constructor(options: SolverLoopOptions) {
    this.#channel = options.channel;
    this.#kinds = options.kinds;
    this.#exit = options.exit;
    this.logs = new LogCapture(
      (lines) => this.#channel.send(this.#withRss({ t: 'log', lines })),
      LOG_FLUSH_MS,
      () => this.#channel.congested,
    );
  }

  /** Say hello: the farm sends nothing before this. */
  ready(): void {
    this.#channel.send({ t: 'ready', pid: process.pid });
  }

  handle(message: ToSolver): void {
    switch (message.t) {
      case 'setup':
        void this.#setup(message);
        return;
      case 'run':
        this.#queue.push({ batch: message.batch, indices: message.i, pos: 0 });
        if (!this.#running) void this.#runQueue();
        return;
      case 'step':
        this.#step(message.k, message.input);
        return;
      case 'shutdown':
        this.#stopping = true;
        if (!this.#running) void this.#finish();
        return;
      case 'release':
        this.#releasing = true;
        if (!this.#running && !this.#settingUp) this.#release();
        return;
    }
  }

  /** Report a fatal error (uncaught exception, unhandled rejection), then exit(1). Never silent. */
  async fatal(err: unknown): Promise<void> {
    if (this.#exiting) return;
    this.#exiting = true;
    const hardStop = setTimeout(() => this.#exit(1), 1000);
    hardStop.unref();
    try {
      this.logs.flush(undefined, true);
      this.#channel.send({ t: 'error', error: serializeError(err), fatal: true });
      await this.#channel.drain();
    } finally {
      this.#exit(1);
    }
  }

  async #setup(message: Extract<ToSolver, { t: 'setup' }>): Promise<void> {
    this.#settingUp = true;
    try {
      await this.#doSetup(message);
    } finally {
      this.#settingUp = false;
    }
    if (this.#releasing) this.#release();
  }

  async #doSetup(message: Extract<ToSolver, { t: 'setup' }>): Promise<void> {
    this.#forget();
    const source = this.#kinds;
    let kind: AnyProblemKind | undefined;
    try {
      kind = 'load' in source ? await source.load(message.kind) : source.get(message.kind);
    } catch (err) {
      this.#channel.send({ t: 'setup-failed', error: serializeError(err) });
      return;
    }
    if (!kind) {
      const known = ('load' in source ? [...source.names] : [...source.keys()]).join(', ');
      this.#channel.send({
        t: 'setup-failed',
        error: { name: 'Error', message: `unknown job kind "${message.kind}" (this solver knows: ${known})` },
      });
      return;
    }
    const ctx: SolverContext = { solver: message.solver, seed: message.seed, log: (line) => this.logs.log(line) };
    try {
      this.#state = await kind.setup(message.spec, ctx);
      // Batches come as plan indices: make the plan here once (it is lazy, by index).
      if (kind.solve) {
        const plan = kind.plan(message.spec);
        if (plan.type === 'tasks') this.#plan = plan;
      }
      this.#kind = kind;
      this.#ctx = ctx;
      this.logs.flush();
      this.#channel.send(this.#withRss({ t: 'setup-done' }, true));
    } catch (err) {
      this.logs.flush();
      this.#channel.send({ t: 'setup-failed', error: serializeError(err) });
    }
  }

  #step(k: number, input: unknown): void {
    const kind = this.#kind;
    const ctx = this.#ctx;
    if (!kind || !ctx) throw new Error(`step ${k} arrived before setup finished`);
    if (!kind.step) throw new Error(`job kind "${kind.kind}" has no step(): it cannot run barrier steps`);
    // A throwing step is fatal (uncaught → error message, exit 1): the farm replaces the
    // process and re-runs the step, within its retry limit.
    const output = kind.step(this.#state, k, input, ctx);
    this.logs.flush();
    this.#channel.send(this.#withRss({ t: 'step-done', k, output }, true));
  }

  async #runQueue(): Promise<void> {
    this.#running = true;
    const kind = this.#kind;
    const ctx = this.#ctx;
    try {
      if (!kind || !ctx) throw new Error('tasks arrived before setup finished');
      const solve = kind.solve;
      if (!solve) throw new Error(`job kind "${kind.kind}" has no solve(): it cannot run independent tasks`);
      const plan = this.#plan;
      if (!plan) throw new Error(`job kind "${kind.kind}" made no task plan in the solver`);
      this.#lastResultsFlush = performance.now();
      while (!this.#stopping && !this.#releasing && this.#queue.length > 0) {
        const batch = this.#queue[0] as QueuedBatch;
        const indices = batch.indices;
        const length = indices.length;
        let yieldNow = false;
        const rows = this.#rows;
        while (batch.pos < length && !yieldNow) {
          const index = indices[batch.pos] as number;
          batch.pos++;
          const t0 = performance.now();
          let result: SolveResult;
          try {
            result = solve(this.#state, plan.task(index), ctx);
          } catch (err) {
            result = { status: 'error', objective: null, timeMs: performance.now() - t0, error: serializeError(err) };
          }
          const now = performance.now();
          rows.add(result, Number.isFinite(result.timeMs) ? result.timeMs : now - t0);
          // Long tasks report at once (and let a stop in before the next one); short ones
          // every ~16 ms (a message per task would cost the parent more than the solve).
          if (now - t0 >= LONG_TASK_MS || now - this.#lastResultsFlush >= RESULTS_FLUSH_MS) {
            if (batch.pos < length) this.#flushResults(batch, false, now);
            yieldNow = true;
          }
        }
        if (batch.pos >= length) {
          this.#queue.shift();
          this.#flushResults(batch, true, performance.now());
        }
        if (yieldNow) {
          // Backpressure: what was sent must have left this process before the next task,
          // which may be long and synchronous (nothing leaves while it runs): the results just
          // sent, and then the lines held back while the farm was behind (log-capture.ts).
          // Free when the farm keeps up: a write that completed at once settles on nextTick.
          await this.#channel.written();
          this.logs.flush();
          await this.#channel.written();
          // Let `shutdown` and the next batches in; costs a few µs every ≥ 4 ms.
          await yieldToEventLoop();
        }
      }
    } finally {
      this.#running = false;
    }
    if (this.#stopping) {
      // Tasks not started are dropped: the farm knows which ones never reported.
      const batch = this.#queue[0];
      if (batch) this.#flushResults(batch, false, performance.now());
      await this.#finish();
    } else if (this.#releasing) {
      this.#release();
    }
  }

  /** Forget the job: its kind, state, plan and queued work (a warm process between runs). */
  #forget(): void {
    this.#kind = undefined;
    this.#state = undefined;
    this.#ctx = undefined;
    this.#plan = undefined;
    this.#queue = [];
    this.#rows.take(0, false, 0);
  }

  /** After `release`: report what the running batch produced, forget the job, say `released`. */
  #release(): void {
    if (!this.#releasing || this.#exiting) return;
    this.#releasing = false;
    const batch = this.#queue[0];
    if (batch) this.#flushResults(batch, false, performance.now());
    this.#forget();
    this.logs.flush(undefined, true);
    this.#channel.send({ t: 'released' });
  }

  /** Send the rows `batch` produced since the last flush. A batch's end is always sent; otherwise only news. */
  #flushResults(batch: QueuedBatch, done: boolean, now: number): void {
    this.#lastResultsFlush = now;
    this.logs.flush(now);
    const rows = this.#rows;
    // Rows are the tasks just before `pos`: every task run adds exactly one row.
    if (rows.length > 0 || done)
      this.#channel.send(this.#withRss(rows.take(batch.batch, done, batch.pos - rows.length)));
  }

  async #finish(): Promise<void> {
    if (this.#exiting) return;
    this.#exiting = true;
    this.logs.flush(undefined, true);
    await this.#channel.drain();
    this.#exit(0);
  }

  #withRss<M extends FromSolver & { rss?: number }>(message: M, always = false): M {
    const now = performance.now();
    if (always || now - this.#lastRss >= RSS_EVERY_MS) {
      this.#lastRss = now;
      message.rss = process.memoryUsage.rss();
    }
    return message;
  }
}
