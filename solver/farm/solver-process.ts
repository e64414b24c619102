/**
 * One solver process, as the farm sees it (DESIGN 'Conventions' 4): it owns the handle,
 * the farm's model of the process (state, task, step, counters, memory), the batches it
 * holds, and ONE cleanup path — `#ended` — for every way a process can go: a clean exit
 * after `shutdown`, a crash, or a kill. Every change of that model is a method here; the run
 * reads the fields and never writes them.
 */
import type { SerializedError, SolverState, SolverStatus } from '../api.ts';
import type { FromSolver, ToSolver } from '../protocol.ts';
import type { SolverExit, SolverHandle, SolverLauncher } from './launcher.ts';

/** A batch of tasks sent to one process and not yet complete. */
export interface Batch {
  id: number;
  /**
   * Plan indices of its tasks. Only indices: a task's parameters are made again from the
   * plan when needed (its id), so nothing per task outlives the batch's round trip in the
   * main process's heap (long-lived small objects are what made its GC expensive).
   */
  tasks: number[];
  /** Position of the oldest task of this batch without a result (advanced lazily). */
  pos: number;
}

/** Counters a slot keeps across replacement processes. */
export interface SlotCarry {
  restarts: number;
  tasksDone: number;
  tasksFailed: number;
}

/** What the run does with a process's news. */
export interface SolverHost {
  /** Whether task `index` already has its result. */
  isFinished(index: number): boolean;
  /** Label of task `index`. */
  label(index: number): string;
  message(process: SolverProcess, message: FromSolver): void;
  log(process: SolverProcess, lines: string[]): void;
  /** The status changed in a way worth an event. */
  changed(process: SolverProcess): void;
  /** The process is gone; `batches` are the ones it still held. Called exactly once. */
  exited(process: SolverProcess, exit: SolverExit, batches: Batch[]): void;
}

/** How much of a crashed process's stderr is kept to explain the crash. */
const STDERR_TAIL = 6;

/** The farm's model of one solver process, and its one cleanup path (see the file comment). */
export class SolverProcess {
  readonly slot: number;
  readonly restarts: number;
  readonly #handle: SolverHandle;
  readonly #host: SolverHost;
  #state: SolverState = 'starting';
  #since = Date.now();
  #step: number | undefined;
  #tasksDone: number;
  #tasksFailed: number;
  #lastMessageAt: number | undefined;
  #memory: number | undefined;
  #reason: string | undefined;
  #ready = false;
  #setUp = false;
  #leaving: 'shutdown' | 'kill' | undefined;
  #exited = false;
  /** Batches in flight, in send order (Map keeps insertion order). */
  readonly #batches = new Map<number, Batch>();
  #fatal: SerializedError | undefined;
  #stderrTail: string[] = [];
  #partial = { stdout: '', stderr: '' };
  #task: number | undefined;

  constructor(slot: number, launcher: SolverLauncher, host: SolverHost, carry: SlotCarry) {
    this.slot = slot;
    this.#host = host;
    this.restarts = carry.restarts;
    this.#tasksDone = carry.tasksDone;
    this.#tasksFailed = carry.tasksFailed;
    this.#handle = launcher.launch(slot);
    this.#handle.onMessage((m) => this.#onMessage(m));
    this.#handle.onOutput((stream, text) => this.#onOutput(stream, text));
    this.#handle.onExit((exit) => this.#ended(exit));
  }

  get pid(): number | undefined {
    return this.#handle.pid;
  }

  get alive(): boolean {
    return !this.#exited;
  }

  get state(): SolverState {
    return this.#state;
  }

  /** When the state (or the task being solved) last changed (ms since the epoch). */
  get since(): number {
    return this.#since;
  }

  /** Barrier step being worked on or waited after. */
  get step(): number | undefined {
    return this.#step;
  }

  get tasksDone(): number {
    return this.#tasksDone;
  }

  get tasksFailed(): number {
    return this.#tasksFailed;
  }

  /** Resident memory (bytes) as the process last reported it. */
  get memory(): number | undefined {
    return this.#memory;
  }

  /** Why it crashed or stopped, in plain words. */
  get reason(): string | undefined {
    return this.#reason;
  }

  /** Finished setup: a death after this is a crash, before it an early death. */
  get setUp(): boolean {
    return this.#setUp;
  }

  /** The farm asked it to go (`shutdown` or kill): its exit is not a crash. */
  get leaving(): 'shutdown' | 'kill' | undefined {
    return this.#leaving;
  }

  /** Set up, live and not asked to go: work may be sent to it. */
  get takesWork(): boolean {
    return this.#setUp && !this.#exited && this.#leaving === undefined;
  }

  /** Batches in flight, in send order. */
  get batches(): ReadonlyMap<number, Batch> {
    return this.#batches;
  }

  /**
   * Send the job's spec (once per process). `solver` is the number the job sees
   * (SolverContext.solver): the slot, or on a remote worker the farm-wide slot it stands for.
   */
  setup(kind: string, spec: unknown, seed: number, solver = this.slot): void {
    this.#setState('setup');
    this.#post({ t: 'setup', kind, spec, solver, seed });
  }

