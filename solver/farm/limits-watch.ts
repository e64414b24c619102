/**
 * The limits a run enforces on its solvers (RunLimits, a job's `policy` block): task time,
 * resident memory, the halt rule, the engine watchdog, and the setup timeout. A synchronous
 * solve never answers, so limits are watched from the farm's side, on its own model (task
 * start times) and the OS's view of each process (resident memory); a solver over a limit is
 * killed, and the Run hears why when its exit comes (`exited`).
 */
import type { StepPlan, TaskPlan } from '../problems/types.ts';
import type { Cancellable, Disposables } from './disposables.ts';
import { readRss } from './rss.ts';
import type { RunLifecycle } from './run-lifecycle.ts';
import type { RunCounts, RunLimits } from './run-types.ts';
import type { SolverProcess } from './solver-process.ts';
import type { SolverSlots } from './solver-slots.ts';

/** Limits (task time, memory) are checked at least this often. */
const WATCH_MS = 250;
/** Grace past a task's own engine time limit before the farm calls the solve stuck. */
const ENGINE_LIMIT_GRACE_MS = 5000;

/**
 * Without a policy.taskTimeoutSec, a job that gives its engine a time limit still gets a
 * hard one: twice that limit plus 5 s. An engine that honours its limit never gets near it;
 * one stuck where it does not look at the clock (GLPK 5.0's MIP preprocessor can loop
 * forever) is killed and replaced instead of holding its solver for good.
 */
export function withEngineWatchdog(limits: RunLimits, plan: TaskPlan<unknown> | StepPlan<unknown>): RunLimits {
  if (limits.taskTimeoutMs !== undefined || plan.type !== 'tasks' || plan.engineTimeLimitMs === undefined) {
    return limits;
  }
  const limitSec = plan.engineTimeLimitMs / 1000;
  return {
    ...limits,
    taskTimeoutMs: 2 * plan.engineTimeLimitMs + ENGINE_LIMIT_GRACE_MS,
    taskTimeoutSource: `the engine ignored the job's ${limitSec} s time limit; set policy.taskTimeoutSec to choose`,
  };
}

/** Why the run killed a solver on purpose (a limit), and the task that was to blame. */
export interface LimitKill {
  name: 'TaskTimedOut' | 'OutOfMemory';
  message: string;
  task: number | undefined;
}

/** What the watch needs from its run. */
export interface LimitsWatchSetup {
  /** The job's limits, before the engine watchdog is added. */
  limits: RunLimits | undefined;
  plan: TaskPlan<unknown> | StepPlan<unknown>;
  kindName: string;
  setupTimeoutMs: number;
  slots: SolverSlots;
  life: RunLifecycle;
  timers: Disposables;
  /** A setup ran past setupTimeoutMs: the Run retires the slot (the same setup would hang again). */
  setupTimedOut(p: SolverProcess, message: string): void;
}

/** Watches one run's limits; the Run acts on what it finds (see the file comment). */
export class LimitsWatch {
  readonly #s: LimitsWatchSetup;
  readonly #limits: RunLimits | undefined;
  readonly #tasks: boolean;
  readonly #kills = new Map<SolverProcess, LimitKill>();
  readonly #setupTimers = new Map<SolverProcess, Cancellable>();
  /** Per process: the task (and its start) seen over the time limit at the previous check. */
  readonly #overdue = new Map<SolverProcess, string>();

  constructor(setup: LimitsWatchSetup) {
    this.#s = setup;
    this.#limits = setup.limits && withEngineWatchdog(setup.limits, setup.plan);
    this.#tasks = setup.plan.type === 'tasks';
  }

  /** Start watching task time and memory, when the job limits either. */
  start(): void {
    const limits = this.#limits;
    if (limits?.taskTimeoutMs === undefined && limits?.memoryLimitBytes === undefined) return;
    const every = Math.max(10, Math.min(WATCH_MS, (limits.taskTimeoutMs ?? WATCH_MS) / 4));
    this.#s.timers.interval(every, () => this.#watch(), { unref: true });
  }

  /**
   * Setups are not interruptible from inside (a kind's setup may loop or wait forever), so a
   * timer per process: past setupTimeoutMs the Run is told (setupTimedOut).
   */
  setupStarted(p: SolverProcess): void {
    this.setupEnded(p);
    const ms = this.#s.setupTimeoutMs;
    const timer = this.#s.timers.timeout(
      ms,
      () => {
        this.#setupTimers.delete(p);
        const slot = this.#s.slots.of(p);
        if (!p.alive || p.setUp || slot === undefined || slot.retired) return;
        this.#s.setupTimedOut(
          p,
          `setup did not finish within ${Math.round(ms) / 1000} s (job kind "${this.#s.kindName}"); solver ${p.slot} was killed`,
        );
      },
      { unref: true },
    );
    this.#setupTimers.set(p, timer);
  }

  /** The setup of `p` finished, failed, or its process is gone. */
  setupEnded(p: SolverProcess): void {
    this.#setupTimers.get(p)?.cancel();
    this.#setupTimers.delete(p);
  }

  /** `p` is gone: forget it, and say whether a limit killed it (and why). */
  exited(p: SolverProcess): LimitKill | undefined {
    this.setupEnded(p);
    this.#overdue.delete(p);
    const kill = this.#kills.get(p);
    this.#kills.delete(p);
    return kill;
  }

  /** The halt rule's reason to end the run now, or null. */
  haltReason(counts: RunCounts): string | null {
    const halt = this.#limits?.halt;
    return halt ? halt(counts) : null;
  }

  /** Kill solvers over the task time limit or the memory cap (see RunLimits). */
  #watch(): void {
    const life = this.#s.life;
    // Also while draining (graceful terminate): a stuck task would otherwise hold the stop forever.
    if (!life.working && life.state !== 'stopping') return;
    const limits = this.#limits;
    const timeout = limits?.taskTimeoutMs;
    const memory = limits?.memoryLimitBytes;
    const now = Date.now();
    for (const slot of this.#s.slots.all) {
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
        this.#kill(p, {
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
          this.#kill(p, {
            name: 'OutOfMemory',
            message: `out of memory: solver ${p.slot} used ${mb(rss)} MiB, over policy.memoryLimitMb (${mb(memory)} MiB); it was killed and replaced`,
            task: this.#tasks && p.state === 'solving' ? p.currentTask : undefined,
          });
        }
      }
    }
  }

  #kill(p: SolverProcess, kill: LimitKill): void {
    this.#overdue.delete(p);
    this.#kills.set(p, kill);
    p.kill();
  }
}
