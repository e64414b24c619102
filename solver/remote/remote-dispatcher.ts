/**
 * The farm's side of remote solving for one run: announces the run, answers workers' hellos
 * with the base model and their slot numbers, publishes task batches to the run's durable
 * queue (persistent, publisher-confirmed), and hands results back to the farm exactly once
 * per plan index — the broker delivers at least once (a batch whose worker died is solved
 * again elsewhere), so duplicates are dropped here.
 *
 * It also models every remote solver (host, pid, state, task, logs) so the farm can show them
 * beside its local cores; a worker silent for {@link LOST_AFTER_MS} is shown as lost.
 */
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { SolverStatus } from '../api.ts';
import type { WireResult, WireTask } from '../protocol.ts';
import { type Backoff, BrokerConnection } from './connection.ts';
import {
  ANNOUNCE_INTERVAL_MS,
  type Announcement,
  decode,
  encode,
  farmQueue,
  type RemoteSolverState,
  RUN_QUEUE_ARGS,
  RUNS_EXCHANGE,
  type SetupMessage,
  type StepMessage,
  type TaskBatchMessage,
  tagged,
  tasksQueue,
  type WorkerMessage,
} from './topology.ts';

/** A worker silent this long (no state heartbeat) has its solvers shown as lost. */
export const LOST_AFTER_MS = 10_000;

/** Options of {@link RemoteDispatcher.open}. */
export interface RemoteDispatcherOptions {
  /** `amqp[s]://user:password@host[:port]/vhost` */
  url: string;
  runId: string;
  kind: string;
  /** Display name of the job (workers log it). */
  name: string;
  /** The parsed spec: sent once to each worker, which sets up each of its solvers with it. */
  spec: unknown;
  /** Slot number of the first remote solver; local solvers keep 0..firstSlot-1. */
  firstSlot: number;
  /** Random seed of a slot (default slot + 1). */
  seedFor?(slot: number): number;
  backoff?: Backoff;
  /** New results, each plan index at most once over the whole run. */
  onResults(slot: number, results: WireResult[]): void;
  onLog?(slot: number, lines: string[]): void;
  onSolver?(status: SolverStatus): void;
  /** Remote capacity grew (a worker joined or a batch finished): submit more if you have them. */
  onCapacity?(): void;
  /** A remote solver slot finished barrier step k (see {@link RemoteDispatcher.sendStep}). */
  onStepDone?(slot: number, k: number, output: unknown): void;
  /** Connection events in plain words. */
  log?(line: string): void;
  /**
   * Whether plan index i already has its result (the farm's own record). When given, the
   * dispatcher keeps no set of answered indexes of its own (memory stays flat on big runs).
   */
  isFinished?(i: number): boolean;
  /** Label of plan index i for status (`P=500`); default `task i`. */
  label?(i: number): string;
  /** A worker silent this long is shown as lost (default {@link LOST_AFTER_MS}). */
  lostAfterMs?: number;
}

/** Counters, for logs, status and tests. */
export interface DispatcherStats {
  batchesPublished: number;
  batchesRepublished: number;
  resultsAccepted: number;
  duplicatesDropped: number;
  workers: number;
  reconnects: number;
}

interface Outstanding {
  tasks: WireTask[];
  remaining: Set<number>;
  confirmed: boolean;
}

interface RemoteWorkerInfo {
  id: string;
  host: string;
  pid: number;
  cores: number;
  slots: number[];
  /** The worker's own inbox (its hello's replyTo): setup and barrier steps go there. */
  inbox: string;
  lastMessageAt: number;
  gone: boolean;
}

