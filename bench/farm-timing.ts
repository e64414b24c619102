/**
 * Runs one job on a farm and measures it from the outside, through FarmApi events only:
 * - `wallMs`: start() called → run finished (process start, setup and all solves);
 * - `workMs`: the first solver finished its setup → run finished. This leaves out process
 *   start and model setup (paid once per run) but charges the farm for any solver that
 *   got ready later than the first, so it does not flatter the farm.
 */
import type { FarmApi, FarmEvent, RunState } from '../solver/api.ts';

/** What one timed run produced. */
export interface FarmTiming {
  wallMs: number;
  workMs: number;
  results: number;
  failed: number;
  state: RunState;
  /** Sum of the solvers' own solve times (TaskResult.timeMs): busy time, per solver slot. */
  solveMsBySolver: number[];
}

const FINAL = new Set<RunState>(['done', 'stopped', 'failed']);
const WORKING = new Set(['idle', 'solving', 'stepping', 'barrier']);

/** Start `job` on `farm` and resolve when the run ends. */
export async function timeFarmRun(farm: FarmApi, job: unknown, source: string, cores: number): Promise<FarmTiming> {
  let results = 0;
  let failed = 0;
  const solveMsBySolver: number[] = [];
  let readyAt: number | null = null;
  const seenSetup = new Set<number>();
  let finish: (state: RunState) => void = () => {};
  const finished = new Promise<RunState>((r) => {
    finish = r;
  });
  let runEndAt = 0;
  const unsubscribe = farm.subscribe((events: FarmEvent[]) => {
    const now = performance.now();
    for (const ev of events) {
      if (ev.type === 'results') {
        results += ev.results.length;
        for (const r of ev.results) {
          if (r.status === 'error') failed++;
          solveMsBySolver[r.solver] = (solveMsBySolver[r.solver] ?? 0) + r.timeMs;
        }
      } else if (ev.type === 'solver') {
        if (ev.solver.state === 'setup') seenSetup.add(ev.solver.id);
        else if (readyAt === null && seenSetup.has(ev.solver.id) && WORKING.has(ev.solver.state)) readyAt = now;
      } else if (ev.type === 'run' && FINAL.has(ev.state)) {
        runEndAt = now;
        finish(ev.state);
      }
    }
  });
  const t0 = performance.now();
  try {
    await farm.start({ job, source, cores });
    const state = await finished;
    return { wallMs: runEndAt - t0, workMs: runEndAt - (readyAt ?? t0), results, failed, state, solveMsBySolver };
  } finally {
    unsubscribe();
  }
}