  sendBatch(batch: Batch): void {
    this.#batches.set(batch.id, batch);
    // Plan indices only: the process makes the parameters from its own copy of the plan.
    this.#post({ t: 'run', batch: batch.id, i: batch.tasks });
    if (this.#state !== 'solving') this.#refreshTask();
  }

  /**
   * The process sent the rows of batch `id` up to position `upTo` (rows come in order), and
   * with `done` the batch's end: it no longer holds it. The current task moves on.
   */
  answered(id: number, upTo: number, done: boolean): void {
    const batch = this.#batches.get(id);
    if (batch === undefined) return;
    if (done) this.#batches.delete(id);
    else if (upTo > batch.pos) batch.pos = upTo;
    this.#refreshTask();
  }

  /** One more task of this slot has its result (`failed`: an error result). */
  countResult(failed: boolean): void {
    if (failed) this.#tasksFailed++;
    else this.#tasksDone++;
  }

  sendStep(k: number, input: unknown): void {
    this.#step = k;
    this.#setState('stepping');
    this.#post({ t: 'step', k, input });
  }

  /** Ask the process to finish what it is doing and exit. */
  shutdown(): void {
    if (this.#exited) return;
    this.#leaving ??= 'shutdown';
    this.#post({ t: 'shutdown' });
  }

  /** Kill the process now (a synchronous solve never reads a message). */
  kill(): void {
    if (this.#exited) return;
    this.#leaving = 'kill';
    this.#handle.kill();
  }

  /**
   * The farm gave up on this process (a limit killed it, its slot was retired): shown as
   * crashed with the farm's reason, whatever its own exit said.
   */
  markCrashed(reason: string | undefined): void {
    this.#reason = reason;
    this.#setState('crashed');
  }

  /** Re-derive the current task from the batches held (after results or a new batch). */
  #refreshTask(): void {
    if (this.#state !== 'idle' && this.#state !== 'solving') return;
    let current: number | undefined;
    for (const batch of this.#batches.values()) {
      while (batch.pos < batch.tasks.length && this.#host.isFinished(batch.tasks[batch.pos] as number)) batch.pos++;
      if (batch.pos < batch.tasks.length) {
        current = batch.tasks[batch.pos] as number;
        break;
      }
    }
    if (current === undefined) {
      this.#task = undefined;
      if (this.#state !== 'idle') this.#setState('idle');
    } else if (current !== this.#task || this.#state !== 'solving') {
      this.#task = current;
      this.#state = 'solving';
      this.#since = Date.now();
      this.#host.changed(this);
    }
  }

  /** Mark the process as waiting at the barrier after step k. */
  atBarrier(): void {
    this.#setState('barrier');
  }

  markIdle(): void {
    this.#setState('idle');
  }

  /** The farm's model of this process, as a plain object. */
  status(): SolverStatus {
    const s: SolverStatus = {
      id: this.slot,
      state: this.#state,
      since: this.#since,
      tasksDone: this.#tasksDone,
      tasksFailed: this.#tasksFailed,
      restarts: this.restarts,
    };
    const pid = this.#handle.pid;
    if (pid !== undefined) s.pid = pid;
    if (this.#state === 'solving' && this.#task !== undefined) s.task = this.#host.label(this.#task);
    if (this.#step !== undefined) s.step = this.#step;
    if (this.#lastMessageAt !== undefined) s.lastMessageAt = this.#lastMessageAt;
    if (this.#memory !== undefined) s.memory = this.#memory;
    if (this.#reason !== undefined) s.reason = this.#reason;
    return s;
  }

  /** Plan index of the task being solved (as the farm models it), when `solving`. */
  get currentTask(): number | undefined {
    return this.#state === 'solving' ? this.#task : undefined;
  }

  /** Last lines the process wrote to stderr (explains deaths before `ready`). */
  get stderrTail(): readonly string[] {
    return this.#stderrTail;
  }

  #post(message: ToSolver): void {
    if (!this.#exited) this.#handle.post(message);
  }

  #setState(state: SolverState): void {
    this.#state = state;
    this.#since = Date.now();
    if (state !== 'solving') this.#task = undefined;
    this.#host.changed(this);
  }

  #onMessage(message: FromSolver): void {
    if (this.#exited) return;
    this.#lastMessageAt = Date.now();
    if ('rss' in message && message.rss !== undefined) this.#memory = message.rss;
    switch (message.t) {
      case 'ready':
        this.#ready = true;
        break;
      case 'setup-done':
        this.#setUp = true;
        break;
      case 'error':
        if (message.fatal) this.#fatal = message.error;
        this.#reason = message.error.message;
        break;
      default:
        break;
    }
    this.#host.message(this, message);
  }

  #onOutput(stream: 'stdout' | 'stderr', text: string): void {
    const joined = this.#partial[stream] + text;
    const parts = joined.split('\n');
    this.#partial[stream] = parts.pop() ?? '';
    if (parts.length === 0) return;
    if (stream === 'stderr') this.#keepStderr(parts);
    this.#host.log(this, parts);
  }

  #keepStderr(lines: string[]): void {
    for (const line of lines) if (line.trim() !== '') this.#stderrTail.push(line);
    if (this.#stderrTail.length > STDERR_TAIL) this.#stderrTail.splice(0, this.#stderrTail.length - STDERR_TAIL);
  }

  /** The one cleanup path: exit, crash and kill all end here, exactly once. */
  #ended(exit: SolverExit): void {
    if (this.#exited) return;
    this.#exited = true;
    for (const stream of ['stdout', 'stderr'] as const) {
      const rest = this.#partial[stream];
      this.#partial[stream] = '';
      if (rest !== '') {
        if (stream === 'stderr') this.#keepStderr([rest]);
        this.#host.log(this, [rest]);
      }
    }
    const batches = [...this.#batches.values()];
    this.#batches.clear();
    if (this.#leaving === undefined) {
      const why = this.#fatal ? `${this.#fatal.message} (${exit.reason})` : exit.reason;
      this.#reason = this.#setUp ? why : this.#ready ? `${why} during setup` : `${why} before it was ready`;
      this.#setState('crashed');
    } else {
      this.#reason = this.#leaving === 'kill' ? `stopped: ${exit.reason}` : `shut down (${exit.reason})`;
      this.#setState('stopped');
    }
    this.#host.exited(this, exit, batches);
  }
}