/** See the file comment. */
export class RemoteDispatcher {
  readonly stats: DispatcherStats = {
    batchesPublished: 0,
    batchesRepublished: 0,
    resultsAccepted: 0,
    duplicatesDropped: 0,
    workers: 0,
    reconnects: 0,
  };
  private readonly options: RemoteDispatcherOptions;
  private readonly connection: BrokerConnection;
  private readonly tasksQueue: string;
  private readonly farmQueue: string;
  private readonly outstanding = new Map<number, Outstanding>();
  /** Plan index → batch, for tasks published and not answered yet. */
  private readonly batchOf = new Map<number, number>();
  /** Answered indexes, when the farm does not keep that record itself (isFinished). */
  private readonly seen = new Set<number>();
  /** Tasks handed back to the farm by takeBack(), so each goes back once. */
  private readonly takenBack = new Set<number>();
  private readonly workers = new Map<string, RemoteWorkerInfo>();
  private readonly statuses = new Map<number, SolverStatus>();
  private nextBatch = 0;
  private nextSlot: number;
  private announceTimer: NodeJS.Timeout | null = null;
  private everConnected = false;
  private closed = false;

  private constructor(options: RemoteDispatcherOptions) {
    this.options = options;
    this.tasksQueue = tasksQueue(options.runId);
    this.farmQueue = farmQueue(options.runId);
    this.nextSlot = options.firstSlot;
    this.connection = new BrokerConnection(options.url, {
      name: `solver-farm run ${options.runId}`,
      prefetch: 512,
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      setup: (channel) => this.setup(channel),
      onDisconnect: (error) =>
        options.log?.(
          `lost the broker at ${this.connection.target.display}${error === undefined ? '' : ` (${error.message})`}`,
        ),
      onRetry: (attempt, delayMs, error) =>
        options.log?.(`${error.message}; reconnecting in ${delayMs} ms (attempt ${attempt + 1})`),
      onFatal: (error) => options.log?.(`giving up on the broker: ${error.message}`),
    });
  }

  /** Connect, declare the run's queues and start announcing it. Rejects with a clear BrokerError. */
  static async open(options: RemoteDispatcherOptions): Promise<RemoteDispatcher> {
    const dispatcher = new RemoteDispatcher(options);
    await dispatcher.connection.open();
    dispatcher.announceTimer = setInterval(() => {
      dispatcher.announce();
      dispatcher.checkLost();
    }, ANNOUNCE_INTERVAL_MS);
    dispatcher.announceTimer.unref();
    return dispatcher;
  }

  /** Where we connect, without the password. */
  get broker(): string {
    return this.connection.target.display;
  }

  /** Solver cores of the workers that are in the run and not lost. */
  get remoteCores(): number {
    this.checkLost();
    let cores = 0;
    for (const worker of this.workers.values()) if (!worker.gone) cores += worker.cores;
    return cores;
  }

  /** Batches published and not fully answered. */
  get outstandingBatches(): number {
    return this.outstanding.size;
  }

  /** How many more batches the remote side should get now: two per remote core in flight. */
  capacity(): number {
    return Math.max(0, 2 * this.remoteCores - this.outstanding.size);
  }

  /** Publish one batch of independent tasks (persistent, confirmed). Returns its batch number. */
  submit(tasks: WireTask[]): number {
    const batch = this.nextBatch++;
    const fresh = tasks.filter((task) => !this.answered(task.i));
    const entry: Outstanding = { tasks: fresh, remaining: new Set(fresh.map((t) => t.i)), confirmed: false };
    if (fresh.length === 0) return batch;
    this.outstanding.set(batch, entry);
    for (const task of fresh) {
      this.batchOf.set(task.i, batch);
      // Sent out again (the farm put a taken-back task back in its queue): it may come back again.
      this.takenBack.delete(task.i);
    }
    this.stats.batchesPublished++;
    this.publish(batch, entry);
    return batch;
  }

  /** Tasks published but not answered yet (e.g. to solve them locally when local cores run dry). */
  pendingTasks(): WireTask[] {
    const out: WireTask[] = [];
    for (const entry of this.outstanding.values()) {
      for (const task of entry.tasks) if (entry.remaining.has(task.i)) out.push(task);
    }
    return out;
  }

