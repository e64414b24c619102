/**
 * A remote worker: N local solver processes fed from a run's durable task queue, or, for a
 * barrier-step job, given each step by the farm through the worker's inbox (one step per slot;
 * the output goes back as `step-done`, and the farm's barrier waits for it).
 *
 * Delivery: the worker consumes with a prefetch limit, runs each batch on one of its local
 * solvers, publishes every result to the farm through a confirm channel, and acknowledges
 * the batch only when the broker has confirmed all its results. A worker that dies (or loses
 * its connection) leaves its unacknowledged batches to the broker, which delivers them again
 * to whoever consumes next; the farm drops the duplicate results (at-least-once delivery,
 * exactly-once in the journal).
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { SolverState } from '../api.ts';
import type { SolverHandle, SolverLauncher } from '../farm/launcher.ts';
import { type FromSolver, serializeError, type WireResult } from '../protocol.ts';
import type { BrokerError } from './broker-url.ts';
import { type Backoff, BrokerConnection } from './connection.ts';
import {
  type Announcement,
  decode,
  encode,
  type RemoteSolverState,
  RUNS_EXCHANGE,
  type SetupMessage,
  type StepMessage,
  type TaskBatchMessage,
  tagged,
  type WorkerMessage,
} from './topology.ts';

/** Options of {@link RemoteWorker}. */
export interface RemoteWorkerOptions {
  /** `amqp[s]://user:password@host[:port]/vhost` */
  url: string;
  /** Number of local solver processes. */
  cores: number;
  /** Starts the local solver processes (the farm's NodeLauncher in the CLI). */
  launcher: SolverLauncher;
  /** Unacknowledged batches per core (default 2: one solving, one waiting). */
  prefetchPerCore?: number;
  backoff?: Backoff;
  /** The worker's own log lines (connection, runs); the CLI prints them. */
  log?(line: string): void;
  /** Host name reported to the farm (default os.hostname()). */
  host?: string;
  /** Reconnecting was given up (credentials no longer valid): the worker stops. */
  onFatal?(error: BrokerError): void;
}

/** Counters, for logs and tests. */
export interface WorkerStats {
  batchesDone: number;
  tasksDone: number;
  redelivered: number;
  reconnects: number;
  runs: number;
}

interface Delivery {
  message: ConsumeMessage;
  channel: ConfirmChannel;
  body: TaskBatchMessage;
  /** Plan indexes not yet answered. */
  remaining: Set<number>;
  confirmsPending: number;
  publishFailed: boolean;
  solverDone: boolean;
  /** The channel died: the broker requeued this batch, our results no longer matter. */
  stale: boolean;
}

interface LocalSolver {
  index: number;
  handle: SolverHandle | null;
  pid: number | undefined;
  state: SolverState;
  /** Run the process was set up for. */
  setupFor: string | null;
  delivery: Delivery | null;
  since: number;
  tasksDone: number;
  tasksFailed: number;
  memory: number | undefined;
  reason: string | undefined;
  restarts: number;
  /** True once the process said `ready` (one that dies before is not restarted). */
  wasReady: boolean;
  /** We killed it on purpose (run ended, new run): not a crash. */
  killed: boolean;
  /** Barrier step the farm asked of this slot and not answered yet (re-sent to a replacement). */
  step: { runId: string; k: number; input: unknown } | null;
}

interface CurrentRun {
  runId: string;
  tasks: string;
  farm: string;
  kind: string;
  phase: 'hello' | 'ready';
  helloAt: number;
  setup: SetupMessage | null;
  consumerTag: string | null;
  /** Channel the consumer lives on (deliveries are acknowledged on it). */
  channel: ConfirmChannel | null;
}

const MAX_RESTARTS = 5;
/** How often a worker re-sends its solvers' states while in a run. */
export const HEARTBEAT_MS = 2000;

