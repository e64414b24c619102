/**
 * What the farm asks of remote workers, defined here so that solver/farm never imports
 * solver/remote: the broker side implements this port (solver/remote/broker-workers.ts) and
 * the shells hand one to the Farm (`new Farm({ remote: new BrokerWorkers(url) })`), as they
 * do the run journal (journal-port.ts). remote/ may import the farm; never the other way round.
 *
 * A leaf: types only, from the contracts.
 */
import type { SolverStatus } from '../api.ts';
import type { ResultRows } from '../protocol.ts';

/** The run a remote link is opened for. */
export interface RemoteRun {
  runId: string;
  kindName: string;
  /** Display name of the job (workers log it). */
  name: string;
  /** The parsed spec: sent once to each worker, whose solvers make the plan from it as local ones do. */
  spec: unknown;
  /** Slot number of the first remote solver; local solvers keep 0..firstSlot-1. */
  firstSlot: number;
  /** The run's crash retries: remote solver slots are restarted or retired by the same rule as local ones. */
  maxTaskRetries: number;
}

/** Remote workers a Farm may share its runs with (see the file comment). */
export interface RemoteWorkers {
  /**
   * Connect for one run and start offering it to workers. Rejects with a clear error (a wrong
   * broker address fails start() before anything is made).
   */
  open(run: RemoteRun): Promise<RemoteLink>;
}

/**
 * What the run gives the link: remote news, each routed to the collaborator that owns it.
 * Results come as the solvers wrote them (`rows` of a batch of plan indices); the run keeps
 * each index's first result, so a batch the broker delivered twice changes nothing.
 */
export interface RemoteHost {
  /** Rows of a remote batch whose plan indices are `tasks` (row r is task `tasks[rows.at + r]`). */
  remoteRows(slot: number, tasks: readonly number[], rows: ResultRows): void;
  /**
   * A remote solver process died in a batch: `tasks[at..]` have no result from it. The run
   * applies its own crash policy to them (charged, retried locally, failed past the retries).
   */
  remoteCrashed(slot: number, tasks: readonly number[], at: number, reason: string): void;
  /** The run's record of answered tasks: the link keeps none of its own. */
  isFinished(i: number): boolean;
  label(i: number): string;
  remoteSolver(status: SolverStatus): void;
  remoteLog(slot: number, lines: string[]): void;
  /** Remote capacity grew (a worker joined): submit more batches, or send it the current step. */
  remoteCapacity(): void;
  /** A remote solver slot finished barrier step k. */
  remoteStepDone(slot: number, k: number, output: unknown): void;
}

/** What the run uses of the link. */
export interface RemoteLink {
  attach(host: RemoteHost): void;
  /** Batches the remote side should get now (two per remote core in flight). */
  capacity(): number;
  /** Publish a batch of plan indices. */
  submit(tasks: number[]): void;
  /**
   * The tail rule: remote tasks not answered yet, each handed back once, for local solvers
   * whose queue ran dry (whichever copy answers first counts).
   */
  takeBack(): number[];
  /** The remote solvers as the farm shows them. */
  solvers(): SolverStatus[];
  /** Remote slots that can take part in a barrier step now. */
  stepSlots(): number[];
  /** Send step k with its input to a remote slot; false when it cannot be sent. */
  sendStep(slot: number, k: number, input: unknown): boolean;
  /** Graceful terminate: drop batches not yet delivered to a worker. */
  purge(): Promise<void>;
  /** End of the run: workers leave it, its queues are deleted. Safe to call more than once. */
  close(): Promise<void>;
}