  /**
   * The tail rule: outstanding remote tasks that were never handed back, for the farm to
   * solve locally when its own queue ran dry (its cores would idle otherwise, and if every
   * worker died the run still finishes). Whichever copy answers first wins; the other is
   * dropped as a duplicate.
   */
  takeBack(): WireTask[] {
    const out: WireTask[] = [];
    for (const entry of this.outstanding.values()) {
      for (const task of entry.tasks) {
        if (!entry.remaining.has(task.i) || this.takenBack.has(task.i) || this.answered(task.i)) continue;
        this.takenBack.add(task.i);
        out.push(task);
      }
    }
    return out;
  }

  /**
   * A result for plan index `i` arrived from elsewhere (a local solver took the task back):
   * free its place in the remote bookkeeping; the remote copy is dropped when it comes.
   */
  markDone(i: number): void {
    if (!this.batchOf.has(i)) return;
    if (this.options.isFinished === undefined) this.seen.add(i);
    this.forget(i);
  }

  private answered(i: number): boolean {
    return this.options.isFinished?.(i) ?? this.seen.has(i);
  }

  /** The remote solvers as the farm shows them. */
  solvers(): SolverStatus[] {
    this.checkLost();
    return [...this.statuses.values()].sort((a, b) => a.id - b.id);
  }

  /**
   * Remote solver slots that can take part in a barrier step now: their worker is in the run
   * and not lost, and the slot is not crashed or stopped. A slot that drops out of this list
   * mid-step is no longer waited for (the farm's barrier goes on without it).
   */
  stepSlots(): number[] {
    this.checkLost();
    const out: number[] = [];
    for (const worker of this.workers.values()) {
      if (worker.gone) continue;
      for (const slot of worker.slots) {
        const state = this.statuses.get(slot)?.state;
        if (state !== 'crashed' && state !== 'stopped') out.push(slot);
      }
    }
    return out.sort((a, b) => a - b);
  }

  /** Send barrier step k with its input to one remote slot (its worker's inbox). False when it cannot be sent. */
  sendStep(slot: number, k: number, input: unknown): boolean {
    const channel = this.connection.channel;
    if (channel === null || this.closed) return false;
    for (const worker of this.workers.values()) {
      if (worker.gone || !worker.slots.includes(slot)) continue;
      const message: StepMessage = { t: 'step', runId: this.options.runId, slot, k, input };
      try {
        channel.sendToQueue(worker.inbox, encode(message), { contentType: 'application/json' });
        return true;
      } catch {
        return false;
      }
    }
    return false;
  }

  /** Drop the batches still waiting in the queue (graceful terminate). Returns how many. */
  async purge(): Promise<number> {
    const channel = this.connection.channel;
    if (channel === null) return 0;
    const { messageCount } = await channel.purgeQueue(this.tasksQueue);
    return messageCount;
  }

