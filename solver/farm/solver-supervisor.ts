/**
 * The supervisor of a run's solver processes (DESIGN 'Process model'): the SolverHost every
 * SolverProcess reports to. It routes each process's messages to the collaborator that owns
 * them (setup here, results to the task scheduler, steps to the barrier, logs and errors to
 * the news) and decides what a death means: a process that went because it was asked to,
 * a limit kill (its culprit recorded, the slot replaced), a crash (tasks retried, the slot
 * replaced), or a slot given up on (retired: two deaths before setup, a failed or hung setup,
 * a crash loop); with no slot left the run fails, naming each slot's reason.
 */
import type { SerializedError } from '../api.ts';
import type { FromSolver } from '../protocol.ts';
import type { SolverExit } from './launcher.ts';
import type { LimitKill, LimitsWatch } from './limits-watch.ts';
import type { RunEnding } from './run-ending.ts';
import type { RunLifecycle } from './run-lifecycle.ts';
import type { RunNews } from './run-news.ts';
import type { Batch, SolverHost, SolverProcess } from './solver-process.ts';
import type { SolverSlots } from './solver-slots.ts';
import type { StepBarrier } from './step-barrier.ts';
import type { TaskScheduler } from './task-scheduler.ts';

/** What the supervisor works with. */
export interface SupervisorSetup {
  kindName: string;
  spec: unknown;
  maxTaskRetries: number;
  slots: SolverSlots;
  life: RunLifecycle;
  news: RunNews;
  limits: LimitsWatch;
  ending: RunEnding;
  /** The run's work: its tasks, or its steps. */
  tasks: TaskScheduler | undefined;
  steps: StepBarrier | undefined;
}

/** Hears every solver process of one run (see the file comment). */
export class SolverSupervisor implements SolverHost {
  readonly #s: SupervisorSetup;

  constructor(setup: SupervisorSetup) {
    this.#s = setup;
  }

  isFinished(index: number): boolean {
    return this.#s.tasks?.isFinished(index) ?? true;
  }

  label(index: number): string {
    return this.#s.tasks?.label(index) ?? `task ${index}`;
  }

  changed(process: SolverProcess): void {
    if (this.#s.slots.of(process) === undefined) return;
    this.#s.news.solver(process.status());
    this.#s.news.progressChanged();
  }

  log(process: SolverProcess, lines: string[]): void {
    this.#s.news.log(process.slot, lines);
  }

  message(p: SolverProcess, m: FromSolver): void {
    switch (m.t) {
      case 'ready':
        if (!this.#s.life.open) {
          // Nothing to do for it: let it go (a warm pool keeps it; otherwise it exits).
          p.shutdown();
          return;
        }
        p.setup(this.#s.kindName, this.#s.spec, p.slot + 1);
        this.#s.limits.setupStarted(p);
        return;
      case 'setup-done':
        this.#s.limits.setupEnded(p);
        this.#s.slots.setUp(p);
        this.#s.life.setUp();
        if (!this.#s.life.open) {
          p.shutdown();
          return;
        }
        p.markIdle();
        this.#feed(p);
        return;
      case 'setup-failed':
        this.#s.limits.setupEnded(p);
        this.retire(p, `setup failed: ${m.error.message}`, m.error);
        return;
      case 'rows':
        this.#s.tasks?.rows(p, m);
        return;
      case 'step-done':
        this.#s.steps?.stepDone(p, m.k, m.output);
        return;
      case 'log':
        this.#s.news.log(p.slot, m.lines);
        return;
      case 'error':
        this.#s.news.error(m.error, p.slot);
        this.#s.news.solver(p.status());
        return;
      // `released` ends a warm-pool lease and stops there.
      case 'released':
        return;
    }
  }

  exited(p: SolverProcess, exit: SolverExit, batches: Batch[]): void {
    const kill = this.#s.limits.exited(p);
    const slot = this.#s.slots.of(p);
    if (slot === undefined) return;
    if (kill !== undefined) {
      p.markCrashed(kill.message);
      if (this.#s.life.open && !slot.retired) {
        this.#afterLimitKill(p, kill, batches);
        return;
      }
      // The run is draining: record the culprit if it is known; the rest stays for a resume.
      this.#s.tasks?.limitKilled(p, kill, batches);
    }
    // Killed because it was retired: keep it shown as crashed with its reason.
    if (slot.retired) p.markCrashed(slot.retirement);
    if (p.leaving !== undefined || !this.#s.life.open || slot.retired) {
      this.#s.ending.maybeEnd();
      return;
    }
    // A crash while the run goes on: the slot's restart policy first, then its tasks'.
    const retirement = this.#s.slots.afterCrash(p, exit, this.#s.maxTaskRetries);
    if (retirement !== undefined && !p.setUp) {
      this.retire(p, retirement);
      return;
    }
    this.#s.tasks?.crashed(p, batches, exit);
    if (!this.#s.life.open) {
      // A failure it caused halted the run (RunLimits.halt): no replacement.
      this.#s.ending.maybeEnd();
      return;
    }
    if (retirement !== undefined) {
      this.retire(p, retirement);
      return;
    }
    this.#s.slots.replace(p);
    this.#feedAll();
    this.#s.tasks?.checkComplete();
  }

  /** Work for one set-up solver (a batch or the current step). */
  #feed(p: SolverProcess): void {
    (this.#s.tasks ?? this.#s.steps)?.feed(p);
  }

  #feedAll(): void {
    (this.#s.tasks ?? this.#s.steps)?.feedAll();
  }

  /**
   * A solver killed by a limit is gone: its task is recorded as an error when it surely is
   * the culprit, the rest of what it held goes back to the front of the queue, and the slot
   * gets a new process.
   */
  #afterLimitKill(p: SolverProcess, kill: LimitKill, batches: Batch[]): void {
    const tasks = this.#s.tasks;
    const blamed = tasks ? tasks.limitKilled(p, kill, batches) : false;
    const message =
      blamed || !tasks ? kill.message : `${kill.message}; its tasks run again one by one to find the culprit`;
    this.#s.news.error({ name: kill.name, message }, p.slot);
    this.#s.news.progressChanged();
    if (tasks?.checkHalt()) return;
    this.#s.slots.replace(p);
    this.#feedAll();
    tasks?.checkComplete();
  }

  /**
   * Leave `p`'s slot crashed for good (an `error` event says why, when given), kill what is
   * left of it, and fail the run if no slot is left; else the others carry on.
   */
  retire(p: SolverProcess, reason: string, error?: SerializedError): void {
    this.#s.slots.retire(p, reason);
    if (error !== undefined) this.#s.news.error(error, p.slot);
    p.kill();
    if (!this.#s.life.open) return;
    if (this.#s.slots.left === 0) {
      this.#s.ending.fail(`no solver process is left: ${this.#s.slots.whyGone()}`);
      return;
    }
    if (this.#s.steps) this.#s.steps.check();
    else this.#feedAll();
  }
}
