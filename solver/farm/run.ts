/**
 * One run of a job on a pool of solver processes. The Farm owns at most one active Run; the
 * Run talks to the shells only through its news (run-news.ts → EventBatcher).
 *
 * The Run coordinates; each collaborator owns one thing:
 * - RunLifecycle (run-lifecycle.ts): the run's one state, its transitions and `run` events;
 * - RunEnding (run-ending.ts): what each way of ending means for the processes;
 * - SolverSlots (solver-slots.ts): the processes, one per slot, and what a slot remembers;
 * - SolverSupervisor (solver-supervisor.ts): what each process says, and what its death means;
 * - TaskScheduler (task-scheduler.ts): independent tasks — batches, results, retries, races;
 * - StepBarrier (step-barrier.ts): barrier steps and `reduce`;
 * - LimitsWatch (limits-watch.ts): task time, memory, halt rule, engine watchdog, setup timeout;
 * - ResultFactory (result-factory.ts): the one place a TaskResult is made;
 * - RunNews (run-news.ts): the observer (run journal) and the events;
 * - RemoteShare (remote-share.ts): what remote workers say, routed to its owner;
 * - Disposables (disposables.ts): every timer of the run, released at its end.
 * What the Run itself does: build them, start the pool, and answer the Farm (state, status,
 * progress, terminate).
 */
import type { FarmStatus, Progress, RunInfo, RunState, SolverStatus } from '../api.ts';
import type { AnyProblemKind, StepPlan, TaskPlan } from '../problems/types.ts';
import { Disposables } from './disposables.ts';
import type { EventBatcher } from './event-batcher.ts';
import type { SolverLauncher } from './launcher.ts';
import { LimitsWatch } from './limits-watch.ts';
import type { ProgressMoment } from './progress.ts';
import type { RemoteLink } from './remote-port.ts';
import { RemoteShare } from './remote-share.ts';
import { ResultFactory } from './result-factory.ts';
import { RunEnding } from './run-ending.ts';
import { RunLifecycle } from './run-lifecycle.ts';
import { RunNews } from './run-news.ts';
import type { FinishedCounts, ResumeSteps, RunLimits, RunObserver } from './run-types.ts';
import { SolverSlots } from './solver-slots.ts';
import { SolverSupervisor } from './solver-supervisor.ts';
import { StepBarrier } from './step-barrier.ts';
import { taskIdHasher } from './task-id.ts';
import { TaskScheduler } from './task-scheduler.ts';

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
  /** With `finished`: its counts; the run then owns the array (StartOptions.finishedCounts). */
  finishedCounts?: FinishedCounts;
  /** Resume of a step job: steps done in an earlier run, the input of the next one, the best so far. */
  resumeSteps?: ResumeSteps;
  /** Sees every result, log line and step as it happens, and the end of the run. */
  observer?: RunObserver;
  /**
   * The job's failure policy, as limits the run enforces (see RunLimits); the engine watchdog
   * (limits-watch.ts withEngineWatchdog) is added here.
   */
  limits?: RunLimits;
  /** Remote workers (remote-port.ts): they share the task queue (not in a race) or join the barrier. */
  remote?: RemoteLink;
}

/** Progress is refreshed at least this often while a run is live (elapsed time, ETA). */
const PROGRESS_REFRESH_MS = 250;

/** One run: its collaborators, built and started; what the Farm asks of it. */
export class Run {
  readonly info: RunInfo;
  readonly ended: Promise<RunState>;
  readonly #s: RunSetup;
  readonly #life: RunLifecycle;
  readonly #ending: RunEnding;
  readonly #news: RunNews;
  readonly #timers = new Disposables();
  readonly #slots: SolverSlots;
  readonly #limits: LimitsWatch;
  readonly #tasks: TaskScheduler | undefined;
  readonly #steps: StepBarrier | undefined;
  readonly #supervisor: SolverSupervisor;
  readonly #remote: RemoteLink | undefined;
  readonly #startedAt = performance.now();
  #finalProgress: Progress | null = null;

