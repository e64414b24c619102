/**
 * The farm's model of the remote workers in one run and their solvers: who joined (and which
 * farm-wide slots they got), what each remote solver is doing (host, pid, state, task,
 * counters), who left, and who went silent for {@link LOST_AFTER_MS} (shown as lost). The
 * farm shows these beside its local cores and runs barrier steps on the live ones.
 */
import type { SolverStatus } from '../api.ts';
import { LOST_AFTER_MS, type RemoteSolverState } from './topology.ts';

/** Options of {@link RemoteRoster}. */
export interface RemoteRosterOptions {
  /** Slot number of the first remote solver; local solvers keep 0..firstSlot-1. */
  firstSlot: number;
  /** A worker silent this long is shown as lost (default {@link LOST_AFTER_MS}). */
  lostAfterMs?: number;
  /** A remote solver's status changed. */
  onSolver(status: SolverStatus): void;
  /** Label of plan index i for status (`P=500`). */
  label(i: number): string;
  log?(line: string): void;
}

/** One worker in the run. */
export interface RemoteWorkerInfo {
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  readonly slots: readonly number[];
  /** The worker's own inbox (its hello's replyTo): setup and barrier steps go there. */
  inbox: string;
  lastMessageAt: number;
  gone: boolean;
}

/** Most solver slots one worker may claim. */
const MAX_WORKER_CORES = 1024;

/** See the file comment. */
export class RemoteRoster {
  readonly #options: RemoteRosterOptions;
  readonly #workers = new Map<string, RemoteWorkerInfo>();
  readonly #statuses = new Map<number, SolverStatus>();
  #nextSlot: number;

  constructor(options: RemoteRosterOptions) {
    this.#options = options;
    this.#nextSlot = options.firstSlot;
  }

  /** A hello: the worker (new ones get their slots, shown as starting); its inbox is the latest one. */
  join(id: string, host: string, pid: number, cores: number, inbox: string): RemoteWorkerInfo {
    let worker = this.#workers.get(id);
    if (worker === undefined) {
      const count = Math.max(0, Math.min(cores, MAX_WORKER_CORES));
      const slots = Array.from({ length: count }, () => this.#nextSlot++);
      worker = { id, host, pid, slots, inbox, lastMessageAt: Date.now(), gone: false };
      this.#workers.set(id, worker);
      this.#options.log?.(`worker ${host} (pid ${pid}) joined with ${slots.length} solver(s)`);
      for (const slot of slots) {
        // No pid yet: the solver process reports its own in its first state.
        this.#set({ id: slot, host, state: 'starting', since: Date.now(), tasksDone: 0, tasksFailed: 0, restarts: 0 });
      }
    }
    worker.inbox = inbox; // a worker that reconnected has a new inbox
    return worker;
  }

  /** Any message from worker `id`: it is alive (again, unless it said bye). */
  heard(id: string, bye: boolean): RemoteWorkerInfo | undefined {
    const worker = this.#workers.get(id);
    if (worker === undefined) return undefined;
    worker.lastMessageAt = Date.now();
    if (worker.gone && !bye) worker.gone = false;
    return worker;
  }

  /** Worker `id` left the run (its `bye`). */
  left(id: string, reason: string): void {
    const worker = this.#workers.get(id);
    if (worker === undefined) return;
    worker.gone = true;
    this.#options.log?.(`worker ${worker.host} (pid ${worker.pid}) left: ${reason}`);
    for (const slot of worker.slots) this.#stop(slot, `worker left: ${reason}`);
  }

  /** Whether `slot` belongs to worker `id` and that worker is in the run. */
  owns(id: string, slot: number): boolean {
    const worker = this.#workers.get(id);
    return worker !== undefined && !worker.gone && worker.slots.includes(slot);
  }

  /** The live worker holding `slot`. */
  workerOf(slot: number): RemoteWorkerInfo | undefined {
    for (const worker of this.#workers.values()) if (!worker.gone && worker.slots.includes(slot)) return worker;
    return undefined;
  }

  /** A remote solver's state (its worker's heartbeat and state changes). */
  state(host: string, state: RemoteSolverState): void {
    const previous = this.#statuses.get(state.slot);
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
    if (state.task !== undefined) status.task = this.#options.label(state.task);
    if (previous?.pid !== undefined && state.pid !== undefined && previous.pid !== state.pid) {
      status.restarts = previous.restarts + 1;
    }
    const changed =
      previous === undefined ||
      previous.state !== status.state ||
      previous.pid !== status.pid ||
      previous.tasksDone !== status.tasksDone ||
      previous.tasksFailed !== status.tasksFailed;
    this.#statuses.set(state.slot, status);
    if (changed) this.#options.onSolver(status);
  }

  /** Solver cores of the workers that are in the run and not lost. */
  get cores(): number {
    this.checkLost();
    let cores = 0;
    for (const worker of this.#workers.values()) if (!worker.gone) cores += worker.slots.length;
    return cores;
  }

  /** The remote solvers as the farm shows them. */
  solvers(): SolverStatus[] {
    this.checkLost();
    return [...this.#statuses.values()].sort((a, b) => a.id - b.id);
  }

  /**
   * Remote solver slots that can take part in a barrier step now: their worker is in the run
   * and not lost, and the slot is not crashed or stopped. A slot that drops out of this list
   * mid-step is no longer waited for (the farm's barrier goes on without it).
   */
  stepSlots(): number[] {
    this.checkLost();
    const out: number[] = [];
    for (const worker of this.#workers.values()) {
      if (worker.gone) continue;
      for (const slot of worker.slots) {
        const state = this.#statuses.get(slot)?.state;
        if (state !== 'crashed' && state !== 'stopped') out.push(slot);
      }
    }
    return out.sort((a, b) => a - b);
  }

  /** Workers silent for too long are gone, their solvers shown as crashed with the reason. */
  checkLost(): void {
    const now = Date.now();
    const lostAfter = this.#options.lostAfterMs ?? LOST_AFTER_MS;
    for (const worker of this.#workers.values()) {
      if (worker.gone || now - worker.lastMessageAt < lostAfter) continue;
      worker.gone = true;
      const silent = Math.round((now - worker.lastMessageAt) / 1000);
      const reason = `lost contact with worker ${worker.host} (pid ${worker.pid}): no message for ${silent} s`;
      this.#options.log?.(reason);
      for (const slot of worker.slots) {
        const previous = this.#statuses.get(slot);
        if (previous === undefined) continue;
        const { task: _task, ...rest } = previous;
        this.#set({ ...rest, state: 'crashed', since: now, reason });
      }
    }
  }

  #set(status: SolverStatus): void {
    this.#statuses.set(status.id, status);
    this.#options.onSolver(status);
  }

  #stop(slot: number, reason: string): void {
    const previous = this.#statuses.get(slot);
    if (previous === undefined || previous.state === 'stopped') return;
    const { task: _task, ...rest } = previous;
    this.#set({ ...rest, state: 'stopped', since: Date.now(), reason });
  }
}
