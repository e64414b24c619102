/**
 * What ending a run means for its processes, for every way a run ends: the work is done, a
 * failure, a race's first answer, a graceful terminate, a forced one. Each asks the lifecycle
 * for its transition first (run-lifecycle.ts, the one state), then acts on the processes:
 * stop dispatch, shut them down or kill them, and end the run once every one is gone (or
 * after a bounded wait for exits that are never reported).
 */
import type { TaskResult } from '../api.ts';
import type { Disposables } from './disposables.ts';
import type { RemoteLink } from './remote-port.ts';
import type { RunControl } from './run-control.ts';
import type { RunLifecycle } from './run-lifecycle.ts';
import type { RunNews } from './run-news.ts';
import type { RunEnd } from './run-types.ts';
import type { SolverSlots } from './solver-slots.ts';

/** What the ending works with. */
export interface RunEndingSetup {
  life: RunLifecycle;
  slots: SolverSlots;
  news: RunNews;
  timers: Disposables;
  remote: RemoteLink | undefined;
  /** After `shutdown` at the end of a run, kill what has not exited by then. */
  shutdownGraceMs: number;
  /** After kill, wait at most this long for exits before declaring the run over. */
  killWaitMs: number;
  /** Stop handing out work (the task queue is dropped). */
  stopDispatch(): void;
  /** What the run's work adds to how it ended (steps done, best). */
  describe(end: RunEnd): void;
  /** The run is over: its last progress is taken now. */
  over(): void;
}

/** Ends one run: each transition of its lifecycle, acted out on its processes. */
export class RunEnding implements RunControl {
  readonly #s: RunEndingSetup;
  /** #end() has begun: the run is being declared over, there is nothing left to stop. */
  #ended = false;

  constructor(setup: RunEndingSetup) {
    this.#s = setup;
  }

  complete(): void {
    if (this.#s.life.complete()) this.#shutDown();
  }

  fail(reason: string): void {
    const failing = this.#s.life.fail(reason);
    this.#s.news.error({ name: 'RunFailed', message: reason });
    if (failing) this.#shutDown();
  }

  /**
   * The run can no longer be recorded (its journal's disk is full, its folder was removed):
   * every result from now on would be lost. So it ends as failed at once, whatever it was
   * doing: no more work goes out and the solvers are killed, since nothing they finish could
   * be kept. RunNews has said why already (a `RecorderError`), hence no `RunFailed` event.
   * Returns whether this stopped the run (false once it is over or being ended).
   */
  recordingFailed(reason: string): boolean {
    const { life, slots, timers } = this.#s;
    if (!life.active || this.#ended) return false;
    const failing = life.fail(reason);
    this.#s.stopDispatch();
    void this.#s.remote?.close();
    slots.killAll();
    timers.timeout(this.#s.killWaitMs, () => this.#end());
    this.maybeEnd();
    return failing;
  }

  /**
   * A race (TaskPlan.race) is over at its first answer: the run is done, the winner named in
   * its reason, and every solver killed at once (the others are inside a synchronous solve,
   * which cannot be asked to stop). The entrants that lost get no result.
   */
  raceWon(winner: TaskResult): void {
    const { life, news, slots, timers } = this.#s;
    if (!life.complete(`race won by ${winner.label} on solver ${winner.solver}; the other entrants were stopped`))
      return;
    news.log(winner.solver, [`race: ${winner.label} won`]);
    this.#s.stopDispatch();
    slots.killAll();
    // Their exits end the run (maybeEnd); should one not be reported, end it anyway.
    timers.timeout(this.#s.killWaitMs, () => this.#end());
    this.maybeEnd();
  }

  /**
   * First call: graceful (no new work; running tasks finish, results kept; solvers exit).
   * Second call or `force`: kill every solver process and wait for them to be gone.
   */
  async terminate(force: boolean): Promise<'graceful' | 'force' | 'none'> {
    const { life, slots } = this.#s;
    if (!life.active) return 'none';
    if (force || life.terminateStage !== 'none') {
      await this.#force();
      return 'force';
    }
    // Already winding down (all work done, or failed): the processes are being shut down.
    if (!life.stop()) return 'graceful';
    this.#s.stopDispatch();
    // Batches no worker has taken yet are dropped; ones being solved remotely are not waited for.
    void this.#s.remote?.purge();
    for (const slot of slots.all) {
      const p = slot.process;
      if (!p.alive) continue;
      // Not set up yet: it holds no work, there is nothing to wait for.
      if (!p.setUp) p.kill();
      else p.shutdown();
    }
    this.maybeEnd();
    return 'graceful';
  }

  /** An ending run ends once every process is gone. */
  maybeEnd(): void {
    if (!this.#s.life.ending || this.#s.slots.anyAlive()) return;
    this.#end();
  }

  /** The work is over (done or failed): shut every process down, kill stragglers after a grace period. */
  #shutDown(): void {
    const { slots, timers } = this.#s;
    void this.#s.remote?.close(); // workers leave the run, its queues go
    this.#s.stopDispatch();
    slots.shutdownAll();
    timers.timeout(this.#s.shutdownGraceMs, () => {
      slots.killAll();
      timers.timeout(this.#s.killWaitMs, () => this.#end());
    });
    this.maybeEnd();
  }

  async #force(): Promise<void> {
    const { life, slots, timers } = this.#s;
    if (life.force()) this.#s.stopDispatch();
    void this.#s.remote?.close();
    slots.killAll();
    this.maybeEnd();
    await Promise.race([life.ended, timers.delay(this.#s.killWaitMs)]);
    // Exits not reported in time: declare the run over anyway; late exits change nothing.
    if (life.active) this.#end();
  }

  #end(): void {
    const { life, news, timers } = this.#s;
    if (!life.active || this.#ended) return;
    this.#ended = true;
    timers.dispose();
    const end: RunEnd = { status: life.outcome ?? 'stopped' };
    if (life.reason !== undefined) end.reason = life.reason;
    this.#s.describe(end);
    news.finish(end);
    life.end();
    this.#s.over();
  }
}
