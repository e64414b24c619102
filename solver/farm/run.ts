/**
 * One run of a job on a pool of solver processes: launching, setup, scheduling of
 * independent tasks or barrier steps, crash recovery, terminate and the end of the run.
 * The Farm owns at most one active Run; the Run talks to the shells only through the
 * EventBatcher.
 */
import type { FarmEvent, Progress, RunInfo, RunState, SolverStatus, StepSummary, TaskResult } from '../api.ts';
import type { AnyProblemKind, StepPlan, TaskPlan } from '../problems/types.ts';
import {
  type FromSolver,
  type ResultRows,
  type RowExtra,
  STATUS_CODES,
  type WireResult,
  type WireTask,
} from '../protocol.ts';
import type { RemoteHost, RemoteLink } from '../remote/farm-link.ts';
import type { EventBatcher } from './event-batcher.ts';
import type { SolverExit, SolverLauncher } from './launcher.ts';
import { etaMs, RateMeter } from './progress.ts';
import { readRss } from './rss.ts';
import { BATCHES_IN_FLIGHT, BatchSizer, TaskQueue } from './scheduler.ts';
import { type Batch, type SlotCarry, type SolverHost, SolverProcess } from './solver-process.ts';
import { taskIdHasher } from './task-id.ts';

/** Everything a run needs, prepared by the Farm. */
export interface RunSetup {
  info: RunInfo;
  kindName: string;
  kind: AnyProblemKind;
  spec: unknown;
  plan: TaskPlan<unknown> | StepPlan<unknown>;
  launcher: SolverLauncher;
  /** Number of solver slots (already capped at the task count). */
  cores: number;
  events: EventBatcher;
  maxTaskRetries: number;
  /** After `shutdown` at the end of a run, kill what has not exited by then. */
  shutdownGraceMs: number;
  /** After kill, wait at most this long for exits before declaring the run stopped. */
  killWaitMs: number;
  /** A setup still running after this long is killed and its slot retired (a hang never ends on its own). */
  setupTimeoutMs: number;
  /** Resume: per plan index, 1 = done and 2 = failed in an earlier run (not run again). */
  finished?: Uint8Array;
  /** Resume of a step job: steps done in an earlier run, the input of the next one, the best so far. */
  resumeSteps?: ResumeSteps;
  /** Sees every result, log line and step as it happens, and the end of the run. */
  observer?: RunObserver;
  /** The job's failure policy, as limits the run enforces (see RunLimits). */
  limits?: RunLimits;
  /** Remote workers through a broker (solver/remote/): they share the task queue. */
  remote?: RemoteLink;
}

/** Failure counts a halt rule looks at (earlier sessions of a resumed run included). */
export interface RunCounts {
  done: number;
  failed: number;
  total: number;
}

/**
 * Per-run limits (a job's `policy` block). A solver killed by a limit is replaced; the task
 * it was on is recorded as an error at once (not retried: it would only hit the limit again).
 */
export interface RunLimits {
  /** A task that runs longer than this (ms) has its solver killed; the task is `TaskTimedOut`. */
  taskTimeoutMs?: number;
  /** Where taskTimeoutMs comes from, for the message (default: the job's policy.taskTimeoutSec). */
  taskTimeoutSource?: string;
  /** Resident memory cap per solver process (bytes); over it the solver is killed, its task `OutOfMemory`. */
  memoryLimitBytes?: number;
  /** Asked after every failure: a reason (plain words) ends the run as failed with it. */
  halt?(counts: RunCounts): string | null;
}

/** Why the run killed a solver on purpose (a limit), and the task that was to blame. */
interface LimitKill {
  name: 'TaskTimedOut' | 'OutOfMemory';
  message: string;
  task: number | undefined;
}

/** How a run ended, for an observer (e.g. the run journal). */
export interface RunEnd {
  status: 'done' | 'stopped' | 'failed';
  reason?: string;
  stepsDone?: number;
  best?: number;
}

/**
 * Something that records a run as it happens (the run journal implements this). Called
 * synchronously, before the same news goes out as events; exceptions become `error` events:
 * `RecorderError` (recording failed, reported once), or, for an Error named
 * `RecorderWarning`, a warning passed on as it is (e.g. a solver's log file stopped).
 */
/** Where a resumed step job goes on: after step `done`, from `input`. */
export interface ResumeSteps {
  done: number;
  input: unknown;
  best?: number;
}

export interface RunObserver {
  result(result: TaskResult): unknown;
  log(solver: number, lines: readonly string[]): void;
  /** A barrier step ended; `next` is the input of the step after it (what a resume starts from). */
  step(summary: StepSummary, next: unknown): void;
  finish(end: RunEnd): unknown;
}

/**
 * Results arrive in batch order, so task i is found by scanning a batch's tasks from the
 * cursor: the position just after it, or -1 when i is not a task of the batch.
 */
function positionAfter(tasks: readonly number[], cursor: number, i: number): number {
  for (let k = cursor; k < tasks.length; k++) if (tasks[k] === i) return k + 1;
  return -1;
}

const FINAL: ReadonlySet<RunState> = new Set(['done', 'stopped', 'failed']);
/** Limits (task time, memory) are checked at least this often. */
const WATCH_MS = 250;
/** Progress is refreshed at least this often while a run is live (elapsed time, ETA). */
const HEARTBEAT_MS = 250;
/**
 * How long a run's first batches wait for every launched solver to be set up. Without it a
 * short job (the 901 Wyndor LPs take ~50 ms) goes whole to whichever process started first.
 */
const START_GATE_MS = 1000;

/** Per-slot bookkeeping that outlives the slot's processes. */
interface Slot {
  process: SolverProcess;
  /** Consecutive deaths before setup finished. Two in a row retire the slot. */
  earlyDeaths: number;
  /** Consecutive crashes without delivering anything; bounds a crash loop after setup. */
  crashStreak: number;
  /** Left crashed for good (not restarted). */
  retired: boolean;
  /** Why it was retired. */
  retirement?: string;
}

