/**
 * One run on a remote worker: its solver processes, driven as the farm drives its own — the
 * farm's SolverProcess in the farm's SolverSlots, restarted or given up on by the same rule
 * (SolverSlots.afterCrash) — fed the run's task batches (`run`: plan indices) and barrier
 * steps. What they say goes to the farm: their `rows` as they wrote them, steps, logs, and
 * their states (on change, and with every heartbeat).
 *
 * A solver that dies in a batch is reported to the farm (`crashed`, with the position of the
 * first task without a result) instead of being handed back to the broker: the farm's crash
 * policy then charges and retries those tasks, or fails them as `SolverCrashed`, exactly as
 * for its own solvers. The batch is acknowledged once that report is confirmed.
 */
import type { SolverExit, SolverLauncher } from '../farm/launcher.ts';
import type { Batch, SolverHost, SolverProcess } from '../farm/solver-process.ts';
import { SolverSlots } from '../farm/solver-slots.ts';
import { type FromSolver, type ResultRows, STATUS_CODES } from '../protocol.ts';
import type { Delivery } from './delivery.ts';
import type { RemoteSolverState, SetupMessage, WorkerMessage } from './topology.ts';

/** What a worker run works with. */
export interface WorkerRunOptions {
  /** The farm's reply to our hello: the job, our slots and seeds, its crash retries. */
  setup: SetupMessage;
  /** Starts the solver processes (the worker's warm pool). */
  launcher: SolverLauncher;
  /** The worker's id and host, as the farm knows them. */
  worker: string;
  host: string;
  /** To the farm's inbox; `onConfirm` hears the broker's confirm (true) or failure. */
  send(message: WorkerMessage, onConfirm?: (ok: boolean) => void): void;
  log(line: string): void;
  /** Every slot of this run was given up on: the worker leaves the run. */
  noSolversLeft(reason: string): void;
}

const ERROR_CODE = STATUS_CODES.indexOf('error');
/** The process kills of close() are not waited for longer than this. */
const CLOSE_WAIT_MS = 2000;

/** See the file comment. */
export class WorkerRun implements SolverHost {
  readonly runId: string;
  readonly #o: WorkerRunOptions;
  readonly #setup: SetupMessage;
  readonly #slots: SolverSlots;
  /** Batches received and not started, in arrival order. */
  #queue: Delivery[] = [];
  /** Batches a solver holds, by the id the solver knows them by. */
  readonly #held = new Map<number, Delivery>();
  /** The barrier step asked of each local slot and not answered yet (sent again to a replacement). */
  readonly #steps = new Map<number, { k: number; input: unknown }>();
  /** What each local slot's state was last reported as. */
  readonly #reported = new Map<number, string>();
  #batchSeq = 0;
  #draining = false;
  #closed: Promise<void> | undefined;
  #allGone: (() => void) | undefined;

  constructor(options: WorkerRunOptions) {
    this.#o = options;
    this.#setup = options.setup;
    this.runId = options.setup.runId;
    this.#slots = new SolverSlots(options.launcher);
    this.#slots.launch(options.setup.slots.length, this);
  }

  /** Some solver is inside a batch or a step. */
  get busy(): boolean {
    for (const slot of this.#slots.all) {
      const p = slot.process;
      if (p.alive && (p.batches.size > 0 || p.state === 'stepping')) return true;
    }
    return false;
  }

  /** A task batch from the run's queue: solved by the next solver that has none. */
  take(delivery: Delivery): void {
    if (this.#closed !== undefined || this.#draining) {
      delivery.giveBack();
      return;
    }
    this.#queue.push(delivery);
    this.#feedAll();
  }

