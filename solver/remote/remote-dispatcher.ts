/**
 * The farm's side of remote solving for one run (the RemoteLink of farm/remote-port.ts):
 * announces the run, answers workers' hellos with the job's spec and their slot numbers,
 * publishes batches of plan indices to the run's durable queue (persistent,
 * publisher-confirmed), and hands what the workers' solvers answer to the run.
 *
 * It keeps no record of answered tasks: the run's is the one (RemoteHost.isFinished). The
 * broker delivers at least once (a batch whose worker died is solved again elsewhere), so
 * the same rows may come twice; the run keeps each task's first result. What the dispatcher
 * keeps is the batches it published that still have a task without a result: to republish
 * after a reconnect, to count what is in flight, and for the tail rule (takeBack).
 *
 * Who the workers are and what their solvers do is the roster's (remote-roster.ts).
 */
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { SolverStatus } from '../api.ts';
import type { RemoteHost, RemoteLink, RemoteRun } from '../farm/remote-port.ts';
import type { ResultRows } from '../protocol.ts';
import { type Backoff, BrokerConnection } from './connection.ts';
import { RemoteRoster } from './remote-roster.ts';
import {
  ANNOUNCE_INTERVAL_MS,
  type Announcement,
  decode,
  encode,
  farmQueue,
  RUN_QUEUE_ARGS,
  RUNS_EXCHANGE,
  type SetupMessage,
  type StepMessage,
  type TaskBatchMessage,
  tagged,
  tasksQueue,
  type WorkerMessage,
} from './topology.ts';

/** Options of {@link RemoteDispatcher.open}. */
export interface RemoteDispatcherOptions extends RemoteRun {
  /** `amqp[s]://user:password@host[:port]/vhost` */
  url: string;
  backoff?: Backoff;
  /** Connection and worker news in plain words. */
  log?(line: string): void;
  /** A worker silent this long is shown as lost (default LOST_AFTER_MS). */
  lostAfterMs?: number;
}

/** Counters, for logs and tests. */
export interface DispatcherStats {
  batchesPublished: number;
  batchesRepublished: number;
  /** Rows for tasks that had their result already (a redelivered batch, a task taken back). */
  duplicatesDropped: number;
  reconnects: number;
}

/** A published batch with a task still without a result. */
interface Outstanding {
  tasks: number[];
  /** Tasks before this position have their result (advanced lazily, like a local solver's batch). */
  pos: number;
  confirmed: boolean;
  /** Its tasks were handed to the local solvers once already (takeBack). */
  takenBack: boolean;
}

/** See the file comment. */
export class RemoteDispatcher implements RemoteLink {
  readonly stats: DispatcherStats = { batchesPublished: 0, batchesRepublished: 0, duplicatesDropped: 0, reconnects: 0 };
  readonly #options: RemoteDispatcherOptions;
  readonly #connection: BrokerConnection;
  readonly #roster: RemoteRoster;
  readonly #tasksQueue: string;
  readonly #farmQueue: string;
  readonly #outstanding = new Map<number, Outstanding>();
  #host: RemoteHost | undefined;
  #nextBatch = 0;
  #announceTimer: NodeJS.Timeout | undefined;
  #everConnected = false;
  #closing: Promise<void> | undefined;

