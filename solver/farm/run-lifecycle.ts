/**
 * Where a run is in its life: ONE state value and its transitions, the `run` events that say
 * so, and the promise of the end. It knows nothing of processes; the Run acts on what each
 * transition returns (stop dispatch, shut solvers down, kill them).
 *
 * ```
 * starting ──setUp──▶ running
 *    │                  │   complete / fail (work over)  ─┐
 *    ├──────────────────┼── stop (graceful terminate)    ─┼─▶ ending ──end──▶ over
 *    └──────────────────┴── force                        ─┘      │ stop / force (terminate stage goes up)
 * ```
 * `ending` carries what the run will be (`outcome`) and how far a terminate went; the state a
 * shell sees (RunState) and the terminate stage are derived from it, never kept beside it.
 */
import type { FarmEvent, RunInfo, RunState } from '../api.ts';
import type { RunEnd } from './run-types.ts';

/** How far a terminate went: nothing asked, graceful (running tasks finish), or force (kill). */
export type TerminateStage = 'none' | 'graceful' | 'force';

/** What a run ends as. */
export type RunOutcome = RunEnd['status'];

/** The one state of a run's life. */
export type RunLife =
  | { readonly phase: 'starting' }
  | { readonly phase: 'running' }
  | {
      /** No more work goes out; the run ends once its processes are gone. */
      readonly phase: 'ending';
      readonly outcome: RunOutcome;
      readonly terminate: TerminateStage;
      /** Shown while the end is not a terminate's (work done, or a failure). */
      readonly from: 'starting' | 'running';
    }
  | { readonly phase: 'over'; readonly outcome: RunOutcome; readonly terminate: TerminateStage };

/** One run's state machine (see the file comment). */
export class RunLifecycle {
  readonly info: RunInfo;
  /** Resolves with the final state once the run is over. */
  readonly ended: Promise<RunOutcome>;
  #life: RunLife = { phase: 'starting' };
  #reason: string | undefined;
  readonly #push: (event: FarmEvent) => void;
  #resolveEnded!: (outcome: RunOutcome) => void;

  constructor(info: RunInfo, push: (event: FarmEvent) => void) {
    this.info = info;
    this.#push = push;
    this.ended = new Promise((resolve) => {
      this.#resolveEnded = resolve;
    });
  }

  get life(): RunLife {
    return this.#life;
  }

  /** The state shells see. */
  get state(): RunState {
    const life = this.#life;
    if (life.phase === 'starting' || life.phase === 'running') return life.phase;
    if (life.phase === 'over') return life.outcome;
    if (life.terminate === 'force') return 'forcing';
    return life.outcome === 'stopped' ? 'stopping' : life.from;
  }

  get terminateStage(): TerminateStage {
    const life = this.#life;
    return life.phase === 'ending' || life.phase === 'over' ? life.terminate : 'none';
  }

  /** Why the run failed or how it ended (a race's winner), in plain words. */
  get reason(): string | undefined {
    return this.#reason;
  }

  /** Not over yet. */
  get active(): boolean {
    return this.#life.phase !== 'over';
  }

  /** Still doing its work (starting or running): how it ends is not decided yet. */
  get open(): boolean {
    const phase = this.#life.phase;
    return phase === 'starting' || phase === 'running';
  }

  /** Work goes out: set up and not ending. */
  get working(): boolean {
    return this.#life.phase === 'running';
  }

  /** No more work goes out; the run ends once its processes are gone. */
  get ending(): boolean {
    return this.#life.phase === 'ending';
  }

  /** What the run ends (or ended) as; undefined while it still works. */
  get outcome(): RunOutcome | undefined {
    const life = this.#life;
    return life.phase === 'ending' || life.phase === 'over' ? life.outcome : undefined;
  }

  /** Says where the run is (its first event). */
  announce(): void {
    this.#emit();
  }

  /** The first solver finished setup. */
  setUp(): void {
    if (this.#life.phase === 'starting') this.#go({ phase: 'running' });
  }

  /** Every task has its result, the last step was reduced, or a race was won; false when already ending. */
  complete(reason?: string): boolean {
    if (!this.#wind('done')) return false;
    if (reason !== undefined) this.#reason = reason;
    return true;
  }

  /** A failure ends the run (the reason is kept even when it was already ending); false when already ending. */
  fail(reason: string): boolean {
    this.#reason = reason;
    return this.#wind('failed');
  }

  /**
   * Graceful terminate: true when the run now stops (running tasks finish, nothing more goes
   * out). When it was already ending, only the stage is noted (a second terminate forces).
   */
  stop(): boolean {
    const life = this.#life;
    if (life.phase === 'ending' && life.terminate === 'none') {
      this.#go({ ...life, terminate: 'graceful' });
      return false;
    }
    if (life.phase !== 'starting' && life.phase !== 'running') return false;
    this.#go({ phase: 'ending', outcome: 'stopped', terminate: 'graceful', from: life.phase });
    return true;
  }

  /** Force terminate: true the first time (the run stops dispatch); a run that finished its work still ends done. */
  force(): boolean {
    const life = this.#life;
    if (life.phase === 'over' || (life.phase === 'ending' && life.terminate === 'force')) return false;
    if (life.phase === 'ending') this.#go({ ...life, terminate: 'force' });
    else this.#go({ phase: 'ending', outcome: 'stopped', terminate: 'force', from: life.phase });
    return true;
  }

  /** The processes are gone (or were given up on): the run is over. */
  end(): RunOutcome {
    const life = this.#life;
    if (life.phase === 'over') return life.outcome;
    const outcome = life.phase === 'ending' ? life.outcome : 'stopped';
    this.#go({ phase: 'over', outcome, terminate: this.terminateStage });
    this.#resolveEnded(outcome);
    return outcome;
  }

  /** From starting or running to ending with `outcome`. */
  #wind(outcome: 'done' | 'failed'): boolean {
    const life = this.#life;
    if (life.phase !== 'starting' && life.phase !== 'running') return false;
    this.#go({ phase: 'ending', outcome, terminate: 'none', from: life.phase });
    return true;
  }

  /** The one place the state changes; a change shells can see is said as a `run` event. */
  #go(next: RunLife): void {
    const before = this.state;
    this.#life = next;
    if (this.state !== before) this.#emit();
  }

  #emit(): void {
    const event: FarmEvent = { type: 'run', state: this.state, run: this.info };
    if (this.#reason !== undefined) event.reason = this.#reason;
    this.#push(event);
  }
}