export class Run implements SolverHost, RemoteHost {
  readonly info: RunInfo;
  state: RunState = 'starting';
  terminateStage: 'none' | 'graceful' | 'force' = 'none';
  reason: string | undefined;
  readonly ended: Promise<RunState>;
  #resolveEnded!: (state: RunState) => void;
  readonly #s: RunSetup;
  readonly #events: EventBatcher;
  readonly #slots: Slot[] = [];
  readonly #startedAt = performance.now();
  #rate: RateMeter;
  readonly #observer: RunObserver | undefined;
  #observerFailed = false;
  #heartbeat: NodeJS.Timeout | undefined;
  /** Where the run is heading once its processes are gone. */
  #ending: RunState | undefined;
  #endTimer: NodeJS.Timeout | undefined;
  #gateOpen = false;
  #gateTimer: NodeJS.Timeout | undefined;
  #finalProgress: Progress | null = null;

  // Independent tasks.
  readonly #tasks: TaskPlan<unknown> | undefined;
  /** 0 = no result yet, 1 = done, 2 = failed. One byte per task: memory stays flat. */
  readonly #finished: Uint8Array;
  /** Times a task was in flight on a process that died. */
  readonly #attempts: Uint8Array;
  /** Tasks under suspicion of a limit (see #afterLimitKill): they travel alone, like charged ones. */
  readonly #alone: Uint8Array;
  readonly #queue: TaskQueue;
  readonly #sizer = new BatchSizer();
  readonly #taskId: (task: unknown) => string;
  #batchSeq = 0;
  #done = 0;
  #failed = 0;

  // Barrier steps.
  readonly #steps: StepPlan<unknown> | undefined;
  #k = 0;
  #input: unknown;
  readonly #outputs = new Map<number, unknown>();
  #stepsDone = 0;
  /** Steps done in an earlier run (resume): step stepsBefore + 1 comes first. */
  #stepsBefore = 0;
  #stepStartedAt = 0;
  // Limits (RunLimits).
  readonly #limitKills = new Map<SolverProcess, LimitKill>();
  readonly #setupTimers = new Map<SolverProcess, NodeJS.Timeout>();
  /** Per process: the task (and its start) seen over the time limit at the previous check. */
  readonly #overdue = new Map<SolverProcess, string>();
  #watchdog: NodeJS.Timeout | undefined;
  #stepMsTotal = 0;
  #best: number | undefined;
  /** Remote workers (independent tasks and barrier steps; not races), or undefined. */
  readonly #remote: RemoteLink | undefined;
  /** Remote slots sent the current step k: the barrier waits for those still live. */
  readonly #remoteStep = new Set<number>();

  constructor(setup: RunSetup) {
    this.#s = setup;
    this.info = setup.info;
    this.#events = setup.events;
    this.ended = new Promise((resolve) => {
      this.#resolveEnded = resolve;
    });
    const plan = setup.plan;
    const count = plan.type === 'tasks' ? plan.count : 0;
    this.#tasks = plan.type === 'tasks' ? plan : undefined;
    this.#steps = plan.type === 'steps' ? plan : undefined;
    this.#finished = new Uint8Array(count);
    if (setup.finished) {
      if (setup.finished.length !== count) {
        throw new Error(`resume: the run has ${count} tasks but ${setup.finished.length} were given as finished`);
      }
      this.#finished.set(setup.finished);
      for (const f of this.#finished) {
        if (f === 1) this.#done++;
        else if (f === 2) this.#failed++;
      }
    }
    this.#attempts = new Uint8Array(count);
    this.#alone = new Uint8Array(setup.limits ? count : 0);
    const finished = this.#finished;
    this.#queue = new TaskQueue(count, setup.finished ? (i) => finished[i] !== 0 : undefined);
    this.#observer = setup.observer;
    this.#taskId = taskIdHasher(setup.kindName, setup.spec);
    if (this.#steps) {
      const resumed = setup.resumeSteps;
      this.#input = resumed ? resumed.input : this.#steps.initial;
      if (resumed) {
        this.#stepsDone = resumed.done;
        this.#stepsBefore = resumed.done;
        if (resumed.best !== undefined) this.#best = resumed.best;
      }
    }
    this.#rate = new RateMeter(this.#startedAt, this.#done + this.#failed);
    this.#remote = (this.#tasks && this.#tasks.race !== true) || this.#steps ? setup.remote : undefined;
    this.#remote?.attach(this);
  }