  private constructor(options: RemoteDispatcherOptions) {
    this.#options = options;
    this.#tasksQueue = tasksQueue(options.runId);
    this.#farmQueue = farmQueue(options.runId);
    const log = options.log;
    this.#roster = new RemoteRoster({
      firstSlot: options.firstSlot,
      ...(options.lostAfterMs === undefined ? {} : { lostAfterMs: options.lostAfterMs }),
      ...(log === undefined ? {} : { log }),
      // Until the run is attached its states are kept here; the workers' heartbeat repeats them.
      onSolver: (status) => this.#host?.remoteSolver(status),
      label: (i) => this.#host?.label(i) ?? `task ${i}`,
    });
    this.#connection = new BrokerConnection(options.url, {
      name: `solver-farm run ${options.runId}`,
      prefetch: 512,
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      setup: (channel) => this.#setup(channel),
      onDisconnect: (error) =>
        log?.(`lost the broker at ${this.broker}${error === undefined ? '' : ` (${error.message})`}`),
      onRetry: (attempt, delayMs, error) =>
        log?.(`${error.message}; reconnecting in ${delayMs} ms (attempt ${attempt + 1})`),
      onFatal: (error) => log?.(`giving up on the broker: ${error.message}`),
    });
  }

  /** Connect, declare the run's queues and start announcing it. Rejects with a clear BrokerError. */
  static async open(options: RemoteDispatcherOptions): Promise<RemoteDispatcher> {
    const dispatcher = new RemoteDispatcher(options);
    await dispatcher.#connection.open();
    dispatcher.#announceTimer = setInterval(() => {
      dispatcher.#announce();
      dispatcher.#roster.checkLost();
    }, ANNOUNCE_INTERVAL_MS);
    dispatcher.#announceTimer.unref();
    return dispatcher;
  }

  /** Where we connect, without the password. */
  get broker(): string {
    return this.#connection.target.display;
  }

  /** The run that takes what the workers say (nothing is submitted before, so no result is missed). */
  attach(host: RemoteHost): void {
    this.#host = host;
  }

  /** Batches published with a task still without a result. */
  get outstandingBatches(): number {
    this.#sweep();
    return this.#outstanding.size;
  }

  /** How many more batches the remote side should get now: two per remote core in flight. */
  capacity(): number {
    this.#sweep();
    return Math.max(0, 2 * this.#roster.cores - this.#outstanding.size);
  }

  /** Publish one batch of plan indices (persistent, confirmed). */
  submit(tasks: number[]): void {
    if (tasks.length === 0) return;
    const batch = this.#nextBatch++;
    const entry: Outstanding = { tasks, pos: 0, confirmed: false, takenBack: false };
    this.#outstanding.set(batch, entry);
    this.stats.batchesPublished++;
    this.#publish(batch, entry);
  }

  /**
   * The tail rule: tasks of published batches without a result yet, each batch handed back
   * once, for the farm to solve locally when its own queue ran dry (its cores would idle
   * otherwise, and if every worker died the run still finishes). Whichever copy answers
   * first counts; the run drops the other.
   */
  takeBack(): number[] {
    const isFinished = this.#isFinished;
    const out: number[] = [];
    for (const entry of this.#outstanding.values()) {
      if (entry.takenBack) continue;
      entry.takenBack = true;
      for (let k = entry.pos; k < entry.tasks.length; k++) {
        const i = entry.tasks[k] as number;
        if (!isFinished(i)) out.push(i);
      }
    }
    return out;
  }

  solvers(): SolverStatus[] {
    return this.#roster.solvers();
  }

  stepSlots(): number[] {
    return this.#roster.stepSlots();
  }

  /** Send barrier step k with its input to one remote slot (its worker's inbox). False when it cannot be sent. */
  sendStep(slot: number, k: number, input: unknown): boolean {
    const channel = this.#connection.channel;
    const worker = this.#roster.workerOf(slot);
    if (channel === null || this.#closing !== undefined || worker === undefined) return false;
    const message: StepMessage = { t: 'step', runId: this.#options.runId, slot, k, input };
    try {
      channel.sendToQueue(worker.inbox, encode(message), { contentType: 'application/json' });
      return true;
    } catch {
      return false;
    }
  }

  /** Drop the batches still waiting in the queue (graceful terminate); those being solved are not waited for. */
  async purge(): Promise<void> {
    try {
      await this.#connection.channel?.purgeQueue(this.#tasksQueue);
    } catch {
      // Disconnected or already closed: nothing to drop, or the run is ending anyway.
    }
  }

  /** End the run: tell workers, delete its queues, close the connection (once, however often asked). */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    clearInterval(this.#announceTimer);
    const channel = this.#connection.channel;
    if (channel !== null) {
      try {
        const end: Announcement = { t: 'end', runId: this.#options.runId };
        channel.publish(RUNS_EXCHANGE, '', encode(end), { contentType: 'application/json' });
        // Deleting the task queue cancels every worker's consumer at once.
        await channel.deleteQueue(this.#tasksQueue);
        await channel.deleteQueue(this.#farmQueue);
        await channel.waitForConfirms();
      } catch (err) {
        this.#options.log?.(`could not clean up the run's queues: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    await this.#connection.close();
  }

  /** The run's record of answered tasks (nothing is answered before the run is attached). */
  readonly #isFinished = (i: number): boolean => this.#host?.isFinished(i) ?? false;

  /** Forget batches whose every task has its result (however it came: remote, local, earlier). */
  #sweep(): void {
    for (const [batch, entry] of this.#outstanding) if (this.#complete(entry)) this.#outstanding.delete(batch);
  }

  #complete(entry: Outstanding): boolean {
    const { tasks } = entry;
    while (entry.pos < tasks.length && this.#isFinished(tasks[entry.pos] as number)) entry.pos++;
    return entry.pos >= tasks.length;
  }

  // ---- broker side -------------------------------------------------------------------------

  async #setup(channel: ConfirmChannel): Promise<void> {
    await channel.assertExchange(RUNS_EXCHANGE, 'fanout', { durable: true });
    await channel.assertQueue(this.#tasksQueue, { durable: true, arguments: RUN_QUEUE_ARGS });
    await channel.assertQueue(this.#farmQueue, { durable: true, arguments: RUN_QUEUE_ARGS });
    await channel.consume(this.#farmQueue, (message) => message && this.#onMessage(channel, message), {
      noAck: false,
    });
    if (this.#everConnected) {
      this.stats.reconnects++;
      this.#options.log?.(`reconnected to ${this.broker}`);
      // A publish that was not confirmed may not have reached the queue: publish it again
      // (if it did, the run drops the second copy's results).
      for (const [batch, entry] of this.#outstanding) {
        if (!entry.confirmed) {
          this.stats.batchesRepublished++;
          this.#publish(batch, entry);
        }
      }
    }
    this.#everConnected = true;
    this.#announce();
  }

  #announce(): void {
    const channel = this.#connection.channel;
    if (channel === null || this.#closing !== undefined) return;
    const { runId, kindName, name } = this.#options;
    const announcement: Announcement = {
      t: 'run',
      runId,
      kind: kindName,
      name,
      tasks: this.#tasksQueue,
      farm: this.#farmQueue,
    };
    try {
      channel.publish(RUNS_EXCHANGE, '', encode(announcement), { contentType: 'application/json' });
    } catch {
      // Disconnected: the next setup announces again.
    }
  }

  #publish(batch: number, entry: Outstanding): void {
    const channel = this.#connection.channel;
    if (channel === null) return; // republished after reconnect
    const body: TaskBatchMessage = { runId: this.#options.runId, batch, i: entry.tasks };
    try {
      channel.sendToQueue(
        this.#tasksQueue,
        encode(body),
        { persistent: true, contentType: 'application/json', messageId: `${this.#options.runId}:${batch}` },
        (err: unknown) => {
          if (err === null || err === undefined) entry.confirmed = true;
          else if (channel === this.#connection.channel) this.#publish(batch, entry);
        },
      );
    } catch {
      // The channel closed under us; setup republishes unconfirmed batches.
    }
  }

  #onMessage(channel: ConfirmChannel, message: ConsumeMessage): void {
    try {
      const body = tagged(decode(message.content)) as (WorkerMessage & Record<string, unknown>) | null;
      if (body !== null && body.runId === this.#options.runId) this.#handle(channel, body, message);
    } finally {
      try {
        channel.ack(message);
      } catch {
        // Channel gone; the message comes back, and the run keeps only first results.
      }
    }
  }

  #handle(channel: ConfirmChannel, message: WorkerMessage, raw: ConsumeMessage): void {
    this.#roster.heard(message.worker, message.t === 'bye');
    switch (message.t) {
      case 'hello':
        this.#onHello(channel, message, raw.properties.replyTo as string | undefined);
        return;
      case 'solver':
        this.#roster.state(message.host, message.solver);
        return;
      case 'rows':
        this.#onRows(message.slot, message.rows);
        return;
      case 'crashed':
        this.#onCrashed(message.slot, message.batch, message.at, message.reason);
        return;
      case 'log':
        this.#host?.remoteLog(message.slot, message.lines);
        return;
      case 'step-done':
        if (this.#roster.owns(message.worker, message.slot)) {
          this.#host?.remoteStepDone(message.slot, message.k, message.output);
        }
        return;
      case 'bye':
        this.#roster.left(message.worker, message.reason);
        return;
    }
  }

  #onHello(channel: ConfirmChannel, hello: WorkerMessage & { t: 'hello' }, replyTo: string | undefined): void {
    if (replyTo === undefined) return;
    const worker = this.#roster.join(hello.worker, hello.host, hello.pid, hello.cores, replyTo);
    const { runId, kindName, spec, maxTaskRetries } = this.#options;
    const setup: SetupMessage = {
      t: 'setup',
      runId,
      kind: kindName,
      spec,
      slots: [...worker.slots],
      seeds: worker.slots.map((slot) => slot + 1),
      crashRetries: maxTaskRetries,
    };
    channel.sendToQueue(replyTo, encode(setup), { contentType: 'application/json' });
    this.#host?.remoteCapacity();
  }

  /** A remote solver's rows for one of our batches; a batch with every result already is not asked about. */
  #onRows(slot: number, rows: ResultRows): void {
    const entry = this.#outstanding.get(rows.batch);
    if (entry === undefined || !Array.isArray(rows.s)) {
      this.stats.duplicatesDropped += Array.isArray(rows.s) ? rows.s.length : 0;
      return;
    }
    for (let r = 0; r < rows.s.length; r++) {
      const i = entry.tasks[rows.at + r];
      if (i !== undefined && this.#isFinished(i)) this.stats.duplicatesDropped++;
    }
    this.#host?.remoteRows(slot, entry.tasks, rows);
    if (this.#complete(entry)) {
      this.#outstanding.delete(rows.batch);
      this.#host?.remoteCapacity();
    }
  }

  /**
   * A worker's solver died in one of our batches. The worker acknowledged the batch (no
   * redelivery): its tasks without a result are the run's to retry or fail, by its policy.
   */
  #onCrashed(slot: number, batch: number, at: number, reason: string): void {
    const entry = this.#outstanding.get(batch);
    if (entry === undefined) return;
    this.#outstanding.delete(batch);
    this.#host?.remoteCrashed(slot, entry.tasks, Number.isInteger(at) && at >= 0 ? at : 0, reason);
  }
}
