/**
 * A remote worker (`solver-farm worker`): joins the runs farms announce on the broker and
 * solves their task batches, or, for a barrier-step job, each step the farm sends one of its
 * slots. The solving is a WorkerRun's (worker-run.ts): the farm's own solver processes and
 * restart policy, speaking `run`/`rows` as the farm's solvers do. This file is the broker side.
 *
 * Delivery: the worker consumes with a prefetch limit, runs each batch on one of its
 * solvers, relays the solver's rows to the farm through a confirm channel, and acknowledges
 * the batch only when the broker has confirmed all of them (delivery.ts). A worker that dies
 * (or loses its connection) leaves its unacknowledged batches to the broker, which delivers
 * them again to whoever consumes next; the farm keeps each task's first result
 * (at-least-once delivery, exactly-once in the journal).
 *
 * Between runs the solver processes wait warm (the farm's WarmPool): a run's processes are
 * killed when it ends, and fresh ones are started for the next.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { SolverLauncher } from '../farm/launcher.ts';
import { WarmPool } from '../farm/warm-pool.ts';
import { serializeError } from '../protocol.ts';
import type { BrokerError } from './broker-url.ts';
import { type Backoff, BrokerConnection } from './connection.ts';
import { Delivery } from './delivery.ts';
import {
  type Announcement,
  decode,
  encode,
  farmQueue,
  HEARTBEAT_MS,
  RUNS_EXCHANGE,
  type SetupMessage,
  type StepMessage,
  type TaskBatchMessage,
  tagged,
  type WorkerMessage,
} from './topology.ts';
import { WorkerRun } from './worker-run.ts';

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

/** The run being joined or consumed from, on the current connection. */
interface Joined {
  runId: string;
  /** Its task queue. */
  tasks: string;
  phase: 'hello' | 'ready';
  helloAt: number;
  consumerTag: string | null;
  /** Channel the consumer lives on (deliveries are acknowledged on it). */
  channel: ConfirmChannel | null;
}

/** A farm that did not answer a hello is greeted again after this long (it may have been reconnecting). */
const HELLO_AGAIN_MS = 3000;