  /** Barrier step k for farm slot `slot` (one of ours): run on its solver once that is set up. */
  step(slot: number, k: number, input: unknown): void {
    const local = this.#setup.slots.indexOf(slot);
    const record = this.#slots.all[local];
    if (record === undefined || this.#closed !== undefined || this.#draining) return;
    this.#steps.set(local, { k, input });
    this.#feed(record.process);
  }

  /** Take no more work: batches not started go back to the queue; running ones finish. */
  drain(): void {
    this.#draining = true;
    for (const delivery of this.#queue.splice(0)) delivery.giveBack();
  }

  /** The broker connection is gone: it has put back every batch we had not acknowledged. */
  forgetDeliveries(): void {
    for (const delivery of this.#queue.splice(0)) delivery.forget();
    for (const delivery of this.#held.values()) delivery.forget();
  }

  /** End the run here: kill its solvers (a synchronous solve reads no message); resolves when they are gone. */
  close(): Promise<void> {
    if (this.#closed === undefined) {
      this.forgetDeliveries();
      this.#steps.clear();
      this.#closed = new Promise((resolve) => {
        this.#allGone = resolve;
        setTimeout(resolve, CLOSE_WAIT_MS).unref();
      });
      this.#slots.killAll();
      if (!this.#slots.anyAlive()) this.#allGone?.();
    }
    return this.#closed;
  }

  /** The heartbeat: every solver's state, changed or not. */
  reportAll(): void {
    for (const slot of this.#slots.all) this.#report(slot.process, true);
  }

  // ---- SolverHost: what the solver processes say ---------------------------------------------

  /** Which tasks have a result is the farm's business; a solver's current task moves with its rows. */
  isFinished(): boolean {
    return false;
  }

  label(index: number): string {
    return `task ${index}`;
  }

  changed(p: SolverProcess): void {
    if (this.#slots.of(p) !== undefined) this.#report(p, false);
  }

  log(p: SolverProcess, lines: string[]): void {
    this.#send({ t: 'log', slot: this.#farmSlot(p), lines });
  }

  message(p: SolverProcess, m: FromSolver): void {
    switch (m.t) {
      case 'ready': {
        if (this.#closed !== undefined) return;
        const local = p.slot;
        const solver = this.#farmSlot(p);
        p.setup(this.#setup.kind, this.#setup.spec, this.#setup.seeds[local] ?? solver + 1, solver);
        return;
      }
      case 'setup-done':
        this.#slots.setUp(p);
        if (this.#closed !== undefined) return;
        p.markIdle();
        this.#feed(p);
        return;
      case 'setup-failed':
        this.#retire(p, `setup failed: ${m.error.message}`);
        return;
      case 'rows':
        this.#rows(p, m);
        return;
      case 'step-done': {
        const step = this.#steps.get(p.slot);
        if (step === undefined || step.k !== m.k) return;
        this.#steps.delete(p.slot);
        this.#slots.delivered(p);
        p.atBarrier();
        this.#send({ t: 'step-done', slot: this.#farmSlot(p), k: m.k, output: m.output });
        return;
      }
      case 'log':
        this.#send({ t: 'log', slot: this.#farmSlot(p), lines: m.lines });
        return;
      case 'error':
        this.#o.log(`solver ${this.#farmSlot(p)}: ${m.error.message}`);
        return;
      case 'released':
        return;
    }
  }

  exited(p: SolverProcess, exit: SolverExit, batches: Batch[]): void {
    const crashed = p.leaving === undefined && this.#closed === undefined;
    for (const batch of batches) {
      const delivery = this.#held.get(batch.id);
      if (delivery === undefined) continue;
      this.#held.delete(batch.id);
      if (crashed) this.#crashedIn(p, delivery, exit);
      else delivery.giveBack();
    }
    const slot = this.#slots.of(p);
    if (this.#closed !== undefined) {
      if (!this.#slots.anyAlive()) this.#allGone?.();
      return;
    }
    if (slot === undefined || slot.retired || !crashed) return;
    this.#o.log(`solver ${this.#farmSlot(p)} (pid ${p.pid ?? '?'}) died: ${p.reason ?? exit.reason}`);
    const retirement = this.#slots.afterCrash(p, exit, this.#setup.crashRetries);
    if (retirement !== undefined) this.#retire(p, retirement);
    else this.#slots.replace(p);
  }

  // ---- inside ------------------------------------------------------------------------------

  /** Work for a set-up solver: its slot's pending step first, else the next batch. */
  #feed(p: SolverProcess): void {
    if (this.#closed !== undefined || this.#draining || !p.takesWork) return;
    const step = this.#steps.get(p.slot);
    if (step !== undefined) {
      if (p.state !== 'stepping') p.sendStep(step.k, step.input);
      return;
    }
    if (p.batches.size > 0) return; // one batch per solver: the rest wait here, free for the others
    let delivery = this.#queue.shift();
    while (delivery !== undefined && !delivery.live) delivery = this.#queue.shift();
    if (delivery === undefined) return;
    const id = ++this.#batchSeq;
    this.#held.set(id, delivery);
    p.sendBatch({ id, tasks: delivery.tasks, pos: 0 });
  }

  #feedAll(): void {
    for (const slot of this.#slots.all) if (!slot.retired) this.#feed(slot.process);
  }

  /** A solver's rows: counted, relayed as they are (with the farm's batch number), and on its end more work. */
  #rows(p: SolverProcess, m: ResultRows): void {
    const delivery = this.#held.get(m.batch);
    if (delivery === undefined) return;
    const count = m.s.length;
    for (const code of m.s) p.countResult(code === ERROR_CODE);
    if (count > 0) {
      this.#slots.delivered(p);
      delivery.answered = m.at + count;
      if (delivery.live) {
        const rows: ResultRows = { ...m, batch: delivery.batch };
        this.#send({ t: 'rows', slot: this.#farmSlot(p), rows }, delivery.sending());
      }
    }
    p.answered(m.batch, m.at + count, m.done);
    if (!m.done) return;
    this.#held.delete(m.batch);
    delivery.solverDone();
    this.#feed(p);
  }

  /** `p` died holding `delivery`: the farm hears which tasks have no result, and decides. */
  #crashedIn(p: SolverProcess, delivery: Delivery, exit: SolverExit): void {
    if (!delivery.live) return; // the broker has it back already
    const reason = p.reason ?? exit.reason;
    const message: WorkerMessage = {
      t: 'crashed',
      runId: this.runId,
      worker: this.#o.worker,
      slot: this.#farmSlot(p),
      batch: delivery.batch,
      at: delivery.answered,
      reason,
    };
    this.#o.send(message, delivery.sending());
    delivery.solverDone();
  }

  /** Give `p`'s slot up for this run (shown crashed with the reason); with none left, leave the run. */
  #retire(p: SolverProcess, reason: string): void {
    if (!this.#slots.retire(p, reason)) return;
    p.kill();
    this.#steps.delete(p.slot);
    this.#o.log(`solver ${this.#farmSlot(p)}: ${reason}; not restarting it`);
    if (this.#slots.left === 0) this.#o.noSolversLeft(`no solver left: ${this.#slots.whyGone()}`);
  }

  #farmSlot(p: SolverProcess): number {
    return this.#setup.slots[p.slot] ?? -1;
  }

  /** To the farm: a message of this run from this worker. */
  #send(message: DistributiveOmit<WorkerMessage, 'runId' | 'worker'>, onConfirm?: (ok: boolean) => void): void {
    this.#o.send({ ...message, runId: this.runId, worker: this.#o.worker } as WorkerMessage, onConfirm);
  }

  /** `p`'s state to the farm: on a change of state or process, or always (the heartbeat). */
  #report(p: SolverProcess, always: boolean): void {
    const key = `${p.state}:${p.pid ?? ''}`;
    if (!always && this.#reported.get(p.slot) === key) return;
    this.#reported.set(p.slot, key);
    const state: RemoteSolverState = {
      slot: this.#farmSlot(p),
      state: p.state,
      since: p.since,
      tasksDone: p.tasksDone,
      tasksFailed: p.tasksFailed,
    };
    if (p.pid !== undefined) state.pid = p.pid;
    const task = p.currentTask;
    if (task !== undefined) state.task = task;
    if (p.memory !== undefined) state.memory = p.memory;
    if (p.reason !== undefined) state.reason = p.reason;
    this.#o.send({ t: 'solver', runId: this.runId, worker: this.#o.worker, host: this.#o.host, solver: state });
  }
}

/** Omit over each member of a union. */
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