/** See the file comment. */
export class RemoteWorker {
  readonly id: string;
  readonly host: string;
  readonly stats: WorkerStats = { batchesDone: 0, tasksDone: 0, redelivered: 0, reconnects: 0, runs: 0 };
  private readonly options: RemoteWorkerOptions;
  private readonly connection: BrokerConnection;
  private readonly solvers: LocalSolver[] = [];
  private readonly queue: Delivery[] = [];
  private run: CurrentRun | null = null;
  private readonly endedRuns = new Set<string>();
  private inbox: string | null = null;
  private stopping = false;
  /** drain() was called: no new runs, batches or steps; running ones finish. */
  private draining = false;
  private everConnected = false;
  private heartbeat: NodeJS.Timeout | null = null;

  constructor(options: RemoteWorkerOptions) {
    if (!Number.isInteger(options.cores) || options.cores < 1) {
      throw new Error(`--cores must be a whole number of at least 1, got ${options.cores}`);
    }
    this.options = options;
    this.host = options.host ?? os.hostname();
    this.id = `${this.host}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.connection = new BrokerConnection(options.url, {
      name: 'solver-farm worker',
      prefetch: (options.prefetchPerCore ?? 2) * options.cores,
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      setup: (channel) => this.setup(channel),
      onDisconnect: (error) => this.onDisconnect(error),
      onRetry: (attempt, delayMs, error) =>
        this.log(`${error.message}; reconnecting in ${delayMs} ms (attempt ${attempt + 1})`),
      onFatal: (error) => {
        this.log(`giving up: ${error.message}`);
        void this.stop('broker refused us').finally(() => options.onFatal?.(error));
      },
    });
  }

  /** Where the worker connects, without the password. */
  get broker(): string {
    return this.connection.target.display;
  }

  /** Connect (rejects with a clear BrokerError) and start the local solver processes. */
  async start(): Promise<void> {
    await this.connection.open();
    for (let i = 0; i < this.options.cores; i++) {
      this.solvers.push({
        index: i,
        handle: null,
        pid: undefined,
        state: 'starting',
        setupFor: null,
        delivery: null,
        since: Date.now(),
        tasksDone: 0,
        tasksFailed: 0,
        memory: undefined,
        reason: undefined,
        restarts: 0,
        wasReady: false,
        killed: false,
        step: null,
      });
      this.launch(i);
    }
    // States double as a heartbeat: the farm marks a worker lost after a silence.
    this.heartbeat = setInterval(() => {
      for (const solver of this.solvers) this.reportState(solver);
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
    this.log(`connected to ${this.broker} with ${this.options.cores} solver(s); waiting for runs`);
  }

  /**
   * Stop taking work and let the running batches finish (SIGTERM): the consumer is cancelled,
   * batches received but not started go back to the queue at once, and this resolves once no
   * solver holds a batch or a step. The caller bounds the wait (its grace), then calls stop(),
   * which hands back whatever is still unfinished.
   */
  async drain(): Promise<void> {
    if (this.stopping) return;
    this.draining = true;
    const run = this.run;
    if (run?.consumerTag != null && run.channel !== null) await run.channel.cancel(run.consumerTag).catch(() => {});
    for (const delivery of this.queue.splice(0)) this.requeue(delivery);
    // Results arrive through the solvers' messages; a poll is simpler than a waiter per path.
    while (!this.stopping && this.solvers.some((s) => s.delivery !== null || s.state === 'stepping')) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stop: leave the run, kill the local solvers, close the connection. Unfinished batches go back to the queue. */
  async stop(reason = 'worker stopped'): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.heartbeat !== null) clearInterval(this.heartbeat);
    const run = this.run;
    if (run !== null) this.send(run, { t: 'bye', runId: run.runId, worker: this.id, reason });
    const exits = this.solvers.map(
      (solver) =>
        new Promise<void>((resolve) => {
          if (solver.handle === null) return resolve();
          solver.handle.onExit(() => resolve());
          solver.handle.kill();
        }),
    );
    await Promise.race([Promise.all(exits), new Promise((resolve) => setTimeout(resolve, 2000))]);
    // Publishing `bye` is fire-and-forget; give it a moment on the wire.
    await this.connection.channel?.waitForConfirms().catch(() => {});
    await this.connection.close();
  }

  private log(line: string): void {
    this.options.log?.(line);
  }

  // ---- broker side -------------------------------------------------------------------------

  private async setup(channel: ConfirmChannel): Promise<void> {
    await channel.assertExchange(RUNS_EXCHANGE, 'fanout', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    this.inbox = queue;
    await channel.bindQueue(queue, RUNS_EXCHANGE, '');
    await channel.consume(queue, (message) => message && this.onInbox(message), { noAck: true });
    if (this.everConnected) {
      this.stats.reconnects++;
      this.log(`reconnected to ${this.broker}`);
    }
    this.everConnected = true;
  }

  private onDisconnect(error: Error | undefined): void {
    this.log(`lost the broker at ${this.broker}${error === undefined ? '' : ` (${error.message})`}`);
    // Every unacknowledged delivery is back in its queue now; forget ours.
    for (const delivery of this.queue) delivery.stale = true;
    this.queue.length = 0;
    for (const solver of this.solvers) if (solver.delivery !== null) solver.delivery.stale = true;
    // Join again on the next announcement (the run may have ended meanwhile).
    this.run = null;
    this.inbox = null;
  }

  private onInbox(message: ConsumeMessage): void {
    const body = tagged(decode(message.content));
    if (body === null) return;
    if (body.t === 'run') this.onAnnouncement(body as unknown as Announcement & { t: 'run' });
    else if (body.t === 'end') this.onEnd((body as unknown as Announcement & { t: 'end' }).runId, 'the run ended');
    else if (body.t === 'setup') this.onSetup(body as unknown as SetupMessage);
    else if (body.t === 'step') this.onStep(body as unknown as StepMessage);
  }

  /** Barrier step k for one of our slots: run it on that slot's solver once it is set up. */
  private onStep(message: StepMessage): void {
    if (this.draining) return;
    const setup = this.run?.setup;
    if (setup == null || setup.runId !== message.runId || typeof message.k !== 'number') return;
    const solver = this.solvers[setup.slots.indexOf(message.slot)];
    if (solver === undefined) return;
    solver.step = { runId: message.runId, k: message.k, input: message.input };
    this.postStep(solver);
  }

  private postStep(solver: LocalSolver): void {
    const step = solver.step;
    if (step === null || solver.handle === null || solver.setupFor !== step.runId || solver.state !== 'idle') return;
    this.setState(solver, 'stepping');
    solver.handle.post({ t: 'step', k: step.k, input: step.input });
  }

  private onAnnouncement(announcement: Announcement & { t: 'run' }): void {
    if (this.stopping || this.draining || this.endedRuns.has(announcement.runId)) return;
    const run = this.run;
    if (run !== null && run.runId !== announcement.runId) return; // one run at a time
    if (run === null) {
      this.run = {
        runId: announcement.runId,
        tasks: announcement.tasks,
        farm: announcement.farm,
        kind: announcement.kind,
        phase: 'hello',
        helloAt: 0,
        setup: null,
        consumerTag: null,
        channel: null,
      };
      this.log(`joining run ${announcement.runId} (${announcement.kind}: ${announcement.name})`);
    }
    const current = this.run;
    // Say hello again if the farm did not answer (it may have been reconnecting).
    if (current !== null && current.phase === 'hello' && Date.now() - current.helloAt > 3000) {
      current.helloAt = Date.now();
      this.send(current, {
        t: 'hello',
        runId: current.runId,
        worker: this.id,
        host: this.host,
        pid: process.pid,
        cores: this.options.cores,
      });
    }
  }

  private onSetup(setup: SetupMessage): void {
    const run = this.run;
    if (run === null || run.runId !== setup.runId || run.phase !== 'hello') return;
    run.setup = setup;
    run.phase = 'ready';
    this.stats.runs += this.solvers.some((s) => s.setupFor === setup.runId) ? 0 : 1;
    for (const solver of this.solvers) {
      if (solver.setupFor !== null && solver.setupFor !== setup.runId && solver.handle !== null) {
        // Set up for another run: a fresh process is the clean way to forget a model.
        solver.killed = true;
        solver.handle.kill();
        continue;
      }
      this.reportState(solver);
      this.setUpSolver(solver);
    }
    void this.consume(run);
  }

  private async consume(run: CurrentRun): Promise<void> {
    const channel = this.connection.channel;
    if (channel === null || run.consumerTag !== null) return;
    try {
      const { consumerTag } = await channel.consume(run.tasks, (message) => this.onTask(run, channel, message), {
        noAck: false,
      });
      run.consumerTag = consumerTag;
      run.channel = channel;
    } catch (err) {
      // The queue is gone (run over): the channel closed, the connection repairs itself.
      this.log(`cannot consume ${run.tasks}: ${serializeError(err).message}`);
    }
  }

  private onTask(run: CurrentRun, channel: ConfirmChannel, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled our consumer: the queue was deleted, the run is over.
      this.onEnd(run.runId, 'the task queue was deleted');
      return;
    }
    const body = decode(message.content) as TaskBatchMessage | null;
    if (body === null || !Array.isArray(body.tasks) || typeof body.batch !== 'number') {
      this.log(`dropping a malformed task message on ${run.tasks}`);
      channel.nack(message, false, false);
      return;
    }
    const delivery: Delivery = {
      message,
      channel,
      body,
      remaining: new Set(body.tasks.map((task) => task.i)),
      confirmsPending: 0,
      publishFailed: false,
      solverDone: false,
      stale: false,
    };
    // Delivered before the consumer's cancel took effect: someone else's to solve.
    if (this.draining) {
      this.requeue(delivery);
      return;
    }
    if (message.fields.redelivered) {
      this.stats.redelivered++;
      this.log(`batch ${body.batch} redelivered (its previous worker died or lost the broker before finishing it)`);
    }
    this.queue.push(delivery);
    this.dispatch();
  }

  private onEnd(runId: string, why: string): void {
    this.endedRuns.add(runId);
    const run = this.run;
    if (run === null || run.runId !== runId) return;
    this.log(`leaving run ${runId}: ${why}`);
    this.run = null;
    if (run.consumerTag !== null && run.channel !== null) void run.channel.cancel(run.consumerTag).catch(() => {});
    for (const delivery of this.queue) delivery.stale = true;
    this.queue.length = 0;
    for (const solver of this.solvers) {
      if (solver.step?.runId === runId) solver.step = null;
      if (solver.delivery !== null) {
        // A synchronous solve never reads messages: stopping it means a new process.
        solver.delivery.stale = true;
        solver.killed = true;
        solver.handle?.kill();
      }
    }
  }

  /** Publish to the farm's inbox; `onConfirm` hears the broker's confirm (or failure). */
  private send(run: CurrentRun, message: WorkerMessage, onConfirm?: (ok: boolean) => void): void {
    const channel = this.connection.channel;
    if (channel === null) {
      onConfirm?.(false);
      return;
    }
    try {
      channel.sendToQueue(
        run.farm,
        encode(message),
        {
          persistent: message.t === 'results',
          contentType: 'application/json',
          type: message.t,
          ...(message.t === 'hello' && this.inbox !== null ? { replyTo: this.inbox } : {}),
        },
        (err: unknown) => onConfirm?.(err === null || err === undefined),
      );
    } catch {
      onConfirm?.(false);
    }
  }

  // ---- local solvers -----------------------------------------------------------------------

  private launch(index: number): void {
    const solver = this.solvers[index];
    if (solver === undefined || this.stopping) return;
    const handle = this.options.launcher.launch(index);
    solver.handle = handle;
    solver.pid = handle.pid;
    solver.state = 'starting';
    solver.setupFor = null;
    solver.wasReady = false;
    solver.killed = false;
    solver.since = Date.now();
    handle.onMessage((message) => this.onSolverMessage(solver, handle, message));
    handle.onOutput((_stream, text) => {
      const run = this.run;
      if (run?.setup != null) {
        const slot = run.setup.slots[solver.index] ?? -1;
        this.send(run, { t: 'log', runId: run.runId, worker: this.id, slot, lines: text.split('\n').filter(Boolean) });
      }
    });
    handle.onExit((exit) => this.onSolverExit(solver, handle, exit.reason));
  }

  private setUpSolver(solver: LocalSolver): void {
    const setup = this.run?.setup;
    if (setup == null || solver.handle === null || !solver.wasReady || solver.setupFor === setup.runId) return;
    solver.setupFor = setup.runId;
    this.setState(solver, 'setup');
    solver.handle.post({
      t: 'setup',
      kind: setup.kind,
      spec: setup.spec,
      solver: setup.slots[solver.index] ?? solver.index,
      seed: setup.seeds[solver.index] ?? solver.index + 1,
    });
  }

  private onSolverMessage(solver: LocalSolver, handle: SolverHandle, message: FromSolver): void {
    if (solver.handle !== handle) return;
    if ('rss' in message && message.rss !== undefined) solver.memory = message.rss;
    switch (message.t) {
      case 'ready':
        solver.pid = message.pid;
        solver.wasReady = true;
        this.setState(solver, 'idle');
        this.setUpSolver(solver);
        return;
      case 'setup-done':
        this.setState(solver, 'idle');
        this.postStep(solver);
        this.dispatch();
        return;
      case 'setup-failed':
        solver.reason = `setup failed: ${message.error.message}`;
        this.setState(solver, 'crashed');
        this.log(`solver ${solver.index}: ${solver.reason}`);
        return;
      case 'results':
        this.onResults(solver, message.results, message.done);
        return;
      case 'log': {
        const run = this.run;
        if (run?.setup != null && solver.setupFor === run.runId) {
          const slot = run.setup.slots[solver.index] ?? -1;
          this.send(run, { t: 'log', runId: run.runId, worker: this.id, slot, lines: message.lines });
        }
        return;
      }
      case 'error':
        this.log(`solver ${solver.index}: ${message.error.message}`);
        return;
      case 'step-done': {
        const step = solver.step;
        if (step === null || step.k !== message.k) return;
        solver.step = null;
        this.setState(solver, 'idle');
        const run = this.run;
        if (run?.setup == null || run.runId !== step.runId) return; // the run ended meanwhile
        this.send(run, {
          t: 'step-done',
          runId: run.runId,
          worker: this.id,
          slot: run.setup.slots[solver.index] ?? -1,
          k: message.k,
          output: message.output,
        });
        return;
      }
    }
  }

  private onResults(solver: LocalSolver, results: WireResult[], done: boolean): void {
    const delivery = solver.delivery;
    if (delivery === null) return;
    for (const result of results) {
      delivery.remaining.delete(result.i);
      if (result.status === 'error') solver.tasksFailed++;
      else solver.tasksDone++;
    }
    this.stats.tasksDone += results.length;
    const run = this.run;
    if (!delivery.stale && run?.setup != null && results.length > 0) {
      delivery.confirmsPending++;
      this.send(
        run,
        {
          t: 'results',
          runId: run.runId,
          worker: this.id,
          slot: run.setup.slots[solver.index] ?? -1,
          batch: delivery.body.batch,
          results,
        },
        (ok) => {
          delivery.confirmsPending--;
          if (!ok) delivery.publishFailed = true;
          this.settle(delivery);
        },
      );
    }
    if (done) {
      delivery.solverDone = true;
      solver.delivery = null;
      this.stats.batchesDone++;
      this.setState(solver, 'idle');
      this.settle(delivery);
      this.dispatch();
    }
  }

  /** Give a batch no solver started back to its queue, for another worker (or us, later). */
  private requeue(delivery: Delivery): void {
    delivery.stale = true;
    try {
      delivery.channel.nack(delivery.message, false, true);
    } catch {
      // Channel closed meanwhile: the broker already put the batch back.
    }
  }

  /** Acknowledge a batch once the solver finished it and the broker confirmed every result. */
  private settle(delivery: Delivery): void {
    if (!delivery.solverDone || delivery.confirmsPending > 0 || delivery.stale) return;
    delivery.stale = true; // settled once
    try {
      if (delivery.publishFailed) delivery.channel.nack(delivery.message, false, true);
      else delivery.channel.ack(delivery.message);
    } catch {
      // Channel closed meanwhile: the broker already put the batch back.
    }
  }

  private dispatch(): void {
    const run = this.run;
    if (run?.setup == null || this.draining) return;
    for (const solver of this.solvers) {
      if (this.queue.length === 0) return;
      if (solver.state !== 'idle' || solver.delivery !== null || solver.setupFor !== run.runId) continue;
      const delivery = this.queue.shift();
      if (delivery === undefined || solver.handle === null) return;
      solver.delivery = delivery;
      this.setState(solver, 'solving', delivery.body.tasks[0]?.i);
      solver.handle.post({ t: 'tasks', batch: delivery.body.batch, tasks: delivery.body.tasks });
    }
  }

  private onSolverExit(solver: LocalSolver, handle: SolverHandle, reason: string): void {
    if (solver.handle !== handle) return;
    solver.handle = null;
    const delivery = solver.delivery;
    solver.delivery = null;
    if (this.stopping) {
      this.setState(solver, 'stopped', undefined, reason);
      return;
    }
    if (delivery !== null && !delivery.stale) {
      const run = this.run;
      if (delivery.message.fields.redelivered && run?.setup != null) {
        // Second time this batch took a solver down: record its unanswered tasks as failed
        // instead of passing a poison batch around the farm forever.
        const error = { name: 'SolverCrash', message: `solver process died twice on this batch (${reason})` };
        const results: WireResult[] = [...delivery.remaining].map((i) => ({
          i,
          status: 'error',
          objective: null,
          timeMs: 0,
          error,
        }));
        solver.delivery = delivery;
        this.onResults(solver, results, true);
        solver.delivery = null;
      } else {
        delivery.stale = true;
        try {
          delivery.channel.nack(delivery.message, false, true);
        } catch {
          // Channel gone: requeued by the broker anyway.
        }
      }
    }
    if (solver.killed) {
      this.launch(solver.index);
      return;
    }
    this.setState(solver, 'crashed', undefined, reason);
    this.log(`solver ${solver.index} (pid ${solver.pid ?? '?'}) died: ${reason}`);
    if (!solver.wasReady) {
      this.log(`solver ${solver.index} died before it was ready (${reason}); not restarting it`);
      return;
    }
    if (solver.restarts >= MAX_RESTARTS) {
      this.log(`solver ${solver.index} died ${solver.restarts + 1} times; not restarting it`);
      return;
    }
    solver.restarts++;
    this.launch(solver.index);
  }

  private setState(solver: LocalSolver, state: SolverState, task?: number, reason?: string): void {
    solver.state = state;
    solver.since = Date.now();
    if (reason !== undefined) solver.reason = reason;
    this.reportState(solver, task);
  }

  private reportState(solver: LocalSolver, task?: number): void {
    const run = this.run;
    if (run?.setup == null) return;
    const state: RemoteSolverState = {
      slot: run.setup.slots[solver.index] ?? -1,
      state: solver.state,
      since: solver.since,
      tasksDone: solver.tasksDone,
      tasksFailed: solver.tasksFailed,
    };
    if (solver.pid !== undefined) state.pid = solver.pid;
    if (task !== undefined) state.task = task;
    if (solver.memory !== undefined) state.memory = solver.memory;
    if (solver.reason !== undefined) state.reason = solver.reason;
    this.send(run, { t: 'solver', runId: run.runId, worker: this.id, host: this.host, solver: state });
  }
}