/** See the file comment. */
export class RemoteWorker {
  readonly id: string;
  readonly host: string;
  readonly #options: RemoteWorkerOptions;
  readonly #connection: BrokerConnection;
  readonly #pool: WarmPool;
  #joined: Joined | null = null;
  /** The solvers of the run we are in; kept across a broker loss (they are set up for it). */
  #run: WorkerRun | null = null;
  readonly #endedRuns = new Set<string>();
  #inbox: string | null = null;
  #stopping = false;
  /** drain() was called: no new runs, batches or steps; running ones finish. */
  #draining = false;
  #everConnected = false;
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(options: RemoteWorkerOptions) {
    if (!Number.isInteger(options.cores) || options.cores < 1) {
      throw new Error(`--cores must be a whole number of at least 1, got ${options.cores}`);
    }
    this.#options = options;
    this.host = options.host ?? os.hostname();
    this.id = `${this.host}:${process.pid}:${randomBytes(3).toString('hex')}`;
    this.#pool = new WarmPool(options.launcher);
    this.#connection = new BrokerConnection(options.url, {
      name: 'solver-farm worker',
      prefetch: (options.prefetchPerCore ?? 2) * options.cores,
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      setup: (channel) => this.#setup(channel),
      onDisconnect: (error) => this.#onDisconnect(error),
      onRetry: (attempt, delayMs, error) =>
        this.#log(`${error.message}; reconnecting in ${delayMs} ms (attempt ${attempt + 1})`),
      onFatal: (error) => {
        this.#log(`giving up: ${error.message}`);
        void this.stop('broker refused us').finally(() => options.onFatal?.(error));
      },
    });
  }

  /** Where the worker connects, without the password. */
  get broker(): string {
    return this.#connection.target.display;
  }

  /** Connect (rejects with a clear BrokerError) and start the solver processes, to wait warm for a run. */
  async start(): Promise<void> {
    await this.#connection.open();
    void this.#pool.warm(this.#options.cores);
    // States double as a heartbeat: the farm marks a worker lost after a silence.
    this.#heartbeat = setInterval(() => this.#run?.reportAll(), HEARTBEAT_MS);
    this.#heartbeat.unref();
    this.#log(`connected to ${this.broker} with ${this.#options.cores} solver(s); waiting for runs`);
  }

  /**
   * Stop taking work and let the running batches finish (SIGTERM): the consumer is cancelled,
   * batches received but not started go back to the queue at once, and this resolves once no
   * solver holds a batch or a step. The caller bounds the wait (its grace), then calls stop(),
   * which hands back whatever is still unfinished.
   */
  async drain(): Promise<void> {
    if (this.#stopping) return;
    this.#draining = true;
    await this.#cancelConsumer();
    this.#run?.drain();
    // Results arrive through the solvers' messages; a poll is simpler than a waiter per path.
    while (!this.#stopping && this.#run?.busy === true) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  /** Stop: leave the run, kill the solvers, close the connection. Unfinished batches go back to the queue. */
  async stop(reason = 'worker stopped'): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    clearInterval(this.#heartbeat);
    const run = this.#run;
    if (run !== null) this.#send({ t: 'bye', runId: run.runId, worker: this.id, reason });
    void run?.close();
    await this.#pool.close(2000);
    // Publishing `bye` (and the last rows) is fire-and-forget; give them a moment on the wire.
    await this.#connection.channel?.waitForConfirms().catch(() => {});
    await this.#connection.close();
  }

  #log(line: string): void {
    this.#options.log?.(line);
  }

  // ---- the broker --------------------------------------------------------------------------

  async #setup(channel: ConfirmChannel): Promise<void> {
    await channel.assertExchange(RUNS_EXCHANGE, 'fanout', { durable: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    this.#inbox = queue;
    await channel.bindQueue(queue, RUNS_EXCHANGE, '');
    await channel.consume(queue, (message) => message && this.#onInbox(message), { noAck: true });
    if (this.#everConnected) this.#log(`reconnected to ${this.broker}`);
    this.#everConnected = true;
  }

  #onDisconnect(error: Error | undefined): void {
    this.#log(`lost the broker at ${this.broker}${error === undefined ? '' : ` (${error.message})`}`);
    // Every unacknowledged delivery is back in its queue now; forget ours.
    this.#run?.forgetDeliveries();
    // Join again on the next announcement (the run may have ended meanwhile).
    this.#joined = null;
    this.#inbox = null;
  }

  #onInbox(message: ConsumeMessage): void {
    const body = tagged(decode(message.content));
    if (body === null) return;
    if (body.t === 'run') this.#onAnnouncement(body as unknown as Announcement & { t: 'run' });
    else if (body.t === 'end') this.#onEnd((body as unknown as Announcement & { t: 'end' }).runId, 'the run ended');
    else if (body.t === 'setup') this.#onSetup(body as unknown as SetupMessage);
    else if (body.t === 'step') this.#onStep(body as unknown as StepMessage);
  }

  #onAnnouncement(announcement: Announcement & { t: 'run' }): void {
    if (this.#stopping || this.#draining || this.#endedRuns.has(announcement.runId)) return;
    if (this.#joined !== null && this.#joined.runId !== announcement.runId) return; // one run at a time
    if (this.#joined === null) {
      this.#joined = {
        runId: announcement.runId,
        tasks: announcement.tasks,
        phase: 'hello',
        helloAt: 0,
        consumerTag: null,
        channel: null,
      };
      this.#log(`joining run ${announcement.runId} (${announcement.kind}: ${announcement.name})`);
    }
    const joined = this.#joined;
    // Say hello again if the farm did not answer (it may have been reconnecting).
    if (joined.phase === 'hello' && Date.now() - joined.helloAt > HELLO_AGAIN_MS) {
      joined.helloAt = Date.now();
      const { id, host } = this;
      this.#send({ t: 'hello', runId: joined.runId, worker: id, host, pid: process.pid, cores: this.#options.cores });
    }
  }

  #onSetup(setup: SetupMessage): void {
    const joined = this.#joined;
    if (this.#stopping || this.#draining) return;
    if (joined === null || joined.runId !== setup.runId || joined.phase !== 'hello') return;
    joined.phase = 'ready';
    // After a broker loss the same run goes on with the solvers already set up for it.
    if (this.#run?.runId !== setup.runId) {
      void this.#run?.close();
      this.#run = new WorkerRun({
        setup,
        launcher: this.#pool,
        worker: this.id,
        host: this.host,
        send: (message, onConfirm) => this.#send(message, onConfirm),
        log: (line) => this.#log(line),
        noSolversLeft: (reason) => this.#leave(setup.runId, reason),
      });
    }
    void this.#consume(joined);
  }

  /** Barrier step k for one of our slots. */
  #onStep(message: StepMessage): void {
    if (this.#draining || typeof message.k !== 'number') return;
    const run = this.#run;
    if (run !== null && run.runId === message.runId) run.step(message.slot, message.k, message.input);
  }

  async #consume(joined: Joined): Promise<void> {
    const channel = this.#connection.channel;
    if (channel === null || joined.consumerTag !== null) return;
    try {
      const { consumerTag } = await channel.consume(joined.tasks, (m) => this.#onTask(joined, channel, m), {
        noAck: false,
      });
      joined.consumerTag = consumerTag;
      joined.channel = channel;
    } catch (err) {
      // The queue is gone (run over): the channel closed, the connection repairs itself.
      this.#log(`cannot consume ${joined.tasks}: ${serializeError(err).message}`);
    }
  }

  #onTask(joined: Joined, channel: ConfirmChannel, message: ConsumeMessage | null): void {
    if (message === null) {
      // The broker cancelled our consumer: the queue was deleted, the run is over.
      this.#onEnd(joined.runId, 'the task queue was deleted');
      return;
    }
    const body = decode(message.content) as TaskBatchMessage | null;
    if (!isTaskBatch(body)) {
      this.#log(`dropping a malformed task message on ${joined.tasks}`);
      channel.nack(message, false, false);
      return;
    }
    const delivery = new Delivery(message, channel, body);
    const run = this.#run;
    // Delivered before the consumer's cancel took effect: someone else's to solve.
    if (this.#draining || run === null || run.runId !== joined.runId) {
      delivery.giveBack();
      return;
    }
    if (delivery.redelivered) {
      this.#log(`batch ${body.batch} redelivered (its previous worker died or lost the broker before finishing it)`);
    }
    run.take(delivery);
  }

  #onEnd(runId: string, why: string): void {
    this.#endedRuns.add(runId);
    const joined = this.#joined;
    const run = this.#run;
    if (joined?.runId !== runId && run?.runId !== runId) return;
    this.#log(`leaving run ${runId}: ${why}`);
    if (joined?.runId === runId) {
      void this.#cancelConsumer();
      this.#joined = null;
    }
    if (run?.runId === runId) this.#endRun(run);
  }

  /** Every solver of the run was given up on: tell the farm, hand back what we hold, leave. */
  #leave(runId: string, reason: string): void {
    const run = this.#run;
    if (run?.runId !== runId) return;
    this.#send({ t: 'bye', runId, worker: this.id, reason });
    this.#endedRuns.add(runId);
    this.#log(`leaving run ${runId}: ${reason}`);
    run.drain();
    if (this.#joined?.runId === runId) {
      void this.#cancelConsumer();
      this.#joined = null;
    }
    this.#endRun(run);
  }

  /** The run's solvers go; fresh ones wait warm for the next run. */
  #endRun(run: WorkerRun): void {
    this.#run = null;
    void run.close().then(() => {
      if (!this.#stopping && !this.#draining) void this.#pool.warm(this.#options.cores);
    });
  }

  async #cancelConsumer(): Promise<void> {
    const joined = this.#joined;
    if (joined?.consumerTag == null || joined.channel === null) return;
    const { channel, consumerTag } = joined;
    joined.consumerTag = null;
    await channel.cancel(consumerTag).catch(() => {});
  }

  /** Publish to the run's farm inbox; `onConfirm` hears the broker's confirm (or failure). */
  #send(message: WorkerMessage, onConfirm?: (ok: boolean) => void): void {
    const channel = this.#connection.channel;
    if (channel === null) {
      onConfirm?.(false);
      return;
    }
    try {
      channel.sendToQueue(
        farmQueue(message.runId),
        encode(message),
        {
          // What the farm must not lose survives a broker restart.
          persistent: message.t === 'rows' || message.t === 'crashed',
          contentType: 'application/json',
          type: message.t,
          ...(message.t === 'hello' && this.#inbox !== null ? { replyTo: this.#inbox } : {}),
        },
        (err: unknown) => onConfirm?.(err === null || err === undefined),
      );
    } catch {
      onConfirm?.(false);
    }
  }
}

/** A task batch as the farm publishes it: a batch number and plan indices. */
function isTaskBatch(body: TaskBatchMessage | null): body is TaskBatchMessage {
  return (
    body !== null &&
    typeof body.batch === 'number' &&
    Array.isArray(body.i) &&
    body.i.every((i) => Number.isInteger(i) && i >= 0)
  );
}