  /** End the run: tell workers, delete its queues, close the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.announceTimer !== null) clearInterval(this.announceTimer);
    const channel = this.connection.channel;
    if (channel !== null) {
      try {
        const end: Announcement = { t: 'end', runId: this.options.runId };
        channel.publish(RUNS_EXCHANGE, '', encode(end), { contentType: 'application/json' });
        // Deleting the task queue cancels every worker's consumer at once.
        await channel.deleteQueue(this.tasksQueue);
        await channel.deleteQueue(this.farmQueue);
        await channel.waitForConfirms();
      } catch (err) {
        this.options.log?.(`could not clean up the run's queues: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    await this.connection.close();
  }

  // ---- broker side -------------------------------------------------------------------------

  private async setup(channel: ConfirmChannel): Promise<void> {
    await channel.assertExchange(RUNS_EXCHANGE, 'fanout', { durable: true });
    await channel.assertQueue(this.tasksQueue, { durable: true, arguments: RUN_QUEUE_ARGS });
    await channel.assertQueue(this.farmQueue, { durable: true, arguments: RUN_QUEUE_ARGS });
    await channel.consume(this.farmQueue, (message) => message && this.onMessage(channel, message), { noAck: false });
    if (this.everConnected) {
      this.stats.reconnects++;
      this.options.log?.(`reconnected to ${this.connection.target.display}`);
      // A publish that was not confirmed may not have reached the queue: publish it again
      // (if it did, the duplicate results are dropped).
      for (const [batch, entry] of this.outstanding) {
        if (!entry.confirmed) {
          this.stats.batchesRepublished++;
          this.publish(batch, entry);
        }
      }
    }
    this.everConnected = true;
    this.announce();
  }

  private announce(): void {
    const channel = this.connection.channel;
    if (channel === null || this.closed) return;
    const announcement: Announcement = {
      t: 'run',
      runId: this.options.runId,
      kind: this.options.kind,
      name: this.options.name,
      tasks: this.tasksQueue,
      farm: this.farmQueue,
    };
    try {
      channel.publish(RUNS_EXCHANGE, '', encode(announcement), { contentType: 'application/json' });
    } catch {
      // Disconnected: the next setup announces again.
    }
  }

  private publish(batch: number, entry: Outstanding): void {
    const channel = this.connection.channel;
    if (channel === null) return; // republished after reconnect
    const body: TaskBatchMessage = { runId: this.options.runId, batch, tasks: entry.tasks };
    try {
      channel.sendToQueue(
        this.tasksQueue,
        encode(body),
        { persistent: true, contentType: 'application/json', messageId: `${this.options.runId}:${batch}` },
        (err: unknown) => {
          if (err === null || err === undefined) entry.confirmed = true;
          else if (channel === this.connection.channel) this.publish(batch, entry);
        },
      );
    } catch {
      // The channel closed under us; setup() republishes unconfirmed batches.
    }
  }

  private onMessage(channel: ConfirmChannel, message: ConsumeMessage): void {
    try {
      const body = tagged(decode(message.content)) as (WorkerMessage & Record<string, unknown>) | null;
      if (body !== null && body.runId === this.options.runId) this.handle(channel, body, message);
    } finally {
      try {
        channel.ack(message);
      } catch {
        // Channel gone; the message comes back and is deduplicated.
      }
    }
  }

  private handle(channel: ConfirmChannel, message: WorkerMessage, raw: ConsumeMessage): void {
    const worker = this.workers.get(message.worker);
    if (worker !== undefined) {
      worker.lastMessageAt = Date.now();
      if (worker.gone && message.t !== 'bye') worker.gone = false;
    }
    switch (message.t) {
      case 'hello':
        this.onHello(channel, message, raw.properties.replyTo as string | undefined);
        return;
      case 'solver':
        this.onSolverState(message.host, message.solver);
        return;
      case 'results':
        this.onResults(message.slot, message.results);
        return;
      case 'log':
        this.options.onLog?.(message.slot, message.lines);
        return;
      case 'step-done':
        if (worker !== undefined && !worker.gone && worker.slots.includes(message.slot)) {
          this.options.onStepDone?.(message.slot, message.k, message.output);
        }
        return;
      case 'bye':
        if (worker !== undefined) {
          worker.gone = true;
          this.options.log?.(`worker ${worker.host} (pid ${worker.pid}) left: ${message.reason}`);
          for (const slot of worker.slots) this.markStopped(slot, `worker left: ${message.reason}`);
        }
        return;
    }
  }

  private onHello(channel: ConfirmChannel, hello: WorkerMessage & { t: 'hello' }, replyTo: string | undefined): void {
    if (replyTo === undefined) return;
    let worker = this.workers.get(hello.worker);
    if (worker === undefined) {
      const slots = Array.from({ length: Math.max(0, Math.min(hello.cores, 1024)) }, () => this.nextSlot++);
      worker = {
        id: hello.worker,
        host: hello.host,
        pid: hello.pid,
        cores: slots.length,
        slots,
        inbox: replyTo,
        lastMessageAt: Date.now(),
        gone: false,
      };
      this.workers.set(hello.worker, worker);
      this.stats.workers++;
      this.options.log?.(`worker ${hello.host} (pid ${hello.pid}) joined with ${slots.length} solver(s)`);
      for (const slot of slots) {
        // No pid yet: the solver process reports its own in its first state.
        this.setStatus({
          id: slot,
          host: hello.host,
          state: 'starting',
          since: Date.now(),
          tasksDone: 0,
          tasksFailed: 0,
          restarts: 0,
        });
      }
    }
    worker.inbox = replyTo; // a worker that reconnected has a new inbox
    const setup: SetupMessage = {
      t: 'setup',
      runId: this.options.runId,
      kind: this.options.kind,
      spec: this.options.spec,
      slots: worker.slots,
      seeds: worker.slots.map((slot) => this.options.seedFor?.(slot) ?? slot + 1),
    };
    channel.sendToQueue(replyTo, encode(setup), { contentType: 'application/json' });
    this.options.onCapacity?.();
  }

  private onSolverState(host: string, state: RemoteSolverState): void {
    const previous = this.statuses.get(state.slot);
    const status: SolverStatus = {
      id: state.slot,
      host,
      state: state.state,
      since: state.since,
      tasksDone: state.tasksDone,
      tasksFailed: state.tasksFailed,
      lastMessageAt: Date.now(),
      restarts: previous?.restarts ?? 0,
    };
    if (state.pid !== undefined) status.pid = state.pid;
    if (state.memory !== undefined) status.memory = state.memory;
    if (state.reason !== undefined) status.reason = state.reason;
    if (state.task !== undefined) status.task = this.options.label?.(state.task) ?? `task ${state.task}`;
    if (previous !== undefined && previous.pid !== undefined && state.pid !== undefined && previous.pid !== state.pid) {
      status.restarts = previous.restarts + 1;
    }
    const changed =
      previous === undefined ||
      previous.state !== status.state ||
      previous.pid !== status.pid ||
      previous.tasksDone !== status.tasksDone ||
      previous.tasksFailed !== status.tasksFailed;
    this.statuses.set(state.slot, status);
    if (changed) this.options.onSolver?.(status);
  }

  private onResults(slot: number, results: WireResult[]): void {
    const fresh: WireResult[] = [];
    const inMessage = new Set<number>();
    for (const result of results) {
      if (this.answered(result.i) || inMessage.has(result.i)) {
        this.stats.duplicatesDropped++;
        this.forget(result.i);
        continue;
      }
      if (this.options.isFinished === undefined) this.seen.add(result.i);
      inMessage.add(result.i);
      this.forget(result.i);
      fresh.push(result);
    }
    if (fresh.length === 0) return;
    this.stats.resultsAccepted += fresh.length;
    this.options.onResults(slot, fresh);
  }

  /** Task i is answered: shrink its batch, and free capacity when the batch is complete. */
  private forget(i: number): void {
    const batch = this.batchOf.get(i);
    if (batch === undefined) return;
    this.batchOf.delete(i);
    const entry = this.outstanding.get(batch);
    if (entry === undefined) return;
    entry.remaining.delete(i);
    if (entry.remaining.size === 0) {
      this.outstanding.delete(batch);
      this.options.onCapacity?.();
    }
  }

  private setStatus(status: SolverStatus): void {
    this.statuses.set(status.id, status);
    this.options.onSolver?.(status);
  }

  private markStopped(slot: number, reason: string): void {
    const previous = this.statuses.get(slot);
    if (previous === undefined || previous.state === 'stopped') return;
    const { task: _task, ...rest } = previous;
    this.setStatus({ ...rest, state: 'stopped', since: Date.now(), reason });
  }

  private checkLost(): void {
    const now = Date.now();
    for (const worker of this.workers.values()) {
      if (worker.gone || now - worker.lastMessageAt < (this.options.lostAfterMs ?? LOST_AFTER_MS)) continue;
      worker.gone = true;
      const reason = `lost contact with worker ${worker.host} (pid ${worker.pid}): no message for ${Math.round((now - worker.lastMessageAt) / 1000)} s`;
      this.options.log?.(reason);
      for (const slot of worker.slots) {
        const previous = this.statuses.get(slot);
        if (previous === undefined) continue;
        const { task: _task, ...rest } = previous;
        this.setStatus({ ...rest, state: 'crashed', since: now, reason });
      }
    }
  }
}