  /** Launch the pool. */
  start(): void {
    this.#emitRun();
    this.#heartbeat = setInterval(() => this.#events.progressChanged(), HEARTBEAT_MS);
    this.#heartbeat.unref();
    const limits = this.#s.limits;
    if (limits?.taskTimeoutMs !== undefined || limits?.memoryLimitBytes !== undefined) {
      // A synchronous solve never answers, so limits are watched from here, on the farm's own
      // model (task start times) and the OS's view of each process (resident memory).
      const every = Math.max(10, Math.min(WATCH_MS, (limits.taskTimeoutMs ?? WATCH_MS) / 4));
      this.#watchdog = setInterval(() => this.#watch(), every);
      this.#watchdog.unref();
    }
    if (
      (this.#tasks && this.#done + this.#failed >= this.#tasks.count) ||
      (this.#steps && this.#stepsDone >= this.#steps.steps)
    ) {
      this.#finish('done');
      return;
    }
    for (let slot = 0; slot < this.#s.cores; slot++) {
      const carry: SlotCarry = { restarts: 0, tasksDone: 0, tasksFailed: 0 };
      this.#slots.push({
        process: new SolverProcess(slot, this.#s.launcher, this, carry),
        earlyDeaths: 0,
        crashStreak: 0,
        retired: false,
      });
    }
    this.#events.progressChanged();
  }

  get active(): boolean {
    return !FINAL.has(this.state);
  }

  /** Every slot's status, from the farm's own model. */
  solvers(): SolverStatus[] {
    const local = this.#slots.map((slot) => slot.process.status());
    return this.#remote ? local.concat(this.#remote.solvers()) : local;
  }

  progress(): Progress | null {
    if (!this.active && this.#finalProgress) return this.#finalProgress;
    const now = performance.now();
    const elapsedMs = Math.round(now - this.#startedAt);
    let running = 0;
    for (const slot of this.#slots) {
      const st = slot.process.state;
      if (this.active && (st === 'solving' || st === 'stepping')) running++;
    }
    if (this.active && this.#remote) {
      for (const r of this.#remote.solvers()) if (r.state === 'solving' || r.state === 'stepping') running++;
    }
    if (this.#tasks) {
      const finished = this.#done + this.#failed;
      const rate = this.#rate.rate(finished, now);
      return {
        total: this.#tasks.count,
        done: this.#done,
        failed: this.#failed,
        running,
        rate,
        etaMs: this.active ? etaMs(this.#tasks.count - finished, rate) : this.state === 'done' ? 0 : null,
        elapsedMs,
      };
    }
    const n = (this.#steps as StepPlan<unknown>).steps;
    // Slots that still owe step k (stepping, or a replacement on its way to it).
    const working: number[] = [];
    if (this.active && this.#k > 0) {
      for (const slot of this.#slots)
        if (!slot.retired && !this.#outputs.has(slot.process.slot)) working.push(slot.process.slot);
      for (const slot of this.#remoteStep) if (!this.#outputs.has(slot)) working.push(slot);
    }
    // Rate and ETA from the steps of this session (a resumed run starts with some done).
    const ran = this.#stepsDone - this.#stepsBefore;
    const avg = ran > 0 ? this.#stepMsTotal / ran : 0;
    const p: Progress = {
      total: null,
      done: this.#stepsDone,
      failed: 0,
      running,
      rate: ran > 0 ? (ran * 1000) / Math.max(1, elapsedMs) : 0,
      etaMs: !this.active
        ? this.state === 'done'
          ? 0
          : null
        : ran > 0
          ? Math.round(avg * (n - this.#stepsDone))
          : null,
      step: { k: Math.max(1, Math.min(Math.max(this.#k, this.#stepsDone + 1), n)), n, working },
      elapsedMs,
    };
    if (this.#best !== undefined) p.best = this.#best;
    return p;
  }

  /**
   * First call: graceful (no new work; running tasks finish, results kept; solvers exit).
   * Second call or `force`: kill every solver process and wait for them to be gone.
   */
  async terminate(force: boolean): Promise<'graceful' | 'force' | 'none'> {
    if (!this.active) return 'none';
    if (force || this.terminateStage !== 'none') {
      await this.#force();
      return 'force';
    }
    this.terminateStage = 'graceful';
    // Already winding down (all work done, or failed): the processes are being shut down.
    if (this.#ending !== undefined) return 'graceful';
    this.#setState('stopping'); // first, so nothing below hands out work
    this.#queue.clear();
    // Batches no worker has taken yet are dropped; ones being solved remotely are not waited for.
    void this.#remote?.purge();
    this.#ending = 'stopped';
    for (const slot of this.#slots) {
      const p = slot.process;
      if (!p.alive) continue;
      // Not set up yet: it holds no work, there is nothing to wait for.
      if (!p.setUp) p.kill();
      else p.shutdown();
    }
    this.#maybeEnd();
    return 'graceful';
  }

  // ---- SolverHost -------------------------------------------------------------------

  isFinished(index: number): boolean {
    return this.#finished[index] !== 0;
  }

  label(index: number): string {
    return (this.#tasks as TaskPlan<unknown>).label(index);
  }

  changed(process: SolverProcess): void {
    if (this.#slots[process.slot]?.process !== process) return;
    this.#events.solver(process.status());
    this.#events.progressChanged();
  }

  log(process: SolverProcess, lines: string[]): void {
    this.#emitLog(process.slot, lines);
  }

  message(p: SolverProcess, m: FromSolver): void {
    switch (m.t) {
      case 'ready':
        if (this.#ending !== undefined) {
          // Nothing to do for it: let it go (a warm pool keeps it; otherwise it exits).
          p.shutdown();
          return;
        }
        p.setup(this.#s.kindName, this.#s.spec, p.slot + 1);
        this.#armSetupTimer(p);
        return;
      case 'setup-done': {
        this.#clearSetupTimer(p);
        const slot = this.#slots[p.slot] as Slot;
        slot.earlyDeaths = 0;
        if (this.state === 'starting') this.#setState('running');
        if (this.#ending !== undefined) {
          p.shutdown();
          return;
        }
        p.markIdle();
        this.#feed(p);
        return;
      }
      case 'setup-failed':
        this.#clearSetupTimer(p);
        this.#retire(p, `setup failed: ${m.error.message}`);
        this.#push({ type: 'error', error: m.error, solver: p.slot });
        p.kill();
        this.#afterRetire();
        return;
      case 'results':
        this.#onResults(p, m.batch, m.results, m.done);
        return;
      case 'rows':
        this.#onRows(p, m);
        return;
      case 'step-done':
        this.#onStepDone(p, m.k, m.output);
        return;
      case 'log':
        this.#emitLog(p.slot, m.lines);
        return;
      case 'error':
        this.#push({ type: 'error', error: m.error, solver: p.slot });
        this.#events.solver(p.status());
        return;
    }
  }

  exited(p: SolverProcess, exit: SolverExit, batches: Batch[]): void {
    this.#clearSetupTimer(p);
    const slot = this.#slots[p.slot] as Slot;
    if (slot.process !== p) return;
    this.#overdue.delete(p);
    const limitKill = this.#limitKills.get(p);
    if (limitKill !== undefined) {
      this.#limitKills.delete(p);
      p.state = 'crashed';
      p.reason = limitKill.message;
      this.#events.solver(p.status());
      if (this.#ending === undefined && !slot.retired) {
        this.#afterLimitKill(slot, p, limitKill, batches);
        return;
      }
      // The run is draining: record the culprit if it is known; the rest stays for a resume.
      this.#blame(p, limitKill, batches);
    }
    if (slot.retired) {
      // Killed because it was retired: keep it shown as crashed with its reason.
      p.state = 'crashed';
      p.reason = slot.retirement;
      this.#events.solver(p.status());
    }
    if (p.leaving !== undefined || this.#ending !== undefined || slot.retired) {
      this.#maybeEnd();
      return;
    }
    // A crash while the run goes on.
    if (!p.setUp) {
      slot.earlyDeaths++;
      if (slot.earlyDeaths >= 2) {
        const tail = p.stderrTail.length > 0 ? `: ${p.stderrTail.slice(-3).join(' | ')}` : '';
        this.#retire(p, `died before it was ready twice in a row (${exit.reason})${tail}`);
        this.#afterRetire();
        return;
      }
    } else {
      slot.crashStreak++;
    }
    this.#returnTasks(p, batches, exit);
    if (this.#ending !== undefined) {
      // A failure it caused halted the run (RunLimits.halt): no replacement.
      this.#maybeEnd();
      return;
    }
    if (slot.crashStreak > this.#s.maxTaskRetries + 1) {
      this.#retire(
        p,
        `crashed ${slot.crashStreak} times in a row without finishing anything (last: ${p.reason ?? exit.reason})`,
      );
      this.#afterRetire();
      return;
    }
    this.#replace(slot);
    this.#feedAll();
    this.#checkTasksComplete();
  }

  // ---- tasks ------------------------------------------------------------------------

  #feedAll(): void {
    for (const slot of this.#slots) if (slot.process.alive && slot.process.setUp) this.#feed(slot.process);
  }

  /** Give a set-up process work: up to two batches of tasks, or the current step. */
  #feed(p: SolverProcess): void {
    if (this.state !== 'running' || this.#ending !== undefined || !p.alive || !p.setUp) return;
    if (p.leaving !== undefined) return; // being killed by a limit: its replacement gets the work
    if (this.#steps) {
      if (this.#k === 0) this.#beginStep(this.#stepsBefore + 1);
      else if (!this.#outputs.has(p.slot) && p.state !== 'stepping') p.sendStep(this.#k, this.#input);
      return;
    }
    if (!this.#startGate()) return;
    // Tail of a run with remote workers: this solver is idle and the queue is dry, so it
    // takes back remote tasks not answered yet (the first answer counts; see farm-link.ts).
    if (this.#remote && this.#queue.remaining === 0 && p.batches.size === 0) {
      const back = this.#remote.takeBack().filter((t) => this.#finished[t.i] === 0);
      if (back.length > 0) this.#queue.returnFront(back.map((t) => t.i));
    }
    // A race: one entrant per solver and no prefetch, so no entrant waits behind another.
    const race = this.#tasks?.race === true;
    while (p.batches.size < (race ? 1 : BATCHES_IN_FLIGHT) && this.#queue.remaining > 0) {
      // The second batch is a prefetch: not at the cost of a solver that has nothing.
      if (p.batches.size > 0 && this.#queue.remaining <= this.#solversWithoutWork(p)) break;
      const first = this.#queue.peek();
      if (first < 0) break;
      // A task that was on a crashed process travels alone until it succeeds, so one
      // poisonous task cannot use up its neighbours' retries.
      const size =
        race || this.#attempts[first] !== 0 || this.#alone[first] === 1
          ? 1
          : this.#sizer.next(this.#queue.remaining, this.#liveSolvers());
      const tasks: number[] = [];
      while (tasks.length < size) {
        const i = this.#queue.peek();
        if (i < 0 || (tasks.length > 0 && (this.#attempts[i] !== 0 || this.#alone[i] === 1))) break;
        this.#queue.take();
        if (this.#finished[i] !== 0) continue;
        tasks.push(i);
      }
      if (tasks.length === 0) continue;
      p.sendBatch({ id: ++this.#batchSeq, tasks, pos: 0 });
    }
    this.#feedRemote();
  }

  // ---- remote workers (RemoteHost, solver/remote/farm-link.ts) ----------------------------

  /** Hand the broker as many batches as the remote workers can take (two per remote core). */
  #feedRemote(): void {
    const remote = this.#remote;
    const plan = this.#tasks;
    if (!remote || !plan || this.state !== 'running' || this.#ending !== undefined) return;
    for (let room = remote.capacity(); room > 0 && this.#queue.remaining > 0; room--) {
      const size = this.#sizer.next(this.#queue.remaining, this.#liveSolvers() + remote.capacity());
      const tasks: WireTask[] = [];
      while (tasks.length < size) {
        const i = this.#queue.peek();
        // Retried or suspect tasks stay local, where crashes and limits are watched.
        if (i < 0 || this.#attempts[i] !== 0 || this.#alone[i] === 1) break;
        this.#queue.take();
        if (this.#finished[i] === 0) tasks.push({ i, p: plan.task(i) });
      }
      if (tasks.length === 0) return;
      remote.submit(tasks);
    }
  }

  /** Results of a remote solver (already deduplicated by the link against isFinished). */
  remoteResults(slot: number, results: WireResult[]): void {
    const plan = this.#tasks;
    if (!plan || !this.active) return;
    const finished = this.#finished;
    const failedBefore = this.#failed;
    for (const w of results) {
      const i = w.i;
      if (!(Number.isInteger(i) && i >= 0 && i < finished.length) || finished[i] !== 0) continue;
      const failed = w.status === 'error';
      finished[i] = failed ? 2 : 1;
      if (failed) this.#failed++;
      else this.#done++;
      this.#emitResult(this.#toResult(w, i, plan.task(i), slot, plan));
    }
    this.#events.progressChanged();
    if (this.#failed > failedBefore && this.#checkHalt()) return;
    if (this.#checkTasksComplete()) return;
    this.#feedRemote();
  }

  remoteSolver(status: SolverStatus): void {
    this.#events.solver(status);
    // A remote slot that crashed or left is no longer waited for at the barrier.
    if (this.#steps && (status.state === 'crashed' || status.state === 'stopped')) this.#checkBarrier();
  }

  remoteStepDone(slot: number, k: number, output: unknown): void {
    if (!this.#steps || k !== this.#k || !this.#remoteStep.has(slot) || this.#outputs.has(slot)) return;
    this.#outputs.set(slot, output);
    this.#checkBarrier();
  }

  remoteLog(slot: number, lines: string[]): void {
    this.#emitLog(slot, lines);
  }

  remoteCapacity(): void {
    // A worker joined: a step job gives its slots the current step at once.
    if (this.#steps) this.#sendRemoteStep();
    else this.#feedRemote();
  }

  /** Send the current step to every live remote slot that has not had it yet. */
  #sendRemoteStep(): void {
    const remote = this.#remote;
    if (!remote || this.#k === 0 || this.state !== 'running' || this.#ending !== undefined) return;
    for (const slot of remote.stepSlots()) {
      if (this.#remoteStep.has(slot) || this.#outputs.has(slot)) continue;
      if (remote.sendStep(slot, this.#k, this.#input)) this.#remoteStep.add(slot);
    }
  }

  #onResults(p: SolverProcess, batchId: number, results: WireResult[], done: boolean): void {
    const batch = p.batches.get(batchId);
    if (!batch) return; // stale: the batch was already accounted for
    const slot = this.#slots[p.slot] as Slot;
    const plan = this.#tasks as TaskPlan<unknown>;
    const finished = this.#finished;
    const tasks = batch.tasks;
    let cursor = batch.pos;
    let solveMs = 0;
    const failedBefore = this.#failed;
    for (const w of results) {
      solveMs += w.timeMs;
      const i = w.i;
      // Exactly once, structurally: a result for a finished index is ignored.
      if (!(i >= 0 && i < finished.length) || finished[i] !== 0) continue;
      // Results come in batch order: find the task (for its parameters) from the cursor.
      const next = positionAfter(tasks, cursor, i);
      if (next < 0) continue; // not a task of this batch: ignore rather than trust it
      cursor = next;
      this.#settle(p, this.#toResult(w, i, plan.task(i), p.slot, plan));
    }
    this.#afterResults(p, slot, batchId, tasks, results.length, solveMs, done, failedBefore);
  }

  /** After a results message: scheduling news, the batch's end, progress, halt, more work. */
  #afterResults(
    p: SolverProcess,
    slot: Slot,
    batchId: number,
    tasks: number[],
    count: number,
    solveMs: number,
    done: boolean,
    failedBefore: number,
  ): void {
    const finished = this.#finished;
    if (count > 0) {
      this.#sizer.observe(count, solveMs);
      slot.crashStreak = 0;
    }
    if (done) {
      p.batches.delete(batchId);
      // A batch that ended without some results (should not happen): those tasks go back.
      const missing: number[] = [];
      for (const i of tasks) if (finished[i] === 0) missing.push(i);
      if (missing.length > 0 && this.state === 'running') this.#queue.returnFront(missing);
    }
    p.refreshTask();
    this.#events.progressChanged();
    if (this.#failed > failedBefore && this.#checkHalt()) return;
    if (this.#checkTasksComplete()) return;
    this.#feed(p);
    if (done && p.batches.size === 0 && this.state === 'stopping') this.#maybeEnd();
  }

  /**
   * Results in columns (protocol.ts ResultRows): one tight loop turns each row into its
   * TaskResult (id, label and params from the plan, once per task) and settles it. Row r
   * is the batch's task at position `at + r`.
   */
  #onRows(p: SolverProcess, m: ResultRows): void {
    const batch = p.batches.get(m.batch);
    if (!batch) return; // stale: the batch was already accounted for
    const slot = this.#slots[p.slot] as Slot;
    const plan = this.#tasks as TaskPlan<unknown>;
    const finished = this.#finished;
    const tasks = batch.tasks;
    const { at, s: codes, o: objectives, us: times } = m;
    const n = codes.length;
    const names = m.vn;
    const values = m.v;
    const width = names === undefined ? 0 : names.length;
    const valueRows = m.vr;
    const extras = m.x;
    const engine = m.e;
    let vAt = 0; // next number in `v`
    let vrAt = 0; // next entry of `vr`
    let xAt = 0; // next entry of `x`
    let solveMs = 0;
    const failedBefore = this.#failed;
    const solver = p.slot;
    const taskId = this.#taskId;
    for (let r = 0; r < n; r++) {
      const timeMs = (times[r] as number) / 1000;
      solveMs += timeMs;
      // This row's flat values, and its sparse extras (both in row order).
      let rowValues: Record<string, number> | undefined;
      if (names !== undefined && values !== undefined && (valueRows === undefined || valueRows[vrAt] === r)) {
        if (valueRows !== undefined) vrAt++;
        rowValues = {};
        for (let k = 0; k < width; k++) rowValues[names[k] as string] = values[vAt + k] as number;
        vAt += width;
      }
      let extra: RowExtra | undefined;
      if (extras !== undefined && extras[xAt]?.r === r) extra = extras[xAt++];
      const i = tasks[at + r];
      // Not a task of this batch (a malformed message): ignore rather than trust it.
      if (i === undefined) continue;
      // Exactly once, structurally: a result for a finished index is ignored.
      if (finished[i] !== 0) continue;
      const status = (STATUS_CODES[codes[r] as number] ?? extra?.status ?? 'error') as TaskResult['status'];
      const result: TaskResult = {
        id: taskId(plan.task(i)),
        index: i,
        label: plan.label(i),
        solver,
        status,
        objective: objectives[r] ?? null,
        params: plan.params(i),
        timeMs,
      };
      if (extra?.values !== undefined) result.values = extra.values;
      else if (rowValues !== undefined) result.values = rowValues;
      if (extra?.duals !== undefined) result.duals = extra.duals;
      const rowEngine = extra?.engine !== undefined ? extra.engine : engine;
      if (rowEngine !== undefined && rowEngine !== null) result.engine = rowEngine;
      if (extra?.gap !== undefined) result.gap = extra.gap;
      if (extra?.error !== undefined) result.error = extra.error;
      this.#settle(p, result);
    }
    this.#afterResults(p, slot, m.batch, tasks, n, solveMs, m.done, failedBefore);
  }

  /** A task's one result: mark it finished, count it (run and process), emit it. */
  #settle(p: SolverProcess, result: TaskResult): void {
    const failed = result.status === 'error';
    this.#finished[result.index] = failed ? 2 : 1;
    if (failed) {
      this.#failed++;
      p.tasksFailed++;
    } else {
      this.#done++;
      p.tasksDone++;
    }
    this.#emitResult(result);
  }

  #toResult(w: WireResult, i: number, params: unknown, solver: number, plan: TaskPlan<unknown>): TaskResult {
    const r: TaskResult = {
      id: this.#taskId(params),
      index: i,
      label: plan.label(i),
      solver,
      status: w.status,
      objective: w.objective,
      params: plan.params(i),
      timeMs: w.timeMs,
    };
    if (w.values !== undefined) r.values = w.values;
    if (w.duals !== undefined) r.duals = w.duals;
    if (w.engine !== undefined) r.engine = w.engine;
    if (w.gap !== undefined) r.gap = w.gap;
    if (w.error !== undefined) r.error = w.error;
    return r;
  }

  /**
   * A dead process's unfinished tasks go back to the FRONT of the queue, or fail past the
   * retry limit. Only the oldest batch is charged an attempt: a solver works through its
   * batches in order, and a later batch cannot have started before the earlier one
   * reported `done` (that message is sent before the next task starts), so the culprit is
   * in the oldest one. Charged tasks then travel alone (see #feed), which isolates it.
   */
  #returnTasks(p: SolverProcess, batches: Batch[], exit: SolverExit): void {
    if (!this.#tasks) return;
    const back: number[] = [];
    for (const [b, batch] of batches.entries()) {
      for (const i of batch.tasks) {
        if (this.#finished[i] !== 0) continue;
        if (b > 0) {
          back.push(i);
          continue;
        }
        const attempts = (this.#attempts[i] as number) + 1;
        this.#attempts[i] = Math.min(255, attempts);
        if (attempts > this.#s.maxTaskRetries) {
          this.#failTask(i, (this.#tasks as TaskPlan<unknown>).task(i), p, attempts, exit);
        } else {
          back.push(i);
        }
      }
    }
    if (back.length > 0) this.#queue.returnFront(back);
    this.#events.progressChanged();
    this.#checkHalt();
  }

  #failTask(i: number, params: unknown, p: SolverProcess, attempts: number, exit: SolverExit): void {
    const plan = this.#tasks as TaskPlan<unknown>;
    this.#finished[i] = 2;
    this.#failed++;
    p.tasksFailed++;
    const why = p.reason ?? exit.reason;
    this.#emitResult({
      id: this.#taskId(params),
      index: i,
      label: plan.label(i),
      solver: p.slot,
      status: 'error',
      objective: null,
      params: plan.params(i),
      timeMs: 0,
      error: {
        name: 'SolverCrashed',
        message: `the solver process died ${attempts} times while this task was in its hands (last time solver ${p.slot}: ${why}); gave up after ${this.#s.maxTaskRetries} retries`,
      },
    });
  }

  /** True (and the run is ending) when every task has its result. */
  #checkTasksComplete(): boolean {
    const plan = this.#tasks;
    if (!plan || this.#ending !== undefined) return false;
    if (this.#done + this.#failed < plan.count) return false;
    this.#finish('done');
    return true;
  }

  // ---- limits (RunLimits) ----------------------------------------------------------------

  /** Kill solvers over the task time limit or the memory cap (see RunLimits). */
  #watch(): void {
    // Also while draining (graceful terminate): a stuck task would otherwise hold the stop forever.
    const draining = this.state === 'stopping';
    if (!draining && (this.#ending !== undefined || this.state !== 'running')) return;
    const limits = this.#s.limits;
    const timeout = limits?.taskTimeoutMs;
    const memory = limits?.memoryLimitBytes;
    const now = Date.now();
    for (const slot of this.#slots) {
      const p = slot.process;
      if (!p.alive || p.leaving === 'kill' || slot.retired) continue;
      if (timeout !== undefined && this.#tasks && p.state === 'solving' && now - p.since > timeout) {
        const task = p.currentTask;
        // Confirmed at the next check: timers run before pending I/O after a stall of this
        // process (a loaded machine), so the result that ends the task may be waiting unread.
        const mark = `${task}@${p.since}`;
        if (this.#overdue.get(p) !== mark) {
          this.#overdue.set(p, mark);
          continue;
        }
        const secs = Math.round(timeout) / 1000;
        this.#limitKill(p, {
          name: 'TaskTimedOut',
          message: `timed out: still running after ${secs} s (${limits?.taskTimeoutSource ?? 'policy.taskTimeoutSec'}); solver ${p.slot} was killed and replaced`,
          task,
        });
        continue;
      }
      if (memory !== undefined) {
        const rss = (p.pid !== undefined ? readRss(p.pid) : undefined) ?? p.memory;
        if (rss !== undefined && rss > memory) {
          const mb = (n: number) => Math.round(n / (1024 * 1024));
          this.#limitKill(p, {
            name: 'OutOfMemory',
            message: `out of memory: solver ${p.slot} used ${mb(rss)} MiB, over policy.memoryLimitMb (${mb(memory)} MiB); it was killed and replaced`,
            task: this.#tasks && p.state === 'solving' ? p.currentTask : undefined,
          });
        }
      }
    }
  }

  /**
   * Setups are not interruptible from inside (a kind's setup may loop or wait forever), so a
   * timer per process: past setupTimeoutMs the process is killed and its slot retired, not
   * replaced (the same setup would hang again); with no slot left the run fails saying why.
   */
  #armSetupTimer(p: SolverProcess): void {
    this.#clearSetupTimer(p);
    const ms = this.#s.setupTimeoutMs;
    const timer = setTimeout(() => {
      this.#setupTimers.delete(p);
      const slot = this.#slots[p.slot] as Slot;
      if (!p.alive || p.setUp || slot.process !== p || slot.retired) return;
      const message = `setup did not finish within ${Math.round(ms) / 1000} s (job kind "${this.#s.kindName}"); solver ${p.slot} was killed`;
      this.#retire(p, message);
      this.#push({ type: 'error', error: { name: 'SetupTimedOut', message }, solver: p.slot });
      p.kill();
      this.#afterRetire();
    }, ms);
    timer.unref();
    this.#setupTimers.set(p, timer);
  }

  #clearSetupTimer(p: SolverProcess): void {
    const timer = this.#setupTimers.get(p);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#setupTimers.delete(p);
  }

  #limitKill(p: SolverProcess, kill: LimitKill): void {
    this.#overdue.delete(p);
    this.#limitKills.set(p, kill);
    p.kill();
  }

  /**
   * A solver killed by a limit is gone: its task is recorded as an error, the rest of what it
   * held goes back to the front of the queue (not charged: they did nothing wrong), and the
   * slot gets a new process.
   */
  #afterLimitKill(slot: Slot, p: SolverProcess, kill: LimitKill, batches: Batch[]): void {
    const blamed = this.#blame(p, kill, batches);
    const message =
      blamed || !this.#tasks ? kill.message : `${kill.message}; its tasks run again one by one to find the culprit`;
    this.#push({ type: 'error', error: { name: kill.name, message }, solver: p.slot });
    this.#events.progressChanged();
    if (this.#checkHalt()) return;
    this.#replace(slot);
    this.#feedAll();
    this.#checkTasksComplete();
  }

  /**
   * Records the task a limit kill was for as an error, when it surely is the culprit, and
   * returns the rest of what the process held to the queue (a no-op once the run is ending).
   */
  #blame(p: SolverProcess, kill: LimitKill, batches: Batch[]): boolean {
    const plan = this.#tasks;
    let blamed = false;
    if (plan) {
      // The farm's "current task" is the first one without a result; but a solver sends the
      // results of short tasks in bunches (~16 ms), so it may already be past it, stuck in a
      // later task of the same batch whose predecessors' results died with it. Only when the
      // current task is the last unfinished one of its batch is it surely the culprit (a
      // batch's end is always reported). Otherwise the batch's unfinished tasks run again one
      // by one, so the culprit hits the limit alone and is recorded then.
      const held = batches.find((b) => b.tasks.includes(kill.task as number));
      const unfinished = held ? held.tasks.filter((i) => this.#finished[i] === 0) : [];
      const sure = unfinished.length === 1 && unfinished[0] === kill.task;
      const back: number[] = [];
      for (const batch of batches) {
        for (const i of batch.tasks) {
          if (this.#finished[i] !== 0) continue;
          if (i !== kill.task || !sure) {
            if (batch === held && this.#alone.length > 0) this.#alone[i] = 1;
            back.push(i);
            continue;
          }
          blamed = true;
          this.#finished[i] = 2;
          this.#failed++;
          p.tasksFailed++;
          this.#emitResult({
            id: this.#taskId(plan.task(i)),
            index: i,
            label: plan.label(i),
            solver: p.slot,
            status: 'error',
            objective: null,
            params: plan.params(i),
            timeMs: 0,
            error: { name: kill.name, message: kill.message },
          });
        }
      }
      if (back.length > 0 && this.#ending === undefined) this.#queue.returnFront(back);
    }
    return blamed;
  }

  /** Whether the halt rule ended the run (it fails with the rule's reason). */
  #checkHalt(): boolean {
    const halt = this.#s.limits?.halt;
    if (!halt || !this.#tasks || this.#ending !== undefined) return false;
    const reason = halt({ done: this.#done, failed: this.#failed, total: this.#tasks.count });
    if (reason === null) return false;
    this.#fail(reason);
    return true;
  }

  // ---- barrier steps ------------------------------------------------------------------

  #beginStep(k: number): void {
    this.#k = k;
    this.#outputs.clear();
    this.#remoteStep.clear();
    this.#stepStartedAt = performance.now();
    for (const slot of this.#slots) {
      const p = slot.process;
      if (p.alive && p.setUp && !slot.retired) p.sendStep(k, this.#input);
    }
    this.#sendRemoteStep();
    this.#events.progressChanged();
  }

  #onStepDone(p: SolverProcess, k: number, output: unknown): void {
    if (k !== this.#k || this.#outputs.has(p.slot)) return;
    (this.#slots[p.slot] as Slot).crashStreak = 0;
    this.#outputs.set(p.slot, output);
    p.atBarrier();
    this.#checkBarrier();
  }

  /** When every live slot delivered step k: reduce, report, and go on (or end). */
  #checkBarrier(): void {
    const plan = this.#steps;
    if (!plan || this.#k === 0 || this.state === 'forcing' || FINAL.has(this.state)) return;
    // Remote slots still live, asked first: asking may notice a lost worker (which re-enters
    // here through remoteSolver and may itself complete the barrier).
    const liveRemote = this.#remote && this.#remoteStep.size > 0 ? new Set(this.#remote.stepSlots()) : undefined;
    if (this.#k === 0 || this.#outputs.size === 0) return;
    // Every slot still in the game must have delivered step k (a crashed one is being
    // replaced and re-runs step k; a retired one is out; a remote one that was lost or left
    // is not waited for).
    let expected = 0;
    for (const slot of this.#slots) {
      if (slot.retired) continue;
      expected++;
      if (!this.#outputs.has(slot.process.slot)) return;
    }
    if (liveRemote) {
      for (const slot of this.#remoteStep) if (liveRemote.has(slot) && !this.#outputs.has(slot)) return;
    }
    if (expected === 0) return;
    const kind = this.#s.kind;
    if (!kind.reduce) {
      this.#fail(`job kind "${kind.kind}" has barrier steps but no reduce()`);
      return;
    }
    const outputs = [...this.#outputs.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([solver, output]) => ({ solver, output }));
    let reduced: ReturnType<NonNullable<AnyProblemKind['reduce']>>;
    try {
      reduced = kind.reduce(this.#k, outputs, this.#s.spec);
    } catch (err) {
      this.#fail(`reduce after step ${this.#k} failed: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.#input = reduced.input;
    this.#best = reduced.summary.best;
    this.#stepsDone = this.#k;
    this.#stepMsTotal += performance.now() - this.#stepStartedAt;
    const summary: StepSummary = { ...reduced.summary, steps: plan.steps };
    this.#observe(() => this.#observer?.step(summary, reduced.input));
    this.#push({ type: 'step', summary });
    this.#events.progressChanged();
    if (this.state === 'stopping') return;
    if (this.#k >= plan.steps) {
      for (const slot of this.#slots) if (slot.process.alive) slot.process.markIdle();
      this.#finish('done');
      return;
    }
    this.#beginStep(this.#k + 1);
  }

  // ---- processes --------------------------------------------------------------------

  /** Live solvers other than `except` that hold no batch (including ones still starting). */
  /**
   * True once task dispatch may begin: every live solver is set up, or START_GATE_MS passed
   * since the run started (a slow starter must not hold the others). Opening feeds everyone.
   */
  #startGate(): boolean {
    if (this.#gateOpen) return true;
    let waiting = false;
    for (const slot of this.#slots) {
      if (!slot.retired && slot.process.alive && !slot.process.setUp) waiting = true;
    }
    const left = START_GATE_MS - (performance.now() - this.#startedAt);
    if (waiting && left > 0) {
      this.#gateTimer ??= setTimeout(() => {
        this.#gateTimer = undefined;
        this.#gateOpen = true;
        this.#feedAll();
      }, left);
      return false;
    }
    this.#gateOpen = true;
    if (this.#gateTimer !== undefined) clearTimeout(this.#gateTimer);
    this.#gateTimer = undefined;
    this.#feedAll();
    return false;
  }

  #solversWithoutWork(except: SolverProcess): number {
    let n = 0;
    for (const slot of this.#slots) {
      const p = slot.process;
      if (p !== except && !slot.retired && p.alive && p.batches.size === 0) n++;
    }
    return n;
  }

  #liveSolvers(): number {
    let n = 0;
    for (const slot of this.#slots) if (!slot.retired && slot.process.alive) n++;
    return n;
  }

  #replace(slot: Slot): void {
    const old = slot.process;
    const carry: SlotCarry = { restarts: old.restarts + 1, tasksDone: old.tasksDone, tasksFailed: old.tasksFailed };
    slot.process = new SolverProcess(old.slot, this.#s.launcher, this, carry);
    this.#events.solver(slot.process.status());
  }

  /** Leave a slot crashed for good, with the reason shown. */
  #retire(p: SolverProcess, reason: string): void {
    const slot = this.#slots[p.slot] as Slot;
    if (slot.retired) return;
    slot.retired = true;
    slot.retirement = reason;
    p.reason = reason;
    p.state = 'crashed';
    p.since = Date.now();
    this.#events.solver(p.status());
  }

  /** After a slot was retired: fail the run if nobody is left, else let the others carry on. */
  #afterRetire(): void {
    if (this.#ending !== undefined) return;
    const left = this.#slots.filter((s) => !s.retired);
    if (left.length === 0) {
      const why = this.#slots.map((s) => `solver ${s.process.slot}: ${s.retirement ?? s.process.reason ?? 'gone'}`);
      this.#fail(`no solver process is left: ${why.join('; ')}`);
      return;
    }
    if (this.#steps) this.#checkBarrier();
    else this.#feedAll();
  }

  async #force(): Promise<void> {
    this.terminateStage = 'force';
    if (this.state !== 'forcing') {
      this.#setState('forcing');
      this.#queue.clear();
      // A run that already finished its work and is only shutting down stays `done`.
      this.#ending ??= 'stopped';
    }
    void this.#remote?.close();
    for (const slot of this.#slots) slot.process.kill();
    this.#maybeEnd();
    await Promise.race([this.ended, new Promise((resolve) => setTimeout(resolve, this.#s.killWaitMs).unref())]);
    // Exits not reported in time: declare the run over anyway; late exits change nothing.
    if (this.active) this.#end();
  }

  /** The run is over (done or failed): shut every process down, kill stragglers after a grace period. */
  #finish(final: 'done' | 'failed'): void {
    if (this.#ending !== undefined) return;
    this.#ending = final;
    void this.#remote?.close(); // workers leave the run, its queues go
    this.#queue.clear();
    for (const slot of this.#slots) slot.process.shutdown();
    this.#endTimer = setTimeout(() => {
      for (const slot of this.#slots) slot.process.kill();
      this.#endTimer = setTimeout(() => this.#end(), this.#s.killWaitMs);
    }, this.#s.shutdownGraceMs);
    this.#maybeEnd();
  }

  #fail(reason: string): void {
    this.reason = reason;
    this.#push({ type: 'error', error: { name: 'RunFailed', message: reason } });
    this.#finish('failed');
  }

  /** End once every process is gone. */
  #maybeEnd(): void {
    if (this.#ending === undefined || !this.active) return;
    for (const slot of this.#slots) if (slot.process.alive) return;
    this.#end();
  }

  #end(): void {
    if (!this.active) return;
    void this.#remote?.close();
    if (this.#endTimer !== undefined) clearTimeout(this.#endTimer);
    if (this.#gateTimer !== undefined) clearTimeout(this.#gateTimer);
    if (this.#heartbeat !== undefined) clearInterval(this.#heartbeat);
    if (this.#watchdog !== undefined) clearInterval(this.#watchdog);
    for (const timer of this.#setupTimers.values()) clearTimeout(timer);
    this.#setupTimers.clear();
    const final = (this.#ending ?? 'stopped') as RunEnd['status'];
    const end: RunEnd = { status: final };
    if (this.reason !== undefined) end.reason = this.reason;
    if (this.#steps) end.stepsDone = this.#stepsDone;
    if (this.#best !== undefined) end.best = this.#best;
    this.#observe(() => this.#observer?.finish(end));
    this.state = final; // before the last progress, so it says the run is over (no ETA)
    this.#finalProgress = this.progress();
    this.#emitRun();
    this.#events.progressChanged();
    this.#resolveEnded(final);
  }

  /**
   * A race (TaskPlan.race) is over at its first answer: the run is done, the winner named in
   * its reason, and every solver killed at once (the others are inside a synchronous solve,
   * which cannot be asked to stop). The entrants that lost get no result.
   */
  #winRace(winner: TaskResult): void {
    this.reason = `race won by ${winner.label} on solver ${winner.solver}; the other entrants were stopped`;
    this.#emitLog(winner.solver, [`race: ${winner.label} won`]);
    this.#ending = 'done';
    this.#queue.clear();
    for (const slot of this.#slots) slot.process.kill();
    // Their exits end the run (#maybeEnd); should one not be reported, end it anyway.
    this.#endTimer = setTimeout(() => this.#end(), this.#s.killWaitMs);
    this.#maybeEnd();
  }

  #emitResult(result: TaskResult): void {
    this.#remote?.markDone(result.index);
    if (this.#observer) this.#observe(() => this.#observer?.result(result));
    this.#events.result(result);
    // A race ends at its first answer (TaskPlan.race).
    if (this.#tasks?.race === true && this.#ending === undefined) {
      if (result.status !== 'error' && result.status !== 'time-limit') this.#winRace(result);
    }
  }

  #emitLog(solver: number, lines: string[]): void {
    if (lines.length === 0) return;
    if (this.#observer) this.#observe(() => this.#observer?.log(solver, lines));
    this.#events.log(solver, lines);
  }

  /** Run an observer call; its failure is reported, never allowed to break the run. */
  #observe(call: () => unknown): void {
    try {
      call();
    } catch (err) {
      // News that is not a failure to record (a solver's log file stopped): passed on as it is.
      if (err instanceof Error && err.name === 'RecorderWarning') {
        this.#push({ type: 'error', error: { name: 'RecorderWarning', message: err.message } });
        return;
      }
      // Once per run: a broken disk would otherwise flood the event stream.
      if (this.#observerFailed) return;
      this.#observerFailed = true;
      const message = err instanceof Error ? err.message : String(err);
      this.#push({ type: 'error', error: { name: 'RecorderError', message: `recording the run failed: ${message}` } });
    }
  }

  #setState(state: RunState): void {
    this.state = state;
    this.#emitRun();
  }

  #emitRun(): void {
    const event: FarmEvent = { type: 'run', state: this.state, run: this.info };
    if (this.reason !== undefined) event.reason = this.reason;
    this.#push(event);
  }

  #push(event: FarmEvent): void {
    this.#events.push(event);
  }
}
