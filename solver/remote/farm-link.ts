/**
 * The glue between a farm Run and remote workers: the Farm opens the link before it creates
 * the Run (so a wrong broker URL fails `start()` with a clear message), then the Run attaches
 * itself as the host that takes remote results, states and logs. Everything AMQP stays in
 * solver/remote/; the Run only sees this small surface.
 */
import type { SolverStatus } from '../api.ts';
import type { WireResult, WireTask } from '../protocol.ts';
import { RemoteDispatcher } from './remote-dispatcher.ts';

/** What the Run gives the link. */
export interface RemoteHost {
  /** Results of a remote solver; the host records each plan index once. */
  remoteResults(slot: number, results: WireResult[]): void;
  /** The host's own record of answered tasks (duplicates are dropped against it). */
  isFinished(i: number): boolean;
  label(i: number): string;
  remoteSolver(status: SolverStatus): void;
  remoteLog(slot: number, lines: string[]): void;
  /** Remote capacity grew (a worker joined): submit more batches, or send it the current step. */
  remoteCapacity(): void;
  /** A remote solver slot finished barrier step k. */
  remoteStepDone(slot: number, k: number, output: unknown): void;
}

/** What the Run uses. */
export interface RemoteLink {
  /** `amqp://host:port/vhost`, no password. */
  readonly broker: string;
  attach(host: RemoteHost): void;
  /** Batches the remote side should get now. */
  capacity(): number;
  submit(tasks: WireTask[]): void;
  /** Outstanding remote tasks for local solvers once the local queue is empty (each once). */
  takeBack(): WireTask[];
  /** A task was answered locally. */
  markDone(i: number): void;
  solvers(): SolverStatus[];
  /** Remote slots that can take part in a barrier step now (see RemoteDispatcher.stepSlots). */
  stepSlots(): number[];
  /** Send step k with its input to a remote slot; false when it cannot be sent. */
  sendStep(slot: number, k: number, input: unknown): boolean;
  /** Graceful terminate: drop batches not yet delivered to a worker. */
  purge(): Promise<void>;
  /** End of the run: workers leave it, its queues are deleted. */
  close(): Promise<void>;
  readonly dispatcher: RemoteDispatcher;
}

/** Options of {@link openRemoteLink}. */
export interface RemoteLinkOptions {
  broker: string;
  runId: string;
  kindName: string;
  name: string;
  spec: unknown;
  /** Local solvers use slots 0..firstSlot-1. */
  firstSlot: number;
  /** Connection events, in plain words (the shell may log them). */
  log?(line: string): void;
}

/** Connect to the broker and declare the run's queues; rejects with a clear BrokerError. */
export async function openRemoteLink(options: RemoteLinkOptions): Promise<RemoteLink> {
  let host: RemoteHost | undefined;
  const dispatcher = await RemoteDispatcher.open({
    url: options.broker,
    runId: options.runId,
    kind: options.kindName,
    name: options.name,
    spec: options.spec,
    firstSlot: options.firstSlot,
    // Until the Run is attached nothing has been submitted, so no result can arrive; states
    // that arrive early are sent again by the workers' heartbeat.
    isFinished: (i) => host?.isFinished(i) ?? false,
    label: (i) => host?.label(i) ?? `task ${i}`,
    onResults: (slot, results) => host?.remoteResults(slot, results),
    onSolver: (status) => host?.remoteSolver(status),
    onLog: (slot, lines) => host?.remoteLog(slot, lines),
    onCapacity: () => host?.remoteCapacity(),
    onStepDone: (slot, k, output) => host?.remoteStepDone(slot, k, output),
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  let closing: Promise<void> | undefined;
  return {
    broker: dispatcher.broker,
    dispatcher,
    attach(h) {
      host = h;
    },
    capacity: () => dispatcher.capacity(),
    submit: (tasks) => {
      dispatcher.submit(tasks);
    },
    takeBack: () => dispatcher.takeBack(),
    markDone: (i) => dispatcher.markDone(i),
    solvers: () => dispatcher.solvers(),
    stepSlots: () => dispatcher.stepSlots(),
    sendStep: (slot, k, input) => dispatcher.sendStep(slot, k, input),
    purge: async () => {
      await dispatcher.purge().catch(() => 0);
    },
    close: () => {
      closing ??= dispatcher.close();
      return closing;
    },
  };
}