  constructor(setup: RunSetup) {
    this.#s = setup;
    this.info = setup.info;
    // A run that can no longer be recorded stops (RunEnding.recordingFailed), set below.
    const news = new RunNews(setup.events, setup.observer, (reason) => this.#ending.recordingFailed(reason));
    const life = new RunLifecycle(setup.info, (event) => news.push(event));
    const slots = new SolverSlots(setup.launcher);
    const timers = this.#timers;
    this.#news = news;
    this.#life = life;
    this.#slots = slots;
    this.ended = life.ended;
    this.#limits = new LimitsWatch({
      limits: setup.limits,
      plan: setup.plan,
      kindName: setup.kindName,
      setupTimeoutMs: setup.setupTimeoutMs,
      slots,
      life,
      timers,
      setupTimedOut: (p, message) => this.#supervisor.retire(p, message, { name: 'SetupTimedOut', message }),
    });
    const plan = setup.plan;
    // Races stay local: every entrant is watched and killed here.
    const remote = plan.type === 'tasks' && plan.race === true ? undefined : setup.remote;
    this.#remote = remote;
    const ending = new RunEnding({
      life,
      slots,
      news,
      timers,
      remote,
      shutdownGraceMs: setup.shutdownGraceMs,
      killWaitMs: setup.killWaitMs,
      stopDispatch: () => this.#tasks?.clear(),
      describe: (end) => {
        if (!this.#steps) return;
        end.stepsDone = this.#steps.stepsDone;
        if (this.#steps.best !== undefined) end.best = this.#steps.best;
      },
      over: () => {
        // After the state is final, so the last progress says the run is over (no ETA).
        this.#finalProgress = this.progress();
        news.progressChanged();
      },
    });
    this.#ending = ending;
    this.#tasks =
      plan.type === 'tasks'
        ? new TaskScheduler({
            plan,
            finished: setup.finished,
            finishedCounts: setup.finishedCounts,
            limited: setup.limits !== undefined,
            maxTaskRetries: setup.maxTaskRetries,
            startedAt: this.#startedAt,
            results: new ResultFactory(plan, taskIdHasher(setup.kindName, setup.spec)),
            slots,
            life,
            news,
            limits: this.#limits,
            control: ending,
            timers,
            remote,
          })
        : undefined;
    this.#steps =
      plan.type === 'steps'
        ? new StepBarrier({
            plan,
            resume: setup.resumeSteps,
            kind: setup.kind,
            spec: setup.spec,
            slots,
            life,
            news,
            control: ending,
            remote,
          })
        : undefined;
    this.#supervisor = new SolverSupervisor({
      kindName: setup.kindName,
      spec: setup.spec,
      maxTaskRetries: setup.maxTaskRetries,
      slots,
      life,
      news,
      limits: this.#limits,
      ending,
      tasks: this.#tasks,
      steps: this.#steps,
    });
    if (remote) {
      remote.attach(
        new RemoteShare(this.#tasks ? { tasks: this.#tasks } : { steps: this.#steps as StepBarrier }, news),
      );
      // Workers leave the run and its queues go, however it ends.
      timers.add(() => void remote.close());
    }
  }

  /** Launch the pool. */
  start(): void {
    this.#life.announce();
    this.#timers.interval(PROGRESS_REFRESH_MS, () => this.#news.progressChanged(), { unref: true });
    this.#limits.start();
    // A resumed run with nothing left ends done without starting a solver.
    if (this.#tasks?.allFinished || this.#steps?.allDone) {
      this.#ending.complete();
      return;
    }
    this.#slots.launch(this.#s.cores, this.#supervisor);
    this.#news.progressChanged();
  }

  get state(): RunState {
    return this.#life.state;
  }

  get terminateStage(): FarmStatus['terminate'] {
    return this.#life.terminateStage;
  }

  get active(): boolean {
    return this.#life.active;
  }

  /** Every slot's status, from the farm's own model. */
  solvers(): SolverStatus[] {
    const local = this.#slots.statuses();
    return this.#remote ? local.concat(this.#remote.solvers()) : local;
  }

  progress(): Progress | null {
    const active = this.#life.active;
    if (!active && this.#finalProgress) return this.#finalProgress;
    const now = performance.now();
    let running = active ? this.#slots.busy() : 0;
    if (active && this.#remote) {
      for (const r of this.#remote.solvers()) if (r.state === 'solving' || r.state === 'stepping') running++;
    }
    const at: ProgressMoment = {
      now,
      elapsedMs: Math.round(now - this.#startedAt),
      running,
      active,
      done: this.#life.state === 'done',
    };
    return this.#tasks ? this.#tasks.progress(at) : (this.#steps as StepBarrier).progress(at);
  }

  /** First call: graceful; second call or `force`: kill (see RunEnding.terminate). */
  terminate(force: boolean): Promise<'graceful' | 'force' | 'none'> {
    return this.#ending.terminate(force);
  }
}
