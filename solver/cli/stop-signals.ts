/**
 * How the long-running commands (`run`, `resume`, `serve`, `worker`) stop on signals (DESIGN
 * 'Trust boundaries': SIGTERM drains with a bounded grace, then kills). Stopping climbs a
 * ladder, one rung per signal: drain (no new work, running tasks finish) → force (kill the
 * solvers) → exit at once.
 *
 * SIGTERM is what `timeout`, systemd and container runtimes send, and each of them follows it
 * with SIGKILL after a while, so a SIGTERM drain must not wait for a task that may never end
 * (a hard MIP): after the grace (`--grace S`, default 10 s; 0 = at once) it forces. A first
 * Ctrl-C keeps its meaning per command: `run` drains without a bound (the user is watching and
 * presses again to kill); `serve` and `worker` have always stopped at once on it.
 */

/** Default grace of a SIGTERM drain, seconds (`--grace`). */
export const DEFAULT_GRACE_S = 10;

export type StopSignal = 'SIGINT' | 'SIGTERM';

/** What the command does on each rung; each is called at most once, in this order. */
export interface StopActions {
  /** Stop taking work, let running tasks finish. `graceMs` is null for an unbounded drain (Ctrl-C). */
  drain(signal: StopSignal, graceMs: number | null): void;
  /**
   * Kill the solvers now: `grace` when the grace ran out, else the signal that asked;
   * `first` when no drain came before (a first Ctrl-C of `serve`, or `--grace 0`).
   */
  force(cause: StopSignal | 'grace', first: boolean): void;
  /** A stop signal after the force: leave at once. */
  exit(): void;
}

export interface StopLadderOptions {
  graceMs: number;
  /** What a first Ctrl-C does: `drain` (unbounded) or `force`. */
  firstInterrupt: 'drain' | 'force';
  actions: StopActions;
  /** Where the signals come from (tests pass an emitter). */
  signals?: NodeJS.EventEmitter;
}

export interface StopLadder {
  /** How far stopping has gone. */
  readonly stage: 'none' | 'drain' | 'force' | 'exit';
  /** Stop listening (the command is over); clears the grace timer. */
  dispose(): void;
}

/** Listen for SIGINT and SIGTERM and climb the ladder on each. */
export function stopLadder(options: StopLadderOptions): StopLadder {
  const { actions, graceMs } = options;
  const signals = options.signals ?? process;
  let stage: StopLadder['stage'] = 'none';
  let timer: NodeJS.Timeout | undefined;
  const force = (cause: StopSignal | 'grace'): void => {
    if (timer !== undefined) clearTimeout(timer);
    const first = stage === 'none';
    stage = 'force';
    actions.force(cause, first);
  };
  const on = (signal: StopSignal): void => {
    const drains = signal === 'SIGTERM' ? graceMs > 0 : options.firstInterrupt === 'drain';
    if (stage === 'none' && drains) {
      stage = 'drain';
      if (signal === 'SIGTERM') {
        timer = setTimeout(() => force('grace'), graceMs);
        // The grace bounds the drain; it must not keep a process that is done anyway.
        timer.unref();
      }
      actions.drain(signal, signal === 'SIGTERM' ? graceMs : null);
    } else if (stage === 'none' || stage === 'drain') {
      force(signal);
    } else {
      stage = 'exit';
      actions.exit();
    }
  };
  const onInt = (): void => on('SIGINT');
  const onTerm = (): void => on('SIGTERM');
  signals.on('SIGINT', onInt);
  signals.on('SIGTERM', onTerm);
  return {
    get stage() {
      return stage;
    },
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      signals.off('SIGINT', onInt);
      signals.off('SIGTERM', onTerm);
    },
  };
}

/** "10 s", "1.5 s": a grace as a line says it. */
export function formatGrace(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}

/** Milliseconds of a `--grace` given in seconds (the default when not given). */
export function graceMs(seconds: number | undefined): number {
  return Math.round((seconds ?? DEFAULT_GRACE_S) * 1000);
}
